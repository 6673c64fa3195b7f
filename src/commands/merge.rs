//! `backlog merge`: shard files of one sweep in, the unsharded output out.

use crate::cli::MergeArgs;
use crate::sweep::{output, shard};

pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let (format, header, rows) = shard::merge(&args.shards)?;
    super::write_output(&args.out, |out| output::write(out, format, &header, &rows))
}
