//! Shard files of a design whose runs each give a few numbers: `sensitivity --shard K/N` (the metric at each
//! point of the tornado and the Saltelli design) and `calibrate --shard K/N` (each draw's mean of every
//! calibration target). Shard K holds the design's points whose index is K mod N; `merge` puts the values of all
//! N shards back in design order, and the command then finishes exactly as one unsharded run does.
//!
//! A shard file is CSV. Its first column is named after the command that wrote it and holds the scenario as
//! given (so `merge` knows the kind of a file by its first column's name), then `points` (the design's size),
//! `shard` (`K/N`), `point` (the row's index in the design) and `digest` (SHA-256 of every other field of every
//! row, as in a sweep's shard); then the columns that identify the design, the same on every row of every shard
//! of one run (the command's own, such as the scenario's sha256, the seed and the options); then the values,
//! written as the shortest text that reads back exactly, and empty where a run gave none.

use super::{
    bad, check_complete, check_joins, check_whole, difference, without_digest, Bounded, Digest,
    Identity, Member, ShardSpec, MAX_SHARD_BYTES,
};
use crate::error::InputError;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The columns after the first: where the row belongs.
const PLACE_COLUMNS: [&str; 4] = ["points", "shard", "point", "digest"];
/// Position of the digest.
const DIGEST: usize = 4;
/// Columns before the identity's.
const FIXED: usize = 1 + PLACE_COLUMNS.len();

/// A command whose design can be sharded.
#[derive(Debug)]
pub struct Kind {
    /// The command, also the name of a shard file's first column.
    pub command: &'static str,
    /// What one run of it is called in messages: "sensitivity design", "calibration".
    pub noun: &'static str,
    /// The columns that identify a run's design, after the place columns.
    pub identity: &'static [&'static str],
}

impl Kind {
    fn writer(&self) -> &'static str {
        match self.command {
            "sensitivity" => "backlog sensitivity --shard",
            _ => "backlog calibrate --shard",
        }
    }
}

/// One sharded design, as a shard writes it and `merge` reads it back.
#[derive(Debug, Clone)]
pub struct Design {
    /// The scenario as given on the command line.
    pub scenario: String,
    /// Points in the whole design.
    pub points: usize,
    /// The values of the kind's identity columns, in order.
    pub identity: Vec<String>,
    /// The names of the value columns.
    pub values: Vec<String>,
}

/// The first column's name of a shard file, when it can be read as CSV at all (`merge` picks the reader by it).
pub fn kind_of(path: &Path) -> Option<String> {
    let input = crate::scenario::open_input(path, MAX_SHARD_BYTES, "shard files").ok()?;
    let mut reader = csv::Reader::from_reader(Bounded::new(input, "backlog merge"));
    let headers = reader.headers().ok()?;
    headers.get(0).map(str::to_string)
}

/// Writes shard `shard` of `design`: one row per `(point, values)`, in point order.
pub fn write(
    out: &mut dyn Write,
    kind: &Kind,
    design: &Design,
    shard: ShardSpec,
    rows: &[(usize, Vec<Option<f64>>)],
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut columns = vec![kind.command.to_string()];
    columns.extend(PLACE_COLUMNS.iter().map(|c| c.to_string()));
    columns.extend(kind.identity.iter().map(|c| c.to_string()));
    columns.extend(design.values.iter().cloned());
    writer.write_record(&columns)?;
    let records: Vec<Vec<String>> = rows
        .iter()
        .map(|(point, values)| {
            let mut fields = vec![
                design.scenario.clone(),
                design.points.to_string(),
                shard.to_string(),
                point.to_string(),
                String::new(),
            ];
            fields.extend(design.identity.iter().cloned());
            fields.extend(
                values
                    .iter()
                    .map(|v| v.map_or(String::new(), |v| v.to_string())),
            );
            fields
        })
        .collect();
    let mut digest = Digest::default();
    for fields in &records {
        digest.row(without_digest(fields.iter().map(String::as_str), DIGEST));
    }
    let digest = digest.hex();
    for mut fields in records {
        fields[DIGEST] = digest.clone();
        writer.write_record(&fields)?;
    }
    writer.flush()
}

/// One shard file, read and checked on its own.
struct ShardFile {
    path: PathBuf,
    columns: Vec<String>,
    /// The first column, the place columns but `shard` and `point`, and the kind's identity columns.
    identity: Identity,
    shard: ShardSpec,
    design: Design,
    rows: Vec<(usize, Vec<Option<f64>>)>,
}

impl ShardFile {
    fn member(&self) -> Member<'_> {
        Member {
            path: &self.path,
            shard: self.shard,
            identity: &self.identity,
            columns: &self.columns,
        }
    }
}

fn read(path: &Path, kind: &Kind) -> Result<ShardFile, InputError> {
    let input = crate::scenario::open_input(path, MAX_SHARD_BYTES, "shard files")?;
    let mut reader = csv::Reader::from_reader(Bounded::new(input, kind.writer()));
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| bad(path, format!("cannot read: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let expected: Vec<&str> = std::iter::once(kind.command)
        .chain(PLACE_COLUMNS)
        .chain(kind.identity.iter().copied())
        .collect();
    if columns.len() <= expected.len() || columns[..expected.len()] != expected[..] {
        return Err(bad(
            path,
            format!(
                "is not a shard file of `{}` (its columns do not start with {} and a value column)",
                kind.writer(),
                expected.join(",")
            ),
        ));
    }
    let values_at = expected.len();
    let mut file: Option<ShardFile> = None;
    let mut expected_points: Vec<usize> = Vec::new();
    let mut digest = Digest::default();
    let mut stored_digest: Option<String> = None;
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(path, format!("cannot read: {e}")))?;
        digest.row(without_digest(record.iter(), DIGEST));
        let damaged = |what: String| bad(path, format!("row {}: {what}", line + 2));
        match &stored_digest {
            None => stored_digest = Some(record.get(DIGEST).unwrap_or("").to_string()),
            Some(first) if record.get(DIGEST) != Some(first.as_str()) => return Err(damaged(
                "digest differs from row 2's; the file was edited or damaged (run its shard again)"
                    .to_string(),
            )),
            Some(_) => {}
        }
        if record.len() != columns.len() {
            return Err(damaged(format!(
                "has {} fields, the header {}",
                record.len(),
                columns.len()
            )));
        }
        let field = |i: usize| record.get(i).unwrap_or("");
        let shard = ShardSpec::parse(field(2)).map_err(|e| damaged(format!("shard: {e}")))?;
        let identity: Identity = [0, 1]
            .into_iter()
            .chain(FIXED..values_at)
            .map(|i| (columns[i].clone(), field(i).to_string()))
            .collect();
        let point: usize = field(3)
            .parse()
            .map_err(|_| damaged(format!("point `{}` is not a design index", field(3))))?;
        match &mut file {
            None => {
                let points: usize = field(1)
                    .parse()
                    .ok()
                    .filter(|&n| n >= shard.count)
                    .ok_or_else(|| {
                        damaged(format!(
                            "points `{}` is not a design size of at least {} points",
                            field(1),
                            shard.count
                        ))
                    })?;
                expected_points = shard.points(points).collect();
                file = Some(ShardFile {
                    path: path.to_path_buf(),
                    columns: columns.clone(),
                    identity,
                    shard,
                    design: Design {
                        scenario: field(0).to_string(),
                        points,
                        identity: (FIXED..values_at).map(|i| field(i).to_string()).collect(),
                        values: columns[values_at..].to_vec(),
                    },
                    rows: Vec::new(),
                });
            }
            Some(file) => {
                if shard != file.shard {
                    return Err(damaged(format!(
                        "is shard {shard}, row 2 shard {}",
                        file.shard
                    )));
                }
                if let Some(difference) = difference(&file.identity, &identity) {
                    return Err(damaged(format!(
                        "belongs to another {} than row 2: {difference}",
                        kind.noun
                    )));
                }
            }
        }
        let file = file.as_mut().expect("set above");
        if expected_points.get(file.rows.len()) != Some(&point) {
            return Err(damaged(format!(
                "holds design point {point}, but shard {} has {}",
                file.shard,
                expected_points
                    .get(file.rows.len())
                    .map_or("no more points".to_string(), |p| format!("point {p} next"))
            )));
        }
        let values = (values_at..columns.len())
            .map(|i| match field(i) {
                "" => Ok(None),
                text => text
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Some)
                    .ok_or_else(|| damaged(format!("{}: `{text}` is not a number", columns[i]))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        file.rows.push((point, values));
    }
    let file = file.ok_or_else(|| bad(path, "has no rows; a shard holds at least one point"))?;
    check_whole(
        path,
        file.shard,
        (expected_points.len(), file.rows.len()),
        "design points",
        (stored_digest.as_deref(), digest),
        kind.writer(),
    )?;
    Ok(file)
}

/// Shard files of one design merged: the design, the values at every point in design order, and the file the
/// design was read from (for messages).
#[derive(Debug)]
pub struct Merged {
    pub design: Design,
    pub values: Vec<Vec<Option<f64>>>,
    pub first: PathBuf,
}

impl Merged {
    /// The value of identity column `name` of `kind` (a column every shard of the kind records).
    pub fn field(&self, kind: &Kind, name: &str) -> &str {
        let at = kind.identity.iter().position(|c| *c == name);
        self.design.identity[at.expect("a column of the kind")].as_str()
    }

    /// Refuses shards written by another version than `version`, whose runs may differ from this one's.
    pub fn check_version(&self, kind: &Kind, version: &str) -> Result<(), InputError> {
        let written = self.field(kind, "version");
        if written == version {
            return Ok(());
        }
        Err(InputError::file(
            &self.first,
            format!("was written by backlog {written}, this is {version}; merge with the version that ran the shards, or run them again"),
        ))
    }

    /// The `--set` values the shards ran with, recorded as a JSON list.
    pub fn set(&self, kind: &Kind) -> Result<Vec<String>, InputError> {
        let text = self.field(kind, "set");
        serde_json::from_str(text).map_err(|_| {
            InputError::file(
                &self.first,
                format!("set `{text}` is not a list of --set values"),
            )
        })
    }
}

/// Reads and checks shard files of `kind`: all from one design, every shard exactly once.
pub fn merge(paths: &[PathBuf], kind: &Kind) -> Result<Merged, InputError> {
    let mut files: Vec<ShardFile> = Vec::with_capacity(paths.len());
    for path in paths {
        let file = read(path, kind)?;
        let earlier: Vec<Member> = files.iter().map(ShardFile::member).collect();
        check_joins(&earlier, &file.member(), kind.noun)?;
        files.push(file);
    }
    check_complete(
        &files.iter().map(ShardFile::member).collect::<Vec<_>>(),
        kind.noun,
    )?;
    let design = files[0].design.clone();
    let first = files[0].path.clone();
    let mut rows: Vec<(usize, Vec<Option<f64>>)> = files.into_iter().flat_map(|f| f.rows).collect();
    rows.sort_by_key(|(point, _)| *point);
    Ok(Merged {
        design,
        values: rows.into_iter().map(|(_, values)| values).collect(),
        first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind {
        command: "sensitivity",
        noun: "sensitivity design",
        identity: &["seed"],
    };

    fn shard(dir: &Path, k: usize, n: usize, seed: &str) -> PathBuf {
        let design = Design {
            scenario: "s.toml".into(),
            points: 5,
            identity: vec![seed.into()],
            values: vec!["value".into()],
        };
        let spec = ShardSpec { index: k, count: n };
        let rows: Vec<(usize, Vec<Option<f64>>)> = spec
            .points(5)
            .map(|p| (p, vec![(p != 3).then_some(p as f64 / 3.0)]))
            .collect();
        let mut bytes = Vec::new();
        write(&mut bytes, &KIND, &design, spec, &rows).unwrap();
        let path = dir.join(format!("{k}-{n}-{seed}.csv"));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn values_come_back_exactly_in_design_order_from_shards_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [shard(dir.path(), 1, 2, "7"), shard(dir.path(), 0, 2, "7")];
        let merged = merge(&paths, &KIND).unwrap();
        let values: Vec<Option<f64>> = merged.values.iter().map(|v| v[0]).collect();
        assert_eq!(
            values,
            [
                Some(0.0),
                Some(1.0 / 3.0),
                Some(2.0 / 3.0),
                None,
                Some(4.0 / 3.0)
            ]
        );
        assert_eq!(merged.design.identity, ["7"]);
    }

    #[test]
    fn shards_of_another_design_are_refused_naming_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [shard(dir.path(), 0, 2, "7"), shard(dir.path(), 1, 2, "8")];
        let error = merge(&paths, &KIND).unwrap_err().to_string();
        assert!(error.ends_with("seed is `8`, not `7`"), "{error}");
        assert!(
            error.contains("comes from a different sensitivity design than"),
            "{error}"
        );
    }
}
