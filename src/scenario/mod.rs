//! Scenario files: read, resolve `extends`, check, and turn into a [`Scenario`].
//!
//! Two levels, as in the tools we admire: [`raw`] is what serde reads (shapes and types only), [`validate`]
//! checks meaning and builds the ready-to-run [`Scenario`]. Every problem is reported with the file, the key path
//! and the line, and `validate` collects all of them rather than stopping at the first.

mod expect_municipalities;
mod limits;
pub mod locate;
pub mod model;
mod municipalities;
mod municipality_columns;
mod municipality_file;
pub mod raw;
mod validate;
pub use limits::{
    bytes, parse_bytes, SizeEstimate, DEFAULT_MAX_MEMORY, MAX_CELLS, MAX_GROUPS, MAX_MEETINGS,
    MAX_SUSPENSIONS,
};
pub use validate::{MAX_PERIOD_DAYS, MAX_PERSONS, MAX_REPLICATIONS};

pub use model::*;
pub use raw::{HolidayRule, Order};

use crate::error::{InputError, Location, Problem};
use locate::Segment;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use toml_edit::ImDocument;

/// How deep an `extends` chain may go.
const MAX_EXTENDS_DEPTH: usize = 16;
/// Largest scenario or data file read (bytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest scenario file (bytes). Real scenarios are a few kilobytes; parsing takes memory and time in
/// proportion (some 60 times the file's size), so the limit is far lower than for data files.
pub const MAX_SCENARIO_BYTES: usize = 1024 * 1024;

/// A file read for a scenario, kept so that problems can be located in it.
pub(crate) struct Source {
    pub path: PathBuf,
    pub doc: ImDocument<String>,
}

/// Everything read while loading: the files of the `extends` chain (child first) and the bytes hashed.
pub(crate) struct Sources {
    pub files: Vec<Source>,
    pub hasher: Sha256,
}

impl Sources {
    /// Attaches file and line to problems found by key path.
    pub fn locate(&self, key: &str, message: String) -> Problem {
        let path = locate::parse(key);
        let mut partial = None;
        for source in &self.files {
            if let Some((span, whole)) = locate::span(&source.doc, &path) {
                let location = Location {
                    file: source.path.clone(),
                    line_col: Some(locate::line_col(source.doc.raw(), span.start)),
                };
                if whole {
                    return Problem {
                        location: Some(location),
                        key: key.to_string(),
                        message,
                    };
                }
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
}

/// Reads a whole input file with the checks every input gets: exists, is a file, not too large, UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| InputError::file(path, format!("cannot read: {}", io_reason(&e))))?;
    if metadata.is_dir() {
        return Err(InputError::file(path, "is a directory, not a file"));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(InputError::file(
            path,
            format!(
                "is {} bytes; input files are limited to {MAX_FILE_BYTES} bytes",
                metadata.len()
            ),
        ));
    }
    // Read at most one byte past the limit: a device such as /dev/zero (or a pipe, which has no length) would
    // otherwise be read for ever.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
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

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Loads several scenarios; the problems of all of them are reported together, so one run shows every fix needed.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Scenario>, InputError> {
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match load(path) {
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
    let mut sources = Sources {
        files: Vec::new(),
        hasher: Sha256::new(),
    };
    let table = read_chain(path, &mut sources, &mut Vec::new())?;
    let raw: raw::RawScenario = deserialize(table, &sources)?;
    validate::validate(raw, path, sources)
}

/// Reads `path` and everything it extends, child first, and returns the merged table. `chain` holds the files
/// read so far (as written, and canonical), to refuse loops.
fn read_chain(
    path: &Path,
    sources: &mut Sources,
    chain: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<toml::Table, InputError> {
    const NEEDED: &str =
        "a scenario needs at least name, seed, start, end, municipalities, staffing and groups";
    let text = read_text(path)?;
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(InputError::file(
            path,
            format!(
                "is {} bytes; scenario files are limited to {MAX_SCENARIO_BYTES} bytes (put large data in a CSV)",
                text.len()
            ),
        ));
    }
    if text.trim().is_empty() {
        return Err(InputError::file(path, format!("is empty; {NEEDED}")));
    }
    let doc = ImDocument::parse(text.clone()).map_err(|e| syntax_error(path, &text, &e))?;
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| {
        InputError::one(
            Some(Location {
                file: path.to_path_buf(),
                line_col: e.span().map(|s| locate::line_col(&text, s.start)),
            }),
            "",
            e.message().to_string(),
        )
    })?;
    if table.is_empty() {
        return Err(InputError::file(
            path,
            format!("has only comments and blank lines; {NEEDED}"),
        ));
    }
    sources.hasher.update(text.as_bytes());
    let extends = table.remove("extends");
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    chain.push((path.to_path_buf(), canonical));
    sources.files.push(Source {
        path: path.to_path_buf(),
        doc,
    });
    let Some(extends) = extends else {
        return Ok(table);
    };
    // Problems with `extends` point at the key in this file.
    let extends_problem = |sources: &Sources, message: String| {
        let source = sources.files.last().expect("this file was just pushed");
        let line_col = locate::span(&source.doc, &[Segment::Key("extends".into())])
            .map(|(span, _)| locate::line_col(&text, span.start));
        InputError::one(
            Some(Location {
                file: path.to_path_buf(),
                line_col,
            }),
            "extends",
            message,
        )
    };
    let toml::Value::String(parent) = extends else {
        return Err(extends_problem(
            sources,
            "must be a string: the path of another scenario file".to_string(),
        ));
    };
    let parent_path = path.parent().unwrap_or(Path::new("")).join(&parent);
    if parent_path.is_dir() {
        return Err(extends_problem(
            sources,
            format!(
                "`{parent}` is a directory, not a scenario file ({})",
                parent_path.display()
            ),
        ));
    }
    if let Err(error) = std::fs::metadata(&parent_path) {
        // ELOOP: symbolic links that point at each other (or too long a chain of them).
        #[cfg(unix)]
        let symlink_loop = error.raw_os_error() == Some(libc::ELOOP);
        #[cfg(not(unix))]
        let symlink_loop = false;
        let message = if symlink_loop {
            format!(
                "`{parent}` is a loop of symbolic links ({}); point it at a scenario file",
                parent_path.display()
            )
        } else if error.kind() == std::io::ErrorKind::NotFound {
            format!(
                "`{parent}` does not exist (looked for {})",
                parent_path.display()
            )
        } else {
            format!(
                "`{parent}` cannot be read ({}): {error}",
                parent_path.display()
            )
        };
        return Err(extends_problem(sources, message));
    }
    let parent_canonical = parent_path
        .canonicalize()
        .unwrap_or_else(|_| parent_path.clone());
    if chain.iter().any(|(_, seen)| *seen == parent_canonical) {
        let files: Vec<String> = chain
            .iter()
            .map(|(written, _)| written.display().to_string())
            .chain(std::iter::once(parent_path.display().to_string()))
            .collect();
        return Err(extends_problem(
            sources,
            format!("`{parent}` closes a loop: {}", files.join(" -> ")),
        ));
    }
    if chain.len() >= MAX_EXTENDS_DEPTH {
        return Err(extends_problem(
            sources,
            format!("the chain of extended files is deeper than {MAX_EXTENDS_DEPTH} files"),
        ));
    }
    let mut base = read_chain(&parent_path, sources, chain)?;
    merge(&mut base, table);
    Ok(base)
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

/// Overlays `child` on `base`: tables merge key by key, arrays of tables that carry an `id` merge element by
/// `id` (new ids are appended), and everything else is replaced.
pub fn merge(base: &mut toml::Table, child: toml::Table) {
    for (key, value) in child {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(child_table)) => {
                merge(base_table, child_table)
            }
            (Some(toml::Value::Array(base_items)), toml::Value::Array(child_items))
                if !child_items.is_empty()
                    && child_items.iter().all(|v| id_of(v).is_some())
                    && base_items.iter().all(|v| id_of(v).is_some()) =>
            {
                for item in child_items {
                    let id = id_of(&item).map(str::to_string);
                    match base_items
                        .iter_mut()
                        .find(|b| id_of(b).map(str::to_string) == id)
                    {
                        Some(toml::Value::Table(base_table)) => {
                            if let toml::Value::Table(child_table) = item {
                                merge(base_table, child_table);
                            }
                        }
                        _ => base_items.push(item),
                    }
                }
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
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
            format!("a whole number from 0 to {}", validate::MAX_RULE_DAYS)
        }
        Some("every_days") => format!("a whole number from 1 to {}", validate::MAX_RULE_DAYS),
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

fn id_of(value: &toml::Value) -> Option<&str> {
    value.as_table()?.get("id")?.as_str()
}

fn deserialize(table: toml::Table, sources: &Sources) -> Result<raw::RawScenario, InputError> {
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
