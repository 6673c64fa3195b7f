//! SIGINT and SIGTERM: recorded, not obeyed on the spot, so that a stopped run can clean up after itself.
//!
//! [`install`] replaces the default action (die at once, leaving temporary files behind) with a flag. Workers
//! look at the flag before each replication and stop starting new ones; writers look at it before each block
//! they write and before an output is committed. The command then unwinds normally, every temporary file and
//! staging directory is removed by its owner, and the process exits with 128 + the signal's number (130 for
//! SIGINT, 143 for SIGTERM), as a shell reports a process killed by that signal.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The signal received, or 0.
static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

fn flag() -> &'static Arc<AtomicUsize> {
    RECEIVED.get_or_init(|| Arc::new(AtomicUsize::new(0)))
}

/// Turns SIGINT and SIGTERM into a flag for the rest of the process's life.
pub fn install() -> std::io::Result<()> {
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_usize(signal, Arc::clone(flag()), signal as usize)?;
    }
    Ok(())
}

/// The signal that asked the process to stop, if one did.
pub fn received() -> Option<i32> {
    match flag().load(Ordering::Relaxed) {
        0 => None,
        signal => Some(signal as i32),
    }
}

/// `Err` once a stop signal has arrived.
pub fn check() -> Result<(), Interrupted> {
    match received() {
        Some(signal) => Err(Interrupted { signal }),
        None => Ok(()),
    }
}

/// The run was stopped by a signal; its exit code is 128 + the signal's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted {
    pub signal: i32,
}

impl Interrupted {
    pub fn exit_code(self) -> i32 {
        128 + self.signal
    }
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.signal {
            2 => "SIGINT",
            15 => "SIGTERM",
            _ => "a signal",
        };
        write!(
            f,
            "stopped by {name}; no output of this run was written, earlier outputs are untouched"
        )
    }
}

impl std::error::Error for Interrupted {}

/// A writer that refuses to go on once a stop signal has arrived, so that a long output stops within one block.
pub struct Interruptible<W> {
    inner: W,
}

impl<W> Interruptible<W> {
    pub fn new(inner: W) -> Self {
        Interruptible { inner }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

fn interrupted_io() -> std::io::Error {
    // Not `ErrorKind::Interrupted`, which `write_all` would retry for ever.
    std::io::Error::other(check().expect_err("only called after a signal"))
}

impl<W: std::io::Write> std::io::Write for Interruptible<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if received().is_some() {
            return Err(interrupted_io());
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if received().is_some() {
            return Err(interrupted_io());
        }
        self.inner.flush()
    }
}
