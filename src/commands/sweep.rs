//! `backlog sweep`: check every input against the scenario, run the grid (or the target search), write the rows.

use super::Output;
use crate::cli::SweepArgs;
use crate::error::InputError;
use crate::report::plot::{AxisUnit, SweepChart};
use crate::report::VERSION;
use crate::scenario::{self, Scenario, SizeEstimate};
use crate::streams::note;
use crate::sweep::grid::{Grid, Key, Value};
use crate::sweep::output::{self, Header, Row, Search, TargetHeader};
use crate::sweep::progress::Progress;
use crate::sweep::shard::{self, ShardSpec};
use crate::sweep::target::{self, Condition, Staffing, Target};
use crate::sweep::{overrides, RepOutcome, Sweep, MAX_RUNS};
use std::collections::BTreeMap;

pub fn run(args: SweepArgs, quiet: bool) -> anyhow::Result<()> {
    // Everything that can be checked without the scenario, first.
    let grid = Grid::parse(&args.vary)?;
    let shard = args
        .shard
        .as_deref()
        .map(|text| ShardSpec::parse(text).map_err(|m| InputError::argument("--shard", m)))
        .transpose()?;
    let condition = args.target.as_deref().map(Condition::parse).transpose()?;
    if grid.axes.is_empty() && condition.is_none() {
        return Err(InputError::argument(
            "--vary",
            "nothing to sweep; give at least one --vary KEY=SPEC, or --target to search for the staffing",
        )
        .into());
    }
    if args.run.jobs == Some(0) {
        return Err(InputError::argument("--jobs", "must be at least 1").into());
    }

    let scenario = scenario::load(&args.scenario)?;
    let reps = args.run.reps.unwrap_or(scenario.replications);
    overrides::check(&scenario, &grid)?;
    let target = condition
        .map(|c| Target::new(&scenario, c, args.by.as_deref(), args.confidence))
        .transpose()?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let bisection = grid.axes.is_empty();
    if bisection {
        if shard.is_some() {
            return Err(InputError::argument(
                "--shard",
                "splits a grid; a --target search without --vary runs as one job",
            )
            .into());
        }
    } else {
        let runs = grid.len() as u64 * u64::from(reps);
        if runs > MAX_RUNS && !args.force {
            return Err(InputError::argument(
                "--vary",
                format!(
                    "the grid has {} points x {reps} replications = {runs} runs, more than the limit of {MAX_RUNS}; pass --force to run it anyway",
                    grid.len()
                ),
            )
            .into());
        }
        if let Some(shard) = shard {
            if shard.count > grid.len() {
                return Err(InputError::argument(
                    "--shard",
                    format!(
                        "{shard}: the grid has only {} points, so some shards would be empty; use at most {} shards",
                        grid.len(),
                        grid.len()
                    ),
                )
                .into());
            }
            if args.per_rep.is_some() {
                return Err(InputError::argument(
                    "--per-rep",
                    "cannot be combined with --shard; shard files hold one row per grid point",
                )
                .into());
            }
        }
    }
    if args.plot.is_some() {
        match grid.axes.as_slice() {
            [axis] if !axis.key.is_date() && shard.is_none() => {}
            [] if target.is_some() => {}
            _ => {
                return Err(InputError::argument(
                    "--plot",
                    "draws one numeric --vary key, or the staffing a --target search tried, against the days to clear; give exactly one --vary (and no --shard), or none with --target",
                )
                .into())
            }
        }
    }
    let plot = args
        .plot
        .as_deref()
        .map(|path| Output::file("--plot", path, crate::report::plot::CHART_EXTENSIONS))
        .transpose()?;
    let out = Output::file("--out", &args.out, &[])?;
    let per_rep = match &args.per_rep {
        Some(path) if path == &args.out && path.as_path() != std::path::Path::new("-") => {
            return Err(InputError::argument(
                "--per-rep",
                format!(
                    "`{}` is also the --out destination; give each its own file",
                    path.display()
                ),
            )
            .into());
        }
        Some(path) => Some(Output::file("--per-rep", path, &[])?),
        None => None,
    };
    super::one_on_stdout(&[Some(&out), per_rep.as_ref(), plot.as_ref()])?;

    // Every scenario that will be simulated passes the size checks: each grid point, with its values applied.
    let mut work = super::Work::default();
    if bisection {
        // The search runs the base scenario at other staffing levels, which change no size.
        work.add(&super::estimate(&scenario, &args.run)?, u64::from(reps));
    } else {
        let keys = grid.keys();
        for index in point_indices(&grid, shard) {
            let values = grid.point(index);
            let point = overrides::apply(&scenario, &keys, &values);
            let estimate =
                SizeEstimate::check_run(&point, args.run.max_memory).map_err(|message| {
                    let at: Vec<String> = keys
                        .iter()
                        .zip(&values)
                        .map(|(key, value)| format!("{key}={value}"))
                        .collect();
                    InputError::argument("--vary", format!("at {}: {message}", at.join(", ")))
                })?;
            work.add(&estimate, u64::from(reps));
        }
    }
    let threads = super::plan_work(&work, &args.run)?;

    let sweep = Sweep {
        scenario: &scenario,
        seed,
        reps,
        target: target.as_ref(),
    };
    let mut header = Header {
        scenario: scenario.name.clone(),
        sha256: scenario.sha256.clone(),
        seed,
        replications: reps,
        version: VERSION.to_string(),
        keys: grid.keys(),
        vary: grid.axes.iter().map(|a| (a.key, a.spec.clone())).collect(),
        target: target.as_ref().map(|t| TargetHeader {
            condition: t.condition.to_string(),
            by: t.by,
            confidence: t.confidence,
            search: if bisection {
                Search::Bisection
            } else {
                Search::Grid
            },
        }),
    };
    let mut tried = Vec::new();
    let results = super::with_threads(threads, || match (&target, bisection) {
        (Some(target), true) => search(&sweep, &scenario, target, &mut header, &mut tried),
        _ => run_grid(&sweep, &grid, shard, reps),
    })??;

    let rows: Vec<Row> = results.iter().map(|(row, _)| row.clone()).collect();
    if let (Some(target), [axis], false) = (&target, grid.axes.as_slice(), quiet) {
        // A one-key grid answers the target question directly; say so next to the progress lines.
        match rows.iter().find(|row| row.target.is_some_and(|t| t.met)) {
            Some(row) => note(&format!(
                "target: first {} in the grid meeting {} by {} with confidence {}: {}",
                axis.key, target.condition, target.by, target.confidence, row.values[0]
            )),
            None => note(&format!(
                "target: no {} in the grid meets {} by {} with confidence {}",
                axis.key, target.condition, target.by, target.confidence
            )),
        }
    }
    match shard {
        Some(shard) => out.write(|w| shard::write(w, &header, &grid, args.format, shard, &rows))?,
        None => out.write(|w| output::write(w, args.format, &header, &rows))?,
    }
    if let Some(plot) = &plot {
        let days_to_clear = output::REPORTED
            .iter()
            .position(|m| *m == crate::metric::Metric::DaysToClear)
            .expect("days_to_clear is reported");
        let number = |value: &Value| match value {
            Value::Number(x) => Some(*x),
            Value::Date(_) => None,
        };
        // A grid: every point, and the first that meets the target; a search: the staffing it tried, and the
        // smallest that met it.
        let (key, points, answer) = match grid.axes.as_slice() {
            [axis] => (
                axis.key,
                rows.iter()
                    .filter_map(|row| Some((number(&row.values[0])?, row.bands[days_to_clear])))
                    .collect::<Vec<_>>(),
                rows.iter()
                    .find(|row| row.target.is_some_and(|t| t.met))
                    .and_then(|row| number(&row.values[0])),
            ),
            _ => (
                header.keys[0],
                tried
                    .iter()
                    .map(|(x, bands, _)| (*x, bands[days_to_clear]))
                    .collect(),
                rows.first()
                    .filter(|row| row.target.is_some_and(|t| t.met))
                    .and_then(|row| number(&row.values[0])),
            ),
        };
        let lang = args.lang;
        let target_text = target.as_ref().map(|t| {
            lang.fill(
                "sweep_target_text",
                &[
                    &t.condition.to_string(),
                    &t.by.to_string(),
                    &AxisUnit::Share.format(t.confidence, lang),
                ],
            )
        });
        let target_line = target
            .as_ref()
            .filter(|t| t.condition.metric == crate::metric::Metric::DaysToClear)
            .map(|t| {
                (
                    t.condition.threshold,
                    lang.fill("sweep_target", &[&t.condition.to_string()]),
                )
            });
        let chart = SweepChart {
            scenario: &scenario.name,
            x_label: key.name(),
            unit: axis_unit(key),
            points: &points,
            target_line,
            target: target_text,
            answer,
            lang,
        };
        crate::report::plot::sweep_chart(plot, &chart)?;
    }
    if let Some(per_rep) = &per_rep {
        let points: Vec<(&Row, &[RepOutcome])> = results
            .iter()
            .map(|(row, reps)| (row, reps.as_slice()))
            .collect();
        per_rep.write(|w| output::write_per_rep(w, &header, &points))?;
    }
    Ok(())
}

fn run_grid(
    sweep: &Sweep,
    grid: &Grid,
    shard: Option<ShardSpec>,
    reps: u32,
) -> anyhow::Result<Vec<(Row, Vec<RepOutcome>)>> {
    let indices = point_indices(grid, shard);
    let points: Vec<_> = indices.iter().map(|&i| (i, grid.point(i))).collect();
    let progress = Progress::new(Some(points.len() as u64 * u64::from(reps)));
    let results = sweep.run_points(&grid.keys(), &points, &progress);
    progress.finish();
    Ok(results?)
}

/// The grid points this run simulates: all, or those of its shard.
fn point_indices(grid: &Grid, shard: Option<ShardSpec>) -> Vec<usize> {
    match shard {
        Some(shard) => shard.points(grid.len()).collect(),
        None => (0..grid.len()).collect(),
    }
}

/// Bisects for the smallest staffing meeting the target; returns its one row and sets the header's key.
fn search(
    sweep: &Sweep,
    scenario: &Scenario,
    target: &Target,
    header: &mut Header,
    plotted: &mut Vec<(f64, Vec<crate::summary::Band>, bool)>,
) -> anyhow::Result<Vec<(Row, Vec<RepOutcome>)>> {
    let staffing = Staffing::of(scenario);
    header.keys = vec![staffing.key];
    let progress = Progress::new(None);
    let mut tried: BTreeMap<u64, (Row, Vec<RepOutcome>)> = BTreeMap::new();
    let found = target::bisect(&staffing, |steps| {
        let value = staffing.value(steps);
        let mut results = sweep.run_points(&[staffing.key], &[(0, vec![value])], &progress)?;
        let (row, reps) = results.pop().expect("one point run");
        let outcome = row.target.expect("a target is set");
        progress.note(&format!(
            "target: {}={value}: {} of {} replications meet {} by {} ({})",
            staffing.key,
            reps.iter()
                .filter(|r| r.target.is_some_and(|(_, holds)| holds))
                .count(),
            reps.len(),
            target.condition,
            target.by,
            if outcome.met { "met" } else { "not met" }
        ));
        tried.insert(steps, (row, reps));
        Ok(outcome.met)
    })?;
    progress.finish();
    let value = staffing.value(found.steps);
    if found.met {
        progress.note(&format!(
            "target: smallest {} meeting {} by {} with confidence {}: {value}",
            staffing.key, target.condition, target.by, target.confidence
        ));
    } else {
        let limit = match staffing.key {
            Key::Caseworkers => "FTE",
            _ => "(the largest factor allowed)",
        };
        progress.note(&format!(
            "target: no {} up to {value} {limit} meets {} by {} with confidence {}",
            staffing.key, target.condition, target.by, target.confidence
        ));
    }
    plotted.extend(tried.iter().map(|(&steps, (row, _))| {
        let x = steps as f64 / f64::from(staffing.resolution_steps_per_unit);
        (x, row.bands.clone(), row.target.is_some_and(|t| t.met))
    }));
    let best = tried.remove(&found.steps).expect("the answer was tried");
    Ok(vec![best])
}

/// The unit of a swept key on the chart's x axis.
fn axis_unit(key: Key) -> AxisUnit {
    match key {
        Key::Caseworkers => AxisUnit::Fte,
        Key::CaseworkersFactor | Key::InflowFactor => AxisUnit::Factor,
        Key::MeetingsPerCaseworkerDay => AxisUnit::PerDay,
        Key::PhoneShare => AxisUnit::Share,
        Key::SuspensionEnd => AxisUnit::Plain,
    }
}
