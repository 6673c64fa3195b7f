use super::Output;
use crate::cli::ValidateArgs;
use crate::error::InputError;
use crate::scenario;

pub fn run(args: ValidateArgs) -> anyhow::Result<()> {
    let stdout = Output::file("stdout", std::path::Path::new("-"), None)?;
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    for path in &args.scenarios {
        match scenario::load(path) {
            Ok(s) => lines.push(format!(
                "{}: ok: \"{}\", {} to {}, {} municipalit{}, {} group{}, {} suspension{}",
                path.display(),
                s.name,
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
            )),
            Err(error) => problems.extend(error.problems),
        }
    }
    stdout.write(|out| lines.iter().try_for_each(|line| writeln!(out, "{line}")))?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError { problems }.into())
    }
}
