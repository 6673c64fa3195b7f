//! `backlog report`: run every scenario (keeping replication 0's series), evaluate the `[[expect]]` figures of
//! those that have them, and write one self-contained HTML file.
//!
//! With `--draws N`, each scenario with ranged inputs also runs its ensemble (as `simulate --draws`), whose
//! outcome the report shows; of the first scenario it keeps each run's daily backlog for the fan chart (days x
//! runs counts, nothing more of the runs) and runs the one-at-a-time tornado of the backlog peak. The
//! `[[expect]]` figures stay those of the replications at the central values.

use super::sensitivity::{tidy, Evaluator};
use crate::check;
use crate::cli::ReportArgs;
use crate::ensemble;
use crate::error::InputError;
use crate::metric::Metric;
use crate::output::Output;
use crate::report::compare::Entry;
use crate::report::html::{self, Driver, Drivers, Report, ReportScenario, SHOWN_DRIVERS};
use crate::report::lang::Lang;
use crate::report::plot::{backlog_by_day, Fan};
use crate::report::ScenarioInfo;
use crate::run;
use crate::scenario::ranges::Space;
use crate::scenario::{self, Base, Scenario};
use crate::sensitivity::{tornado, Tornado, TORNADO_HIGH, TORNADO_LOW};

pub fn run(args: ReportArgs, quiet: bool) -> anyhow::Result<()> {
    let overrides = super::plan::overrides(&args.overrides)?;
    // Every scenario is loaded first; the problems of all of them are reported together.
    let scenarios: Vec<Scenario> = scenario::load_all(&args.scenarios, &overrides)?
        .iter()
        .map(|s| args.lang.labels(s))
        .collect();
    let ensemble = args.draws.is_some() || args.plausible.is_some();
    // With --draws or --plausible, the ranged inputs of each scenario (none for a scenario without ranges).
    let spaces: Vec<Option<Space>> = match ensemble {
        false => scenarios.iter().map(|_| None).collect(),
        true => args
            .scenarios
            .iter()
            .map(|path| {
                Space::of(&Base::read(path)?, &overrides)
                    .map(|space| (!space.is_empty()).then_some(space))
            })
            .collect::<Result<_, InputError>>()?,
    };
    if ensemble && spaces.iter().all(Option::is_none) {
        return Err(InputError::argument(
            if args.draws.is_some() {
                "--draws"
            } else {
                "--plausible"
            },
            "no scenario given has an input as a range; write one as { low = 0.4, high = 0.8 } (docs/scenario.md)",
        )
        .into());
    }
    let out = Output::file("--out", &args.out, &["html", "htm"])?;
    // With the report on stdout, the "wrote" line is left out.
    let stdout = (!out.is_stdout())
        .then(|| Output::file("stdout", std::path::Path::new("-"), &[]))
        .transpose()?;
    crate::output::check_distinct(&[Some(&out)])?;
    let views = scenarios
        .iter()
        .map(|s| run::View::of(s, &args.municipalities))
        .collect::<Result<Vec<_>, _>>()?;
    // The municipalities to chart are among those shown; their indices are in the series shown.
    let chosen = super::plan::municipality_indices(
        views[0].as_ref().map_or(&scenarios[0], |v| &v.scenario),
        &args.plot_municipality,
    )?;
    let seed_of = |s: &Scenario| args.run.seed.unwrap_or(s.seed);
    let reps_of = |s: &Scenario| args.run.reps.unwrap_or(s.replications);
    // Each ranged scenario's draws: a Latin hypercube, or the plausible set, as `simulate` runs them.
    let designs = spaces
        .iter()
        .zip(&scenarios)
        .map(|(space, s)| match space {
            Some(space) => {
                super::plan::design(space, seed_of(s), args.draws, args.plausible.as_deref())
            }
            None => Ok(None),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // What drives the answer is a tornado over the prior ranges: beside a plausible set's bands it would rank
    // inputs over values the calibration rejected, so it is left out there.
    let with_drivers = args.plausible.is_none();
    // Each scenario's replications, with --draws those of its ensemble, and of the first the tornado's.
    let runs: Vec<(&Scenario, u64)> = scenarios
        .iter()
        .zip(spaces.iter().zip(&designs))
        .enumerate()
        .map(|(i, (s, (space, design)))| {
            let reps = u64::from(reps_of(s));
            let (draws, tornado) = match (space, design) {
                (Some(space), Some(points)) if i == 0 && with_drivers => {
                    (points.len() as u64, 1 + 2 * space.len() as u64)
                }
                (Some(_), Some(points)) => (points.len() as u64, 0),
                _ => (0, 0),
            };
            (s, reps * (1 + draws + tornado))
        })
        .collect();
    let threads = super::plan::plan("report", &runs, &args.run)?;
    let (outcomes, checks, fan, drivers) = super::plan::with_threads(threads, || {
        // The [[expect]] values come from the same replications as the rest of the report, taken over the
        // whole scenario; with --municipality, as `check --municipality` shows them.
        let mut outcomes = Vec::new();
        let mut checks = Vec::new();
        let mut fan = None;
        for (i, ((s, view), (space, design))) in scenarios
            .iter()
            .zip(&views)
            .zip(spaces.iter().zip(&designs))
            .enumerate()
        {
            let (seed, reps) = (seed_of(s), reps_of(s));
            // The fan is the first scenario's, over the municipalities shown.
            let keep_fan = i == 0 && space.is_some() && design.is_some();
            let (outcome, values) =
                run::simulate_showing_and(s, view.as_ref(), seed, reps, true, |series| {
                    let backlog = keep_fan.then(|| match view {
                        Some(view) => {
                            backlog_by_day(&run::select_municipalities(series, &view.indices))
                        }
                        None => backlog_by_day(series),
                    });
                    (check::replication_values(s, series), backlog)
                })?;
            let (values, central): (Vec<_>, Vec<_>) = values.into_iter().unzip();
            checks.extend(check::results(s, &values, &args.municipalities));
            let outcome = match (space, design) {
                (Some(space), Some(points)) => {
                    let draws = ensemble::Draws::at(space, points.clone())?;
                    let codes = &args.municipalities;
                    let (ensemble, backlogs) =
                        ensemble::run_and(&draws, codes, seed, reps, outcome, |series, _| {
                            if keep_fan {
                                backlog_by_day(series)
                            } else {
                                Vec::new()
                            }
                        })??;
                    if keep_fan {
                        let central: Vec<Vec<u32>> = central.into_iter().flatten().collect();
                        fan = Some(Fan::new(&backlogs, &central));
                    }
                    ensemble.outcome
                }
                _ => outcome,
            };
            outcomes.push(outcome);
        }
        let drivers = match (&spaces[0], &designs[0]) {
            (Some(space), Some(_)) if with_drivers => Some(drivers(
                space,
                &scenarios[0],
                &args.municipalities,
                (seed_of(&scenarios[0]), reps_of(&scenarios[0])),
                args.lang,
            )?),
            _ => None,
        };
        Ok::<_, anyhow::Error>((outcomes, checks, fan, drivers))
    })??;
    // Everything below reports the municipalities shown.
    let scenarios: Vec<Scenario> = scenarios
        .into_iter()
        .zip(views)
        .map(|(s, view)| view.map_or(s, |view| view.scenario))
        .collect();
    let overlay = if scenarios.len() > 1 {
        crate::report::plot::overlay_lines(&scenarios, &outcomes)
    } else {
        Vec::new()
    };
    let report = Report {
        scenarios: scenarios
            .iter()
            .zip(&outcomes)
            .zip(spaces.iter().zip(&designs))
            .map(|((s, outcome), (space, design))| {
                let mut info = ScenarioInfo::new(s, outcome.seed, outcome.replications)
                    .showing(&args.municipalities);
                if let Some(space) = space {
                    info.ranges = crate::report::ranges::ranges(space);
                    info.draws = design.as_ref().map(|points| points.len() as u32);
                    info.plausible = args.plausible.as_ref().map(|p| p.display().to_string());
                }
                ReportScenario {
                    scenario: s,
                    entry: Entry {
                        info,
                        outcome,
                        difference_bands: None,
                    },
                }
            })
            .collect(),
        overlay,
        checks,
        chosen,
        command: command_line(),
        lang: args.lang,
        fan,
        drivers,
    };
    out.write(|w| html::write(w, &report))?;
    match stdout.filter(|_| !quiet) {
        Some(stdout) => stdout.write(|w| writeln!(w, "wrote {}", args.out.display())),
        None => Ok(()),
    }
}

/// The one-at-a-time tornado of the backlog peak of `scenario` (over the one municipality given, else the whole
/// scenario), each point the mean of `reps` replications seeded from `seed`, and its largest swings.
fn drivers(
    space: &Space,
    scenario: &Scenario,
    codes: &[u32],
    (seed, reps): (u64, u32),
    lang: Lang,
) -> anyhow::Result<Drivers> {
    let municipality = match codes {
        [code] => Some(*code),
        _ => None,
    };
    let evaluator = Evaluator {
        space,
        metric: Metric::BacklogPeak,
        municipality,
        by: None,
        seed,
        reps,
        own_progress: false,
    };
    let values = evaluator.evaluate(&tornado::points(&space.central()))?;
    // Every run has a backlog peak (0 without a backlog).
    let values: Vec<f64> = values.into_iter().map(|v| v.unwrap_or(0.0)).collect();
    let tornado = Tornado::from_values(&values);
    let shown = tornado
        .bars
        .iter()
        .take(SHOWN_DRIVERS)
        .map(|bar| {
            let input = &space.inputs[bar.input];
            Driver {
                key: input.key.clone(),
                range: crate::report::ranges::describe(input, lang),
                low_value: tidy(input.text_at(TORNADO_LOW)),
                high_value: tidy(input.text_at(TORNADO_HIGH)),
                at_low: bar.low,
                at_high: bar.high,
            }
        })
        .collect();
    let name = municipality
        .and_then(|code| scenario.municipality_index(code))
        .map_or_else(
            || crate::report::plot::total_name(scenario, lang),
            |m| scenario.municipalities[m].name.clone(),
        );
    Ok(Drivers {
        name,
        central: tornado.central,
        inputs: space.len(),
        replications: reps,
        shown,
    })
}

/// The command line as typed, for the report's provenance: `backlog` and the arguments, quoted where needed.
pub(super) fn command_line() -> String {
    let quote = |arg: String| {
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_alphanumeric() || "-_./=:,+@%".contains(c));
        if plain {
            arg
        } else {
            format!("'{}'", arg.replace('\'', r"'\''"))
        }
    };
    std::iter::once("backlog".to_string())
        .chain(std::env::args().skip(1).map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}
