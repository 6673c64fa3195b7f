use crate::cli::CompareArgs;
use crate::output::Output;
use crate::report::compare::Entry;
use crate::report::plot;
use crate::report::ScenarioInfo;
use crate::run::{self, Outcome};
use crate::scenario::{self, Scenario};

pub fn run(args: CompareArgs, quiet: bool) -> anyhow::Result<()> {
    // Every scenario is loaded first; the problems of all of them are reported together.
    let scenarios = scenario::load_all(&args.scenarios, &super::plan::overrides(&args.overrides)?)?;
    let reps_of = |s: &Scenario| args.run.reps.unwrap_or(s.replications);
    let plot_output = Output::optional(
        "--plot",
        args.plot.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
    crate::output::check_distinct(&[Some(&stdout), plot_output.as_ref()])?;
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
        .map(|(s, outcome)| Entry {
            info: ScenarioInfo::new(s, outcome.seed, outcome.replications)
                .showing(&args.municipalities),
            outcome,
        })
        .collect();
    if let Some(plot_output) = &plot_output {
        let lines = plot::overlay_lines(&scenarios, &outcomes);
        plot::overlay_chart(
            plot_output,
            args.lang.text("overlay_title"),
            args.lang.text("overdue_meetings"),
            &lines,
            args.lang,
        )?;
    }
    let exporter = args.format.exporter();
    if quiet && !exporter.for_programs() {
        return Ok(());
    }
    stdout.write(|out| {
        exporter.compare(out, &entries)?;
        if let (Some(plot), false) = (&args.plot, exporter.for_programs()) {
            writeln!(out, "wrote {}", plot.display())?;
        }
        Ok(())
    })
}
