//! `calibrate --shard K/N` and the merge of its shards: shard K runs the draws whose index is K mod N and writes
//! each one's mean of every calibration target; `merge` rebuilds the calibration from the arguments its shards
//! record, checks that the scenario still gives the digest they ran with, keeps the draws within every target's
//! tolerance and writes what one unsharded run writes.

use crate::calibrate;
use crate::cli::{CalibrateArgs, MergeArgs, RunOptions, SetOptions};
use crate::error::InputError;
use crate::output::Output;
use crate::report::VERSION;
use crate::scenario::{ranges::Space, Scenario};
use crate::sweep::shard::values::{self, Kind};
use crate::sweep::shard::ShardSpec;
use std::path::{Path, PathBuf};

/// The columns that identify a calibration: the digest a plausible set records (`inputs_sha256`), the `--set`
/// overrides (a JSON list), seed, replications and the version that ran the shard. The value columns are the
/// calibration targets' figures.
pub const KIND: Kind = Kind {
    command: "calibrate",
    noun: "calibration",
    identity: &["inputs_sha256", "set", "seed", "reps", "version"],
};

/// The value columns: one per calibration target, named by its figure.
fn target_columns(scenario: &Scenario) -> Vec<String> {
    calibrate::targets(scenario)
        .into_iter()
        .map(|i| scenario.expectations[i].figure.clone())
        .collect()
}

/// Runs shard `shard` of the calibration's draws and writes its shard file to --out (stdout without it).
pub(super) fn run(
    args: &CalibrateArgs,
    space: &Space,
    scenario: &Scenario,
    shard: ShardSpec,
) -> anyhow::Result<()> {
    if shard.count > args.draws as usize {
        return Err(InputError::argument(
            "--shard",
            format!(
                "{shard}: the calibration has only {} draws, so some shards would be empty; use at most {} shards",
                args.draws, args.draws
            ),
        )
        .into());
    }
    let out = Output::file(
        "--out",
        args.out.as_deref().unwrap_or(Path::new("-")),
        &["csv"],
    )?;
    crate::output::check_distinct(&[Some(&out)])?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let reps = args.run.reps.unwrap_or(scenario.replications);
    let which: Vec<usize> = shard.points(args.draws as usize).collect();
    let runs = which.len() as u64 * u64::from(reps);
    let threads = super::super::plan::plan("calibrate", &[(scenario, runs)], &args.run)?;
    let means = super::super::plan::with_threads(threads, || {
        calibrate::draw_means(scenario, space, seed, args.draws, reps, &which)
    })???;
    let design = values::Design {
        scenario: args.scenario.display().to_string(),
        points: args.draws as usize,
        identity: vec![
            calibrate::inputs_digest(scenario, space),
            serde_json::to_string(&args.overrides.set).expect("strings serialise"),
            seed.to_string(),
            reps.to_string(),
            VERSION.to_string(),
        ],
        values: target_columns(scenario),
    };
    let rows: Vec<(usize, Vec<Option<f64>>)> = which.into_iter().zip(means).collect();
    out.write(|w| values::write(w, &KIND, &design, shard, &rows))
}

/// Merges shard files of `calibrate --shard`: the plausible set to `merge --out FILE.toml` (none with `-`), the
/// report to stdout unless --quiet.
pub fn merge(merge: &MergeArgs, quiet: bool) -> anyhow::Result<()> {
    if merge.plot.is_some() {
        return Err(InputError::argument(
            "--plot",
            "draws the tornado of sensitivity shards; these are a calibration's",
        )
        .into());
    }
    let merged = values::merge(&merge.shards, &KIND)?;
    let first = merged.first.clone();
    let bad = |message: String| InputError::file(&first, message);
    let field = |name: &str| merged.field(&KIND, name);
    merged.check_version(&KIND, VERSION)?;
    let set = merged.set(&KIND)?;
    let seed: u64 = field("seed")
        .parse()
        .map_err(|_| bad(format!("seed `{}` is not a whole number", field("seed"))))?;
    let reps: u32 = field("reps")
        .parse()
        .ok()
        .filter(|&r| (1..=crate::scenario::MAX_REPLICATIONS).contains(&r))
        .ok_or_else(|| {
            bad(format!(
                "reps `{}` is not a number of replications",
                field("reps")
            ))
        })?;
    let draws = u32::try_from(merged.design.points)
        .ok()
        .filter(|&d| (2..=crate::scenario::ranges::MAX_DRAWS).contains(&d))
        .ok_or_else(|| {
            bad(format!(
                "points `{}` is too many draws",
                merged.design.points
            ))
        })?;
    let args = CalibrateArgs {
        scenario: PathBuf::from(&merged.design.scenario),
        draws,
        out: None,
        shard: None,
        overrides: SetOptions { set },
        run: RunOptions {
            reps: Some(reps),
            seed: Some(seed),
            jobs: None,
            max_memory: u64::MAX,
        },
    };
    let (space, scenario) = super::prepare(&args)?;
    if calibrate::inputs_digest(&scenario, &space) != field("inputs_sha256") {
        return Err(bad(format!(
            "was run on {} as it was before: its inputs, data, ranges or calibration targets have changed since; run the shards again",
            merged.design.scenario
        ))
        .into());
    }
    let targets = target_columns(&scenario);
    if merged.design.values != targets {
        return Err(bad(format!(
            "has the value columns {}, but the calibration targets of {} are {}",
            merged.design.values.join(","),
            merged.design.scenario,
            targets.join(",")
        ))
        .into());
    }
    let out = if merge.out == Path::new("-") {
        None
    } else {
        Some(Output::file("--out", &merge.out, &["toml"])?)
    };
    let stdout = Output::stdout_document(
        "the report of the plausible set (--quiet leaves it out)",
        !quiet,
    )?;
    crate::output::check_distinct(&[stdout.as_ref(), out.as_ref()])?;
    let plausible = calibrate::accept(&scenario, &space, seed, draws, reps, merged.values);
    super::write(&plausible, out.as_ref(), stdout.as_ref())
}
