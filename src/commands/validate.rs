use crate::cli::ValidateArgs;
use crate::error::InputError;
use crate::scenario;

pub fn run(args: ValidateArgs) -> anyhow::Result<()> {
    let overrides = super::overrides(&args.overrides)?;
    let mut problems = Vec::new();
    for path in &args.scenarios {
        match scenario::load_with(path, &overrides) {
            Ok(s) => println!(
                "{}: ok: \"{}\", {} to {}, {} municipalit{}, {} group{}, {} suspension{}",
                path.display(),
                s.label(),
                s.start,
                s.end,
                s.municipalities.len(),
                if s.municipalities.len() == 1 {
                    "y"
                } else {
                    "ies"
                },
                s.groups.len(),
                if s.groups.len() == 1 { "" } else { "s" },
                s.suspensions.len(),
                if s.suspensions.len() == 1 { "" } else { "s" },
            ),
            Err(error) => problems.extend(error.problems),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError { problems }.into())
    }
}
