//! `backlog merge`: shard files of one sweep in, the unsharded output out.

use crate::cli::MergeArgs;
use crate::sweep::{output, shard};

pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let out = crate::output::Output::file("--out", &args.out, &[])?;
    // The shards are read once the output is checked, but may not be replaced by it either.
    for shard in &args.shards {
        crate::output::record_input(shard);
    }
    crate::output::check_distinct(&[Some(&out)])?;
    let (format, header, rows) = shard::merge(&args.shards)?;
    out.write(|w| output::write(w, format, &header, &rows))
}
