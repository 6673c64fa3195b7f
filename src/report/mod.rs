//! Reports: one writer per format, all fed from the same summaries, all writing to `&mut dyn Write`.
//!
//! Files are written atomically: into a temporary file beside the target, then renamed over it, so a run that
//! is killed midway leaves either the old file or the new one, never half of one. The temporary files are named
//! `.backlog-*.tmp`; one left behind by a run killed while writing is never mistaken for an output, and is
//! removed by the next run into the same directory once it is an hour old (a younger one may belong to a run
//! that is still writing).

pub mod check;
pub mod compare;
pub mod daily;
pub mod html;
pub mod json;
pub mod lang;
pub mod plot;
pub mod table;

use crate::scenario::Scenario;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The tool's version, recorded in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Output formats for stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A readable table.
    Table,
    /// JSON (for simulate, the same document as summary.json; see docs/outputs.md).
    Json,
}

/// Identifies the scenario and run in every output.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub file: String,
    pub sha256: String,
    pub seed: u64,
    pub start: String,
    pub end: String,
    pub version: String,
    pub replications: u32,
    /// The `--set` overrides laid over the scenario files, `KEY=VALUE`, in the order applied.
    pub set: Vec<String>,
    /// The municipality codes chosen with `--municipality`: every figure is then over these only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipalities_shown: Option<Vec<u32>>,
}

impl ScenarioInfo {
    pub fn new(scenario: &Scenario, seed: u64, replications: u32) -> Self {
        ScenarioInfo {
            name: scenario.name.clone(),
            file: scenario.file.display().to_string(),
            sha256: scenario.sha256.clone(),
            seed,
            start: scenario.start.to_string(),
            end: scenario.end.to_string(),
            version: VERSION.to_string(),
            replications,
            set: scenario.overrides.clone(),
            municipalities_shown: None,
        }
    }

    /// Records the municipalities chosen with `--municipality`, if any.
    pub fn showing(mut self, codes: &[u32]) -> Self {
        if !codes.is_empty() {
            let mut codes = codes.to_vec();
            codes.sort_unstable();
            codes.dedup();
            self.municipalities_shown = Some(codes);
        }
        self
    }
}

/// Writes `path` atomically: `write` fills a temporary file in the same directory, which then replaces `path`.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    // A device or a pipe (`--out /dev/null`, a FIFO read by another program) is written in place: renaming a
    // temporary file over it would replace the device node with an ordinary file.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let mut writer = std::io::BufWriter::with_capacity(1 << 16, file);
        return write(&mut writer)
            .and_then(|_| writer.flush())
            .with_context(|| format!("cannot write {}", path.display()));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .suffix(TEMPORARY_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut writer)
        .and_then(|_| writer.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let file = writer
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", path.display()))?;
    // Temporary files are created readable by their owner only; an output is an ordinary file for everyone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    file.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Prefix and suffix of the temporary files [`write_atomically`] writes.
const TEMPORARY_PREFIX: &str = ".backlog-";
const TEMPORARY_SUFFIX: &str = ".tmp";
/// Age after which a temporary file in an output directory is taken to be left over from a killed run.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Makes sure an output directory exists and is writable, before any long work starts.
pub fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    // Say plainly when the path runs into a file; the OS only says "File exists" or "Not a directory".
    if let Some(file) = dir
        .ancestors()
        .find(|a| !a.as_os_str().is_empty() && a.exists() && !a.is_dir())
    {
        anyhow::bail!(
            "cannot create output directory {}: {} is a file, not a directory",
            dir.display(),
            file.display()
        );
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    tempfile::tempfile_in(dir)
        .with_context(|| format!("output directory {} is not writable", dir.display()))?;
    remove_stale_temporaries(dir);
    Ok(())
}

/// A number rounded to an integer, with thousands separated by commas.
pub fn thousands(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 {
        out.insert(0, '-');
    }
    out
}

/// Checks an output file given with `flag` before any long work starts: it must end in one of `extensions`, must not
/// be a directory, and its directory must exist and be writable.
pub fn check_output_file(flag: &str, path: &Path, extensions: &[&str]) -> anyhow::Result<()> {
    use crate::error::InputError;
    let has_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)));
    if !has_extension {
        let allowed: Vec<String> = extensions.iter().map(|x| format!(".{x}")).collect();
        let message = match allowed.as_slice() {
            [only] => format!(
                "`{}` must end in {only} (that is the only format written)",
                path.display()
            ),
            _ => format!(
                "`{}` must end in {} (the formats written)",
                path.display(),
                allowed.join(" or ")
            ),
        };
        return Err(InputError::argument(flag, message).into());
    }
    if path.is_dir() {
        return Err(InputError::argument(
            flag,
            format!("`{}` is a directory; give a file name", path.display()),
        )
        .into());
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(InputError::argument(
            flag,
            format!(
                "directory `{}` does not exist; create it first",
                dir.display()
            ),
        )
        .into());
    }
    tempfile::tempfile_in(dir).map_err(|e| {
        InputError::argument(
            flag,
            format!("directory `{}` is not writable: {e}", dir.display()),
        )
    })?;
    Ok(())
}
/// [`prepare_dir`], and makes sure none of `files` in it is a directory, which could not be replaced.
pub fn prepare_outputs(dir: &Path, files: &[&str]) -> anyhow::Result<()> {
    prepare_dir(dir)?;
    for file in files {
        let path = dir.join(file);
        if path.is_dir() {
            anyhow::bail!("cannot write {}: it is a directory", path.display());
        }
    }
    Ok(())
}

/// Removes temporary files left in `dir` by runs killed while writing; best effort, errors are ignored.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMPORARY_PREFIX) && name.ends_with(TEMPORARY_SUFFIX)) {
            continue;
        }
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok());
        if age.is_some_and(|age| age > STALE_AFTER) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        std::fs::write(&path, "old and complete").unwrap();
        let result = write_atomically(&path, |out| {
            out.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
        });
        let message = format!("{:#}", result.unwrap_err());
        assert!(
            message.contains("cannot write") && message.contains("disk full"),
            "{message}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old and complete");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically(&path, |out| out.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
