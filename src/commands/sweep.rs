//! `backlog sweep`: check every input against the scenario, run the grid (or the target search), write the rows.
//!
//! [`Plan`] is the options layer: everything read from the arguments and checked against the scenario before
//! a run starts (the outputs opened, the sizes checked, the threads chosen). [`run`] then runs it, says the
//! grid's answer to a target, and writes the rows, the chart and the per-replication rows.

use super::plan::{Jobs, Work};
use crate::calibrate::Plausible;
use crate::cli::SweepArgs;
use crate::error::InputError;
use crate::metric::Metric;
use crate::output::Output;
use crate::progress::Progress;
use crate::report::plot::{AxisUnit, SweepChart};
use crate::report::VERSION;
use crate::scenario::ranges::Space;
use crate::scenario::{Base, Override, Scenario, SizeEstimate};
use crate::streams::note;
use crate::sweep::grid::{Axis, Grid, Key, Value};
use crate::sweep::output::{self, Header, Row, Search, TargetHeader};
use crate::sweep::search::{self, Lever};
use crate::sweep::shard::{self, ShardSpec};
use crate::sweep::target::{self, Break, Condition, Staffing, Target};
use crate::sweep::{overrides, RepOutcome, Sweep, MAX_RUNS};

/// What the arguments ask for, checked without the scenario.
struct Arguments {
    grid: Grid,
    set: Vec<Override>,
    /// `--search`: the range of the key a target search varies instead of the staffing.
    range: Option<Axis>,
    shard: Option<ShardSpec>,
    condition: Option<Condition>,
    jobs: Jobs,
}

/// A sweep ready to run: its scenario, its outputs open, its size checked.
struct Plan {
    grid: Grid,
    set: Vec<Override>,
    range: Option<Axis>,
    shard: Option<ShardSpec>,
    base: Base,
    scenario: Scenario,
    reps: u32,
    /// `--draws` (or the sets of `--plausible`): the draws of the ranged inputs each point runs, `reps` times
    /// each.
    draws: Option<u32>,
    /// `--plausible`: the file and the plausible set the draws are taken from.
    plausible: Option<(std::path::PathBuf, Plausible)>,
    seed: u64,
    target: Option<Target>,
    /// A target search without `--vary`: bisection over the staffing or the `--search` range.
    bisection: bool,
    out: Output,
    per_rep: Option<Output>,
    plot: Option<Output>,
    threads: usize,
}

/// The results of a sweep: a row and its replications for each point run, and the values a search tried.
struct Results {
    header: Header,
    results: Vec<(Row, Vec<RepOutcome>)>,
    rows: Vec<Row>,
    tried: Vec<(Value, Row)>,
}

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let plan = Plan::new(&args)?;
    let done = execute(&plan)?;
    let answer = grid_answer(&done.rows);
    if let (Some(target), [axis]) = (&plan.target, plan.grid.axes.as_slice()) {
        // Say so next to the progress lines.
        match answer {
            Some((which, row)) => note(&format!(
                "target: {which} {} in the grid meeting {} {} with confidence {}: {}",
                axis.key,
                target.condition,
                target.window(),
                target.confidence,
                row.values[0]
            )),
            None => note(&format!(
                "target: no {} in the grid meets {} {} with confidence {}",
                axis.key,
                target.condition,
                target.window(),
                target.confidence
            )),
        }
    }
    // The answer: a search's row, or a one-key grid's.
    let answered = match (plan.bisection, answer) {
        (true, _) => done.results.first(),
        (false, Some((_, row))) => done.results.iter().find(|(r, _)| r.index == row.index),
        (false, None) => None,
    };
    if let (Some(target), Some((row, reps))) = (&plan.target, answered) {
        if row.target.is_some_and(|t| t.met) {
            if let Some(warning) = broken_after(target, reps) {
                note(&warning);
            }
        }
    }
    match plan.shard {
        Some(shard) => plan
            .out
            .write(|w| shard::write(w, &done.header, &plan.grid, args.format, shard, &done.rows))?,
        None => plan
            .out
            .write(|w| output::write(w, args.format, &done.header, &done.rows))?,
    }
    if let Some(plot) = &plan.plot {
        chart(&plan, &done, answer, &args, plot)?;
    }
    if let Some(per_rep) = &plan.per_rep {
        let points: Vec<(&Row, &[RepOutcome])> = done
            .results
            .iter()
            .map(|(row, reps)| (row, reps.as_slice()))
            .collect();
        per_rep.write(|w| output::write_per_rep(w, &done.header, &points))?;
    }
    Ok(())
}

impl Arguments {
    /// Everything that can be checked without the scenario, first.
    fn read(args: &SweepArgs) -> anyhow::Result<Arguments> {
        let grid = Grid::parse(&args.vary)?;
        let set = super::plan::overrides(&args.overrides)?;
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
        let jobs = Jobs::of(&args.run)?;
        Ok(Arguments {
            grid,
            set,
            range,
            shard,
            condition,
            jobs,
        })
    }
}

impl Plan {
    /// Reads the arguments and the scenario, checks them against each other, opens the outputs and checks the
    /// size of every run.
    fn new(args: &SweepArgs) -> anyhow::Result<Plan> {
        let Arguments {
            grid,
            set,
            range,
            shard,
            condition,
            jobs,
        } = Arguments::read(args)?;
        let base = Base::read(&args.scenario)?;
        let scenario = base.build(&set)?;
        let reps = args.run.reps.unwrap_or(scenario.replications);
        let seed = args.run.seed.unwrap_or(scenario.seed);
        if args.draws.is_some() || args.plausible.is_some() {
            super::plan::require_ranges(&Space::of(&base, &set)?, &args.scenario)?;
        }
        // The plausible set, fresh and with the ranges the scenario gives now, as `simulate` reads it.
        let plausible = match &args.plausible {
            Some(path) => {
                let plausible = super::plan::plausible_set(path)?;
                plausible.points(path, &Space::of(&base, &set)?, seed, args.draws)?;
                Some((path.clone(), plausible))
            }
            None => None,
        };
        let draws = match &plausible {
            Some((_, plausible)) => Some(plausible.count(args.draws)),
            None => args.draws,
        };
        overrides::check(&base, &set, &grid)?;
        if let Some(axis) = &range {
            // The search tries both ends first; a value between them that the scenario cannot take stops it
            // when it is built, with the same message.
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
            .map(|c| {
                let window = (args.from.as_deref(), args.by.as_deref(), args.to.as_deref());
                Target::new(&scenario, c, window, args.confidence)
            })
            .transpose()?;
        let bisection = grid.axes.is_empty();
        check_shape(args, &grid, (reps, draws), shard, bisection)?;
        check_plot(args, &grid, shard, target.as_ref(), range.as_ref())?;
        let plot = Output::optional(
            "--plot",
            args.plot.as_deref(),
            crate::report::plot::CHART_EXTENSIONS,
        )?;
        let out = Output::file("--out", &args.out, &[])?;
        let per_rep = Output::optional("--per-rep", args.per_rep.as_deref(), &[])?;
        crate::output::check_distinct(&[Some(&out), per_rep.as_ref(), plot.as_ref()])?;
        let mut plan = Plan {
            grid,
            set,
            range,
            shard,
            base,
            scenario,
            reps,
            draws,
            plausible,
            seed,
            target,
            bisection,
            out,
            per_rep,
            plot,
            threads: 1,
        };
        let work = plan.work(args)?;
        plan.threads =
            super::plan::plan_work(&work, jobs, &crate::budget::Budget::of(args.run.max_memory))
                .map_err(|message| InputError::file(&plan.scenario.file, message))?;
        Ok(plan)
    }

    /// The runs ahead, each scenario that will be simulated having passed the size checks: each grid point,
    /// with its values applied.
    fn work(&self, args: &SweepArgs) -> anyhow::Result<Work> {
        let (base, set) = (&self.base, &self.set);
        let reps = u64::from(self.reps) * u64::from(self.draws.unwrap_or(1));
        let mut work = Work::default();
        let budget = crate::budget::Budget::of(args.run.max_memory);
        if self.bisection {
            // The staffing search runs the base scenario at other staffing levels, which change no size; a
            // --search may (an inflow factor): both ends of its range are checked too.
            work.add(&super::plan::estimate(&self.scenario, &budget)?, reps);
            if let Some(axis) = &self.range {
                for value in [axis.values[0], axis.values[axis.values.len() - 1]] {
                    let point =
                        overrides::build(base, set, std::slice::from_ref(&axis.key), &[value])?;
                    SizeEstimate::check_run(&point, &budget).map_err(|message| {
                        InputError::argument(
                            "--search",
                            format!("at {}={value}: {message}", axis.key),
                        )
                    })?;
                }
            }
            return Ok(work);
        }
        let keys = self.grid.keys();
        for index in point_indices(&self.grid, self.shard) {
            let values = self.grid.point(index);
            let point = overrides::build(base, set, &keys, &values)?;
            let estimate = SizeEstimate::check_run(&point, &budget).map_err(|message| {
                let at: Vec<String> = keys
                    .iter()
                    .zip(&values)
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect();
                InputError::argument("--vary", format!("at {}: {message}", at.join(", ")))
            })?;
            work.add(&estimate, reps);
        }
        Ok(work)
    }

    /// The header every output of the sweep starts with.
    fn header(&self) -> Header {
        let scenario = &self.scenario;
        Header {
            scenario: scenario.name.clone(),
            sha256: scenario.sha256.clone(),
            seed: self.seed,
            replications: self.reps,
            version: VERSION.to_string(),
            set: scenario.overrides.clone(),
            draws: self.draws,
            keys: self.grid.keys(),
            vary: self
                .grid
                .axes
                .iter()
                .map(|a| (a.key.clone(), a.spec.clone()))
                .collect(),
            target: self.target.as_ref().map(|t| TargetHeader {
                condition: t.column(),
                by: t.by,
                confidence: t.confidence,
                search: if self.bisection {
                    Search::Bisection
                } else {
                    Search::Grid
                },
            }),
        }
    }
}

/// A grid must be small enough (or forced) and may be sharded; a bisection is one job.
fn check_shape(
    args: &SweepArgs,
    grid: &Grid,
    (reps, draws): (u32, Option<u32>),
    shard: Option<ShardSpec>,
    bisection: bool,
) -> Result<(), InputError> {
    if bisection {
        if shard.is_some() {
            return Err(InputError::argument(
                "--shard",
                "splits a grid; a --target search without --vary runs as one job",
            ));
        }
        return Ok(());
    }
    let runs = grid.len() as u64 * u64::from(reps) * u64::from(draws.unwrap_or(1));
    let draws = draws.map_or_else(String::new, |n| format!("{n} draws x "));
    if runs > MAX_RUNS && !args.force {
        return Err(InputError::argument(
            "--vary",
            format!(
                "the grid has {} points x {draws}{reps} replications = {runs} runs, more than the limit of {MAX_RUNS}; pass --force to run it anyway",
                grid.len()
            ),
        ));
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
            ));
        }
        if args.per_rep.is_some() {
            return Err(InputError::argument(
                "--per-rep",
                "cannot be combined with --shard; shard files hold one row per grid point",
            ));
        }
    }
    Ok(())
}

/// `--plot` draws one numeric key against the days to clear.
fn check_plot(
    args: &SweepArgs,
    grid: &Grid,
    shard: Option<ShardSpec>,
    target: Option<&Target>,
    range: Option<&Axis>,
) -> Result<(), InputError> {
    if args.plot.is_none() {
        return Ok(());
    }
    match grid.axes.as_slice() {
        [axis] if !axis.key.is_date() && shard.is_none() => Ok(()),
        [] if target.is_some() && range.is_none_or(|axis| !axis.key.is_date()) => Ok(()),
        _ => Err(InputError::argument(
            "--plot",
            "draws one numeric --vary key, or the values a --target search tried (staffing, or a numeric --search key), against the days to clear; give exactly one --vary (and no --shard), or none with --target",
        )),
    }
}

/// Runs the grid, or the target search.
fn execute(plan: &Plan) -> anyhow::Result<Results> {
    let sweep = Sweep {
        base: &plan.base,
        set: &plan.set,
        scenario: &plan.scenario,
        seed: plan.seed,
        reps: plan.reps,
        draws: plan.draws,
        plausible: plan
            .plausible
            .as_ref()
            .map(|(path, set)| (path.as_path(), set)),
        target: plan.target.as_ref(),
    };
    let mut header = plan.header();
    let mut tried = Vec::new();
    let results =
        super::plan::with_threads(plan.threads, || match (&plan.target, plan.bisection) {
            (Some(target), true) => {
                let lever = match plan.range.clone() {
                    Some(axis) => Lever::Range(axis),
                    None => Lever::Staffing(Staffing::of(&plan.scenario)),
                };
                header.keys = vec![lever.key().clone()];
                let progress = Progress::new(None);
                let searched = search::search(&sweep, &lever, target, &progress);
                progress.finish();
                searched.map(|searched| {
                    tried = searched.tried;
                    vec![searched.best]
                })
            }
            _ => run_grid(&sweep, &plan.grid, plan.shard),
        })??;
    let rows: Vec<Row> = results.iter().map(|(row, _)| row.clone()).collect();
    Ok(Results {
        header,
        results,
        rows,
        tried,
    })
}

/// The warning for an answer whose condition breaks after its window in more runs than the confidence allows:
/// the median first date it breaks and the median worst level after the window, over the runs that break.
fn broken_after(target: &Target, reps: &[RepOutcome]) -> Option<String> {
    let breaks: Vec<Break> = reps.iter().filter_map(|r| r.broken_after).collect();
    let holding = reps.len() - breaks.len();
    if breaks.is_empty() || target.met(holding as f64 / reps.len() as f64) {
        return None;
    }
    let mut dates: Vec<_> = breaks.iter().map(|b| b.date).collect();
    dates.sort();
    let first = dates[(dates.len() - 1) / 2];
    if target.condition.measure.from_suspension() {
        return Some(returns(target, &breaks, reps.len(), first));
    }
    let level = target.condition.measure.daily()?;
    let worst = target::median(breaks.iter().map(|b| Some(b.worst)));
    let until = target.by;
    let level = level.name();
    let threshold = target.condition.threshold;
    let suggestion = match target.from {
        Some(from) => format!("--from {from} without --to"),
        None => format!(
            "--target \"{level}{}{threshold}\" --from {until}",
            target.condition.operator.symbol()
        ),
    };
    Some(format!(
        "warning: {} {} breaks after {until} in {} of {} runs: first on {first}, {level} reaching {} after it (medians over those runs); for a target that holds to the end of the run, give {suggestion}",
        target.condition,
        target.window(),
        breaks.len(),
        reps.len(),
        target.condition.show(worst),
    ))
}

/// The warning for an answer counted in an episode whose backlog, once cleared, rises again before the episode
/// ends (the next suspension, or the end of the run) in more runs than the confidence allows.
fn returns(target: &Target, breaks: &[Break], runs: usize, first: chrono::NaiveDate) -> String {
    let cleared = target::median(breaks.iter().map(|b| b.cleared.map(|(date, _)| date)));
    let before = target::median(breaks.iter().map(|b| b.cleared.map(|(_, level)| level)));
    let worst = target::median(breaks.iter().map(|b| Some(b.worst)));
    let until = match target.episode.as_ref().and_then(|e| e.next.as_ref()) {
        Some((next, start)) => format!("before suspension {next} starts on {start}"),
        None => "before the end of the run".to_string(),
    };
    let show = |value: Option<f64>| value.map_or_else(String::new, crate::format::thousands);
    let suggestion = match cleared {
        Some(cleared) => format!(
            "--target \"overdue<={}\" --from {cleared}",
            show(before).replace(',', "")
        ),
        None => "a level target such as overdue<=0 with --from".to_string(),
    };
    format!(
        "warning: {} {} is met, but the backlog returns after it clears in {} of {runs} runs: above its level before the suspension ({}) again on {first}, reaching {} {until} (medians over those runs); for a backlog that stays cleared, give {suggestion}",
        target.condition,
        target.window(),
        breaks.len(),
        show(before),
        show(worst),
    )
}

/// A one-key grid answers the target question directly. When the first value meets it and the last does not
/// (a later suspension end, a larger inflow), the answer is the last that does.
fn grid_answer(rows: &[Row]) -> Option<(&'static str, &Row)> {
    let meets = |row: &Row| row.target.is_some_and(|t| t.met);
    let falling = rows.first().is_some_and(meets) && !rows.last().is_some_and(meets);
    if falling {
        rows.iter()
            .rev()
            .find(|row| meets(row))
            .map(|row| ("last", row))
    } else {
        rows.iter().find(|row| meets(row)).map(|row| ("first", row))
    }
}

/// The chart of `--plot`: the days to clear against the key swept or searched.
fn chart(
    plan: &Plan,
    done: &Results,
    grid_answer: Option<(&str, &Row)>,
    args: &SweepArgs,
    plot: &Output,
) -> anyhow::Result<()> {
    let days_to_clear = output::REPORTED
        .iter()
        .position(|m| *m == Metric::DaysToClear)
        .expect("days_to_clear is reported");
    let number = |value: &Value| match value {
        Value::Number(x) => Some(*x),
        Value::Date(_) => None,
    };
    let rows = &done.rows;
    // A grid: every point, and the first that meets the target; a search: the staffing it tried, and the
    // smallest that met it.
    let (key, points, answer) = match plan.grid.axes.as_slice() {
        [axis] => (
            &axis.key,
            rows.iter()
                .filter_map(|row| Some((number(&row.values[0])?, row.bands[days_to_clear])))
                .collect::<Vec<_>>(),
            grid_answer.and_then(|(_, row)| number(&row.values[0])),
        ),
        _ => (
            &done.header.keys[0],
            done.tried
                .iter()
                .filter_map(|(value, row)| Some((number(value)?, row.bands[days_to_clear])))
                .collect(),
            rows.first()
                .filter(|row| row.target.is_some_and(|t| t.met))
                .and_then(|row| number(&row.values[0])),
        ),
    };
    let lang = args.lang;
    let target = plan.target.as_ref();
    let target_text = target.map(|t| {
        lang.fill(
            "sweep_target_text",
            &[
                // With --from, the window's first day: "overdue<=0 from 2020-09-01 by 2020-12-31".
                &t.column(),
                &t.by.to_string(),
                &AxisUnit::Share.format(t.confidence, lang),
            ],
        )
    });
    let target_line = target
        .filter(|t| t.condition.metric() == Some(Metric::DaysToClear))
        .map(|t| {
            (
                t.condition.threshold,
                lang.fill("sweep_target", &[&t.condition.to_string()]),
            )
        });
    let title = lang.labels(&plan.scenario).label();
    let chart = SweepChart {
        scenario: &title,
        x_label: key.name(),
        unit: axis_unit(key),
        points: &points,
        target_line,
        target: target_text,
        answer,
        lang,
    };
    crate::report::plot::sweep_chart(plot, &chart)
}

fn run_grid(
    sweep: &Sweep,
    grid: &Grid,
    shard: Option<ShardSpec>,
) -> anyhow::Result<Vec<(Row, Vec<RepOutcome>)>> {
    let indices = point_indices(grid, shard);
    let points: Vec<_> = indices.iter().map(|&i| (i, grid.point(i))).collect();
    let runs_per_point = u64::from(sweep.reps) * u64::from(sweep.draws.unwrap_or(1));
    let progress = Progress::new(Some(points.len() as u64 * runs_per_point));
    let results = sweep.run_points(&grid.keys(), &points, &progress);
    progress.finish();
    results
}

/// The grid points this run simulates: all, or those of its shard.
fn point_indices(grid: &Grid, shard: Option<ShardSpec>) -> Vec<usize> {
    match shard {
        Some(shard) => shard.points(grid.len()).collect(),
        None => (0..grid.len()).collect(),
    }
}

fn axis_unit(key: &Key) -> AxisUnit {
    let name = key.name();
    let last = name.rsplit(['.', ']']).next().unwrap_or(name);
    match last {
        "caseworkers" | "add_caseworkers" => AxisUnit::Fte,
        "caseworkers_factor" | "inflow_factor" => AxisUnit::Factor,
        "meetings_per_caseworker_day" | "max_meetings_per_caseworker_day" => AxisUnit::PerDay,
        "phone_share" | "capacity_share" => AxisUnit::Share,
        _ => AxisUnit::Plain,
    }
}
