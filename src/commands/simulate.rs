use super::Output;
use crate::cli::SimulateArgs;
use crate::error::InputError;
use crate::report::{self, Format, ScenarioInfo};
use crate::run;
use crate::scenario;
use std::io::Write;

/// Every file `simulate --out DIR` may write; DIR may hold nothing else.
pub const OUT_FILES: [&str; 2] = ["summary.json", "daily.csv"];

pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let scenario = scenario::load_with(&args.scenario, &super::overrides(&args.overrides)?)?;
    let reps = args.run.reps.unwrap_or(scenario.replications);
    if args.summary_only && args.out.is_none() {
        return Err(InputError::argument("--summary-only", "only applies with --out DIR").into());
    }
    // Fail on a bad output path now, not after the run.
    let out = args
        .out
        .as_deref()
        .map(|dir| Output::dir("--out", dir, &OUT_FILES))
        .transpose()?;
    let plot = args
        .plot
        .as_deref()
        .map(|path| Output::file("--plot", path, crate::report::plot::CHART_EXTENSIONS))
        .transpose()?;
    let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
    super::one_on_stdout(&[Some(&stdout), plot.as_ref()])?;
    let view = run::View::of(&scenario, &args.municipalities)?;
    // The municipalities to chart are among those shown; their indices are in the series shown.
    let chosen = super::municipality_indices(
        view.as_ref().map_or(&scenario, |v| &v.scenario),
        &args.plot_municipality,
    )?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let keep_series = (args.out.is_some() && !args.summary_only) || args.plot.is_some();
    let threads = super::plan("simulate", &[(&scenario, u64::from(reps))], &args.run)?;
    let outcome = super::with_threads(threads, || {
        run::simulate_showing(&scenario, view.as_ref(), seed, reps, keep_series)
    })??;
    // Everything below reports the municipalities shown.
    let scenario = view.map_or(scenario, |view| view.scenario);
    let info = ScenarioInfo::new(&scenario, seed, reps).showing(&args.municipalities);
    if let Some(out) = &out {
        let run = out.begin()?;
        run.write("summary.json", |w| {
            report::json::write(w, &scenario, &info, &outcome)
        })?;
        if let (Some(series), false) = (&outcome.first, args.summary_only) {
            run.write("daily.csv", |w| {
                report::daily::write(w, &scenario, &info, series)
            })?;
        }
        run.commit()?;
    }
    if let (Some(plot), Some(series)) = (&plot, &outcome.first) {
        let options = report::plot::SeriesOptions {
            municipalities: (!chosen.is_empty()).then_some(chosen),
            lang: args.lang,
        };
        report::plot::series_chart(plot, &scenario, series, &options)?;
    }
    stdout.write(|w| print(w, &args, &scenario, &info, &outcome))
}

fn print(
    out: &mut dyn Write,
    args: &SimulateArgs,
    scenario: &scenario::Scenario,
    info: &ScenarioInfo,
    outcome: &run::Outcome,
) -> std::io::Result<()> {
    match args.format {
        Format::Table => report::table::write(out, scenario, info, outcome)?,
        Format::Json => report::json::write(out, scenario, info, outcome)?,
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
    Ok(())
}
