use crate::cli::SimulateArgs;
use crate::ensemble;
use crate::error::InputError;
use crate::output::Output;
use crate::report::daily::{self, Layout};
use crate::report::map::MapMetric;
use crate::report::run_record::{DailyOptions, RunRecord};
use crate::report::{self, ScenarioInfo};
use crate::run;
use crate::scenario::ranges as uncertain;
use crate::scenario::{self, Scenario};
use std::io::Write;

/// Every file `simulate --out DIR` may write; DIR may hold nothing else. The manifest, run.json, comes last: in a
/// mount point, where the files are replaced one by one, it is written last.
pub const OUT_FILES: [&str; 10] = [
    "summary.json",
    "municipalities.csv",
    "groups.csv",
    "episodes.csv",
    "timeliness.csv",
    "daily.csv",
    "capacity.csv",
    "daily_bands.csv",
    "draws.csv",
    "run.json",
];

mod shard;

pub use shard::merge;

pub fn run(args: SimulateArgs, quiet: bool) -> anyhow::Result<()> {
    run_with(args, quiet, None)
}

/// Runs a simulation; with `shards`, its draws' runs are the merged shards' instead of its own.
fn run_with(args: SimulateArgs, quiet: bool, shards: Option<shard::Shards>) -> anyhow::Result<()> {
    let overrides = super::plan::overrides(&args.overrides)?;
    let space = uncertain::Space::of(&scenario::Base::read(&args.scenario)?, &overrides)?;
    let scenario = space.build_central()?;
    if args.draws.is_some() || args.plausible.is_some() {
        super::plan::require_ranges(&space, &args.scenario)?;
    }
    let reps = args.run.reps.unwrap_or(scenario.replications);
    let design = super::plan::design(
        &space,
        args.run.seed.unwrap_or(scenario.seed),
        args.draws,
        args.plausible.as_deref(),
    )?;
    if let (Some(text), None) = (&args.shard, &shards) {
        return shard::run(&args, text, &space, &scenario, design);
    }
    let draw_count = design.as_ref().map(|points| points.len() as u32);
    // The runs of merged shards, once they are known to be this ensemble's.
    let merged = match (shards, &design) {
        (Some(shards), Some(points)) => Some(shards.runs(&scenario, points.len())?),
        _ => None,
    };
    if args.summary_only && args.out.is_none() {
        return Err(InputError::argument("--summary-only", "only applies with --out DIR").into());
    }
    let daily = daily_options(&args);
    let files = output_files(
        daily.as_ref(),
        design.is_some(),
        !scenario.timeliness.is_empty(),
    );
    // Fail on a bad output path now, not after the run.
    let out = args
        .out
        .as_deref()
        .map(|dir| Output::dir("--out", dir, &OUT_FILES))
        .transpose()?;
    let plot = Output::optional(
        "--plot",
        args.plot.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    let xlsx = Output::optional("--xlsx", args.xlsx.as_deref(), &["xlsx"])?;
    let map = Output::optional(
        "--map",
        args.map.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    let map_rule = map_rule(&args, &scenario)?;
    let exporter = args.format.exporter();
    let stdout =
        Output::stdout_document(args.format.stdout_name(), !quiet || exporter.for_programs())?;
    crate::output::check_distinct(&[
        stdout.as_ref(),
        out.as_ref(),
        plot.as_ref(),
        xlsx.as_ref(),
        map.as_ref(),
    ])?;
    let view = run::View::of(&scenario, &args.municipalities)?;
    // The municipalities to chart are among those shown; their indices are in the series shown.
    let chosen = super::plan::municipality_indices(
        view.as_ref().map_or(&scenario, |v| &v.scenario),
        &args.plot_municipality,
    )?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let keep_series =
        (args.out.is_some() && !args.summary_only) || args.plot.is_some() || args.xlsx.is_some();
    let bands = daily.as_ref().filter(|d| d.bands);
    // The bands are taken over the municipalities shown.
    let shown = view.as_ref().map_or(&scenario, |view| &view.scenario);
    let drawn = if merged.is_some() {
        0
    } else {
        draw_count.unwrap_or(0)
    };
    let runs = u64::from(reps) * (1 + u64::from(drawn));
    let threads = super::plan::plan_keeping(
        "simulate",
        &[(&scenario, runs)],
        kept(&args, &scenario, shown, reps, keep_series, bands),
        &args.run,
    )?;
    let (outcome, extracts) = super::plan::with_threads(threads, || {
        run::simulate_showing_and(&scenario, view.as_ref(), seed, reps, keep_series, |whole| {
            if bands.is_none() && args.xlsx.is_none() {
                return (None, None);
            }
            let selected;
            let series = match &view {
                Some(view) => {
                    selected = run::select_municipalities(whole, &view.indices);
                    &selected
                }
                None => whole,
            };
            let levels =
                bands.map(|d| Layout::new(shown, series, d.grain, d.period).levels(series));
            // The workbook's daily totals carry their own band: per day, all municipalities and groups.
            let total_levels = args.xlsx.as_ref().map(|_| {
                Layout::new(shown, series, daily::Grain::Total, daily::Period::Day).levels(series)
            });
            (levels, total_levels)
        })
    })??;
    let (levels, total_levels): (Vec<_>, Vec<_>) = extracts.into_iter().unzip();
    // With --draws the outcome becomes the ensemble's; the daily files and charts stay the central values'.
    let (outcome, ensemble) = match design {
        None => (outcome, None),
        Some(points) => {
            let codes = &args.municipalities;
            let (draws, ensemble) = super::plan::with_threads(threads, || {
                let draws = ensemble::Draws::at(&space, points)?;
                let ensemble = match merged {
                    Some(runs) => ensemble::assemble(&draws, codes, seed, reps, outcome, runs)?,
                    None => ensemble::run(&draws, codes, seed, reps, outcome)??,
                };
                Ok::<_, anyhow::Error>((draws, ensemble))
            })??;
            (ensemble.outcome, Some((draws, ensemble.draw_totals)))
        }
    };
    // Everything below reports the municipalities shown.
    let scenario = view.map_or(scenario, |view| view.scenario);
    let mut info = ScenarioInfo::new(&scenario, seed, reps).showing(&args.municipalities);
    info.ranges = crate::report::ranges::ranges(&space);
    info.draws = draw_count;
    info.plausible = args.plausible.as_ref().map(|p| p.display().to_string());
    if let Some(out) = &out {
        let draws = ensemble
            .as_ref()
            .map(|(draws, totals)| (&space, draws, &totals[..]));
        write_directory(out, &args, &scenario, &info, &outcome, levels, draws)?;
    }
    if let (Some(plot), Some(series)) = (&plot, &outcome.first) {
        let options = report::plot::SeriesOptions {
            municipalities: (!chosen.is_empty()).then_some(chosen),
            lang: args.lang,
        };
        report::plot::series_chart(plot, &args.lang.labels(&scenario), series, &options)?;
    }
    if let Some(xlsx) = &xlsx {
        let total_levels: Vec<Vec<[u32; 2]>> = total_levels.into_iter().flatten().collect();
        let workbook = report::xlsx::simulation(
            &scenario,
            &info,
            &outcome,
            outcome.first.as_ref(),
            &total_levels,
            ensemble
                .as_ref()
                .map(|(draws, totals)| (&space, draws, &totals[..])),
        )
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", xlsx.path().display()))?;
        xlsx.write(|out| out.write_all(&workbook))?;
    }
    if let Some(map) = &map {
        let subtitle = format!(
            "{}, {} to {}, {} replications",
            scenario.label(),
            scenario.start,
            scenario.end,
            outcome.replications
        );
        let codes = scenario.municipalities.iter().map(|m| m.code);
        match map_rule.and_then(|r| outcome.timeliness.get(r)) {
            Some(rule) => {
                let drawn =
                    report::map::flag_map(rule, outcome.replications, args.lang, subtitle, codes);
                report::map::write_categories(&drawn, map)?;
            }
            None => {
                let drawn =
                    args.map_metric
                        .map(args.lang, subtitle, codes, &outcome.municipalities);
                report::map::write(&drawn, map)?;
            }
        }
    }
    match &stdout {
        Some(stdout) => stdout.write(|w| print(w, &args, &scenario, &info, &outcome, &files)),
        None => Ok(()),
    }
}

/// The index of the timeliness rule `--map-metric timeliness-flagged` maps: `--map-rule`, or the scenario's
/// only rule. `None` for the other metrics, which take no rule.
fn map_rule(args: &SimulateArgs, scenario: &Scenario) -> Result<Option<usize>, InputError> {
    let ids: Vec<&str> = scenario.timeliness.iter().map(|r| r.id.as_str()).collect();
    if args.map_metric != MapMetric::TimelinessFlagged {
        return match &args.map_rule {
            Some(_) => Err(InputError::argument(
                "--map-rule",
                "only applies with --map-metric timeliness-flagged",
            )),
            None => Ok(None),
        };
    }
    match (&args.map_rule, ids.as_slice()) {
        (_, []) => Err(InputError::argument(
            "--map-metric",
            format!(
                "timeliness-flagged maps a timeliness rule's flags, and {} has no [[timeliness]] rules",
                args.scenario.display()
            ),
        )),
        (None, [_]) => Ok(Some(0)),
        (None, _) => Err(InputError::argument(
            "--map-rule",
            format!(
                "the scenario has {} timeliness rules; name the one to map: {}",
                ids.len(),
                ids.join(", ")
            ),
        )),
        (Some(id), _) => ids.iter().position(|i| i == id).map(Some).ok_or_else(|| {
            InputError::argument(
                "--map-rule",
                format!(
                    "the scenario has no timeliness rule `{id}`; its rules: {}",
                    ids.join(", ")
                ),
            )
        }),
    }
}

/// What is kept until the runs are done: the series of the first replication, for the daily files and charts,
/// and the levels of every replication for the daily bands and the workbook's totals.
fn kept(
    args: &SimulateArgs,
    scenario: &scenario::Scenario,
    shown: &scenario::Scenario,
    reps: u32,
    keep_series: bool,
    bands: Option<&DailyOptions>,
) -> super::plan::Kept {
    let mut kept = super::plan::Kept::default();
    if keep_series {
        let series = scenario::SizeEstimate::of_scenario(scenario).series;
        kept.add("the daily series kept", series);
    }
    let reps = f64::from(reps);
    if let Some(bands) = bands {
        let rows = Layout::rows_of(shown, bands.grain, bands.period) as f64;
        kept.add_values::<[u32; 2]>("the daily bands' levels", reps * rows);
    }
    if args.xlsx.is_some() {
        let rows = Layout::rows_of(shown, daily::Grain::Total, daily::Period::Day) as f64;
        kept.add_values::<[u32; 2]>("the workbook's daily levels", reps * rows);
    }
    kept
}

/// How the daily files are cut; `None` with `--summary-only`.
fn daily_options(args: &SimulateArgs) -> Option<DailyOptions> {
    (!args.summary_only).then(|| DailyOptions {
        grain: args.daily.unwrap_or_default(),
        period: args.period.unwrap_or_default(),
        bands: args.daily_bands,
    })
}

/// The files `--out DIR` holds, in the order they are written; timeliness.csv only with `[[timeliness]]` rules.
fn output_files(daily: Option<&DailyOptions>, draws: bool, timeliness: bool) -> Vec<&'static str> {
    let mut files = vec![
        "summary.json",
        "municipalities.csv",
        "groups.csv",
        "episodes.csv",
    ];
    if timeliness {
        files.push("timeliness.csv");
    }
    if let Some(daily) = daily {
        files.push("daily.csv");
        if daily.grain.has_groups() {
            files.push("capacity.csv");
        }
        if daily.bands {
            files.push("daily_bands.csv");
        }
    }
    if draws {
        files.push("draws.csv");
    }
    files.push("run.json");
    files
}

/// An ensemble's inputs, draws and each draw's total, for draws.csv.
type DrawsFile<'a> = (
    &'a uncertain::Space,
    &'a ensemble::Draws,
    &'a [crate::summary::Metrics],
);

/// Writes every file of `--out DIR` as one transaction; `levels` are the daily bands' levels of each
/// replication, if asked for.
fn write_directory(
    out: &Output,
    args: &SimulateArgs,
    scenario: &scenario::Scenario,
    info: &ScenarioInfo,
    outcome: &run::Outcome,
    levels: Vec<Option<Vec<[u32; 2]>>>,
    draws: Option<DrawsFile>,
) -> anyhow::Result<()> {
    let daily = daily_options(args);
    let files = output_files(
        daily.as_ref(),
        draws.is_some(),
        !outcome.timeliness.is_empty(),
    );
    let run = out.begin()?;
    run.write("summary.json", |w| {
        report::json::write(w, scenario, info, outcome)
    })?;
    run.write("municipalities.csv", |w| {
        report::tidy::write_municipalities(w, scenario, outcome)
    })?;
    run.write("groups.csv", |w| {
        report::tidy::write_groups(w, scenario, outcome)
    })?;
    run.write("episodes.csv", |w| {
        report::tidy::write_episodes(w, scenario, outcome)
    })?;
    if !outcome.timeliness.is_empty() {
        run.write("timeliness.csv", |w| {
            report::timeliness::write(w, scenario, outcome)
        })?;
    }
    if let (Some(options), Some(series)) = (&daily, &outcome.first) {
        let layout = Layout::new(scenario, series, options.grain, options.period);
        run.write("daily.csv", |w| daily::write(w, series, &layout))?;
        if options.grain.has_groups() {
            run.write("capacity.csv", |w| {
                daily::write_capacity(w, scenario, series, &layout)
            })?;
        }
        if options.bands {
            let levels: Vec<Vec<[u32; 2]>> = levels.into_iter().flatten().collect();
            run.write("daily_bands.csv", |w| {
                daily::write_bands(w, series, &layout, &levels)
            })?;
        }
    }
    if let Some((space, draws, totals)) = draws {
        run.write("draws.csv", |w| {
            crate::report::draws::write(w, space, draws, totals)
        })?;
    }
    let mut overrides = serde_json::Map::new();
    if let Some(seed) = args.run.seed {
        overrides.insert("seed".into(), seed.into());
    }
    if let Some(reps) = args.run.reps {
        overrides.insert("replications".into(), reps.into());
    }
    if let Some(draws) = args.draws {
        overrides.insert("draws".into(), draws.into());
    }
    if !info.set.is_empty() {
        overrides.insert("set".into(), info.set.clone().into());
    }
    let record = RunRecord {
        scenario: info,
        overrides,
        daily,
        files: files.iter().map(|f| f.to_string()).collect(),
    };
    run.write("run.json", |w| report::run_record::write(w, &record))?;
    run.commit()
}

fn print(
    out: &mut dyn Write,
    args: &SimulateArgs,
    scenario: &scenario::Scenario,
    info: &ScenarioInfo,
    outcome: &run::Outcome,
    files: &[&str],
) -> std::io::Result<()> {
    let exporter = args.format.exporter();
    exporter.simulate(out, scenario, info, outcome)?;
    if !exporter.for_programs() {
        if let Some(dir) = &args.out {
            writeln!(out, "wrote {} in {}", files.join(", "), dir.display())?;
        }
        for path in [&args.plot, &args.xlsx, &args.map].into_iter().flatten() {
            writeln!(out, "wrote {}", path.display())?;
        }
    }
    Ok(())
}
