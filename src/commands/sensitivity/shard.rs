//! `sensitivity --shard K/N` and the merge of its shards: shard K runs the points (tornado, then design) whose
//! index is K mod N and writes the metric at each; `merge` rebuilds the analysis from the arguments its shards
//! record, checks that the scenario is still the one they ran, and writes what one unsharded run writes.

use super::{Analysis, Outputs};
use crate::cli::{MergeArgs, RunOptions, SensitivityArgs, SensitivityFormat, SetOptions};
use crate::error::InputError;
use crate::output::Output;
use crate::report::VERSION;
use crate::sweep::shard::values::{self, Kind};
use crate::sweep::shard::ShardSpec;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// The columns that identify a sensitivity design: the scenario's sha256, the `--set` overrides (a JSON list),
/// the metric and where it is taken, the base sample (empty with --tornado-only), seed, replications, the
/// `--format` to merge into and the version that ran the shard.
pub const KIND: Kind = Kind {
    command: "sensitivity",
    noun: "sensitivity design",
    identity: &[
        "sha256",
        "set",
        "metric",
        "municipality",
        "by",
        "n",
        "seed",
        "reps",
        "format",
        "version",
    ],
};

/// Runs shard `shard` of the analysis and writes its shard file to --out (stdout without it).
pub(super) fn run(
    args: &SensitivityArgs,
    analysis: &Analysis,
    shard: ShardSpec,
) -> anyhow::Result<()> {
    if args.plot.is_some() {
        return Err(InputError::argument(
            "--plot",
            "a shard has only some of the points; give --plot to `backlog merge`, which draws the whole tornado",
        )
        .into());
    }
    let points = analysis.points.len();
    if shard.count > points {
        return Err(InputError::argument(
            "--shard",
            format!(
                "{shard}: the analysis has only {points} points, so some shards would be empty; use at most {points} shards"
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
    let indices: Vec<usize> = shard.points(points).collect();
    let mine: Vec<Vec<f64>> = indices
        .iter()
        .map(|&i| analysis.points[i].clone())
        .collect();
    let threads = super::super::plan::plan(
        "sensitivity",
        &[(
            &analysis.central,
            mine.len() as u64 * u64::from(analysis.reps),
        )],
        &args.run,
    )?;
    let evaluator = analysis.evaluator(args);
    let found = super::super::plan::with_threads(threads, || evaluator.evaluate(&mine))??;
    let design = values::Design {
        scenario: args.scenario.display().to_string(),
        points,
        identity: vec![
            analysis.central.sha256.clone(),
            serde_json::to_string(&args.overrides.set).expect("strings serialise"),
            analysis.metric.to_string(),
            args.municipality.map_or(String::new(), |m| m.to_string()),
            analysis.by.map_or(String::new(), |d| d.to_string()),
            match &analysis.design {
                Some(design) => design.base().to_string(),
                None => String::new(),
            },
            analysis.seed.to_string(),
            analysis.reps.to_string(),
            format_name(args.format).to_string(),
            VERSION.to_string(),
        ],
        values: vec!["value".to_string()],
    };
    let rows: Vec<(usize, Vec<Option<f64>>)> = indices
        .into_iter()
        .zip(found)
        .map(|(point, value)| (point, vec![value]))
        .collect();
    out.write(|w| values::write(w, &KIND, &design, shard, &rows))
}

fn format_name(format: SensitivityFormat) -> String {
    format
        .to_possible_value()
        .expect("every format has a name")
        .get_name()
        .to_string()
}

/// Merges shard files of `sensitivity --shard`: the document in the format the shards recorded to `merge --out`,
/// the tornado to `merge --plot`.
pub fn merge(merge: &MergeArgs, quiet: bool) -> anyhow::Result<()> {
    let merged = values::merge(&merge.shards, &KIND)?;
    let first = merged.first.clone();
    let bad = |message: String| InputError::file(&first, message);
    if merged.design.values != ["value"] {
        return Err(bad(format!(
            "has the value columns {}, not value: not a shard file of `backlog sensitivity --shard`",
            merged.design.values.join(",")
        ))
        .into());
    }
    let field = |name: &str| merged.field(&KIND, name);
    merged.check_version(&KIND, VERSION)?;
    let set = merged.set(&KIND)?;
    let format = SensitivityFormat::from_str(field("format"), false).map_err(|_| {
        bad(format!(
            "format `{}` is not table, csv or json",
            field("format")
        ))
    })?;
    let number = |name: &str| -> Result<Option<u64>, InputError> {
        match field(name) {
            "" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| bad(format!("{name} `{text}` is not a whole number"))),
        }
    };
    let whole = |name: &str| {
        number(name)?.ok_or_else(|| bad(format!("{name} is empty; a shard records it")))
    };
    let small = |name: &str, value: u64| {
        u32::try_from(value).map_err(|_| bad(format!("{name} `{value}` is too large")))
    };
    let n = number("n")?;
    let args = SensitivityArgs {
        scenario: PathBuf::from(&merged.design.scenario),
        metric: field("metric").to_string(),
        municipality: number("municipality")?
            .map(|m| small("municipality", m))
            .transpose()?,
        by: Some(field("by"))
            .filter(|by| !by.is_empty())
            .map(str::to_string),
        n: small("n", n.unwrap_or(2))?,
        format,
        out: None,
        plot: None,
        tornado_only: n.is_none(),
        shard: None,
        plausible: None,
        overrides: SetOptions { set },
        run: RunOptions {
            reps: Some(small("reps", whole("reps")?)?),
            seed: Some(whole("seed")?),
            jobs: None,
            max_memory: u64::MAX,
        },
    };
    let analysis = Analysis::prepare(&args)?;
    if analysis.central.sha256 != field("sha256") {
        return Err(bad(format!(
            "was run on {} with sha256 {}, but it now has {}: the scenario or its data changed since; run the shards again",
            merged.design.scenario,
            field("sha256"),
            analysis.central.sha256
        ))
        .into());
    }
    if analysis.points.len() != merged.design.points {
        return Err(bad(format!(
            "holds an analysis of {} points, but its arguments make {}",
            merged.design.points,
            analysis.points.len()
        ))
        .into());
    }
    let document = if merge.out == Path::new("-") {
        let prints = !(quiet && format == SensitivityFormat::Table);
        Output::stdout_document("the merged document", prints)?
    } else {
        Some(Output::file("--out", &merge.out, &[])?)
    };
    let plot = Output::optional(
        "--plot",
        merge.plot.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    crate::output::check_distinct(&[document.as_ref(), plot.as_ref()])?;
    let outputs = Outputs {
        stdout: document,
        out: None,
        plot,
    };
    let found = merged.values.into_iter().map(|v| v[0]).collect();
    analysis.finish(&args, found, &outputs)
}
