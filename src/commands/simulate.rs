use crate::cli::SimulateArgs;
use crate::error::InputError;
use crate::report::{self, Format, ScenarioInfo};
use crate::run;
use crate::scenario;
use anyhow::Context;
use std::io::Write;

pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let scenario = scenario::load_with(&args.scenario, &super::overrides(&args.overrides)?)?;
    let reps = args.run.reps.unwrap_or(scenario.replications);
    if args.summary_only && args.out.is_none() {
        return Err(InputError::argument("--summary-only", "only applies with --out DIR").into());
    }
    // Fail on a bad output path now, not after the run.
    if let Some(dir) = &args.out {
        report::prepare_outputs(dir, &["summary.json", "daily.csv"])?;
    }
    if let Some(plot) = &args.plot {
        report::check_output_file("--plot", plot, report::plot::CHART_EXTENSIONS)?;
    }
    let view = run::View::of(&scenario, &args.municipalities)?;
    // The municipalities to chart are among those shown; their indices are in the series shown.
    let chosen = super::municipality_indices(
        view.as_ref().map_or(&scenario, |v| &v.scenario),
        &args.plot_municipality,
    )?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let keep_series = (args.out.is_some() && !args.summary_only) || args.plot.is_some();
    let outcome = super::with_jobs(args.run.jobs, || {
        run::simulate_showing(&scenario, view.as_ref(), seed, reps, keep_series)
    })?;
    // Everything below reports the municipalities shown.
    let scenario = view.map_or(scenario, |view| view.scenario);
    let info = ScenarioInfo::new(&scenario, seed, reps).showing(&args.municipalities);
    if let Some(dir) = &args.out {
        report::write_atomically(&dir.join("summary.json"), |out| {
            report::json::write(out, &scenario, &info, &outcome)
        })?;
        if let (Some(series), false) = (&outcome.first, args.summary_only) {
            report::write_atomically(&dir.join("daily.csv"), |out| {
                report::daily::write(out, &scenario, &info, series)
            })?;
        }
    }
    if let (Some(plot), Some(series)) = (&args.plot, &outcome.first) {
        let options = report::plot::SeriesOptions {
            municipalities: (!chosen.is_empty()).then_some(chosen),
            lang: args.lang,
        };
        report::plot::series_chart(plot, &scenario, series, &options)?;
    }
    print(&args, &scenario, &info, &outcome).context("cannot write to standard output")
}

fn print(
    args: &SimulateArgs,
    scenario: &scenario::Scenario,
    info: &ScenarioInfo,
    outcome: &run::Outcome,
) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Table => report::table::write(&mut out, scenario, info, outcome)?,
        Format::Json => report::json::write(&mut out, scenario, info, outcome)?,
    }
    if let (Some(dir), Format::Table) = (&args.out, args.format) {
        let daily = if !args.summary_only {
            " and daily.csv"
        } else {
            ""
        };
        writeln!(out, "wrote {}{daily}", dir.join("summary.json").display())?;
    }
    if let (Some(plot), Format::Table) = (&args.plot, args.format) {
        writeln!(out, "wrote {}", plot.display())?;
    }
    out.flush()
}
