use crate::check;
use crate::cli::CheckArgs;
use crate::error::{exit_code, InputError};
use crate::report::{self, Format};
use crate::scenario;
use std::io::Write;

pub fn run(args: CheckArgs) -> anyhow::Result<i32> {
    // Load every scenario first: one bad file fails the whole check before anything runs.
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for path in &args.scenarios {
        match scenario::load(path) {
            Ok(s) => scenarios.push(s),
            Err(e) => problems.extend(e.problems),
        }
    }
    if !problems.is_empty() {
        return Err(InputError { problems }.into());
    }
    if let Some(reps) = args.reps {
        if reps == 0 || reps > scenario::MAX_REPLICATIONS {
            return Err(InputError::argument(
                "--reps",
                format!(
                    "must be between 1 and {}, got {reps}",
                    scenario::MAX_REPLICATIONS
                ),
            )
            .into());
        }
    }
    if let Some(path) = &args.junit {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            report::prepare_dir(dir)?;
        }
    }
    let results: Vec<check::CheckResult> = super::with_jobs(args.jobs, || {
        scenarios
            .iter()
            .flat_map(|s| {
                check::check(
                    s,
                    args.seed.unwrap_or(s.seed),
                    args.reps.unwrap_or(s.replications),
                )
            })
            .collect()
    })?;
    if let Some(path) = &args.junit {
        report::write_atomically(path, |out| report::check::junit(out, &results))?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Table => report::check::table(&mut out, &results)?,
        Format::Json => report::check::json(&mut out, &results)?,
    }
    out.flush()?;
    Ok(if results.iter().any(|r| r.failed()) {
        exit_code::CHECK_FAILED
    } else {
        exit_code::OK
    })
}
