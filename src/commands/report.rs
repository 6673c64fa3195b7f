//! `backlog report`: run every scenario (keeping replication 0's series), evaluate the `[[expect]]` figures of
//! those that have them, and write one self-contained HTML file.

use crate::check;
use crate::cli::ReportArgs;
use crate::output::Output;
use crate::report::compare::Entry;
use crate::report::html::{self, Report, ReportScenario};
use crate::report::ScenarioInfo;
use crate::run::{self, Outcome};
use crate::scenario::{self, Scenario};

pub fn run(args: ReportArgs, quiet: bool) -> anyhow::Result<()> {
    // Every scenario is loaded first; the problems of all of them are reported together.
    let scenarios = scenario::load_all(&args.scenarios, &super::plan::overrides(&args.overrides)?)?;
    let out = Output::file("--out", &args.out, &["html", "htm"])?;
    // With the report on stdout, the "wrote" line is left out.
    let stdout = (!out.is_stdout())
        .then(|| Output::file("stdout", std::path::Path::new("-"), &[]))
        .transpose()?;
    crate::output::check_distinct(&[Some(&out)])?;
    let views = scenarios
        .iter()
        .map(|s| run::View::of(s, &args.municipalities))
        .collect::<Result<Vec<_>, _>>()?;
    // The municipalities to chart are among those shown; their indices are in the series shown.
    let chosen = super::plan::municipality_indices(
        views[0].as_ref().map_or(&scenarios[0], |v| &v.scenario),
        &args.plot_municipality,
    )?;
    let seed_of = |s: &Scenario| args.run.seed.unwrap_or(s.seed);
    let reps_of = |s: &Scenario| args.run.reps.unwrap_or(s.replications);
    let runs: Vec<(&Scenario, u64)> = scenarios
        .iter()
        .map(|s| (s, u64::from(reps_of(s))))
        .collect();
    let threads = super::plan::plan("report", &runs, &args.run)?;
    let (outcomes, checks): (Vec<Outcome>, Vec<check::CheckResult>) =
        super::plan::with_threads(threads, || {
            // The [[expect]] values come from the same replications as the rest of the report, taken over the
            // whole scenario; with --municipality, as `check --municipality` shows them.
            let mut outcomes = Vec::new();
            let mut checks = Vec::new();
            for (s, view) in scenarios.iter().zip(&views) {
                let (outcome, values) = run::simulate_showing_and(
                    s,
                    view.as_ref(),
                    seed_of(s),
                    reps_of(s),
                    true,
                    |series| check::replication_values(s, series),
                )?;
                outcomes.push(outcome);
                checks.extend(check::results(s, &values, &args.municipalities));
            }
            Ok::<_, crate::signals::Interrupted>((outcomes, checks))
        })??;
    // Everything below reports the municipalities shown.
    let scenarios: Vec<Scenario> = scenarios
        .into_iter()
        .zip(views)
        .map(|(s, view)| view.map_or(s, |view| view.scenario))
        .collect();
    let overlay = if scenarios.len() > 1 {
        crate::report::plot::overlay_lines(&scenarios, &outcomes)
    } else {
        Vec::new()
    };
    let report = Report {
        scenarios: scenarios
            .iter()
            .zip(&outcomes)
            .map(|(s, outcome)| ReportScenario {
                scenario: s,
                entry: Entry {
                    info: ScenarioInfo::new(s, outcome.seed, outcome.replications)
                        .showing(&args.municipalities),
                    outcome,
                },
            })
            .collect(),
        overlay,
        checks,
        chosen,
        command: command_line(),
        lang: args.lang,
    };
    out.write(|w| html::write(w, &report))?;
    match stdout.filter(|_| !quiet) {
        Some(stdout) => stdout.write(|w| writeln!(w, "wrote {}", args.out.display())),
        None => Ok(()),
    }
}

/// The command line as typed, for the report's provenance: `backlog` and the arguments, quoted where needed.
fn command_line() -> String {
    let quote = |arg: String| {
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_alphanumeric() || "-_./=:,+@%".contains(c));
        if plain {
            arg
        } else {
            format!("'{}'", arg.replace('\'', r"'\''"))
        }
    };
    std::iter::once("backlog".to_string())
        .chain(std::env::args().skip(1).map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}
