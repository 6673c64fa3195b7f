use crate::check;
use crate::cli::CheckArgs;
use crate::error::{exit_code, InputError};
use crate::output::Output;
use crate::report;
use crate::scenario;

pub fn run(args: CheckArgs, quiet: bool) -> anyhow::Result<i32> {
    // Every scenario is loaded first; the problems of all of them are reported together.
    let scenarios = scenario::load_all(&args.scenarios, &super::plan::overrides(&args.overrides)?)?;
    // And the scenarios their like-for-like figures are computed on, before any long work.
    let counterfactuals = check::load_counterfactuals(&scenarios)?;
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
    // Scenarios without figures would pass without checking anything: with nothing to check at all, say so
    // and stop; otherwise name those skipped.
    let empty: Vec<&scenario::Scenario> = scenarios
        .iter()
        .filter(|s| s.expectations.is_empty() && s.municipality_expectations.is_empty())
        .collect();
    if empty.len() == scenarios.len() {
        return Err(InputError {
            problems: empty
                .iter()
                .flat_map(|s| {
                    InputError::file(
                        &s.file,
                        "has no [[expect]] table, so there is nothing to check; add the published figures it should reproduce, or run it with `simulate`",
                    )
                    .problems
                })
                .collect(),
        }
        .into());
    }
    for s in empty {
        crate::streams::note(&format!(
            "note: {} has no [[expect]] table; nothing to check there",
            s.file.display()
        ));
    }
    let junit = Output::optional("--junit", args.junit.as_deref(), &[])?;
    let xlsx = Output::optional("--xlsx", args.xlsx.as_deref(), &["xlsx"])?;
    let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
    crate::output::one_on_stdout(&[Some(&stdout), junit.as_ref(), xlsx.as_ref()])?;
    // Each scenario's runs and those of the scenarios its like-for-like figures are computed on, so that the
    // progress counts every run it will see.
    let runs: Vec<(&scenario::Scenario, u64)> = scenarios
        .iter()
        .flat_map(|s| {
            let reps = u64::from(args.run.reps.unwrap_or(s.replications));
            check::runs_of(s, &counterfactuals).map(move |run| (run, reps))
        })
        .collect();
    let threads = super::plan::plan("check", &runs, &args.run)?;
    let results: Vec<check::CheckResult> = super::plan::with_threads(threads, || {
        scenarios
            .iter()
            .map(|s| {
                check::check_showing(
                    s,
                    &counterfactuals,
                    args.run.seed.unwrap_or(s.seed),
                    args.run.reps.unwrap_or(s.replications),
                    &args.municipalities,
                )
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|results| results.into_iter().flatten().collect::<Vec<_>>())
    })??;
    if let Some(junit) = &junit {
        junit.write(|out| report::check::junit(out, &results))?;
    }
    if let Some(xlsx) = &xlsx {
        let workbook = report::xlsx::checks(&results)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", xlsx.path().display()))?;
        xlsx.write(|out| out.write_all(&workbook))?;
    }
    let exporter = args.format.exporter();
    if !quiet || exporter.for_programs() {
        stdout.write(|out| exporter.check(out, &results))?;
    }
    Ok(if results.iter().any(|r| r.failed()) {
        exit_code::CHECK_FAILED
    } else {
        exit_code::OK
    })
}
