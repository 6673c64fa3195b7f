//! `backlog calibrate`: the plausible set of a scenario's ranged inputs, and how far the calibration targets
//! narrowed each.

use crate::calibrate::{self, Plausible};
use crate::cli::CalibrateArgs;
use crate::error::InputError;
use crate::format::thousands;
use crate::output::Output;
use crate::scenario::{self, ranges::Space, Role};
use crate::sweep::shard::ShardSpec;
use std::io::Write;

mod shard;
pub(super) use shard::merge;

/// An input whose plausible 5 %-95 % keeps more than this share of its prior width was not narrowed.
const NOT_NARROWED: f64 = 0.9;

pub fn run(args: CalibrateArgs, quiet: bool) -> anyhow::Result<()> {
    let shard = args
        .shard
        .as_deref()
        .map(|text| ShardSpec::parse(text).map_err(|m| InputError::argument("--shard", m)))
        .transpose()?;
    let (space, scenario) = prepare(&args)?;
    if let Some(shard) = shard {
        return shard::run(&args, &space, &scenario, shard);
    }
    let out = Output::optional("--out", args.out.as_deref(), &["toml"])?;
    let stdout = Output::stdout_document(
        "the report of the plausible set (--quiet leaves it out)",
        !quiet,
    )?;
    crate::output::check_distinct(&[stdout.as_ref(), out.as_ref()])?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let reps = args.run.reps.unwrap_or(scenario.replications);
    let runs = u64::from(args.draws) * u64::from(reps);
    let threads = super::plan::plan("calibrate", &[(&scenario, runs)], &args.run)?;
    let plausible = super::plan::with_threads(threads, || {
        calibrate::calibrate(&scenario, &space, seed, args.draws, reps)
    })???;
    write(&plausible, out.as_ref(), stdout.as_ref())
}

/// The ranges and the central scenario, checked: something to calibrate, and something to calibrate against.
fn prepare(args: &CalibrateArgs) -> anyhow::Result<(Space, scenario::Scenario)> {
    let overrides = super::plan::overrides(&args.overrides)?;
    let space = Space::of(&scenario::Base::read(&args.scenario)?, &overrides)?;
    let scenario = space.build_central()?;
    let file = args.scenario.display();
    if space.is_empty() {
        return Err(InputError::file(
            &args.scenario,
            "gives no input as a range, so there is nothing to calibrate; write one as { low = 0.4, high = 0.8 } (docs/scenario.md)",
        )
        .into());
    }
    if !scenario
        .expectations
        .iter()
        .any(|e| e.role == Role::Calibrate)
    {
        return Err(InputError::file(
            &args.scenario,
            format!("has no calibration target: mark the [[expect]] figures known before the outcome with use = \"calibrate\" (docs/calibration.md); {file} has only figures that judge the model"),
        )
        .into());
    }
    Ok((space, scenario))
}

/// Writes the plausible set to `out` and its report to `stdout`, each when given.
fn write(
    plausible: &Plausible,
    out: Option<&Output>,
    stdout: Option<&Output>,
) -> anyhow::Result<()> {
    if let Some(out) = out {
        out.write(|w| w.write_all(plausible.to_toml().as_bytes()))?;
    }
    if let Some(stdout) = stdout {
        stdout.write(|w| report(w, plausible))?;
    }
    Ok(())
}

fn range(pair: Option<[f64; 2]>) -> String {
    pair.map_or("-".to_string(), |[low, high]| {
        format!("{}-{}", number(low), number(high))
    })
}

/// A value with thousands separators when large, with up to three decimals when small.
fn number(value: f64) -> String {
    if value.abs() >= 100.0 {
        thousands(value)
    } else {
        format!("{:.3}", value)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

fn report(out: &mut dyn Write, p: &Plausible) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {} of {} draws ({:.1}%) x {} replication{} agree with every calibration target",
        p.scenario,
        p.accepted,
        p.draws,
        f64::from(p.accepted) / f64::from(p.draws) * 100.0,
        p.replications,
        if p.replications == 1 { "" } else { "s" },
    )?;
    writeln!(out, "method: {}", p.method)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<62} {:>12} {:>9} {:>23} {:>23}",
        "calibration target", "published", "tolerance", "prior 5%-95%", "plausible 5%-95%"
    )?;
    for t in &p.targets {
        writeln!(
            out,
            "{:<62} {:>12} {:>8.0}% {:>23} {:>23}",
            t.figure,
            number(t.value),
            t.tolerance * 100.0,
            range(t.prior),
            range(t.plausible)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<62} {:>23} {:>23} {:>9}",
        "input", "prior 5%-95%", "plausible 5%-95%", "kept"
    )?;
    let mut unnarrowed = Vec::new();
    for input in &p.inputs {
        let kept = match (input.prior, input.plausible) {
            (Some([a, b]), Some([c, d])) if b > a => {
                let share = (d - c) / (b - a);
                if share > NOT_NARROWED {
                    unnarrowed.push(input.key.as_str());
                }
                format!("{:.0}%", share * 100.0)
            }
            _ => "-".to_string(),
        };
        writeln!(
            out,
            "{:<62} {:>23} {:>23} {:>9}",
            input.key,
            range(input.prior),
            range(input.plausible),
            kept
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "kept: the plausible 5%-95% width as a share of the prior's; {} of {} inputs the targets could not narrow (over {:.0}% kept): their plausible range is their prior",
        unnarrowed.len(),
        p.inputs.len(),
        NOT_NARROWED * 100.0
    )
}
