use crate::cli::ValidateArgs;
use crate::error::InputError;
use crate::format::bytes;
use crate::output::Output;
use crate::report::ranges::ranges;
use crate::scenario::ranges::Space;
use crate::scenario::{self, SizeEstimate};

pub fn run(args: ValidateArgs, quiet: bool) -> anyhow::Result<()> {
    let overrides = super::plan::overrides(&args.overrides)?;
    let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    for path in &args.scenarios {
        let loaded = scenario::Base::read(path).and_then(|base| {
            let space = Space::of(&base, &overrides)?;
            let s = space.build_central()?;
            let estimate = SizeEstimate::of_scenario(&s);
            estimate
                .check_memory(&crate::budget::Budget::max_memory(args.max_memory))
                .map_err(|message| InputError::file(path, message))?;
            Ok((s, estimate, ranges(&space)))
        });
        match loaded {
            Ok((s, estimate, ranged)) => {
                lines.push(format!(
                "{}: ok: \"{}\", {} to {}, {} municipalit{}, {} group{}, {} suspension{}; a run needs about {} of memory",
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
                bytes(estimate.memory),
            ));
                if !ranged.is_empty() {
                    lines.push(format!(
                        "  {} input{} given as {} (central value: range):",
                        ranged.len(),
                        if ranged.len() == 1 { "" } else { "s" },
                        if ranged.len() == 1 {
                            "a range"
                        } else {
                            "ranges"
                        }
                    ));
                    lines.extend(
                        ranged
                            .iter()
                            .map(|r| format!("    {} = {}: {}", r.key, r.central, r.range)),
                    );
                }
            }
            Err(error) => problems.extend(error.problems),
        }
    }
    if !quiet {
        stdout.write(|out| lines.iter().try_for_each(|line| writeln!(out, "{line}")))?;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError { problems }.into())
    }
}
