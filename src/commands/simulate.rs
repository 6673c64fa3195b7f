use crate::cli::SimulateArgs;
use crate::error::InputError;
use crate::report::daily::{self, Layout};
use crate::report::run_record::{DailyOptions, RunRecord};
use crate::report::{self, Format, ScenarioInfo};
use crate::run;
use crate::scenario;
use crate::sweep::progress::Progress;
use anyhow::Context;
use std::io::Write;
use std::path::Path;

pub fn run(args: SimulateArgs, quiet: bool) -> anyhow::Result<()> {
    let scenario = scenario::load(&args.scenario)?;
    let reps = args.run.reps.unwrap_or(scenario.replications);
    if args.summary_only && args.out.is_none() {
        return Err(InputError::argument("--summary-only", "only applies with --out DIR").into());
    }
    let daily = daily_options(&args);
    let files = args
        .out
        .as_ref()
        .map(|_| output_files(daily.as_ref()))
        .unwrap_or_default();
    // Fail on a bad output path now, not after the run.
    if let Some(dir) = &args.out {
        report::prepare_outputs(dir, &files)?;
    }
    if let Some(plot) = &args.plot {
        report::check_output_file("--plot", plot, report::plot::CHART_EXTENSIONS)?;
    }
    if let Some(xlsx) = &args.xlsx {
        super::check_workbook_output(xlsx)?;
    }
    let view = run::View::of(&scenario, &args.municipalities)?;
    // The municipalities to chart are among those shown; their indices are in the series shown.
    let chosen = super::municipality_indices(
        view.as_ref().map_or(&scenario, |v| &v.scenario),
        &args.plot_municipality,
    )?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let keep_series =
        (args.out.is_some() && !args.summary_only) || args.plot.is_some() || args.xlsx.is_some();
    let bands = daily.as_ref().filter(|d| d.bands);
    // The bands are taken over the municipalities shown.
    let shown = view.as_ref().map_or(&scenario, |view| &view.scenario);
    let progress = Progress::unless(quiet, || Progress::after_a_second("simulate", reps.into()));
    let (outcome, extracts) = super::with_jobs(args.run.jobs, || {
        run::simulate_showing_and(&scenario, view.as_ref(), seed, reps, keep_series, |whole| {
            progress.run_done();
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
    })?;
    let (levels, total_levels): (Vec<_>, Vec<_>) = extracts.into_iter().unzip();
    progress.finish();
    // Everything below reports the municipalities shown.
    let scenario = view.map_or(scenario, |view| view.scenario);
    let info = ScenarioInfo::new(&scenario, seed, reps).showing(&args.municipalities);
    if let Some(dir) = &args.out {
        write_directory(dir, &args, &scenario, &info, &outcome, levels)?;
    }
    if let (Some(plot), Some(series)) = (&args.plot, &outcome.first) {
        let options = report::plot::SeriesOptions {
            municipalities: (!chosen.is_empty()).then_some(chosen),
            lang: args.lang,
        };
        report::plot::series_chart(plot, &scenario, series, &options)?;
    }
    if let Some(path) = &args.xlsx {
        let total_levels: Vec<Vec<[u32; 2]>> = total_levels.into_iter().flatten().collect();
        let workbook = report::xlsx::simulation(
            &scenario,
            &info,
            &outcome,
            outcome.first.as_ref(),
            &total_levels,
        )
        .with_context(|| format!("cannot write {}", path.display()))?;
        super::write_output(path, |out| out.write_all(&workbook))?;
    }
    if quiet && args.format != Format::Json {
        return Ok(());
    }
    print(&args, &scenario, &info, &outcome, &files).context("cannot write to standard output")
}

/// How the daily files are cut; `None` with `--summary-only`.
fn daily_options(args: &SimulateArgs) -> Option<DailyOptions> {
    (!args.summary_only).then(|| DailyOptions {
        grain: args.daily.unwrap_or_default(),
        period: args.period.unwrap_or_default(),
        bands: args.daily_bands,
    })
}

/// The files `--out DIR` holds, in the order they are written.
fn output_files(daily: Option<&DailyOptions>) -> Vec<&'static str> {
    let mut files = vec!["summary.json", "municipalities.csv", "groups.csv"];
    if let Some(daily) = daily {
        files.push("daily.csv");
        if daily.grain.has_groups() {
            files.push("capacity.csv");
        }
        if daily.bands {
            files.push("daily_bands.csv");
        }
    }
    files.push("run.json");
    files
}

/// Writes every file of `--out DIR`; `levels` are the daily bands' levels of each replication, if asked for.
fn write_directory(
    dir: &Path,
    args: &SimulateArgs,
    scenario: &scenario::Scenario,
    info: &ScenarioInfo,
    outcome: &run::Outcome,
    levels: Vec<Option<Vec<[u32; 2]>>>,
) -> anyhow::Result<()> {
    let daily = daily_options(args);
    let files = output_files(daily.as_ref());
    report::write_atomically(&dir.join("summary.json"), |out| {
        report::json::write(out, scenario, info, outcome)
    })?;
    report::write_atomically(&dir.join("municipalities.csv"), |out| {
        report::tidy::write_municipalities(out, scenario, outcome)
    })?;
    report::write_atomically(&dir.join("groups.csv"), |out| {
        report::tidy::write_groups(out, scenario, outcome)
    })?;
    if let (Some(options), Some(series)) = (&daily, &outcome.first) {
        let layout = Layout::new(scenario, series, options.grain, options.period);
        report::write_atomically(&dir.join("daily.csv"), |out| {
            daily::write(out, series, &layout)
        })?;
        if options.grain.has_groups() {
            report::write_atomically(&dir.join("capacity.csv"), |out| {
                daily::write_capacity(out, scenario, series, &layout)
            })?;
        }
        if options.bands {
            let levels: Vec<Vec<[u32; 2]>> = levels.into_iter().flatten().collect();
            report::write_atomically(&dir.join("daily_bands.csv"), |out| {
                daily::write_bands(out, series, &layout, &levels)
            })?;
        }
    }
    let mut overrides = serde_json::Map::new();
    if let Some(seed) = args.run.seed {
        overrides.insert("seed".into(), seed.into());
    }
    if let Some(reps) = args.run.reps {
        overrides.insert("replications".into(), reps.into());
    }
    let record = RunRecord {
        scenario: info,
        overrides,
        daily,
        files: files.iter().map(|f| f.to_string()).collect(),
    };
    report::write_atomically(&dir.join("run.json"), |out| {
        report::run_record::write(out, &record)
    })
}

fn print(
    args: &SimulateArgs,
    scenario: &scenario::Scenario,
    info: &ScenarioInfo,
    outcome: &run::Outcome,
    files: &[&str],
) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Table => report::table::write(&mut out, scenario, info, outcome)?,
        Format::Markdown => report::table::write_markdown(&mut out, scenario, info, outcome)?,
        Format::Json => report::json::write(&mut out, scenario, info, outcome)?,
    }
    if args.format != Format::Json {
        if let Some(dir) = &args.out {
            writeln!(out, "wrote {} in {}", files.join(", "), dir.display())?;
        }
        for path in [&args.plot, &args.xlsx].into_iter().flatten() {
            writeln!(out, "wrote {}", path.display())?;
        }
    }
    out.flush()
}
