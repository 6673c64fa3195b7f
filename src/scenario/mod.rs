//! Scenario files: read, resolve `extends`, lay `--set` overrides over them, check, and turn into a [`Scenario`].
//!
//! Three steps: [`layers`] reads a file and the files it extends and merges their tables ([`Base`]);
//! [`overrides`] writes `KEY=VALUE` overrides into the merged table; then [`raw`] is what serde reads (shapes and
//! types only) and [`validate`] checks meaning and builds the ready-to-run [`Scenario`]. Overrides go through the
//! same checks as the files, so `--set` and `--vary` need no rules of their own. Every problem is reported with
//! the file that wrote the key (or the override), the key path and the line, and `validate` collects all of them
//! rather than stopping at the first.

mod checker;
mod expect_municipalities;
mod layers;
mod limits;
pub mod locate;
pub mod model;
mod municipalities;
mod municipality_columns;
mod municipality_file;
pub mod overrides;
pub mod ranges;
pub mod raw;
mod validate;
pub mod what_if;
pub use layers::merge;
pub use limits::{
    bytes, engine_bytes, parse_bytes, SizeEstimate, MAX_CELLS, MAX_DRAWS, MAX_EXTENDS_DEPTH,
    MAX_FILE_BYTES, MAX_GROUPS, MAX_MEETINGS, MAX_PERIOD_DAYS, MAX_PERSONS, MAX_POINTS,
    MAX_REPLICATIONS, MAX_RUNS, MAX_SCENARIO_BYTES, MAX_SHARD_BYTES, MAX_SHARD_LINE_BYTES,
    MAX_SUSPENSIONS,
};
pub use overrides::Override;

pub use model::*;
pub use raw::{HolidayRule, Order};

use crate::error::{InputError, Location, Problem};
use locate::Segment;
use overrides::Applied;
use sha2::Sha256;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml_edit::ImDocument;

/// A file read for a scenario, kept so that problems can be located in it.
pub(crate) struct Source {
    pub path: PathBuf,
    pub doc: ImDocument<String>,
    /// The file's own keys (without `extends`), to follow ids from the merged table back into the file.
    pub table: toml::Table,
}

/// Everything read while loading: the files of the `extends` layers (the file given first, then the layers
/// below it, the last applied first), the merged table, the overrides written into it, and the bytes hashed.
pub(crate) struct Sources {
    pub files: Arc<Vec<Source>>,
    /// Shared with the [`Base`] when no override wrote into it.
    pub merged: Arc<toml::Table>,
    pub overrides: Vec<Applied>,
    /// The overrides as given, `KEY=VALUE`.
    pub given: Vec<String>,
    pub hasher: Sha256,
}

impl Sources {
    /// Attaches file and line to problems found by key path. A key an override wrote (or a key inside it) names
    /// the override instead; a problem with a table an override wrote into is found in the file and says so.
    pub fn locate(&self, key: &str, message: String) -> Problem {
        let path = locate::parse(key);
        // The last override that wrote the key wins, as it does in the table.
        if let Some(applied) = self
            .overrides
            .iter()
            .rev()
            .find(|a| !path.is_empty() && path.starts_with(&a.path))
        {
            let message = if applied.shown == applied.key {
                message
            } else {
                format!("{}: {message}", applied.shown)
            };
            return Problem {
                location: self.files.first().map(|source| Location {
                    file: source.path.clone(),
                    line_col: None,
                }),
                key: applied.label.clone(),
                message,
            };
        }
        let message = match self
            .overrides
            .iter()
            .rev()
            .find(|a| !path.is_empty() && a.path.starts_with(&path))
        {
            Some(inside) => format!("{message} (with {})", inside.label),
            // A conflict with another entry (`overlaps suspensions[0]`) that an override changed is the
            // override's doing as much as this key's.
            None => match self.overrides.iter().rev().find(|a| {
                a.path
                    .iter()
                    .position(|segment| matches!(segment, Segment::Index(_)))
                    .is_some_and(|i| message.contains(&locate::render(&a.path[..=i])))
            }) {
                Some(other) => format!("{message} (with {})", other.label),
                None => message,
            },
        };
        let mut partial = None;
        for source in self.files.iter() {
            let (in_file, complete) = in_file(&self.merged, &source.table, &path);
            let found = locate::span(&source.doc, &in_file).map(|(span, whole)| {
                let location = Location {
                    file: source.path.clone(),
                    line_col: Some(locate::line_col(source.doc.raw(), span.start)),
                };
                (location, whole && complete)
            });
            if let Some((location, true)) = found {
                return Problem {
                    location: Some(location),
                    key: key.to_string(),
                    message,
                };
            }
            // A table this file replaces whole (`replace = true`, a duration naming its distribution) keeps
            // nothing of the layers below: a key missing in it is missing in this file.
            if complete_prefix_replaces(&source.table, &in_file) {
                let location = partial.or(found.map(|(location, _)| location));
                return Problem {
                    location,
                    key: key.to_string(),
                    message: format!(
                        "{message} (the table is replaced whole here, so nothing of the files it extends is kept)"
                    ),
                };
            }
            if let Some((location, _)) = found {
                partial.get_or_insert(location);
            }
        }
        let location = partial.or_else(|| {
            self.files.first().map(|source| Location {
                file: source.path.clone(),
                line_col: None,
            })
        });
        Problem {
            location,
            key: key.to_string(),
            message,
        }
    }

    /// The file that wrote `key` (the last layer that has it), or the file given (also when `--set` wrote it).
    pub fn declaring(&self, key: &str) -> Option<&Source> {
        let path = locate::parse(key);
        if self.overrides.iter().any(|a| path.starts_with(&a.path)) {
            return self.files.first();
        }
        self.files
            .iter()
            .find(|source| {
                let (in_file, complete) = in_file(&self.merged, &source.table, &path);
                complete && locate::span(&source.doc, &in_file).is_some_and(|(_, whole)| whole)
            })
            .or(self.files.first())
    }
}

/// Whether a table along `path` in a file's own `table` replaces the one below it whole (see
/// [`layers::replaces`]).
fn complete_prefix_replaces(table: &toml::Table, path: &[Segment]) -> bool {
    let mut node: Option<&toml::Value> = None;
    for segment in path {
        let next = match (segment, node) {
            (Segment::Key(key), None) => table.get(key),
            (Segment::Key(key), Some(value)) => value.get(key.as_str()),
            (Segment::Index(i), Some(value)) => value.get(*i),
            (Segment::Index(_), None) => None,
        };
        let Some(next) = next else {
            return false;
        };
        // A range is one value, not a table of keys: a problem inside a drawn alternative of a choice is not a
        // key the file left out.
        if next
            .as_table()
            .is_some_and(|t| layers::replaces(t) && !ranges::is_range(t))
        {
            return true;
        }
        node = Some(next);
    }
    false
}

/// Translates a key path of the merged table into the same key in one file: entries of lists merged by `id` sit
/// at other positions in each file. Stops at a list entry the file does not have, and then says the path is not
/// whole.
fn in_file(merged: &toml::Table, file: &toml::Table, path: &[Segment]) -> (Vec<Segment>, bool) {
    let mut out = Vec::new();
    let mut merged_node: Option<&toml::Value> = None;
    let mut file_node: Option<&toml::Value> = None;
    for (depth, segment) in path.iter().enumerate() {
        match segment {
            Segment::Key(key) => {
                let (m, f) = if depth == 0 {
                    (merged.get(key), file.get(key))
                } else {
                    (
                        merged_node.and_then(|n| n.get(key.as_str())),
                        file_node.and_then(|n| n.get(key.as_str())),
                    )
                };
                out.push(segment.clone());
                (merged_node, file_node) = (m, f);
            }
            Segment::Index(i) => {
                let entry = merged_node.and_then(|n| n.get(*i));
                match entry.and_then(layers::id_of) {
                    Some(id) => {
                        // The n-th entry with this id (an id given twice is reported on its second entry).
                        let earlier = merged_node.and_then(|n| n.as_array()).map_or(0, |items| {
                            items[..*i]
                                .iter()
                                .filter(|e| layers::id_of(e) == Some(id))
                                .count()
                        });
                        let found = file_node.and_then(|n| n.as_array()).and_then(|items| {
                            items
                                .iter()
                                .enumerate()
                                .filter(|(_, e)| layers::id_of(e) == Some(id))
                                .nth(earlier)
                                .map(|(j, _)| j)
                        });
                        let Some(j) = found else { return (out, false) };
                        out.push(Segment::Index(j));
                        file_node = file_node.and_then(|n| n.get(j));
                    }
                    None => {
                        out.push(segment.clone());
                        file_node = file_node.and_then(|n| n.get(*i));
                    }
                }
                merged_node = entry;
            }
        }
    }
    (out, true)
}

/// Reads a whole input file with the checks every input gets: exists, is a file, not too large, UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    open_input(path, MAX_FILE_BYTES, "input files")?
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::file(path, format!("cannot read: {}", io_reason(&e))))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(InputError::file(
            path,
            format!("is larger than {MAX_FILE_BYTES} bytes, the limit for input files"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        InputError::file(
            path,
            format!(
                "is not UTF-8 text (a binary file?): invalid byte at offset {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Opens an input file for reading at most `limit` bytes and one more (so that the caller can tell a file over the
/// limit), after the checks every input gets: it exists, it is a regular file (a FIFO, a socket or a device such
/// as /dev/zero could block or never end), and its length is within `limit`. `what` names the kind of file in the
/// message about the limit.
pub fn open_input(path: &Path, limit: u64, what: &str) -> Result<impl Read, InputError> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| InputError::file(path, format!("cannot read: {}", io_reason(&e))))?;
    if metadata.is_dir() {
        return Err(InputError::file(path, "is a directory, not a file"));
    }
    if !metadata.is_file() {
        return Err(InputError::file(
            path,
            "is not a regular file (a FIFO, a socket or a device); give the path of a file",
        ));
    }
    if metadata.len() > limit {
        return Err(InputError::file(
            path,
            format!(
                "is {} bytes; {what} are limited to {limit} bytes",
                metadata.len()
            ),
        ));
    }
    // No output of the run may replace it.
    crate::output::record_input(path);
    // Read at most one byte past the limit, in case the file grows while it is read.
    std::fs::File::open(path)
        .map(|file| file.take(limit + 1))
        .map_err(|e| InputError::file(path, format!("cannot read: {}", io_reason(&e))))
}

pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Loads several scenarios, each with the same overrides; the problems of all of them are reported together,
/// so one run shows every fix needed.
pub fn load_all(paths: &[PathBuf], overrides: &[Override]) -> Result<Vec<Scenario>, InputError> {
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match load_with(path, overrides) {
            Ok(scenario) => scenarios.push(scenario),
            Err(error) => problems.extend(error.problems),
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(InputError { problems })
    }
}

/// Loads, resolves and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, InputError> {
    load_with(path, &[])
}

/// Loads a scenario file with overrides laid over it.
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, InputError> {
    Base::read(path)?.build(overrides)
}

/// A scenario file read and its layers merged, not yet checked: the base a sweep builds each grid point from.
#[derive(Clone)]
pub struct Base {
    path: PathBuf,
    files: Arc<Vec<Source>>,
    merged: Arc<toml::Table>,
    hasher: Sha256,
}

impl Base {
    /// Reads the file and everything it extends, and merges them.
    pub fn read(path: &Path) -> Result<Base, InputError> {
        let mut hasher = Sha256::default();
        let mut layers = layers::read(path, &mut hasher)?;
        let mut merged = toml::Table::new();
        for layer in &layers {
            if let Some(path) = layers::mixed_ids(&merged, &layer.table) {
                let list = locate::render(&path[..path.len() - 1]);
                let line_col = locate::span(&layer.doc, &path)
                    .map(|(span, _)| locate::line_col(layer.doc.raw(), span.start));
                return Err(InputError::one(
                    Some(Location {
                        file: layer.path.clone(),
                        line_col,
                    }),
                    locate::render(&path),
                    format!("has no `id` where other entries of `{list}` have one; entries with ids merge with the extended files' by id and a list without ids replaces theirs, so give every entry an id or none"),
                ));
            }
            merge(&mut merged, layer.table.clone());
        }
        layers::strip_markers(&mut merged);
        // Problems are looked up in the file given first, then in the layers below it, the last applied first.
        layers.reverse();
        Ok(Base {
            path: path.to_path_buf(),
            files: Arc::new(layers),
            merged: Arc::new(merged),
            hasher,
        })
    }

    /// The scenario file given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the overrides over the merged files, in order, then checks and builds the scenario. Inputs given
    /// as ranges take their central values ([`ranges`]).
    pub fn build(&self, overrides: &[Override]) -> Result<Scenario, InputError> {
        let (merged, applied) = self.merged_with(overrides)?;
        if ranges::has_ranges(&merged) {
            return ranges::Space::from_merged(self, merged, applied, overrides)?.build_central();
        }
        self.build_merged(merged, applied, overrides)
    }

    /// The merged files with the overrides written over them, in order, and what each wrote; not checked.
    pub(crate) fn merged_with(
        &self,
        overrides: &[Override],
    ) -> Result<(Arc<toml::Table>, Vec<Applied>), InputError> {
        let mut applied = Vec::new();
        // Without overrides the merged files are used as they are, not copied.
        if overrides.is_empty() {
            return Ok((Arc::clone(&self.merged), applied));
        }
        let mut merged = toml::Table::clone(&self.merged);
        for o in overrides {
            let written = overrides::apply(&mut merged, o).map_err(|message| {
                InputError::one(
                    Some(Location {
                        file: self.path.clone(),
                        line_col: None,
                    }),
                    o.label(),
                    message,
                )
            })?;
            applied.extend(written);
        }
        Ok((Arc::new(merged), applied))
    }

    /// What problems with `merged` are located against: the files read and the overrides written.
    pub(crate) fn sources(
        &self,
        merged: Arc<toml::Table>,
        applied: Vec<Applied>,
        overrides: &[Override],
    ) -> Sources {
        Sources {
            files: Arc::clone(&self.files),
            merged,
            overrides: applied,
            given: overrides.iter().map(Override::text).collect(),
            hasher: self.hasher.clone(),
        }
    }

    /// Checks a merged table (overrides written, no ranges left) and builds the scenario.
    pub(crate) fn build_merged(
        &self,
        merged: Arc<toml::Table>,
        applied: Vec<Applied>,
        overrides: &[Override],
    ) -> Result<Scenario, InputError> {
        let sources = self.sources(merged, applied, overrides);
        let raw: raw::RawScenario = deserialize(toml::Table::clone(&sources.merged), &sources)?;
        validate::validate(raw, &self.path, sources)
    }
}

fn syntax_error(path: &Path, text: &str, error: &toml_edit::TomlError) -> InputError {
    InputError::one(
        Some(Location {
            file: path.to_path_buf(),
            line_col: error.span().map(|s| locate::line_col(text, s.start)),
        }),
        "",
        format!(
            "TOML syntax error: {}",
            error.message().trim().replace('\n', ": ")
        ),
    )
}

/// Says what serde expected in the words of the file, not of the Rust types behind it: for a whole number, the
/// range the key really takes (checked again by the validator), never the range of the type that holds it.
fn plain_types(message: &str, key: Option<&str>) -> String {
    let Some((before, expected)) = message.split_once("; expected ") else {
        return message.to_string();
    };
    let whole_number = match key {
        Some("replications") => format!("a whole number from 1 to {MAX_REPLICATIONS}"),
        Some("days") => format!("a whole number from 0 to {MAX_PERIOD_DAYS}"),
        Some("due_day" | "deadline_day" | "deadline_days" | "up_to_days") => {
            format!("a whole number from 0 to {}", limits::MAX_RULE_DAYS)
        }
        Some("every_days") => format!("a whole number from 1 to {}", limits::MAX_RULE_DAYS),
        Some("code" | "include" | "municipality") => {
            "a municipality code (a whole number such as 101)".to_string()
        }
        _ => "a whole number, 0 or more".to_string(),
    };
    let plain = match expected {
        "u64" => "a whole number, 0 or more".to_string(),
        "u32" => whole_number,
        "f64" => "a number".to_string(),
        "a sequence" => "an array".to_string(),
        "a map" => "a table".to_string(),
        other if other.starts_with("struct ") => "a table".to_string(),
        other => other.to_string(),
    };
    format!("{before}; expected {plain}")
}

fn deserialize(table: toml::Table, sources: &Sources) -> Result<raw::RawScenario, InputError> {
    // Only a problem needs the key path: a scenario is read without tracking it, and only one that fails is read
    // again with the path tracked, which fails the same way and says where.
    if let Ok(raw) =
        <raw::RawScenario as serde::Deserialize>::deserialize(toml::Value::Table(table))
    {
        return Ok(raw);
    }
    let table = toml::Table::clone(&sources.merged);
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|error| {
        let mut path: Vec<Segment> = error
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
                serde_path_to_error::Segment::Enum { variant } => {
                    Some(Segment::Key(variant.clone()))
                }
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        // The value deserializer appends "in `key`"; the key path is reported on its own.
        let full = error.inner().to_string();
        let message = full
            .split("\nin `")
            .next()
            .unwrap_or(&full)
            .trim()
            .to_string();
        // For an unknown key, point at the key itself.
        if let Some(unknown) = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        {
            if path.last() != Some(&Segment::Key(unknown.to_string())) {
                path.push(Segment::Key(unknown.to_string()));
            }
        }
        // For a missing key, name it in the path, so the message reads like the others.
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            path.push(Segment::Key(missing.to_string()));
            let problem = sources.locate(&locate::render(&path), "is required but missing".into());
            return InputError {
                problems: vec![problem],
            };
        }
        let key = path.iter().rev().find_map(|segment| match segment {
            Segment::Key(key) => Some(key.as_str()),
            Segment::Index(_) => None,
        });
        let message = plain_types(&message.replace(", expected", "; expected"), key);
        InputError {
            problems: vec![sources.locate(&locate::render(&path), message)],
        }
    })
}
