//! Sharded sweeps: `--shard K/N` runs the grid points whose index is K mod N and writes a shard file; `merge`
//! checks a set of shard files and writes exactly what one unsharded run writes.
//!
//! A shard file is CSV: six columns that identify the sweep and place the row (`sweep` is the grid spec,
//! `points` the grid size, `format` the output format asked for, `shard` is `K/N`, `point` the grid index,
//! `digest` the shard's digest), then the columns of the unsharded CSV. The digest is the SHA-256 of every
//! other field of every row of the shard (so of its grid, its scenario's name and hash, its seed and its
//! results), repeated on each row: `merge` recomputes it and refuses a shard that was edited or damaged. Numbers are written as the shortest text that reads back exactly, so
//! reading the rows back and writing them again reproduces the unsharded output byte for byte.
//!
//! The shard spec, the digest, the bounded reader and the checks that a set of shards is whole are shared with
//! the shard files of `sensitivity` and `calibrate` ([`values`]).

use super::grid::{Grid, Value, MAX_POINTS};
use super::output::{
    Header, Row, Search, SweepFormat, TargetHeader, TargetOutcome, IDENTITY_COLUMNS, REPORTED,
    TARGET_COLUMNS,
};
use crate::error::InputError;
use crate::summary::Band;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub mod runs;
pub mod values;

pub const SHARD_COLUMNS: [&str; 6] = ["sweep", "points", "format", "shard", "point", "digest"];
pub use crate::scenario::{MAX_SHARD_BYTES, MAX_SHARD_LINE_BYTES};
/// Position of the digest among the shard columns.
const DIGEST: usize = 5;

/// The digest of a shard: SHA-256 over its rows' fields other than the digest, in order, with separators
/// that cannot occur in a field's meaning (unit and record separators).
#[derive(Default)]
struct Digest(sha2::Sha256);

impl Digest {
    fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) {
        use sha2::Digest as _;
        for field in fields {
            self.0.update(field.as_bytes());
            self.0.update([0x1f]);
        }
        self.0.update([0x1e]);
    }

    fn hex(self) -> String {
        use sha2::Digest as _;
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// `K/N`: this is shard K of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: usize,
    pub count: usize,
}

impl ShardSpec {
    pub fn parse(text: &str) -> Result<ShardSpec, String> {
        let syntax =
            || format!("expected K/N such as 3/16 (shard K of N, K from 0 to N-1), got `{text}`");
        let (k, n) = text.split_once('/').ok_or_else(syntax)?;
        let index: usize = k.trim().parse().map_err(|_| syntax())?;
        let count: usize = n.trim().parse().map_err(|_| syntax())?;
        if count == 0 {
            return Err(format!("N must be at least 1, got `{text}`"));
        }
        if index >= count {
            return Err(format!(
                "K must be less than N (shards are numbered 0 to {}), got `{text}`",
                count - 1
            ));
        }
        Ok(ShardSpec { index, count })
    }

    /// Indices of this shard's points in a grid of `points`.
    pub fn points(&self, points: usize) -> impl Iterator<Item = usize> {
        (self.index..points).step_by(self.count)
    }
}

impl std::fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Writes a shard file: the shard columns, then the unsharded CSV columns.
pub fn write(
    out: &mut dyn Write,
    header: &Header,
    grid: &Grid,
    format: SweepFormat,
    shard: ShardSpec,
    rows: &[Row],
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut columns: Vec<String> = SHARD_COLUMNS.iter().map(|c| c.to_string()).collect();
    columns.extend(header.csv_columns());
    writer.write_record(&columns)?;
    let records: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut fields = vec![
                grid.spec(),
                grid.len().to_string(),
                format.name().to_string(),
                shard.to_string(),
                row.index.to_string(),
                String::new(),
            ];
            fields.extend(header.csv_fields(row));
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

/// The fields of a row but its digest, the field at `digest`.
fn without_digest<'a>(
    fields: impl Iterator<Item = &'a str>,
    digest: usize,
) -> impl Iterator<Item = &'a str> {
    fields
        .enumerate()
        .filter(move |(i, _)| *i != digest)
        .map(|(_, field)| field)
}

/// What must be the same in every row of every shard of one sweep: (column name, value) pairs of the shard
/// columns but `point`, then the identity and target columns. `shard` differs between files, `K/N` by `K`.
type Identity = Vec<(String, String)>;

/// One shard file, read and checked on its own.
struct ShardFile {
    path: PathBuf,
    columns: Vec<String>,
    identity: Identity,
    shard: ShardSpec,
    format: SweepFormat,
    header: Header,
    rows: Vec<Row>,
}

fn bad(path: &Path, message: impl Into<String>) -> InputError {
    InputError::file(path, message)
}

/// Checks that a shard file read whole holds all `expected` of its shard's points (`held`, named `points` in the
/// message) and that its rows give the digest it stores, which `writer` wrote.
fn check_whole(
    path: &Path,
    shard: ShardSpec,
    (expected, held): (usize, usize),
    points: &str,
    (stored, digest): (Option<&str>, Digest),
    writer: &str,
) -> Result<(), InputError> {
    if held != expected {
        return Err(bad(
            path,
            format!("is incomplete: shard {shard} has {expected} {points}, the file holds {held}"),
        ));
    }
    if stored != Some(digest.hex().as_str()) {
        return Err(bad(
            path,
            format!(
                "does not match its digest: the file was edited or damaged after `{writer}` wrote it (run its shard again)"
            ),
        ));
    }
    Ok(())
}

/// A reader that fails, instead of growing without end, on a file over [`MAX_SHARD_BYTES`] or a line over
/// [`MAX_SHARD_LINE_BYTES`] (a file without line feeds would otherwise be held whole as one record).
struct Bounded<R> {
    inner: R,
    read: u64,
    /// Bytes since the last line feed.
    line: usize,
    /// The command that writes such files, as the message for an overlong line names it.
    writer: &'static str,
}

impl<R> Bounded<R> {
    fn new(inner: R, writer: &'static str) -> Bounded<R> {
        Bounded {
            inner,
            read: 0,
            line: 0,
            writer,
        }
    }
}

impl<R: io::Read> io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > MAX_SHARD_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {MAX_SHARD_BYTES} bytes, the limit for shard files"),
            ));
        }
        for &byte in &buf[..n] {
            self.line = if byte == b'\n' { 0 } else { self.line + 1 };
            if self.line > MAX_SHARD_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a line longer than {MAX_SHARD_LINE_BYTES} bytes; not a shard file of `{}`",
                        self.writer
                    ),
                ));
            }
        }
        Ok(n)
    }
}

fn read(path: &Path) -> Result<ShardFile, InputError> {
    let input = crate::scenario::open_input(path, MAX_SHARD_BYTES, "shard files")?;
    let mut reader = csv::Reader::from_reader(Bounded::new(input, "backlog sweep --shard"));
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| bad(path, format!("cannot read: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if columns.len() < SHARD_COLUMNS.len() || columns[..SHARD_COLUMNS.len()] != SHARD_COLUMNS {
        return Err(bad(
            path,
            format!(
                "is not a shard file of `backlog sweep --shard` (its columns do not start with {})",
                SHARD_COLUMNS.join(",")
            ),
        ));
    }
    let output_columns = &columns[SHARD_COLUMNS.len()..];
    let has_target = output_columns.last().map(String::as_str) == Some("target_met");
    let mut file: Option<ShardFile> = None;
    let mut expected_points: Vec<usize> = Vec::new();
    // The grid the shard's own sweep spec generates: every row's values must be its point's. A row that is not
    // is reported after the digest, so that an edited file is called edited first.
    let mut grid = Grid::default();
    let mut forged: Option<InputError> = None;
    let mut digest = Digest::default();
    let mut stored_digest: Option<String> = None;
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(path, format!("cannot read: {e}")))?;
        digest.row(without_digest(record.iter(), DIGEST));
        match &stored_digest {
            None => stored_digest = Some(record.get(DIGEST).unwrap_or("").to_string()),
            Some(first) if record.get(DIGEST) != Some(first.as_str()) => {
                return Err(bad(
                    path,
                    format!(
                        "row {}: digest differs from row 2's; the file was edited or damaged (run its shard again)",
                        line + 2
                    ),
                ))
            }
            Some(_) => {}
        }
        let field = |i: usize| record.get(i).unwrap_or("");
        let damaged = |what: String| bad(path, format!("row {}: {what}", line + 2));
        if record.len() != columns.len() {
            return Err(damaged(format!(
                "has {} fields, the header {}",
                record.len(),
                columns.len()
            )));
        }
        let shard = ShardSpec::parse(field(3)).map_err(|e| damaged(format!("shard: {e}")))?;
        let identity_end = SHARD_COLUMNS.len() + IDENTITY_COLUMNS.len();
        let mut fields: Vec<(String, String)> = [0, 1, 2, 3]
            .into_iter()
            .chain(SHARD_COLUMNS.len()..identity_end)
            .map(|i| (columns[i].clone(), field(i).to_string()))
            .collect();
        if has_target {
            let first = columns.len() - TARGET_COLUMNS.len();
            fields.extend((first..first + 3).map(|i| (columns[i].clone(), field(i).to_string())));
        }
        let identity = fields;
        let point: usize = field(4)
            .parse()
            .map_err(|_| damaged(format!("point `{}` is not a grid index", field(4))))?;
        match &mut file {
            None => {
                let parsed = parse_header(field, &columns, has_target).map_err(&damaged)?;
                let points;
                (grid, points) =
                    sweep_grid(&parsed.1.vary, field(0), field(1)).map_err(&damaged)?;
                expected_points = shard.points(points).collect();
                file = Some(ShardFile {
                    path: path.to_path_buf(),
                    columns: columns.clone(),
                    identity,
                    shard,
                    format: parsed.0,
                    header: parsed.1,
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
                        "belongs to another sweep than row 2: {difference}"
                    )));
                }
            }
        }
        let file = file.as_mut().expect("set above");
        let position = file.rows.len();
        if expected_points.get(position) != Some(&point) {
            return Err(damaged(format!(
                "holds grid point {point}, but shard {} has {}",
                file.shard,
                expected_points
                    .get(position)
                    .map_or("no more points".to_string(), |p| format!("point {p} next"))
            )));
        }
        let row = parse_row(field, &file.header, point).map_err(&damaged)?;
        if row.values != grid.point(point) && forged.is_none() {
            forged = Some(damaged(format!(
                "the values of grid point {point} are not those of sweep `{}`",
                field(0)
            )));
        }
        file.rows.push(row);
    }
    let file =
        file.ok_or_else(|| bad(path, "has no rows; a shard holds at least one grid point"))?;
    check_whole(
        path,
        file.shard,
        (expected_points.len(), file.rows.len()),
        "grid points",
        (stored_digest.as_deref(), digest),
        "backlog sweep --shard",
    )?;
    if let Some(error) = forged {
        return Err(error);
    }
    Ok(file)
}

/// The grid that a shard's sweep spec (`sweep`, read into `vary`) generates, and its size, which must be the
/// shard's `points`.
fn sweep_grid(
    vary: &[(super::grid::Key, String)],
    spec: &str,
    points: &str,
) -> Result<(Grid, usize), String> {
    let size: usize = points
        .parse()
        .ok()
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| format!("points `{points}` is not a grid size"))?;
    let specs: Vec<String> = vary
        .iter()
        .map(|(key, spec)| format!("{key}={spec}"))
        .collect();
    let grid = Grid::parse(&specs).map_err(|e| format!("sweep `{spec}`: {e}"))?;
    if grid.len() != size {
        return Err(format!(
            "points is {size}, but sweep `{spec}` has {} grid points",
            grid.len()
        ));
    }
    Ok((grid, size))
}

/// The output format and header of a sweep, from the first row of a shard.
fn parse_header<'a>(
    field: impl Fn(usize) -> &'a str,
    columns: &[String],
    has_target: bool,
) -> Result<(SweepFormat, Header), String> {
    let vary = Grid::parse_spec(field(0))
        .ok_or_else(|| format!("sweep `{}` is not a grid spec", field(0)))?;
    let format = SweepFormat::parse(field(2))
        .ok_or_else(|| format!("format `{}` is not csv or json", field(2)))?;
    let base = SHARD_COLUMNS.len();
    let expected = base
        + IDENTITY_COLUMNS.len()
        + vary.len()
        + 3 * REPORTED.len()
        + if has_target { TARGET_COLUMNS.len() } else { 0 };
    if columns.len() != expected {
        return Err(format!(
            "has {} columns; a sweep of {} keys has {expected}",
            columns.len(),
            vary.len()
        ));
    }
    let target = if has_target {
        let first = columns.len() - TARGET_COLUMNS.len();
        Some(TargetHeader {
            condition: field(first).to_string(),
            by: field(first + 1)
                .parse()
                .map_err(|_| format!("by `{}` is not a date", field(first + 1)))?,
            confidence: field(first + 2)
                .parse()
                .map_err(|_| format!("confidence `{}` is not a number", field(first + 2)))?,
            search: Search::Grid,
        })
    } else {
        None
    };
    let header = Header {
        scenario: field(base).to_string(),
        sha256: field(base + 1).to_string(),
        seed: field(base + 2)
            .parse()
            .map_err(|_| format!("seed `{}` is not a number", field(base + 2)))?,
        replications: field(base + 3)
            .parse()
            .map_err(|_| format!("reps `{}` is not a number", field(base + 3)))?,
        version: field(base + 4).to_string(),
        set: field(base + 5)
            .split(' ')
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect(),
        draws: match field(base + 6) {
            "" => None,
            n => Some(
                n.parse()
                    .map_err(|_| format!("draws `{n}` is not a number"))?,
            ),
        },
        keys: vary.iter().map(|(key, _)| key.clone()).collect(),
        vary,
        target,
    };
    Ok((format, header))
}

fn parse_row<'a>(
    field: impl Fn(usize) -> &'a str,
    header: &Header,
    index: usize,
) -> Result<Row, String> {
    let number = |i: usize| -> Result<Option<f64>, String> {
        let text = field(i);
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<f64>()
            .map(Some)
            .map_err(|_| format!("`{text}` is not a number"))
    };
    let mut at = SHARD_COLUMNS.len() + IDENTITY_COLUMNS.len();
    let mut values = Vec::new();
    for key in &header.keys {
        values.push(
            Value::parse(key, field(at))
                .ok_or_else(|| format!("`{}` is not a value of {key}", field(at)))?,
        );
        at += 1;
    }
    let mut bands = Vec::new();
    for metric in REPORTED {
        let band = Band {
            mean: number(at)?,
            p5: number(at + 1)?,
            p95: number(at + 2)?,
        };
        // Every reported metric is a finite number of 0 or more, and a band's 5th percentile is not above its
        // 95th: anything else was not written by a sweep.
        let values = [band.mean, band.p5, band.p95];
        if values.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
            return Err(format!(
                "{metric}: a value is not a finite number of 0 or more"
            ));
        }
        if let (Some(p5), Some(p95)) = (band.p5, band.p95) {
            if p5 > p95 {
                return Err(format!(
                    "{metric}: its 5th percentile {p5} is above its 95th {p95}"
                ));
            }
        }
        bands.push(band);
        at += 3;
    }
    let target = if header.target.is_some() {
        let share = number(at + 3)?.ok_or("target_share is empty")?;
        let met = field(at + 4)
            .parse::<bool>()
            .map_err(|_| format!("target_met `{}` is not true or false", field(at + 4)))?;
        Some(TargetOutcome { share, met })
    } else {
        None
    };
    Ok(Row {
        index,
        values,
        bands,
        target,
    })
}

/// The first field in which two identities differ, as a message.
fn difference(a: &Identity, b: &Identity) -> Option<String> {
    a.iter()
        .zip(b)
        .find(|(x, y)| x != y && x.0 != "shard")
        .map(|((name, x), (_, y))| format!("{name} is `{y}`, not `{x}`"))
}

/// What the checks of a set of shards need of one file.
struct Member<'a> {
    path: &'a Path,
    shard: ShardSpec,
    identity: &'a Identity,
    columns: &'a [String],
}

/// Checks that `file` can join the shards read before it, `earlier`: from the same run (the `noun`, e.g.
/// "sweep"), split the same number of ways, and not a shard that is there already.
fn check_joins(earlier: &[Member], file: &Member, noun: &str) -> Result<(), InputError> {
    if let Some(first) = earlier.first() {
        let difference = difference(first.identity, file.identity)
            .or_else(|| (first.columns != file.columns).then(|| "the columns differ".to_string()));
        if let Some(difference) = difference {
            return Err(bad(
                file.path,
                format!(
                    "comes from a different {noun} than {}: {difference}",
                    first.path.display()
                ),
            ));
        }
    }
    if let Some(first) = earlier
        .first()
        .filter(|f| f.shard.count != file.shard.count)
    {
        return Err(bad(
            file.path,
            format!(
                "is shard {} of a {noun} split {} ways, but {} is shard {}",
                file.shard,
                file.shard.count,
                first.path.display(),
                first.shard
            ),
        ));
    }
    if let Some(other) = earlier.iter().find(|f| f.shard == file.shard) {
        return Err(bad(
            file.path,
            format!(
                "is shard {} again; {} is that shard already",
                file.shard,
                other.path.display()
            ),
        ));
    }
    Ok(())
}

/// Checks that the shards, each of which joined the others, are all N of them.
fn check_complete(members: &[Member], noun: &str) -> Result<(), InputError> {
    let Some(first) = members.first() else {
        return Err(InputError::argument(
            "SHARD_FILE",
            "give at least one shard file",
        ));
    };
    let count = first.shard.count;
    let missing: Vec<String> = (0..count)
        .filter(|k| !members.iter().any(|f| f.shard.index == *k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        let (plural, verb) = if missing.len() == 1 {
            ("shard", "is")
        } else {
            ("shards", "are")
        };
        return Err(InputError::argument(
            "SHARD_FILE",
            format!(
                "{plural} {} {verb} missing; merge needs all {count} shards of the {noun}",
                missing.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Reads and checks shard files: all from one sweep, every shard exactly once. Returns the output format, the
/// header and every row in grid order.
pub fn merge(paths: &[PathBuf]) -> Result<(SweepFormat, Header, Vec<Row>), InputError> {
    let mut files: Vec<ShardFile> = Vec::with_capacity(paths.len());
    for path in paths {
        let file = read(path)?;
        let earlier: Vec<Member> = files.iter().map(ShardFile::member).collect();
        check_joins(&earlier, &file.member(), "sweep")?;
        files.push(file);
    }
    check_complete(
        &files.iter().map(ShardFile::member).collect::<Vec<_>>(),
        "sweep",
    )?;
    let first = &files[0];
    let (format, header) = (first.format, first.header.clone());
    let mut rows: Vec<Row> = files.into_iter().flat_map(|f| f.rows).collect();
    rows.sort_by_key(|r| r.index);
    Ok((format, header, rows))
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
