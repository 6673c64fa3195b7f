//! Error types shared by the library, and the process exit codes they map to.
//!
//! Every problem with user input becomes an [`InputError`]: it names the file, the key path and, where the TOML
//! parser or the document gives it, the line and column. The binary maps it to exit code 2 so that scripts can
//! tell "your scenario is wrong" apart from "the disk is full" (exit code 3) and "a check failed" (exit code 1).

use std::fmt;
use std::path::PathBuf;

/// Process exit codes, documented in the README and in `--help`.
pub mod exit_code {
    /// Success.
    pub const OK: i32 = 0;
    /// `backlog check`: at least one published figure missed its tolerance.
    pub const CHECK_FAILED: i32 = 1;
    /// Bad input: a scenario, a data file or a command-line argument.
    pub const BAD_INPUT: i32 = 2;
    /// An I/O error while writing outputs (disk full, permission denied, ...).
    pub const IO: i32 = 3;
    /// Stopped by SIGINT (128 + 2).
    pub const SIGINT: i32 = 130;
    /// The reader of stdout went away (128 + SIGPIPE's 13), as for a program killed by SIGPIPE.
    pub const BROKEN_PIPE: i32 = 141;
    /// Stopped by SIGTERM (128 + 15).
    pub const SIGTERM: i32 = 143;
}

/// Where in an input file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
}

/// One problem with one piece of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Option<Location>,
    /// Dotted key path such as `groups[1].inflow_per_day`; empty for file-level problems.
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{}", loc.file.display())?;
            if let Some((line, col)) = loc.line_col {
                write!(f, ":{line}:{col}")?;
            }
            write!(f, ": ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}", self.message)
    }
}

/// Bad input: one or more problems, all reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub problems: Vec<Problem>,
}

impl InputError {
    pub fn one(
        location: Option<Location>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            problems: vec![Problem {
                location,
                key: key.into(),
                message: message.into(),
            }],
        }
    }

    /// A problem with a whole file (unreadable, not a file, ...).
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::one(
            Some(Location {
                file: file.into(),
                line_col: None,
            }),
            "",
            message,
        )
    }

    /// A problem with a command-line argument.
    pub fn argument(flag: &str, message: impl Into<String>) -> Self {
        Self::one(None, flag, message)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Every error in the chain and every error wrapped inside one: the payload of an `io::Error` and the I/O
/// error inside a CSV, JSON or workbook writer's error, which the chain (`source`) does not always reach.
fn causes<'a>(error: &'a anyhow::Error) -> Vec<&'a (dyn std::error::Error + 'static)> {
    fn unwrap<'a>(
        error: &'a (dyn std::error::Error + 'static),
        found: &mut Vec<&'a (dyn std::error::Error + 'static)>,
    ) {
        if found.len() > 64 {
            return;
        }
        found.push(error);
        let inner: Option<&(dyn std::error::Error + 'static)> =
            if let Some(io) = error.downcast_ref::<std::io::Error>() {
                io.get_ref().map(|e| e as _)
            } else if let Some(csv) = error.downcast_ref::<csv::Error>() {
                match csv.kind() {
                    csv::ErrorKind::Io(io) => Some(io),
                    _ => None,
                }
            } else if let Some(rust_xlsxwriter::XlsxError::IoError(io)) =
                error.downcast_ref::<rust_xlsxwriter::XlsxError>()
            {
                Some(io)
            } else {
                None
            };
        if let Some(inner) = inner {
            unwrap(inner, found);
        }
        if let Some(source) = error.source() {
            unwrap(source, found);
        }
    }
    let mut found = Vec::new();
    for cause in error.chain() {
        unwrap(cause, &mut found);
    }
    found
}

/// The stop signal that ended the command: in the error (however deeply wrapped), or received while the
/// command failed; a write that failed because of it may have lost the signal in its wrapping (a JSON error
/// keeps only the kind of the I/O error inside).
fn interrupted(error: &anyhow::Error) -> Option<crate::signals::Interrupted> {
    causes(error)
        .into_iter()
        .find_map(|cause| cause.downcast_ref::<crate::signals::Interrupted>().copied())
        .or_else(|| crate::signals::check().err())
}

/// Whether the error is a write into a pipe whose reader has gone.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    interrupted(error).is_none()
        && causes(error).into_iter().any(|cause| {
            cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
                || cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
                    == Some(std::io::ErrorKind::BrokenPipe)
        })
}

/// Picks the exit code for an error chain: a stop signal is 128 + its number, bad input is 2, I/O is 3,
/// anything else 3 as well (it is never the user's scenario).
pub fn exit_code_for(error: &anyhow::Error) -> i32 {
    if let Some(signal) = interrupted(error) {
        return signal.exit_code();
    }
    if is_broken_pipe(error) {
        return exit_code::BROKEN_PIPE;
    }
    for cause in error.chain() {
        if cause.downcast_ref::<InputError>().is_some() {
            return exit_code::BAD_INPUT;
        }
        if cause.downcast_ref::<clap::Error>().is_some() {
            return exit_code::BAD_INPUT;
        }
    }
    exit_code::IO
}
