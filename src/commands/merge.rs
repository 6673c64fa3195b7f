//! `backlog merge`: shard files of one sweep in, the unsharded output out.

use crate::cli::MergeArgs;
use crate::sweep::{output, shard};

pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let out = crate::output::Output::file("--out", &args.out, &[])?;
    let (format, header, rows) = shard::merge(&args.shards)?;
    out.write(|w| output::write(w, format, &header, &rows))
}
