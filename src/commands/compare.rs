//! `backlog compare`: several scenarios, or one scenario and its what-ifs, run side by side.

use crate::cli::CompareArgs;
use crate::error::InputError;
use crate::output::Output;
use crate::report::compare::{letter, Entry};
use crate::report::plot;
use crate::report::ScenarioInfo;
use crate::run::{self, Outcome};
use crate::scenario::{self, Override, Scenario};

/// What one side of the comparison adds to the `--set` overrides every side has: its what-if changes, and the
/// notes on dated entries they left where they were.
#[derive(Default)]
struct Side {
    what_if: Vec<Override>,
    notes: Vec<String>,
}

pub fn run(args: CompareArgs, quiet: bool) -> anyhow::Result<()> {
    let common = super::plan::overrides(&args.overrides)?;
    // Every scenario is loaded first; the problems of all of them are reported together.
    let (scenarios, sides) = load(&args, &common)?;
    let reps_of = |s: &Scenario| args.run.reps.unwrap_or(s.replications);
    let plot_output = Output::optional(
        "--plot",
        args.plot.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    let exporter = args.format.exporter();
    let stdout =
        Output::stdout_document(args.format.stdout_name(), !quiet || exporter.for_programs())?;
    crate::output::check_distinct(&[stdout.as_ref(), plot_output.as_ref()])?;
    warn_identical(&scenarios, &args);
    let keep_series = args.plot.is_some();
    let views = scenarios
        .iter()
        .map(|s| run::View::of(s, &args.municipalities))
        .collect::<Result<Vec<_>, _>>()?;
    let runs: Vec<(&Scenario, u64)> = scenarios
        .iter()
        .map(|s| (s, u64::from(reps_of(s))))
        .collect();
    let threads = super::plan::plan("compare", &runs, &args.run)?;
    let outcomes: Vec<Outcome> = super::plan::with_threads(threads, || {
        scenarios
            .iter()
            .zip(&views)
            .map(|(s, view)| {
                let seed = args.run.seed.unwrap_or(s.seed);
                run::simulate_showing(s, view.as_ref(), seed, reps_of(s), keep_series)
            })
            .collect::<Result<Vec<_>, _>>()
    })??;
    // Everything below reports the municipalities shown.
    let scenarios: Vec<Scenario> = scenarios
        .into_iter()
        .zip(views)
        .map(|(s, view)| view.map_or(s, |view| view.scenario))
        .collect();
    let entries: Vec<Entry> = scenarios
        .iter()
        .zip(&outcomes)
        .zip(&sides)
        .map(|((s, outcome), side)| {
            let mut info = ScenarioInfo::new(s, outcome.seed, outcome.replications)
                .showing(&args.municipalities);
            if !side.what_if.is_empty() {
                info.set = common.iter().map(Override::text).collect();
                info.what_if = side.what_if.iter().map(Override::text).collect();
                info.what_if_notes = side.notes.clone();
            }
            Entry { info, outcome }
        })
        .collect();
    if let Some(plot_output) = &plot_output {
        let mut lines = plot::overlay_lines(&scenarios, &outcomes);
        // A side's line names its changes, as the table's legend does.
        for line in &mut lines {
            if let Some(entry) = (0..entries.len())
                .find(|&i| letter(i) == line.tag)
                .map(|i| &entries[i])
            {
                line.label = format!(
                    "{}: {}",
                    line.tag,
                    crate::report::compare::side_label(&entry.info)
                );
            }
        }
        plot::overlay_chart(
            plot_output,
            args.lang.text("overlay_title"),
            args.lang.text("overdue_meetings"),
            &lines,
            args.lang,
        )?;
    }
    let Some(stdout) = &stdout else {
        return Ok(());
    };
    stdout.write(|out| {
        exporter.compare(out, &entries)?;
        if let (Some(plot), false) = (&args.plot, exporter.for_programs()) {
            writeln!(out, "wrote {}", plot.display())?;
        }
        Ok(())
    })
}

/// The scenarios of the sides: every file given with the `--set` overrides; or, with `--what-if`, the one file
/// as it is and once with each what-if laid over it.
fn load(args: &CompareArgs, common: &[Override]) -> anyhow::Result<(Vec<Scenario>, Vec<Side>)> {
    if args.what_if.is_empty() {
        if args.scenarios.len() < 2 {
            return Err(InputError::argument(
                "compare",
                "give two scenarios or more, or one scenario with --what-if \"KEY=VALUE\" (docs/recipes.md)",
            )
            .into());
        }
        let scenarios = scenario::load_all(&args.scenarios, common)?;
        let sides = scenarios.iter().map(|_| Side::default()).collect();
        return Ok((scenarios, sides));
    }
    let [path] = args.scenarios.as_slice() else {
        return Err(InputError::argument(
            "--what-if",
            format!(
                "compares one scenario with itself changed, but {} scenarios were given; give one",
                args.scenarios.len()
            ),
        )
        .into());
    };
    let what_ifs = args
        .what_if
        .iter()
        .map(|argument| scenario::what_if::parse(argument))
        .collect::<Result<Vec<_>, _>>()?;
    let base = scenario::Base::read(path)?;
    let mut scenarios = Vec::new();
    let mut sides = vec![Side::default()];
    let mut problems = Vec::new();
    match base.build(common) {
        Ok(scenario) => scenarios.push(scenario),
        Err(error) => problems.extend(error.problems),
    }
    for what_if in what_ifs {
        let all: Vec<Override> = common.iter().chain(&what_if).cloned().collect();
        match base.build(&all).and_then(|scenario| {
            let moved = scenario::what_if::moved_dates(&base, common, &what_if)?;
            Ok((scenario, moved))
        }) {
            Ok((scenario, moved)) => {
                scenarios.push(scenario);
                sides.push(Side {
                    what_if,
                    notes: moved.iter().map(|m| m.note()).collect(),
                });
            }
            Err(error) => problems.extend(error.problems),
        }
    }
    if problems.is_empty() {
        Ok((scenarios, sides))
    } else {
        Err(InputError { problems }.into())
    }
}

/// Warns of sides that run the same inputs with the same seed and replications: their differences are all 0,
/// which says nothing of the change meant (the same file twice with `--set`, which changes both sides, or a
/// what-if that sets a value to what it was).
fn warn_identical(scenarios: &[Scenario], args: &CompareArgs) {
    let run_of = |s: &Scenario| {
        let mut inputs = s.clone();
        inputs.name.clear();
        inputs.description.clear();
        inputs.file.clear();
        inputs.sha256.clear();
        inputs.overrides.clear();
        inputs.expectations.clear();
        inputs.municipality_expectations.clear();
        inputs.seed = args.run.seed.unwrap_or(s.seed);
        inputs.replications = args.run.reps.unwrap_or(s.replications);
        inputs
    };
    let runs: Vec<Scenario> = scenarios.iter().map(run_of).collect();
    for (i, a) in runs.iter().enumerate() {
        for (j, b) in runs.iter().enumerate().skip(i + 1) {
            if a == b {
                crate::streams::note(&format!(
                    "warning: sides {} and {} are identical (the same inputs, seed and replications): every difference between them is 0{}",
                    letter(i),
                    letter(j),
                    if args.what_if.is_empty() && !args.overrides.set.is_empty() {
                        "; --set changes every side alike: to compare a scenario with a change, use --what-if"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
}
