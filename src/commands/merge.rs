//! `backlog merge`: shard files of one sweep, sensitivity analysis, calibration or ensemble in, the unsharded
//! output out. The first file's first bytes say which command wrote the shards.

use crate::cli::MergeArgs;
use crate::error::InputError;
use crate::sweep::shard::values;
use crate::sweep::{output, shard};

pub fn run(args: MergeArgs, quiet: bool) -> anyhow::Result<()> {
    // The shards are read once the output is checked, but may not be replaced by it either.
    for shard in &args.shards {
        crate::output::record_input(shard);
    }
    if args
        .shards
        .first()
        .is_some_and(|path| shard::runs::is_runs_shard(path))
    {
        return super::simulate::merge(&args, quiet);
    }
    match args
        .shards
        .first()
        .and_then(|path| values::kind_of(path))
        .as_deref()
    {
        Some("sensitivity") => return super::sensitivity::merge(&args, quiet),
        Some("calibrate") => return super::calibrate::merge(&args, quiet),
        _ => {}
    }
    if args.plot.is_some() {
        return Err(InputError::argument(
            "--plot",
            "draws the tornado of sensitivity shards; these are not (a sweep's shards merge into its --format)",
        )
        .into());
    }
    let out = crate::output::Output::file("--out", &args.out, &[])?;
    crate::output::check_distinct(&[Some(&out)])?;
    let (format, header, rows) = shard::merge(&args.shards)?;
    out.write(|w| output::write(w, format, &header, &rows))
}
