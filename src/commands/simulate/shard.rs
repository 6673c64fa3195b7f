//! `simulate --draws N --shard K/N` and the merge of its shards: shard K runs the draws whose index is K mod N
//! and writes every run's summaries; `merge` rebuilds the simulation from the arguments its shards record, runs
//! the central values' replications again (the dice-only bands and the daily files are theirs), takes the
//! draws' runs from the shards and writes what one unsharded run writes.

use crate::cli::{Cli, Command, MergeArgs, SimulateArgs};
use crate::ensemble;
use crate::error::InputError;
use crate::output::Output;
use crate::report::VERSION;
use crate::run::RunSummary;
use crate::scenario::ranges::Space;
use crate::scenario::Scenario;
use crate::sweep::shard::runs::{self, DrawRuns};
use crate::sweep::shard::ShardSpec;
use clap::{Parser, ValueEnum};
use std::path::Path;

/// The options a shard does not write: its merge writes the outputs.
fn refuse_outputs(args: &SimulateArgs) -> Result<(), InputError> {
    let given = [
        ("--xlsx", args.xlsx.is_some()),
        ("--plot", args.plot.is_some()),
        ("--map", args.map.is_some()),
        ("--daily", args.daily.is_some()),
        ("--period", args.period.is_some()),
        ("--daily-bands", args.daily_bands),
        ("--summary-only", args.summary_only),
    ];
    match given.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(InputError::argument(
            flag,
            "is not written by a shard: with --shard, --out is the shard file, and `backlog merge` of all the shards writes simulate's --out DIR and --plot",
        )),
        None => Ok(()),
    }
}

/// sha256 of the bytes of `path`, in hex.
fn file_sha256(path: &Path) -> Result<String, InputError> {
    use sha2::Digest as _;
    let bytes = std::fs::read(path).map_err(|e| {
        InputError::file(
            path,
            format!("cannot read: {}", crate::scenario::io_reason(&e)),
        )
    })?;
    Ok(format!("{:x}", sha2::Sha256::digest(&bytes)))
}

/// What identifies the ensemble `args` runs over `points` draws.
fn design(
    args: &SimulateArgs,
    scenario: &Scenario,
    seed: u64,
    reps: u32,
    points: usize,
) -> Result<runs::Design, InputError> {
    Ok(runs::Design {
        simulate: args.scenario.display().to_string(),
        draws: points,
        sha256: scenario.sha256.clone(),
        set: args.overrides.set.clone(),
        seed,
        reps,
        seed_given: args.run.seed,
        reps_given: args.run.reps,
        draws_given: args.draws,
        plausible: args.plausible.as_ref().map(|p| p.display().to_string()),
        plausible_sha256: args.plausible.as_deref().map(file_sha256).transpose()?,
        municipalities: args.municipalities.clone(),
        format: args
            .format
            .to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string()),
        version: VERSION.to_string(),
    })
}

/// Runs shard `text` (`K/N`) of the ensemble's draws at `points` and writes its shard file to --out (stdout
/// without it).
pub(super) fn run(
    args: &SimulateArgs,
    text: &str,
    space: &Space,
    scenario: &Scenario,
    points: Option<Vec<Vec<f64>>>,
) -> anyhow::Result<()> {
    let shard = ShardSpec::parse(text).map_err(|m| InputError::argument("--shard", m))?;
    let Some(points) = points else {
        return Err(InputError::argument(
            "--shard",
            "splits an ensemble's draws; give --draws N or --plausible FILE",
        )
        .into());
    };
    refuse_outputs(args)?;
    if shard.count > points.len() {
        return Err(InputError::argument(
            "--shard",
            format!(
                "{shard}: the ensemble has only {} draws, so some shards would be empty; use at most {} shards",
                points.len(),
                points.len()
            ),
        )
        .into());
    }
    let out = Output::file(
        "--out",
        args.out.as_deref().unwrap_or(Path::new("-")),
        &["json"],
    )?;
    crate::output::check_distinct(&[Some(&out)])?;
    let seed = args.run.seed.unwrap_or(scenario.seed);
    let reps = args.run.reps.unwrap_or(scenario.replications);
    let design = design(args, scenario, seed, reps, points.len())?;
    let which: Vec<usize> = shard.points(points.len()).collect();
    let runs = which.len() as u64 * u64::from(reps);
    let threads = super::super::plan::plan("simulate", &[(scenario, runs)], &args.run)?;
    let summaries = super::super::plan::with_threads(threads, || {
        // Only this shard's draws are built; they are draws 0.. of that smaller set.
        let mine = which.iter().map(|&d| points[d].clone()).collect();
        let draws = ensemble::Draws::at(space, mine)?;
        let all: Vec<usize> = (0..which.len()).collect();
        Ok::<_, anyhow::Error>(ensemble::summaries(
            &draws,
            &args.municipalities,
            &all,
            seed,
            reps,
        )??)
    })??;
    let mut summaries = summaries.into_iter();
    let draws: Vec<DrawRuns> = which
        .into_iter()
        .map(|draw| DrawRuns {
            draw,
            summaries: summaries.by_ref().take(reps as usize).collect(),
        })
        .collect();
    out.write(|w| runs::write(w, &design, shard, draws))
}

/// Merges shard files of `simulate --shard`: simulate's --out DIR with `merge --out DIR` (nothing with `-`),
/// simulate's --plot with `merge --plot`, and the table on stdout unless --quiet.
pub fn merge(merge: &MergeArgs, quiet: bool) -> anyhow::Result<()> {
    let merged = runs::merge(&merge.shards)?;
    let design = &merged.design;
    let bad = |message: String| InputError::file(&merged.first, message);
    if design.version != VERSION {
        return Err(bad(format!(
            "was written by backlog {}, this is {VERSION}; merge with the version that ran the shards, or run them again",
            design.version
        ))
        .into());
    }
    let mut argv: Vec<String> = vec!["backlog".into(), "simulate".into(), design.simulate.clone()];
    if let Some(seed) = design.seed_given {
        argv.extend(["--seed".into(), seed.to_string()]);
    }
    if let Some(reps) = design.reps_given {
        argv.extend(["--reps".into(), reps.to_string()]);
    }
    if let Some(draws) = design.draws_given {
        argv.extend(["--draws".into(), draws.to_string()]);
    }
    if let Some(plausible) = &design.plausible {
        argv.push(format!("--plausible={plausible}"));
    }
    argv.extend(
        design
            .municipalities
            .iter()
            .map(|code| format!("--municipality={code}")),
    );
    argv.extend(design.set.iter().map(|set| format!("--set={set}")));
    argv.push(format!("--format={}", design.format));
    if merge.out != Path::new("-") {
        argv.push(format!("--out={}", merge.out.display()));
    }
    if let Some(plot) = &merge.plot {
        argv.push(format!("--plot={}", plot.display()));
    }
    let args = match Cli::try_parse_from(&argv).map(|cli| cli.command) {
        Ok(Command::Simulate(args)) => args,
        _ => {
            return Err(bad(format!(
                "records arguments `backlog simulate` does not take: {}",
                argv[1..].join(" ")
            ))
            .into())
        }
    };
    if let (Some(path), Some(recorded)) = (&args.plausible, &design.plausible_sha256) {
        if file_sha256(path)? != *recorded {
            return Err(bad(format!(
                "ran over another plausible set than {} holds now (its sha256 differs); run the shards again",
                path.display()
            ))
            .into());
        }
    }
    super::run_with(args, quiet, Some(Shards { merged }))
}

/// The merged shards a simulation takes its draws' runs from, checked against the scenario as it is now.
pub(super) struct Shards {
    merged: runs::Merged,
}

impl Shards {
    /// The draws' runs, once the scenario is the one the shards ran (same files, same draws).
    pub(super) fn runs(
        self,
        scenario: &Scenario,
        points: usize,
    ) -> Result<Vec<RunSummary>, InputError> {
        let design = &self.merged.design;
        let bad = |message: String| InputError::file(&self.merged.first, message);
        if scenario.sha256 != design.sha256 {
            return Err(bad(format!(
                "ran scenario {} when its files had sha256 {}; they have {} now, so run the shards again",
                design.simulate, design.sha256, scenario.sha256
            )));
        }
        if points != design.draws {
            return Err(bad(format!(
                "ran {} draws, but the scenario's ensemble now has {points}; run the shards again",
                design.draws
            )));
        }
        Ok(self.merged.runs)
    }
}
