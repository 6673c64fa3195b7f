//! `extends`: the files a scenario is laid over, read and merged in order.
//!
//! `extends` names one file or a list of them. The files are applied depth first, each one's own parents before
//! it, in the order listed, and every file at most once: a file reached a second time (two layers extending the
//! same base) was already applied and is not applied again, so laying a policy written on `cph2020.toml` over
//! `dk2020.toml` (which extends it too) keeps dk2020's municipalities. The later layer wins a conflict; the file
//! itself comes last. A file that extends itself, directly or not, is refused.

use super::limits::{MAX_EXTENDS_DEPTH, MAX_SCENARIO_BYTES};
use super::{locate, read_text, syntax_error, Source};
use crate::error::{InputError, Location};
use locate::Segment;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml_edit::ImDocument;

/// Reads `path` and everything it extends. Returns the layers in the order they apply (bases first, `path`
/// last); the hash is fed each file's text in the order read (`path` first).
pub(crate) fn read(path: &Path, hasher: &mut Sha256) -> Result<Vec<Source>, InputError> {
    let mut walk = Walk {
        hasher,
        stack: Vec::new(),
        done: Vec::new(),
        layers: Vec::new(),
    };
    walk.visit(path)?;
    Ok(walk.layers)
}

struct Walk<'a> {
    hasher: &'a mut Sha256,
    /// The files being read, outermost first: (as written, canonical).
    stack: Vec<(PathBuf, PathBuf)>,
    /// Canonical paths of the files applied so far.
    done: Vec<PathBuf>,
    layers: Vec<Source>,
}

impl Walk<'_> {
    fn visit(&mut self, path: &Path) -> Result<(), InputError> {
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
        let mut table = plain_table(&doc).map_err(|e| {
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
        self.hasher.update(text.as_bytes());
        let extends = table.remove("extends");
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.stack.push((path.to_path_buf(), canonical.clone()));
        // Problems with `extends` point at the key (or the list entry) in this file.
        let problem = |index: Option<usize>, message: String| {
            let mut key = vec![Segment::Key("extends".into())];
            key.extend(index.map(Segment::Index));
            let line_col =
                locate::span(&doc, &key).map(|(span, _)| locate::line_col(&text, span.start));
            InputError::one(
                Some(Location {
                    file: path.to_path_buf(),
                    line_col,
                }),
                locate::render(&key),
                message,
            )
        };
        let parents: Vec<(Option<usize>, String)> = match extends {
            None => Vec::new(),
            Some(toml::Value::String(parent)) => vec![(None, parent)],
            Some(toml::Value::Array(items)) => {
                let mut parents = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        toml::Value::String(parent) => parents.push((Some(i), parent)),
                        _ => {
                            return Err(problem(
                                Some(i),
                                "must be a string: the path of another scenario file".into(),
                            ))
                        }
                    }
                }
                parents
            }
            Some(_) => {
                return Err(problem(
                    None,
                    "must be a string or a list of strings: paths of other scenario files".into(),
                ))
            }
        };
        for (index, parent) in parents {
            let parent_path = path.parent().unwrap_or(Path::new("")).join(&parent);
            if parent_path.is_dir() {
                return Err(problem(
                    index,
                    format!(
                        "`{parent}` is a directory, not a scenario file ({})",
                        parent_path.display()
                    ),
                ));
            }
            if let Err(error) = std::fs::metadata(&parent_path) {
                // ELOOP: symbolic links that point at each other (or too long a chain of them).
                #[cfg(unix)]
                let symlink_loop =
                    error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error());
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
                return Err(problem(index, message));
            }
            let parent_canonical = parent_path
                .canonicalize()
                .unwrap_or_else(|_| parent_path.clone());
            if self.stack.iter().any(|(_, seen)| *seen == parent_canonical) {
                let files: Vec<String> = self
                    .stack
                    .iter()
                    .map(|(written, _)| written.display().to_string())
                    .chain(std::iter::once(parent_path.display().to_string()))
                    .collect();
                return Err(problem(
                    index,
                    format!("`{parent}` closes a loop: {}", files.join(" -> ")),
                ));
            }
            if self.done.contains(&parent_canonical) {
                // Already applied through another layer: applying it again would undo the layers between.
                continue;
            }
            if self.stack.len() >= MAX_EXTENDS_DEPTH {
                return Err(problem(
                    index,
                    format!("the chain of extended files is deeper than {MAX_EXTENDS_DEPTH} files"),
                ));
            }
            self.visit(&parent_path)?;
        }
        self.stack.pop();
        self.done.push(canonical);
        self.layers.push(Source {
            path: path.to_path_buf(),
            doc,
            table,
        });
        Ok(())
    }
}

/// Overlays `child` on `base`: tables merge key by key, arrays of tables that all carry an `id` merge element by
/// `id` (new ids are appended), and everything else is replaced. A table that names a `distribution` replaces
/// the one below whole (its parameters belong to it), and so do a range (`{ low, high }`, ...) and any table with
/// `replace = true`; a table given over a range below (a plain table over a choice of tables) replaces it whole too.
pub fn merge(base: &mut toml::Table, child: toml::Table) {
    for (key, value) in child {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(child_table))
                if !replaces(&child_table) && !super::ranges::dist::is_range(base_table) =>
            {
                merge(base_table, child_table)
            }
            (Some(toml::Value::Array(base_items)), toml::Value::Array(child_items))
                if !child_items.is_empty()
                    && child_items.iter().all(|v| id_of(v).is_some())
                    && base_items.iter().all(|v| id_of(v).is_some()) =>
            {
                for item in child_items {
                    let id = id_of(&item).map(str::to_string);
                    let slot = base_items
                        .iter_mut()
                        .find(|b| id_of(b).map(str::to_string) == id);
                    match (slot, item) {
                        (Some(toml::Value::Table(base_table)), toml::Value::Table(child_table))
                            if !replaces(&child_table) =>
                        {
                            merge(base_table, child_table)
                        }
                        (Some(slot), item) => *slot = item,
                        (None, item) => base_items.push(item),
                    }
                }
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The first list of tables in `child` that mixes entries with and without an `id` over a list in `base`, as
/// the path to its first entry without one: merged, such a list would silently replace the base's instead of
/// merging with it by id. Followed through the tables and the entries matched by id that merge.
pub(crate) fn mixed_ids(base: &toml::Table, child: &toml::Table) -> Option<Vec<Segment>> {
    for (key, value) in child {
        let inner = match (base.get(key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(child_table))
                if !replaces(child_table) =>
            {
                mixed_ids(base_table, child_table).map(|mut path| {
                    path.insert(0, Segment::Key(key.clone()));
                    path
                })
            }
            (Some(toml::Value::Array(base_items)), toml::Value::Array(child_items)) => {
                let with = child_items.iter().filter(|v| id_of(v).is_some()).count();
                if with > 0 && with < child_items.len() {
                    let first = child_items.iter().position(|v| id_of(v).is_none())?;
                    return Some(vec![Segment::Key(key.clone()), Segment::Index(first)]);
                }
                child_items.iter().enumerate().find_map(|(i, item)| {
                    let id = id_of(item)?;
                    let base_item = base_items.iter().find(|b| id_of(b) == Some(id))?;
                    let (toml::Value::Table(b), toml::Value::Table(c)) = (base_item, item) else {
                        return None;
                    };
                    if replaces(c) {
                        return None;
                    }
                    let mut path = mixed_ids(b, c)?;
                    path.splice(0..0, [Segment::Key(key.clone()), Segment::Index(i)]);
                    Some(path)
                })
            }
            _ => None,
        };
        if inner.is_some() {
            return inner;
        }
    }
    None
}

/// Whether a child's table replaces the base's whole instead of merging into it.
pub(crate) fn replaces(table: &toml::Table) -> bool {
    table.contains_key("distribution")
        || table.get("replace") == Some(&toml::Value::Boolean(true))
        || super::ranges::dist::is_range(table)
}

/// Removes the `replace = true|false` markers once the layers are merged: they say how to merge, nothing more.
pub fn strip_markers(table: &mut toml::Table) {
    if matches!(table.get("replace"), Some(toml::Value::Boolean(_))) {
        table.remove("replace");
    }
    for (_, value) in table.iter_mut() {
        strip_value(value);
    }
}

fn strip_value(value: &mut toml::Value) {
    match value {
        toml::Value::Table(table) => strip_markers(table),
        toml::Value::Array(items) => items.iter_mut().for_each(strip_value),
        _ => {}
    }
}

pub(crate) fn id_of(value: &toml::Value) -> Option<&str> {
    value.as_table()?.get("id")?.as_str()
}

/// The plain table of a parsed document: what `toml::from_str` makes of the same text, without parsing it again.
fn plain_table(doc: &ImDocument<String>) -> Result<toml::Table, toml_edit::de::Error> {
    toml_edit::de::from_document(doc.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain_table` reads every value as `toml::from_str` does.
    fn same_as_from_str(text: &str) {
        let Ok(doc) = ImDocument::parse(text.to_string()) else {
            return;
        };
        let expected: toml::Table = toml::from_str(text).unwrap();
        // Compared as text, so that a NaN equals itself.
        assert_eq!(
            format!("{:?}", plain_table(&doc).unwrap()),
            format!("{expected:?}"),
            "{text}"
        );
    }

    #[test]
    fn plain_tables_match_toml_from_str() {
        same_as_from_str(
            r#"
a = "x\ty\u00e9"
b.c.d = 1
e = [1, 2.5, -0.0, inf, -inf, nan, 1e300, "s", true, [[]], { f = 1, g.h = [{}] }]
dates = [1979-05-27T07:32:00Z, 1979-05-27T00:32:00.999999-07:00, 1979-05-27T07:32:00, 1979-05-27, 07:32:00]
'literal key' = '''multi
line'''
[t]
z = 1
a = 0x1F
[t.u]
[[list]]
id = "one"
[[list]]
id = "two"
sub.key = false
[[list.inner]]
x = 1
"#,
        );
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("scenarios"), root.join("tests")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "toml") {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        same_as_from_str(&text);
                    }
                }
            }
        }
    }
}
