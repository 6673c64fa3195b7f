use crate::check;
use crate::cli::CheckArgs;
use crate::error::{exit_code, InputError};
use crate::report::{self, Format};
use crate::scenario;
use std::io::Write;

pub fn run(args: CheckArgs) -> anyhow::Result<i32> {
    // Every scenario is loaded first; the problems of all of them are reported together.
    let scenarios = scenario::load_all(&args.scenarios, &super::overrides(&args.overrides)?)?;
    for code in &args.municipalities {
        if !scenarios
            .iter()
            .any(|s| s.municipality_index(*code).is_some())
        {
            return Err(InputError::argument(
                "--municipality",
                format!("{code} is not a municipality of any of the scenarios"),
            )
            .into());
        }
    }
    if let Some(path) = &args.junit {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            report::prepare_dir(dir)?;
        }
    }
    let results: Vec<check::CheckResult> = super::with_jobs(args.run.jobs, || {
        scenarios
            .iter()
            .flat_map(|s| {
                check::check_showing(
                    s,
                    args.run.seed.unwrap_or(s.seed),
                    args.run.reps.unwrap_or(s.replications),
                    &args.municipalities,
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
