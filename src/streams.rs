//! Standard output and standard error, with their failures handled instead of panicking.
//!
//! - Results go to stdout through [`stdout`], whose errors are returned like any write error (exit code 3). A
//!   broken pipe (the reader, such as `head`, has gone) ends the process quietly with 141, the status of a
//!   program killed by SIGPIPE (see `error::exit_code_for`).
//! - A stdout that was closed when the process started (`>&-`) is an error: the runtime quietly reopens it on
//!   `/dev/null`, so the binary records it before the runtime starts and tells [`mark_stdout_closed`].
//! - Diagnostics (progress, notes, warnings) go to stderr through [`note`]: best effort, so that results never
//!   depend on a log line reaching a full disk. A failed note is remembered and the command, once its results
//!   are written, exits 3 (see [`stderr_failed`]). A stderr closed when the process started (`2>&-`) fails
//!   every note the same way ([`mark_stderr_closed`]): a run that had something to say and could not say it does
//!   not claim a silent success; one with nothing to say succeeds.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicBool = AtomicBool::new(false);

/// `--quiet`: from now on [`note`] writes nothing; [`error`] still does.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Records that file descriptor 2 was closed when the process started: the runtime reopened it on
/// /dev/null, where every line would be lost without an error.
pub fn mark_stderr_closed() {
    STDERR_CLOSED.store(true, Ordering::Relaxed);
}

/// Records that file descriptor 1 was closed when the process started.
pub fn mark_stdout_closed() {
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
}

/// The error for a stdout that was closed when the process started.
pub fn closed_stdout_error() -> io::Error {
    io::Error::other("it is closed; redirect it to a file, or to /dev/null to discard it")
}

/// Fails when stdout was closed at start; nothing written there would reach anyone.
pub fn check_stdout() -> io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Err(closed_stdout_error());
    }
    Ok(())
}

/// What [`stdout`] writes through: on Unix a descriptor of its own on stdout, so that no buffer of the standard
/// library stands between a write and the wait for a stalled reader (see `signals::Interruptible::stream`).
#[cfg(unix)]
type RawStdout = std::fs::File;
#[cfg(not(unix))]
type RawStdout = io::StdoutLock<'static>;

/// A buffered writer on stdout; its errors (a full disk, a broken pipe) are returned, never a panic.
pub fn stdout() -> io::Result<io::BufWriter<crate::signals::Interruptible<RawStdout>>> {
    check_stdout()?;
    #[cfg(unix)]
    let writer = {
        use std::os::fd::AsFd;
        let out = io::stdout();
        // Whatever an earlier writer left in the standard library's buffer goes first.
        out.lock().flush()?;
        crate::signals::Interruptible::stream(std::fs::File::from(
            out.as_fd().try_clone_to_owned()?,
        ))
    };
    #[cfg(not(unix))]
    let writer = crate::signals::Interruptible::new(io::stdout().lock());
    Ok(io::BufWriter::with_capacity(1 << 16, writer))
}

/// Writes one line to stderr, best effort: a failure is remembered for the exit code, never fatal. Nothing
/// under `--quiet`.
pub fn note(line: &str) {
    if quiet() {
        return;
    }
    write_stderr(line);
}

/// Writes an error to stderr, whatever `--quiet` says: `--quiet` means nothing but errors.
pub fn error(line: &str) {
    write_stderr(line);
}

fn write_stderr(line: &str) {
    if STDERR_CLOSED.load(Ordering::Relaxed) {
        STDERR_FAILED.store(true, Ordering::Relaxed);
        return;
    }
    let mut err = io::stderr().lock();
    if writeln!(err, "{line}").and_then(|()| err.flush()).is_err() {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Whether a line meant for stderr was lost.
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(Ordering::Relaxed)
}
