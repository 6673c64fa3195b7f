use super::Output;
use crate::cli::CompareArgs;
use crate::report::compare::{self, Entry};
use crate::report::plot::{self, OverlayLine};
use crate::report::{Format, ScenarioInfo};
use crate::run::{self, Outcome};
use crate::scenario::{self, Scenario};

pub fn run(args: CompareArgs, quiet: bool) -> anyhow::Result<()> {
    // Every scenario is loaded first; the problems of all of them are reported together.
    let scenarios = scenario::load_all(&args.scenarios, &super::overrides(&args.overrides)?)?;
    let reps_of = |s: &Scenario| args.run.reps.unwrap_or(s.replications);
    let plot_output = Output::optional(
        "--plot",
        args.plot.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
    super::one_on_stdout(&[Some(&stdout), plot_output.as_ref()])?;
    let keep_series = args.plot.is_some();
    let views = scenarios
        .iter()
        .map(|s| run::View::of(s, &args.municipalities))
        .collect::<Result<Vec<_>, _>>()?;
    let runs: Vec<(&Scenario, u64)> = scenarios
        .iter()
        .map(|s| (s, u64::from(reps_of(s))))
        .collect();
    let threads = super::plan("compare", &runs, &args.run)?;
    let outcomes: Vec<Outcome> = super::with_threads(threads, || {
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
        let lines = overlay_lines(&scenarios, &outcomes);
        plot::overlay_chart(
            plot_output,
            args.lang.text("overlay_title"),
            args.lang.text("overdue_meetings"),
            &lines,
            args.lang,
        )?;
    }
    if quiet && args.format != Format::Json {
        return Ok(());
    }
    stdout.write(|out| {
        match args.format {
            Format::Table => compare::write_table(out, &entries)?,
            Format::Markdown => compare::write_markdown(out, &entries)?,
            Format::Json => compare::write_json(out, &entries)?,
        }
        if let (Some(plot), Format::Table | Format::Markdown) = (&args.plot, args.format) {
            writeln!(out, "wrote {}", plot.display())?;
        }
        Ok(())
    })
}

/// The total overdue meetings of each scenario's replication 0, with its suspensions, for the overlay chart.
pub fn overlay_lines(scenarios: &[Scenario], outcomes: &[Outcome]) -> Vec<OverlayLine> {
    scenarios
        .iter()
        .zip(outcomes)
        .enumerate()
        .filter_map(|(i, (s, outcome))| {
            let series = outcome.first.as_ref()?;
            Some(OverlayLine {
                label: format!("{}: {}", compare::letter(i), s.label()),
                tag: compare::letter(i),
                start: series.start,
                values: (0..series.days)
                    .map(|day| {
                        (0..series.municipalities)
                            .flat_map(|m| series.group_rows(day, m))
                            .map(|row| f64::from(row.overdue))
                            .sum()
                    })
                    .collect(),
                suspensions: s.suspensions.iter().map(|s| (s.start, s.end)).collect(),
            })
        })
        .collect()
}
