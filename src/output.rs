//! Output targets: every file or directory a command writes, checked before the run and written as one.
//!
//! [`Output`] is the only way a command writes a result. It is built from a flag's value before any long work
//! starts, so a path that cannot be written fails in the first second (exit code 2, naming the flag), and then:
//!
//! - a single file ([`Output::file`]): `-` is stdout; a regular file is written to a temporary file beside it
//!   (`.backlog-*.tmp`) and renamed over it when complete; a device or a pipe (`/dev/null`, a FIFO) is written
//!   in place, so that it stays what it is;
//! - a directory of files from one run ([`Output::dir`], `--out DIR`): the files are written into a fresh
//!   staging directory beside `DIR` (`.DIR.backlog-PID-*.tmp`), which is then swapped with `DIR` in one atomic
//!   rename (`renameat2` with `RENAME_EXCHANGE` on Linux) and the old contents removed. At every instant `DIR`
//!   holds the complete outputs of one run: the earlier run's or this one's, never a mixture. Because the
//!   whole directory is replaced, `DIR` may hold only files `backlog` writes there; anything else is refused
//!   before the run rather than deleted.
//!
//! Before the run, [`check_distinct`] compares every output with the others and with every file the run reads
//! (recorded by [`record_input`] as it is opened): no two may name one place, and none may replace an input.
//! An existing `DIR` that is a mount point ([`is_mount_point`]) cannot be renamed: there the files are staged in
//! a hidden directory inside it and renamed in one by one, the manifest (the last file declared) removed first
//! and renamed in last, so that `DIR` with its manifest always holds one run's files.
//!
//! A stop signal (see [`crate::signals`]) aborts a write within one block and is checked again just before the
//! rename, so a stopped run commits nothing and its temporary files and staging directory are removed on the
//! way out. Only SIGKILL can leave a staging directory or temporary file behind; the next run into the same
//! place removes it once the process that made it has gone (or after an hour).

use crate::error::InputError;
use crate::signals::{self, Interruptible};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix and suffix of temporary files and staging directories.
const TEMPORARY_PREFIX: &str = ".backlog-";
const TEMPORARY_SUFFIX: &str = ".tmp";
/// Age after which a temporary left by a process that cannot be identified is taken to be stale.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Where one output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Stdout,
    /// A regular file (or one to be created), replaced atomically.
    File(PathBuf),
    /// A device, written in place.
    Device(PathBuf),
    /// A named pipe (FIFO), written in place through the descriptor opened when it was checked: opened then, a
    /// pipe without a reader is refused before the run instead of blocking the process in `open` after it.
    Pipe(PathBuf, HeldPipe),
    /// A directory of files, replaced as a whole. `path` is as given (for messages), `real` with symbolic links
    /// resolved (the directory that is swapped).
    Dir {
        path: PathBuf,
        real: PathBuf,
        files: Vec<&'static str>,
        /// A mount point, which cannot be swapped: its files are replaced one by one, the manifest last.
        in_place: bool,
    },
}

/// The write end of a named pipe, opened when the output was checked and kept open until it is written (then
/// closed with the writer, so that the reader sees the end).
#[derive(Debug, Clone)]
pub struct HeldPipe(std::sync::Arc<std::sync::Mutex<Option<std::fs::File>>>);

impl PartialEq for HeldPipe {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for HeldPipe {}

/// Opens the named pipe `path` for writing without waiting: `Err` with the reason when nothing reads it (a
/// blocking `open` would wait for a reader for ever, where no signal handler runs).
#[cfg(unix)]
fn open_pipe(flag: &str, path: &Path) -> anyhow::Result<HeldPipe> {
    use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(|error| {
            if error.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) {
                bad(
                    flag,
                    format!(
                        "`{}` is a named pipe (FIFO) that nothing reads; start the program that reads it first, or give a file",
                        path.display()
                    ),
                )
            } else {
                bad(flag, format!("cannot open `{}`: {error}", path.display()))
            }
        })?;
    // Written through `poll` (see `signals::Interruptible::stream`), in blocks a pipe takes at once.
    let flags = fcntl_getfl(&file).and_then(|flags| fcntl_setfl(&file, flags - OFlags::NONBLOCK));
    flags.map_err(|error| bad(flag, format!("cannot open `{}`: {error}", path.display())))?;
    Ok(HeldPipe(std::sync::Arc::new(std::sync::Mutex::new(Some(
        file,
    )))))
}

/// One output of a command, checked and ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    flag: &'static str,
    target: Target,
}

fn bad(flag: &str, message: String) -> anyhow::Error {
    InputError::argument(flag, message).into()
}

/// The directory a file path lives in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Fails unless `dir` is an existing directory this process can create files in.
fn check_writable_dir(flag: &str, dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Err(bad(
            flag,
            format!(
                "directory `{}` does not exist; create it first",
                dir.display()
            ),
        ));
    }
    tempfile::tempfile_in(dir).map_err(|e| {
        bad(
            flag,
            format!("directory `{}` is not writable: {e}", dir.display()),
        )
    })?;
    Ok(())
}

impl Output {
    /// A single-file output given with `flag`: `-` is stdout; with `extensions`, the name must end in one of
    /// them (none: any name).
    /// [`Output::file`] for an optional flag: `None` when the flag was not given.
    pub fn optional(
        flag: &'static str,
        path: Option<&Path>,
        extensions: &[&str],
    ) -> anyhow::Result<Option<Output>> {
        path.map(|path| Output::file(flag, path, extensions))
            .transpose()
    }

    /// The document a command prints on standard output, as an output among the others, named by `what` in the
    /// message when another output asks for `-` too; `None` when the command prints nothing there (`prints`
    /// false: `--quiet` with a document for people), which leaves `-` free for one other output.
    pub fn stdout_document(what: &'static str, prints: bool) -> anyhow::Result<Option<Output>> {
        prints
            .then(|| Output::file(what, Path::new("-"), &[]))
            .transpose()
    }

    pub fn file(flag: &'static str, path: &Path, extensions: &[&str]) -> anyhow::Result<Output> {
        if path == Path::new("-") {
            crate::streams::check_stdout().context("cannot write to standard output")?;
            return Ok(Output {
                flag,
                target: Target::Stdout,
            });
        }
        let has_extension = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)));
        if !extensions.is_empty() && !has_extension {
            let allowed: Vec<String> = extensions.iter().map(|x| format!(".{x}")).collect();
            let message = match allowed.as_slice() {
                [only] => format!(
                    "`{}` must end in {only} (that is the only format written), or be `-` for standard output",
                    path.display()
                ),
                _ => format!(
                    "`{}` must end in {} (the formats written), or be `-` for standard output",
                    path.display(),
                    allowed.join(" or ")
                ),
            };
            return Err(bad(flag, message));
        }
        let target = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(bad(
                    flag,
                    format!("`{}` is a directory; give a file name", path.display()),
                ))
            }
            #[cfg(unix)]
            Ok(m) if std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()) => {
                Target::Pipe(path.to_path_buf(), open_pipe(flag, path)?)
            }
            Ok(m) if !m.is_file() => Target::Device(path.to_path_buf()),
            _ => {
                check_writable_dir(flag, parent_of(path))?;
                Target::File(path.to_path_buf())
            }
        };
        Ok(Output { flag, target })
    }

    /// An output directory given with `flag`, into which the command writes some of `files` (every name it
    /// may write there; the last is the run's manifest). The directory is replaced as a whole, so it must be
    /// missing, empty, or hold only such files; its parent must be writable, for the staging directory. A mount
    /// point, which cannot be swapped, must be writable itself: its files are replaced one by one, the manifest
    /// removed first and written last.
    pub fn dir(flag: &'static str, path: &Path, files: &[&'static str]) -> anyhow::Result<Output> {
        if path == Path::new("-") {
            return Err(bad(
                flag,
                "takes a directory; standard output cannot hold several files".to_string(),
            ));
        }
        // Say plainly when the path runs into a file; the OS only says "File exists" or "Not a directory".
        if let Some(file) = path
            .ancestors()
            .find(|a| !a.as_os_str().is_empty() && a.exists() && !a.is_dir())
        {
            return Err(bad(
                flag,
                format!(
                    "cannot use `{}` as output directory: `{}` is a file, not a directory",
                    path.display(),
                    file.display()
                ),
            ));
        }
        let mut in_place = false;
        let real = if path.exists() {
            let real = path
                .canonicalize()
                .with_context(|| format!("cannot resolve output directory {}", path.display()))?;
            in_place = is_mount_point(&real)
                .with_context(|| format!("cannot resolve output directory {}", path.display()))?;
            if in_place {
                // Its staging directory is inside it: one a killed run left is not the user's file.
                remove_stale(&real);
            }
            check_replaceable(flag, path, &real, files)?;
            real
        } else {
            if path.file_name().is_none() {
                return Err(bad(
                    flag,
                    format!("`{}` does not name a directory", path.display()),
                ));
            }
            // Missing directories are created when the outputs are written, not now: a run refused later
            // leaves nothing behind. They will be made in the nearest directory that exists.
            let existing = path
                .ancestors()
                .skip(1)
                .find(|a| a.as_os_str().is_empty() || a.is_dir())
                .unwrap_or(Path::new(""));
            let base = if existing.as_os_str().is_empty() {
                Path::new(".")
            } else {
                existing
            };
            let rest = path.strip_prefix(existing).unwrap_or(path);
            base.canonicalize()
                .with_context(|| format!("cannot resolve output directory {}", path.display()))?
                .join(rest)
        };
        if in_place {
            check_writable_dir(flag, &real).map_err(|e| {
                e.context(format!(
                    "`{}` is a mount point: the outputs are staged inside it and renamed in one by one",
                    path.display()
                ))
            })?;
        } else {
            let parent = real.parent().unwrap_or(Path::new("/"));
            let nearest = parent
                .ancestors()
                .find(|a| a.is_dir())
                .unwrap_or(Path::new("/"));
            check_writable_dir(flag, nearest).map_err(|e| {
                e.context(format!(
                    "the outputs are staged beside `{}` and swapped in whole",
                    path.display()
                ))
            })?;
            remove_stale(parent);
        }
        Ok(Output {
            flag,
            target: Target::Dir {
                path: path.to_path_buf(),
                real,
                files: files.to_vec(),
                in_place,
            },
        })
    }

    /// The flag this output was given with.
    pub fn flag(&self) -> &'static str {
        self.flag
    }

    /// Whether the file name ends in `.EXTENSION` (any case); false for standard output.
    pub fn has_extension(&self, extension: &str) -> bool {
        !self.is_stdout()
            && self
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case(extension))
    }

    /// Whether this output is standard output.
    pub fn is_stdout(&self) -> bool {
        self.target == Target::Stdout
    }

    /// The path as given (`-` for stdout).
    pub fn path(&self) -> &Path {
        match &self.target {
            Target::Stdout => Path::new("-"),
            Target::File(path)
            | Target::Device(path)
            | Target::Pipe(path, _)
            | Target::Dir { path, .. } => path,
        }
    }

    /// Writes a single-file output whole: `write` fills it, and only a complete output replaces the old one.
    pub fn write(
        &self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        match &self.target {
            Target::Stdout => {
                let mut out =
                    crate::streams::stdout().context("cannot write to standard output")?;
                write(&mut out)
                    .and_then(|()| out.flush())
                    .context("cannot write to standard output")
            }
            Target::Device(_) | Target::Pipe(..) => {
                let (path, file) = match &self.target {
                    Target::Pipe(path, HeldPipe(held)) => (
                        path,
                        held.lock()
                            .ok()
                            .and_then(|mut held| held.take())
                            .with_context(|| format!("cannot write {} twice", path.display()))?,
                    ),
                    Target::Device(path) => (
                        path,
                        std::fs::OpenOptions::new()
                            .write(true)
                            .open(path)
                            .with_context(|| format!("cannot write {}", path.display()))?,
                    ),
                    _ => unreachable!("matched above"),
                };
                #[cfg(unix)]
                let writer = Interruptible::stream(file);
                #[cfg(not(unix))]
                let writer = Interruptible::new(file);
                let mut writer = std::io::BufWriter::with_capacity(1 << 16, writer);
                write(&mut writer)
                    .and_then(|()| writer.flush())
                    .with_context(|| format!("cannot write {}", path.display()))
            }
            Target::File(path) => {
                write_atomically(path, write)?;
                signals::record_commit(self.flag, path);
                Ok(())
            }
            Target::Dir { .. } => unreachable!("a directory output is written through begin()"),
        }
    }

    /// Starts writing a directory output: files go into a staging directory until [`Transaction::commit`].
    pub fn begin(&self) -> anyhow::Result<Transaction> {
        let Target::Dir {
            path,
            real,
            files,
            in_place,
        } = &self.target
        else {
            unreachable!("begin() is for directory outputs")
        };
        if *in_place {
            let staging = tempfile::Builder::new()
                .prefix(&format!("{TEMPORARY_PREFIX}{}-", std::process::id()))
                .suffix(TEMPORARY_SUFFIX)
                .tempdir_in(real)
                .with_context(|| format!("cannot create a directory in {}", path.display()))?;
            return Ok(Transaction {
                flag: self.flag,
                shown: path.clone(),
                real: real.clone(),
                files: files.clone(),
                staging,
                in_place: true,
            });
        }
        let parent = real.parent().unwrap_or(Path::new("/"));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create directory {}", parent.display()))?;
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}{TEMPORARY_PREFIX}{}-", std::process::id()))
            .suffix(TEMPORARY_SUFFIX)
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a directory in {}", parent.display()))?;
        Ok(Transaction {
            flag: self.flag,
            shown: path.clone(),
            real: real.clone(),
            files: files.clone(),
            staging,
            in_place: false,
        })
    }
}

/// Refuses an existing output directory that holds anything but `files`, or that the user is standing in.
fn check_replaceable(
    flag: &str,
    path: &Path,
    real: &Path,
    files: &[&'static str],
) -> anyhow::Result<()> {
    if !real.is_dir() {
        return Err(bad(
            flag,
            format!("`{}` is not a directory", path.display()),
        ));
    }
    let replaced_whole = "--out replaces the whole directory, so give a new or empty directory, or one that only backlog writes into";
    if std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .is_ok_and(|cwd| cwd.starts_with(real))
    {
        return Err(bad(
            flag,
            format!(
                "`{}` is the current directory or contains it; {replaced_whole}",
                path.display()
            ),
        ));
    }
    let entries = std::fs::read_dir(real)
        .with_context(|| format!("cannot read output directory {}", path.display()))?;
    for entry in entries {
        let entry =
            entry.with_context(|| format!("cannot read output directory {}", path.display()))?;
        let name = entry.file_name();
        let known = name.to_str().is_some_and(|n| files.contains(&n));
        if !known || !entry.file_type().is_ok_and(|t| t.is_file()) {
            return Err(bad(
                flag,
                format!(
                    "`{}` holds `{}`, which backlog does not write there (it writes {}); {replaced_whole}",
                    path.display(),
                    name.to_string_lossy(),
                    files.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The files of one run in a staging directory, not yet visible under the output directory's name.
pub struct Transaction {
    flag: &'static str,
    shown: PathBuf,
    real: PathBuf,
    files: Vec<&'static str>,
    staging: tempfile::TempDir,
    /// Inside a mount point: files renamed in one by one, the manifest last.
    in_place: bool,
}

impl Transaction {
    /// Writes one file of the run into the staging directory.
    pub fn write(
        &self,
        name: &'static str,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        debug_assert!(self.files.contains(&name), "{name} is declared");
        let shown = self.shown.join(name);
        let file = std::fs::File::create(self.staging.path().join(name))
            .with_context(|| format!("cannot write {}", shown.display()))?;
        let mut writer = std::io::BufWriter::with_capacity(1 << 16, Interruptible::new(file));
        write(&mut writer)
            .and_then(|()| writer.flush())
            .with_context(|| format!("cannot write {}", shown.display()))?;
        let file = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", shown.display()))?
            .into_inner();
        file.sync_all()
            .with_context(|| format!("cannot write {}", shown.display()))?;
        Ok(())
    }

    /// Puts the staged files in place of the output directory, in one step, and removes the old ones.
    pub fn commit(self) -> anyhow::Result<()> {
        signals::check()?;
        if self.in_place {
            return self.commit_in_place();
        }
        let context = || format!("cannot replace output directory {}", self.shown.display());
        let staging = self.staging.path();
        // The directory keeps its permissions; a new one gets the usual ones (a staging directory is private).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&self.real)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o755);
            std::fs::set_permissions(staging, std::fs::Permissions::from_mode(mode))
                .with_context(context)?;
        }
        std::fs::File::open(staging)
            .and_then(|d| d.sync_all())
            .with_context(context)?;
        if self.real.exists() {
            // After the exchange the staging path holds the old outputs; dropping `staging` removes them.
            exchange(staging, &self.real).with_context(context)?;
        } else {
            std::fs::rename(staging, &self.real).with_context(context)?;
            let _ = self.staging.keep();
        }
        signals::record_commit(self.flag, &self.shown);
        Ok(())
    }
}

impl Transaction {
    /// Inside a directory that cannot be swapped (a mount point): the old manifest is removed first, each staged
    /// file renamed over its old one, the old run's files this run did not write removed, and the manifest
    /// renamed in last. A reader who finds the manifest finds the files it names, all of one run; while it is
    /// missing the directory is being replaced.
    fn commit_in_place(self) -> anyhow::Result<()> {
        let context = || format!("cannot replace the files in {}", self.shown.display());
        let staging = self.staging.path();
        let (manifest, others) = self
            .files
            .split_last()
            .expect("a directory output declares its files");
        let staged = |name: &str| staging.join(name).exists();
        match std::fs::remove_file(self.real.join(manifest)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(context)
            }
            _ => {}
        }
        let sync = || {
            std::fs::File::open(&self.real)
                .and_then(|d| d.sync_all())
                .with_context(context)
        };
        sync()?;
        for name in others {
            let old = self.real.join(name);
            if staged(name) {
                std::fs::rename(staging.join(name), &old).with_context(context)?;
            } else if old.exists() {
                std::fs::remove_file(&old).with_context(context)?;
            }
        }
        sync()?;
        if staged(manifest) {
            std::fs::rename(staging.join(manifest), self.real.join(manifest))
                .with_context(context)?;
            sync()?;
        }
        signals::record_commit(self.flag, &self.shown);
        Ok(())
    }
}

/// Swaps two directories atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // A file system or kernel without the exchange: fall back to two renames.
        Err(Errno::INVAL | Errno::NOSYS) => exchange_in_two_steps(a, b),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    exchange_in_two_steps(a, b)
}

/// Without an atomic exchange: `b` is moved aside, `a` put in its place, and the old `b` moved to `a`. For a
/// moment between the renames `b` does not exist (it never holds a mixture).
fn exchange_in_two_steps(a: &Path, b: &Path) -> std::io::Result<()> {
    // Still named like a temporary, so that a run killed between the renames leaves nothing the next run
    // would not remove.
    let mut aside = a.as_os_str().to_owned();
    aside.push(format!(".old{TEMPORARY_SUFFIX}"));
    let aside = PathBuf::from(aside);
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

/// Writes `path` atomically: `write` fills a temporary file in the same directory, which then replaces `path`.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = parent_of(path);
    let file = tempfile::Builder::new()
        .prefix(&format!("{TEMPORARY_PREFIX}{}-", std::process::id()))
        .suffix(TEMPORARY_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, Interruptible::new(file));
    write(&mut writer)
        .and_then(|()| writer.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let file = writer
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", path.display()))?
        .into_inner();
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
    signals::check()?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Removes temporary files and staging directories in `dir` left by processes killed with SIGKILL: those whose
/// process has gone, and any older than an hour. Best effort; errors are ignored.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // The cheap test first: most directories hold many files, few of them ours.
        if !name.ends_with(TEMPORARY_SUFFIX) {
            continue;
        }
        let Some(at) = name.find(TEMPORARY_PREFIX) else {
            continue;
        };
        let pid: Option<u32> = name[at + TEMPORARY_PREFIX.len()..]
            .split('-')
            .next()
            .and_then(|p| p.parse().ok());
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old || pid.is_some_and(|pid| !process_alive(pid)) {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    // Signal 0 only asks whether the process exists.
    rustix::process::test_kill_process(pid) != Err(rustix::io::Errno::SRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Refuses two outputs on standard output at once, which would interleave.
fn one_on_stdout(outputs: &[Option<&Output>]) -> anyhow::Result<()> {
    let on_stdout: Vec<&str> = outputs
        .iter()
        .flatten()
        .filter(|o| o.is_stdout())
        .map(|o| o.flag())
        .collect();
    if on_stdout.len() > 1 {
        return Err(bad(
            on_stdout[1],
            format!(
                "`-` is standard output, which {} already writes; give a file",
                on_stdout[0]
            ),
        ));
    }
    Ok(())
}

/// Whether `dir` (a path with symbolic links resolved) is where a file system is mounted: `/`, a directory on
/// another device than its parent, or (Linux 5.8 and later tell it) a bind mount within one file system. A
/// mount point cannot be renamed (EBUSY), so it cannot be replaced whole.
#[cfg(unix)]
pub fn is_mount_point(dir: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let Some(parent) = dir.parent() else {
        return Ok(true);
    };
    if std::fs::metadata(dir)?.dev() != std::fs::metadata(parent)?.dev() {
        return Ok(true);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{statx, AtFlags, StatxAttributes, StatxFlags, CWD};
        if let Ok(status) = statx(CWD, dir, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::BASIC_STATS) {
            let known = status
                .stx_attributes_mask
                .contains(StatxAttributes::MOUNT_ROOT);
            return Ok(known && status.stx_attributes.contains(StatxAttributes::MOUNT_ROOT));
        }
    }
    Ok(false)
}

#[cfg(not(unix))]
pub fn is_mount_point(dir: &Path) -> std::io::Result<bool> {
    Ok(dir.parent().is_none())
}

/// The place a file name stands for: its directory with symbolic links, `.` and `..` resolved, and the name
/// itself (a rename replaces the name, not what a link there points to). `None` when the directory cannot be
/// resolved.
fn real_name(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    parent_of(path)
        .canonicalize()
        .ok()
        .map(|dir| dir.join(name))
}

/// One file read as input: as given (for messages), and the places an output could replace it at.
struct Input {
    shown: PathBuf,
    places: Vec<PathBuf>,
}

/// Every file this process has read as input (scenario files, the files they extend, data files, shards).
static INPUTS: std::sync::Mutex<Vec<Input>> = std::sync::Mutex::new(Vec::new());

/// Records a file read as input, so that no output of the run may replace it (see [`check_distinct`]).
pub fn record_input(path: &Path) {
    // Both the name (which a rename would replace) and the file it leads to (which holds the contents).
    let mut places: Vec<PathBuf> = [real_name(path), path.canonicalize().ok()]
        .into_iter()
        .flatten()
        .collect();
    places.dedup();
    let mut inputs = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
    if !inputs.iter().any(|i| i.places == places) {
        inputs.push(Input {
            shown: path.to_path_buf(),
            places,
        });
    }
}

/// Where an output lands, to compare it with the others and with the inputs.
enum Place<'a> {
    /// A regular file, at its [`real_name`].
    File(PathBuf),
    /// A directory replaced whole, with everything in it.
    Dir(&'a Path),
}

impl Output {
    fn place(&self) -> Option<Place<'_>> {
        match &self.target {
            // Standard output is checked by [`one_on_stdout`]; a device or a pipe is written in place, so two
            // writers on /dev/null lose nothing.
            Target::Stdout | Target::Device(_) | Target::Pipe(..) => None,
            Target::File(path) => real_name(path).map(Place::File),
            Target::Dir { real, .. } => Some(Place::Dir(real)),
        }
    }
}

fn collision(message: String) -> anyhow::Error {
    InputError::one(None, "", message).into()
}

/// Checks a command's outputs before its run, in one place for every command: at most one on standard output
/// ([`one_on_stdout`]), no two on one file (or one file inside a directory another replaces), and none on a
/// file the run reads (every input recorded so far with [`record_input`]: call it once the inputs are loaded).
/// A collision is bad input (exit code 2); nothing has been written.
pub fn check_distinct(outputs: &[Option<&Output>]) -> anyhow::Result<()> {
    one_on_stdout(outputs)?;
    let outputs: Vec<(&Output, Place)> = outputs
        .iter()
        .flatten()
        .filter_map(|o| o.place().map(|place| (*o, place)))
        .collect();
    for (i, (a, a_place)) in outputs.iter().enumerate() {
        for (b, b_place) in &outputs[i + 1..] {
            let message = match (a_place, b_place) {
                (Place::File(x), Place::File(y)) if x == y => format!(
                    "{} and {} name the same file `{}`; give each its own file",
                    a.flag,
                    b.flag,
                    b.path().display()
                ),
                (Place::Dir(dir), Place::File(file)) | (Place::File(file), Place::Dir(dir))
                    if file.starts_with(dir) =>
                {
                    let (dir_output, file_output) = match a_place {
                        Place::Dir(_) => (a, b),
                        Place::File(_) => (b, a),
                    };
                    if file == dir {
                        format!(
                            "{} and {} name the same file `{}`; give each its own file",
                            a.flag,
                            b.flag,
                            b.path().display()
                        )
                    } else {
                        format!(
                            "{} names `{}`, inside the {} directory `{}`, which is replaced whole; give a file outside it",
                            file_output.flag,
                            file_output.path().display(),
                            dir_output.flag,
                            dir_output.path().display()
                        )
                    }
                }
                (Place::Dir(x), Place::Dir(y)) if x.starts_with(y) || y.starts_with(x) => format!(
                    "{} and {} name the same directory `{}` (or one inside the other); give each its own",
                    a.flag,
                    b.flag,
                    b.path().display()
                ),
                _ => continue,
            };
            return Err(collision(message));
        }
    }
    let inputs = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
    for (output, place) in &outputs {
        for input in inputs.iter() {
            let message = match place {
                Place::File(file) if input.places.contains(file) => {
                    let read_as = if input.shown == output.path() {
                        String::new()
                    } else {
                        format!(" as `{}`", input.shown.display())
                    };
                    format!(
                        "{} names `{}`, which this run reads{read_as}; give another file, or the input would be lost",
                        output.flag,
                        output.path().display(),
                    )
                }
                Place::Dir(dir) if input.places.iter().any(|p| p.starts_with(dir)) => format!(
                    "{} names `{}`, which holds `{}`, an input of this run; the directory is replaced whole, so give another",
                    output.flag,
                    output.path().display(),
                    input.shown.display()
                ),
                _ => continue,
            };
            return Err(collision(message));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        std::fs::write(&path, "old and complete").unwrap();
        let output = Output::file("--out", &path, &[]).unwrap();
        let result = output.write(|out| {
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
        output.write(|out| out.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_directory_is_replaced_whole_or_not_at_all() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        let files = ["a.csv", "b.json"];
        let output = Output::dir("--out", &dir, &files).unwrap();
        let run = output.begin().unwrap();
        run.write("a.csv", |out| out.write_all(b"1")).unwrap();
        run.write("b.json", |out| out.write_all(b"1")).unwrap();
        assert!(!dir.exists(), "nothing is visible before the commit");
        run.commit().unwrap();
        assert_eq!(names(&dir), files);

        // A second run that writes one file and fails on the other changes nothing.
        let output = Output::dir("--out", &dir, &files).unwrap();
        let run = output.begin().unwrap();
        run.write("a.csv", |out| out.write_all(b"2")).unwrap();
        assert!(run
            .write("b.json", |_| Err(std::io::Error::other("disk full")))
            .is_err());
        drop(run);
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "1");
        assert_eq!(
            names(parent.path()),
            ["out"],
            "no staging directory is left"
        );

        // A run that writes only one file leaves only that file.
        let run = output.begin().unwrap();
        run.write("a.csv", |out| out.write_all(b"3")).unwrap();
        run.commit().unwrap();
        assert_eq!(names(&dir), ["a.csv"]);
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "3");
        assert_eq!(names(parent.path()), ["out"]);
    }

    #[test]
    fn a_directory_holding_other_files_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let message = Output::dir("--out", dir.path(), &["a.csv"])
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("--out: ") && message.contains("holds `notes.txt`"),
            "{message}"
        );
        assert_eq!(names(dir.path()), ["notes.txt"]);
    }

    #[test]
    fn both_exchanges_swap_two_directories() {
        let parent = tempfile::tempdir().unwrap();
        let (a, b) = (parent.path().join("a"), parent.path().join("b"));
        for (dir, text) in [(&a, "a"), (&b, "b")] {
            std::fs::create_dir(dir).unwrap();
            std::fs::write(dir.join("f"), text).unwrap();
        }
        exchange(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(a.join("f")).unwrap(), "b");
        exchange_in_two_steps(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(a.join("f")).unwrap(), "a");
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "b");
        assert_eq!(names(parent.path()), ["a", "b"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_mount_point_is_told_by_its_device() {
        assert!(is_mount_point(Path::new("/")).unwrap());
        // /proc is a file system of its own wherever it exists; /proc/self is a directory inside it.
        if Path::new("/proc/self").is_dir() {
            assert!(is_mount_point(Path::new("/proc")).unwrap());
            assert!(!is_mount_point(Path::new("/proc/self")).unwrap());
        }
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        assert!(!is_mount_point(&dir.canonicalize().unwrap()).unwrap());
        assert!(is_mount_point(&parent.path().join("missing")).is_err());
    }

    #[test]
    fn stale_staging_of_a_vanished_process_is_removed() {
        let parent = tempfile::tempdir().unwrap();
        // Process ids are below 2^22 on Linux, so this one cannot exist.
        let stale = parent.path().join(".out.backlog-4294967-x.tmp");
        std::fs::create_dir(&stale).unwrap();
        let own = parent
            .path()
            .join(format!(".out.backlog-{}-y.tmp", std::process::id()));
        std::fs::create_dir(&own).unwrap();
        Output::dir("--out", &parent.path().join("out"), &["a.csv"]).unwrap();
        assert!(!stale.exists());
        assert!(own.exists(), "a live process's staging directory stays");
    }
}
