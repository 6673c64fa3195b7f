use crate::check;
use crate::cli::CheckArgs;
use crate::ensemble;
use crate::error::{exit_code, InputError};
use crate::output::Output;
use crate::report;
use crate::scenario::{self, ranges::Space};

pub fn run(args: CheckArgs, quiet: bool) -> anyhow::Result<i32> {
    let overrides = super::plan::overrides(&args.overrides)?;
    // Every scenario is loaded first; the problems of all of them are reported together.
    let scenarios = scenario::load_all(&args.scenarios, &overrides)?;
    let spaces = match (args.draws, &args.plausible) {
        (None, None) => Vec::new(),
        _ => ranged_spaces(&args.scenarios, &overrides)?,
    };
    // Each ranged scenario's draws: a Latin hypercube, or the plausible set.
    let designs = spaces
        .iter()
        .zip(&scenarios)
        .map(|(space, s)| match space {
            Some(space) => super::plan::design(
                space,
                args.run.seed.unwrap_or(s.seed),
                args.draws,
                args.plausible.as_deref(),
            ),
            None => Ok(None),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
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
    let exporter = args.format.exporter();
    let stdout =
        Output::stdout_document(args.format.stdout_name(), !quiet || exporter.for_programs())?;
    crate::output::check_distinct(&[stdout.as_ref(), junit.as_ref(), xlsx.as_ref()])?;
    // Each scenario's runs and those of the scenarios its like-for-like figures are computed on, so that the
    // progress counts every run it will see; under --draws, the scenario's once more for each draw.
    let runs: Vec<(&scenario::Scenario, u64)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            let reps = u64::from(args.run.reps.unwrap_or(s.replications));
            let draws = designs
                .get(i)
                .and_then(Option::as_ref)
                .map_or(0, |points| points.len() as u64);
            check::runs_of(s, &counterfactuals)
                .enumerate()
                .map(move |(k, run)| (run, if k == 0 { reps * (1 + draws) } else { reps }))
        })
        .collect();
    let threads = super::plan::plan("check", &runs, &args.run)?;
    let results: Vec<check::CheckResult> = super::plan::with_threads(threads, || {
        let mut results = Vec::new();
        for (i, s) in scenarios.iter().enumerate() {
            let seed = args.run.seed.unwrap_or(s.seed);
            let reps = args.run.reps.unwrap_or(s.replications);
            let draws = match (spaces.get(i), designs.get(i)) {
                (Some(Some(space)), Some(Some(points))) => {
                    Some(ensemble::Draws::at(space, points.clone())?)
                }
                _ => None,
            };
            let ensemble = draws.as_ref().map(|d| check::Ensemble {
                scenarios: &d.scenarios,
                reps,
            });
            results.extend(check::check_showing(
                s,
                &counterfactuals,
                seed,
                reps,
                &args.municipalities,
                ensemble.as_ref(),
            )?);
        }
        Ok::<_, anyhow::Error>(results)
    })??;
    if let Some(junit) = &junit {
        junit.write(|out| report::check::junit(out, &results))?;
    }
    if let Some(xlsx) = &xlsx {
        let workbook = report::xlsx::checks(&results)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", xlsx.path().display()))?;
        xlsx.write(|out| out.write_all(&workbook))?;
    }
    if let Some(stdout) = &stdout {
        stdout.write(|out| exporter.check(out, &results))?;
    }
    Ok(if results.iter().any(|r| r.failed()) {
        exit_code::CHECK_FAILED
    } else {
        exit_code::OK
    })
}

/// Under `--draws`: each scenario's space of ranged inputs, `None` for a scenario without ranges (its figures
/// keep the dice-only band, and a note says so). No scenario with a range at all is an error.
fn ranged_spaces(
    paths: &[std::path::PathBuf],
    overrides: &[scenario::Override],
) -> anyhow::Result<Vec<Option<Space>>> {
    let mut spaces = Vec::new();
    for path in paths {
        let space = Space::of(&scenario::Base::read(path)?, overrides)?;
        if space.is_empty() {
            crate::streams::note(&format!(
                "note: {} gives no input as a range; its figures have the dice-only band",
                path.display()
            ));
            spaces.push(None);
        } else {
            spaces.push(Some(space));
        }
    }
    if spaces.iter().all(Option::is_none) {
        return Err(InputError::argument(
            "--draws",
            "none of the scenarios gives an input as a range; write one as { low = 0.4, high = 0.8 } (docs/scenario.md)",
        )
        .into());
    }
    Ok(spaces)
}
