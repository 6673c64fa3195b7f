//! `backlog compare`: several scenarios, or one scenario and its what-ifs, run side by side.
//!
//! With `--draws N` or `--plausible FILE` every side with ranged inputs also runs its ensemble, the sides'
//! draws paired ([`paired_points`]): draw `d` of every side gives an input they share the same
//! point of its range, and replication `r` has the same seed, so run `(d, r)` of one side and of the baseline
//! differ only in what the sides do not share. The band of a difference is taken over those pairs.

use crate::calibrate::Plausible;
use crate::cli::CompareArgs;
use crate::ensemble;
use crate::error::InputError;
use crate::output::Output;
use crate::report::compare::{letter, Entry};
use crate::report::plot;
use crate::report::ScenarioInfo;
use crate::run::{self, Outcome};
use crate::scenario::ranges::Space;
use crate::scenario::{self, Override, Scenario};
use crate::summary::{band, Band, Metrics};
use std::path::Path;

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
    // With --draws or --plausible: each side's ranged inputs and its paired draws.
    let spaces = match args.draws.is_some() || args.plausible.is_some() {
        true => ranged_spaces(&args, &common, &sides)?,
        false => Vec::new(),
    };
    let designs = match args.plausible.as_deref() {
        _ if spaces.is_empty() => Vec::new(),
        plausible => {
            let set = plausible.map(super::plan::plausible_set).transpose()?;
            let seed = args.run.seed.unwrap_or(scenarios[0].seed);
            let spaces: Vec<Option<&Space>> = spaces.iter().map(Option::as_ref).collect();
            let paired = plausible.zip(set.as_ref());
            paired_points(&spaces, seed, args.draws, paired)?
        }
    };
    let draws_of = |i: usize| designs.get(i).and_then(Option::as_ref).map(Vec::len);
    let runs: Vec<(&Scenario, u64)> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s,
                u64::from(reps_of(s)) * (1 + draws_of(i).unwrap_or(0) as u64),
            )
        })
        .collect();
    let threads = super::plan::plan("compare", &runs, &args.run)?;
    let ensemble = !designs.is_empty();
    let (outcomes, totals): (Vec<Outcome>, Vec<Vec<Metrics>>) =
        super::plan::with_threads(threads, || {
            let mut outcomes = Vec::new();
            let mut totals = Vec::new();
            for (i, (s, view)) in scenarios.iter().zip(&views).enumerate() {
                let seed = args.run.seed.unwrap_or(s.seed);
                let reps = reps_of(s);
                // Each replication's total, to pair with the other sides' under --draws.
                let (outcome, dice) = run::simulate_showing_and(
                    s,
                    view.as_ref(),
                    seed,
                    reps,
                    keep_series,
                    |whole| {
                        ensemble.then(|| match view {
                            Some(view) => {
                                let shown = run::select_municipalities(whole, &view.indices);
                                run::RunSummary::of(&view.scenario, &shown).total
                            }
                            None => run::RunSummary::of(s, whole).total,
                        })
                    },
                )?;
                let dice: Vec<Metrics> = dice.into_iter().flatten().collect();
                match (spaces.get(i), designs.get(i)) {
                    (Some(Some(space)), Some(Some(points))) => {
                        let draws = ensemble::Draws::at(space, points.clone())?;
                        let codes = &args.municipalities;
                        let (ensemble, runs) = ensemble::run_and(
                            &draws,
                            codes,
                            seed,
                            reps,
                            outcome,
                            |_, summary| summary.total.clone(),
                        )??;
                        outcomes.push(ensemble.outcome);
                        totals.push(runs);
                    }
                    _ => {
                        outcomes.push(outcome);
                        totals.push(dice);
                    }
                }
            }
            Ok::<_, anyhow::Error>((outcomes, totals))
        })??;
    let paired_bands = ensemble.then(|| paired_differences(&totals, &designs));
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
        .enumerate()
        .map(|(i, ((s, outcome), side))| {
            let mut info = ScenarioInfo::new(s, outcome.seed, outcome.replications)
                .showing(&args.municipalities);
            if !side.what_if.is_empty() {
                info.set = common.iter().map(Override::text).collect();
                info.what_if = side.what_if.iter().map(Override::text).collect();
                info.what_if_notes = side.notes.clone();
            }
            if let Some(Some(space)) = spaces.get(i) {
                info.ranges = crate::report::ranges::ranges(space);
                info.draws = draws_of(i).map(|n| n as u32);
                info.plausible = args.plausible.as_ref().map(|p| p.display().to_string());
            }
            let difference_bands = paired_bands
                .as_ref()
                .and_then(|bands| bands.get(i).cloned().flatten());
            Entry {
                info,
                outcome,
                difference_bands,
            }
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

/// The points of several ensembles run side by side (the sides of `compare`), paired: one design over the union
/// of the sides' ranged inputs, by key in the order they first appear, of which each side takes the columns of
/// its own inputs. Draw `d` of every side so gives an input the sides share the same point of its unit
/// interval (the same value where the sides give it the same range), and the difference between two sides in
/// draw `d` is that of what they do not share, not of the draws. The design is a Latin hypercube seeded by
/// `seed`, `draws` points; or, with a plausible set, its sets (the first `draws` when given) with every input
/// it does not record from that hypercube. The first side's points are those `simulate` runs it at alone. A
/// side without ranges has none.
fn paired_points(
    spaces: &[Option<&Space>],
    seed: u64,
    draws: Option<u32>,
    plausible: Option<(&Path, &Plausible)>,
) -> Result<Vec<Option<Vec<Vec<f64>>>>, InputError> {
    let mut keys: Vec<&str> = Vec::new();
    for space in spaces.iter().flatten() {
        for input in &space.inputs {
            if !keys.contains(&input.key.as_str()) {
                keys.push(&input.key);
            }
        }
    }
    let count = match plausible {
        Some((_, set)) => set.count(draws),
        None => draws.unwrap_or(0),
    };
    let fill = crate::scenario::ranges::design::latin_hypercube(seed, count, keys.len());
    spaces
        .iter()
        .map(|space| {
            let Some(space) = space else {
                return Ok(None);
            };
            match plausible {
                Some((path, set)) => set.points_over(path, space, &keys, &fill).map(Some),
                None => Ok(Some(
                    fill.iter()
                        .map(|row| {
                            space
                                .inputs
                                .iter()
                                .map(|input| {
                                    let column = keys
                                        .iter()
                                        .position(|key| *key == input.key)
                                        .expect("every side's inputs are in the union");
                                    row[column]
                                })
                                .collect()
                        })
                        .collect(),
                )),
            }
        })
        .collect()
}

/// Under `--draws` or `--plausible`: each side's space of ranged inputs, `None` for a side without ranges (it
/// runs at its values, and a note says so). No side with a range at all is an error.
fn ranged_spaces(
    args: &CompareArgs,
    common: &[Override],
    sides: &[Side],
) -> anyhow::Result<Vec<Option<Space>>> {
    let flag = if args.draws.is_some() {
        "--draws"
    } else {
        "--plausible"
    };
    let mut spaces = Vec::new();
    for (i, side) in sides.iter().enumerate() {
        let path = match args.scenarios.as_slice() {
            [one] => one,
            all => &all[i],
        };
        let overrides: Vec<Override> = common.iter().chain(&side.what_if).cloned().collect();
        let space = Space::of(&scenario::Base::read(path)?, &overrides)?;
        if space.is_empty() {
            crate::streams::note(&format!(
                "note: side {} ({}) gives no input as a range; it runs at its values, with the dice-only band",
                letter(i),
                path.display()
            ));
            spaces.push(None);
        } else {
            spaces.push(Some(space));
        }
    }
    if spaces.iter().all(Option::is_none) {
        return Err(InputError::argument(
            flag,
            "none of the scenarios gives an input as a range; write one as { low = 0.4, high = 0.8 } (docs/scenario.md)",
        )
        .into());
    }
    Ok(spaces)
}

/// The band of each side's difference from the baseline (`None` for the baseline), over the pairs of runs that
/// share draw and replication: run `k` of a side with `reps` replications is draw `k / reps`, replication
/// `k % reps`; a side without ranges repeats its replications at every draw. Sides with another number of
/// replications than the baseline have no pairs, and no band.
fn paired_differences(
    totals: &[Vec<Metrics>],
    designs: &[Option<Vec<Vec<f64>>>],
) -> Vec<Option<Vec<(crate::metric::Metric, Band)>>> {
    let draws = designs.iter().flatten().map(Vec::len).max().unwrap_or(1);
    // The runs of side i in pair order: (draw, replication) for every draw.
    let paired = |i: usize| -> Vec<&Metrics> {
        let runs = &totals[i];
        match designs.get(i).and_then(Option::as_ref) {
            Some(_) => runs.iter().collect(),
            None => (0..draws).flat_map(|_| runs.iter()).collect(),
        }
    };
    let baseline = paired(0);
    (0..totals.len())
        .map(|i| {
            if i == 0 {
                return None;
            }
            let side = paired(i);
            if side.len() != baseline.len() {
                return None;
            }
            Some(
                crate::report::compare::DIFFERENCE_BAND_METRICS
                    .iter()
                    .map(|&metric| {
                        let differences = side.iter().zip(&baseline).map(|(run, base)| {
                            run.get(metric).zip(base.get(metric)).map(|(v, b)| v - b)
                        });
                        (metric, band(differences))
                    })
                    .collect(),
            )
        })
        .collect()
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
