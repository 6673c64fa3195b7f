//! `backlog sweep`: check every input against the scenario, run the grid (or the target search), write the rows.

use crate::cli::SweepArgs;
use crate::error::InputError;
use crate::report::VERSION;
use crate::scenario::Base;
use crate::sweep::grid::{Axis, Grid};
use crate::sweep::output::{self, Header, Row, Search, TargetHeader};
use crate::sweep::progress::Progress;
use crate::sweep::search::{self, Lever};
use crate::sweep::shard::{self, ShardSpec};
use crate::sweep::target::{Condition, Staffing, Target};
use crate::sweep::{overrides, RepOutcome, Sweep, MAX_RUNS};

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    // Everything that can be checked without the scenario, first.
    let grid = Grid::parse(&args.vary)?;
    let set = super::overrides(&args.overrides)?;
    let range = args
        .search
        .as_deref()
        .map(|text| match Axis::parse(text) {
            Ok(axis) => Ok(Axis {
                key: axis.key.given_to("--search"),
                ..axis
            }),
            Err(error) => Err(InputError::argument(
                "--search",
                error.problems[0].message.clone(),
            )),
        })
        .transpose()?;
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

    let base = Base::read(&args.scenario)?;
    let scenario = base.build(&set)?;
    let reps = args.run.reps.unwrap_or(scenario.replications);
    overrides::check(&base, &set, &grid)?;
    if let Some(axis) = &range {
        // The search tries both ends first; a value between them that the scenario cannot take stops it when
        // it is built, with the same message.
        let ends = [axis.values[0], axis.values[axis.values.len() - 1]];
        let grid = Grid {
            axes: vec![Axis {
                values: ends.to_vec(),
                ..axis.clone()
            }],
        };
        overrides::check(&base, &set, &grid)?;
    }
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
    if let Some(plot) = &args.plot {
        match grid.axes.as_slice() {
            [axis] if !axis.key.is_date() && shard.is_none() => {}
            _ => {
                return Err(InputError::argument(
                    "--plot",
                    "draws one numeric --vary key against the days to clear; give exactly one (and no --shard)",
                )
                .into())
            }
        }
        crate::report::check_output_file("--plot", plot, "svg")?;
    }
    super::check_output(&args.out)?;
    if let Some(path) = &args.per_rep {
        if path == &args.out {
            return Err(InputError::argument(
                "--per-rep",
                format!(
                    "`{}` is also the --out destination; give each its own file",
                    path.display()
                ),
            )
            .into());
        }
        super::check_output(path)?;
    }

    let sweep = Sweep {
        base: &base,
        set: &set,
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
        set: scenario.overrides.clone(),
        keys: grid.keys(),
        vary: grid
            .axes
            .iter()
            .map(|a| (a.key.clone(), a.spec.clone()))
            .collect(),
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
    let results = super::with_jobs(args.run.jobs, || match (&target, bisection) {
        (Some(target), true) => {
            let lever = match range {
                Some(axis) => Lever::Range(axis),
                None => Lever::Staffing(Staffing::of(&scenario)),
            };
            header.keys = vec![lever.key().clone()];
            let progress = Progress::new(None);
            let best = search::search(&sweep, &lever, target, &progress);
            progress.finish();
            best.map(|best| vec![best])
        }
        _ => run_grid(&sweep, &grid, shard, reps),
    })??;

    let rows: Vec<Row> = results.iter().map(|(row, _)| row.clone()).collect();
    if let (Some(target), [axis]) = (&target, grid.axes.as_slice()) {
        // A one-key grid answers the target question directly; say so next to the progress lines. When the
        // first value meets it and the last does not (a later suspension end), the answer is the last that does.
        let meets = |row: &Row| row.target.is_some_and(|t| t.met);
        let falling = rows.first().is_some_and(meets) && !rows.last().is_some_and(meets);
        let answer = if falling {
            rows.iter()
                .rev()
                .find(|row| meets(row))
                .map(|row| ("last", row))
        } else {
            rows.iter().find(|row| meets(row)).map(|row| ("first", row))
        };
        match answer {
            Some((which, row)) => eprintln!(
                "target: {which} {} in the grid meeting {} by {} with confidence {}: {}",
                axis.key, target.condition, target.by, target.confidence, row.values[0]
            ),
            None => eprintln!(
                "target: no {} in the grid meets {} by {} with confidence {}",
                axis.key, target.condition, target.by, target.confidence
            ),
        }
    }
    match shard {
        Some(shard) => super::write_output(&args.out, |out| {
            shard::write(out, &header, &grid, args.format, shard, &rows)
        })?,
        None => super::write_output(&args.out, |out| {
            output::write(out, args.format, &header, &rows)
        })?,
    }
    if let (Some(plot), [axis]) = (&args.plot, grid.axes.as_slice()) {
        let days_to_clear = output::REPORTED
            .iter()
            .position(|m| *m == "days_to_clear")
            .expect("days_to_clear is reported");
        let points: Vec<(f64, crate::summary::Band)> = rows
            .iter()
            .filter_map(|row| match row.values[0] {
                crate::sweep::grid::Value::Number(x) => Some((x, row.bands[days_to_clear])),
                crate::sweep::grid::Value::Date(_) => None,
            })
            .collect();
        let label = match scenario.overrides.as_slice() {
            [] => axis.key.name().to_string(),
            set => format!("{} (set {})", axis.key, set.join(", ")),
        };
        crate::report::plot::sweep_chart(plot, &label, &points)?;
    }
    if let Some(path) = &args.per_rep {
        let points: Vec<(&Row, &[RepOutcome])> = results
            .iter()
            .map(|(row, reps)| (row, reps.as_slice()))
            .collect();
        super::write_output(path, |out| output::write_per_rep(out, &header, &points))?;
    }
    Ok(())
}

fn run_grid(
    sweep: &Sweep,
    grid: &Grid,
    shard: Option<ShardSpec>,
    reps: u32,
) -> anyhow::Result<Vec<(Row, Vec<RepOutcome>)>> {
    let indices: Vec<usize> = match shard {
        Some(shard) => shard.points(grid.len()).collect(),
        None => (0..grid.len()).collect(),
    };
    let points: Vec<_> = indices.iter().map(|&i| (i, grid.point(i))).collect();
    let progress = Progress::new(Some(points.len() as u64 * u64::from(reps)));
    let results = sweep.run_points(&grid.keys(), &points, &progress);
    progress.finish();
    Ok(results?)
}
