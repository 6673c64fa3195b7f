//! SIGINT and SIGTERM: recorded, not obeyed on the spot, so that a stopped run can clean up after itself.
//!
//! [`install`] replaces the default action (die at once, leaving temporary files behind) with a flag. Workers
//! look at the flag before each replication and stop starting new ones; writers look at it before each block
//! they write and before an output is committed. The command then unwinds normally, every temporary file and
//! staging directory is removed by its owner, and the process exits with 128 + the signal's number (130 for
//! SIGINT, 143 for SIGTERM), as a shell reports a process killed by that signal.
//!
//! A write into a pipe nobody reads would block for ever, and the flag alone could not end it (the system call
//! is restarted after the handler). So each signal also writes a byte into a socket pair, and a writer on a
//! pipe, a socket or a terminal ([`Interruptible::stream`]) waits in `poll` for its stream to take a block or
//! for that byte, whichever comes first, then writes at most one block the stream can take without blocking.
//!
//! The outputs committed before a stop are recorded ([`record_commit`]), so that the message says truthfully
//! what the stopped run left behind.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
/// The signal received, or 0.
static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

fn flag() -> &'static Arc<AtomicUsize> {
    RECEIVED.get_or_init(|| Arc::new(AtomicUsize::new(0)))
}

/// The reading end of the socket pair a stop signal writes a byte into; never read, so that it stays readable.
#[cfg(unix)]
static WAKE: OnceLock<std::os::unix::net::UnixStream> = OnceLock::new();

/// Turns SIGINT and SIGTERM into a flag (and a byte on [`WAKE`]) for the rest of the process's life.
pub fn install() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let (read, write) = std::os::unix::net::UnixStream::pair()?;
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // The flag first, so that a writer woken by the byte finds it set.
            signal_hook::flag::register_usize(signal, Arc::clone(flag()), signal as usize)?;
            signal_hook::low_level::pipe::register(signal, write.try_clone()?)?;
        }
        let _ = WAKE.set(read);
    }
    Ok(())
}

/// The outputs committed so far, as `FLAG \`PATH\``.
static COMMITTED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records that the output given with `flag` is complete in its place.
pub fn record_commit(flag: &str, path: &Path) {
    COMMITTED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(format!("{flag} `{}`", path.display()));
}

/// The outputs committed so far, in order.
pub fn committed() -> Vec<String> {
    COMMITTED.lock().unwrap_or_else(|e| e.into_inner()).clone()
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
        match committed().as_slice() {
            [] => write!(
                f,
                "stopped by {name}; no output of this run was written, earlier outputs are untouched"
            ),
            done => write!(
                f,
                "stopped by {name} after {} was written complete; no other output of this run was written",
                done.join(" and ")
            ),
        }
    }
}

impl std::error::Error for Interrupted {}

/// A writer that refuses to go on once a stop signal has arrived, so that a long output stops within one block.
pub struct Interruptible<W> {
    inner: W,
    /// For a stream whose reader may stall: the descriptor waited on before each write.
    #[cfg(unix)]
    stream: Option<std::os::fd::OwnedFd>,
}

impl<W> Interruptible<W> {
    pub fn new(inner: W) -> Self {
        Interruptible {
            inner,
            #[cfg(unix)]
            stream: None,
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

#[cfg(unix)]
impl<W: std::os::fd::AsFd> Interruptible<W> {
    /// A writer that, when `inner` is a pipe, a socket or a terminal rather than a regular file, waits before
    /// each write until the stream can take it or a stop signal arrives, so that a reader that stops reading
    /// cannot keep the process from stopping.
    pub fn stream(inner: W) -> Self {
        let fd = inner.as_fd();
        let regular = rustix::fs::fstat(fd).is_ok_and(|status| {
            rustix::fs::FileType::from_raw_mode(status.st_mode) == rustix::fs::FileType::RegularFile
        });
        let stream = (!regular).then(|| fd.try_clone_to_owned().ok()).flatten();
        Interruptible { inner, stream }
    }
}

fn interrupted_io() -> std::io::Error {
    // Not `ErrorKind::Interrupted`, which `write_all` would retry for ever.
    std::io::Error::other(check().expect_err("only called after a signal"))
}

/// The most a pipe takes without blocking once `poll` says it can be written (POSIX's PIPE_BUF on Linux).
#[cfg(unix)]
const STREAM_BLOCK: usize = 4096;

/// Waits until `fd` can be written or a stop signal arrives; `Err` after a signal.
#[cfg(unix)]
fn wait_writable(fd: &std::os::fd::OwnedFd) -> std::io::Result<()> {
    use rustix::event::{poll, PollFd, PollFlags};
    // Without the handlers (the library used on its own), write as a plain writer would.
    let Some(wake) = WAKE.get() else {
        return Ok(());
    };
    loop {
        let mut fds = [
            PollFd::new(fd, PollFlags::OUT),
            PollFd::new(wake, PollFlags::IN),
        ];
        match poll(&mut fds, None) {
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(errno) => return Err(errno.into()),
        }
        if received().is_some() {
            return Err(interrupted_io());
        }
        // Writable, or an error or hang-up that the write itself reports.
        if !fds[0].revents().is_empty() {
            return Ok(());
        }
    }
}

impl<W: std::io::Write> std::io::Write for Interruptible<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if received().is_some() {
            return Err(interrupted_io());
        }
        #[cfg(unix)]
        let buf = match &self.stream {
            Some(fd) => {
                wait_writable(fd)?;
                &buf[..buf.len().min(STREAM_BLOCK)]
            }
            None => buf,
        };
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if received().is_some() {
            return Err(interrupted_io());
        }
        self.inner.flush()
    }
}
