//! Shard files of an ensemble: `simulate --draws N --shard K/N` runs the draws whose index is K mod N and keeps
//! every run's summaries (total, per municipality, per group, the a-kasse side and the timeliness counts), which
//! is all the ensemble's outcome is made of. `merge` puts the runs of all N shards back in draw order, and
//! `simulate` then finishes exactly as one unsharded run does.
//!
//! A shard file is one JSON document. Its first key is `simulate` and holds the scenario as given (so `merge`
//! knows the kind of a file by its first bytes); then `shard` (`K/N`), `draws` (the design's size), the fields
//! that identify the run (the same in every shard of one run: the scenario's sha256, the `--set` values, seed,
//! replications and whether they were given, the `--draws` and `--plausible` given, the municipalities shown,
//! `--format`, the version), `digest`
//! (SHA-256 of the compact JSON of `runs`) and `runs`: per draw of the shard, in draw order, its index and its
//! replications' summaries. Numbers are written as the shortest text that reads back exactly.

use super::{bad, check_complete, check_joins, Identity, Member, ShardSpec, MAX_SHARD_BYTES};
use crate::error::InputError;
use crate::run::RunSummary;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// What a shard's first bytes are: how `merge` tells an ensemble's shard from the CSV shards.
const OPENING: &[u8] = b"{\n  \"simulate\": ";

/// The fields that identify one sharded ensemble: every shard of it holds the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// The scenario as given on the command line.
    pub simulate: String,
    /// Draws in the whole ensemble.
    pub draws: usize,
    /// sha256 of every file the scenario reads.
    pub sha256: String,
    /// The `--set` values, in order.
    pub set: Vec<String>,
    /// The seed and replications the runs used, and `--seed` and `--reps` as given (a merge gives them again
    /// only if they were, so that its run.json is the unsharded run's).
    pub seed: u64,
    pub reps: u32,
    pub seed_given: Option<u64>,
    pub reps_given: Option<u32>,
    /// `--draws` as given (with `--plausible`, the number of sets taken; absent: all of them).
    pub draws_given: Option<u32>,
    /// `--plausible` as given, and the sha256 of that file's bytes.
    pub plausible: Option<String>,
    pub plausible_sha256: Option<String>,
    /// `--municipality` codes shown, in order.
    pub municipalities: Vec<u32>,
    /// `--format` as simulate takes it (`table`, `json`, `markdown`): what the merge prints on stdout.
    pub format: String,
    pub version: String,
}

impl Design {
    /// The fields two shards of one ensemble share, named, in order (for the message naming the first that
    /// differs).
    fn identity(&self) -> Identity {
        vec![
            ("simulate".into(), self.simulate.clone()),
            ("draws".into(), self.draws.to_string()),
            ("sha256".into(), self.sha256.clone()),
            ("set".into(), json(&self.set)),
            ("seed".into(), self.seed.to_string()),
            ("reps".into(), self.reps.to_string()),
            ("seed_given".into(), json(&self.seed_given)),
            ("reps_given".into(), json(&self.reps_given)),
            ("draws_given".into(), json(&self.draws_given)),
            ("plausible".into(), json(&self.plausible)),
            ("plausible_sha256".into(), json(&self.plausible_sha256)),
            ("municipalities".into(), json(&self.municipalities)),
            ("format".into(), self.format.clone()),
            ("version".into(), self.version.clone()),
        ]
    }
}

/// Compact JSON of a field, for the identity's text.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain values serialise")
}

/// One draw of a shard: its index in the design and its replications' summaries, in replication order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawRuns {
    pub draw: usize,
    pub summaries: Vec<RunSummary>,
}

/// A shard file as written and read.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(flatten)]
    design: Design,
    shard: String,
    digest: String,
    runs: Vec<DrawRuns>,
}

/// SHA-256 of the runs' compact JSON, in hex.
fn digest(runs: &[DrawRuns]) -> String {
    use sha2::Digest as _;
    let text = serde_json::to_vec(runs).expect("summaries serialise");
    format!("{:x}", sha2::Sha256::digest(&text))
}

/// Whether `path` is a regular file that begins as an ensemble's shard file does (a FIFO or a device is not
/// opened: its reader, which refuses it, comes later).
pub fn is_runs_shard(path: &Path) -> bool {
    let mut opening = [0u8; OPENING.len()];
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut opening))
            .is_ok()
        && opening == OPENING
}

/// Writes shard `shard` of `design`: `runs` are its draws, in draw order.
pub fn write(
    out: &mut dyn Write,
    design: &Design,
    shard: ShardSpec,
    runs: Vec<DrawRuns>,
) -> io::Result<()> {
    let file = File {
        design: design.clone(),
        shard: shard.to_string(),
        digest: digest(&runs),
        runs,
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    writeln!(out)
}

/// One shard file, read and checked on its own.
struct ShardFile {
    path: PathBuf,
    shard: ShardSpec,
    design: Design,
    identity: Identity,
    runs: Vec<DrawRuns>,
}

impl ShardFile {
    fn member(&self) -> Member<'_> {
        Member {
            path: &self.path,
            shard: self.shard,
            identity: &self.identity,
            columns: &[],
        }
    }
}

fn read(path: &Path) -> Result<ShardFile, InputError> {
    let input = crate::scenario::open_input(path, MAX_SHARD_BYTES, "shard files")?;
    let file: File = serde_json::from_reader(io::BufReader::new(input)).map_err(|e| {
        bad(
            path,
            format!("is not a shard file of `backlog simulate --shard`: {e}"),
        )
    })?;
    let shard = ShardSpec::parse(&file.shard).map_err(|e| bad(path, format!("shard: {e}")))?;
    if digest(&file.runs) != file.digest {
        return Err(bad(
            path,
            "its runs do not give its digest; the file was edited or damaged (run its shard again)",
        ));
    }
    let expected: Vec<usize> = shard.points(file.design.draws).collect();
    let held: Vec<usize> = file.runs.iter().map(|r| r.draw).collect();
    if held != expected {
        return Err(bad(
            path,
            format!(
                "holds draws {held:?}, but shard {shard} of {} draws runs {expected:?}",
                file.design.draws
            ),
        ));
    }
    let reps = file.design.reps as usize;
    if let Some(short) = file.runs.iter().find(|r| r.summaries.len() != reps) {
        return Err(bad(
            path,
            format!(
                "draw {} holds {} replications, not the {reps} the shard ran",
                short.draw,
                short.summaries.len()
            ),
        ));
    }
    Ok(ShardFile {
        path: path.to_path_buf(),
        shard,
        identity: file.design.identity(),
        design: file.design,
        runs: file.runs,
    })
}

/// The runs of all shards of one ensemble, in draw-then-replication order.
pub struct Merged {
    pub design: Design,
    pub runs: Vec<RunSummary>,
    /// The first shard file given, for messages.
    pub first: PathBuf,
}

/// Reads and checks shard files: all from one ensemble, every shard exactly once.
pub fn merge(paths: &[PathBuf]) -> Result<Merged, InputError> {
    const NOUN: &str = "ensemble";
    let mut files: Vec<ShardFile> = Vec::with_capacity(paths.len());
    for path in paths {
        let file = read(path)?;
        let earlier: Vec<Member> = files.iter().map(ShardFile::member).collect();
        check_joins(&earlier, &file.member(), NOUN)?;
        files.push(file);
    }
    check_complete(
        &files.iter().map(ShardFile::member).collect::<Vec<_>>(),
        NOUN,
    )?;
    let design = files[0].design.clone();
    let first = files[0].path.clone();
    let mut draws: Vec<DrawRuns> = files.into_iter().flat_map(|f| f.runs).collect();
    draws.sort_by_key(|d| d.draw);
    Ok(Merged {
        design,
        runs: draws.into_iter().flat_map(|d| d.summaries).collect(),
        first,
    })
}
