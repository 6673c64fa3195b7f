use backlog::error::{exit_code, exit_code_for, is_broken_pipe};
use clap::Parser;

fn main() {
    #[cfg(target_os = "linux")]
    {
        if stdout_closed_at_start::get() {
            backlog::streams::mark_stdout_closed();
        }
        if stdout_closed_at_start::stderr() {
            backlog::streams::mark_stderr_closed();
        }
    }
    let code = match backlog::signals::install() {
        Ok(()) => run(),
        Err(error) => {
            backlog::streams::error(&format!("error: cannot handle signals: {error}"));
            exit_code::IO
        }
    };
    std::process::exit(code);
}

fn run() -> i32 {
    let cli = match backlog::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version come here as well, with exit code 0; printing them can fail like any output.
        Err(error) => {
            return match backlog::streams::check_stdout().and_then(|()| error.print()) {
                Ok(()) => error.exit_code(),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit_code::BROKEN_PIPE,
                Err(_) => exit_code::IO,
            };
        }
    };
    let code = match backlog::commands::run(cli) {
        Ok(code) => code,
        // The reader of stdout has gone (`| head`): nobody is left to tell.
        Err(error) if is_broken_pipe(&error) => return exit_code::BROKEN_PIPE,
        Err(error) => {
            backlog::streams::error(&format!("error: {error:#}"));
            let code = exit_code_for(&error);
            // A stop says itself what was written; after any other error, say which outputs are complete.
            let committed = backlog::signals::committed();
            if backlog::signals::received().is_none() && !committed.is_empty() {
                backlog::streams::error(&format!(
                    "note: {} was written complete before the error; no other output of this run was written",
                    committed.join(" and ")
                ));
            }
            return code;
        }
    };
    // The results are written; a progress line or note that could not be written still makes the run fail.
    if code == exit_code::OK && backlog::streams::stderr_failed() {
        exit_code::IO
    } else {
        code
    }
}

/// Whether file descriptor 1 (and 2) was closed when the process started. The Rust runtime reopens closed
/// standard descriptors on /dev/null before `main`, so the check runs earlier, from the ELF initialisers.
#[cfg(target_os = "linux")]
mod stdout_closed_at_start {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED: AtomicBool = AtomicBool::new(false);
    static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

    extern "C" fn record() {
        // F_GETFD fails (EBADF) exactly when the descriptor is not open.
        if rustix::io::fcntl_getfd(rustix::stdio::stdout()).is_err() {
            CLOSED.store(true, Ordering::Relaxed);
        }
        if rustix::io::fcntl_getfd(rustix::stdio::stderr()).is_err() {
            STDERR_CLOSED.store(true, Ordering::Relaxed);
        }
    }

    pub fn stderr() -> bool {
        STDERR_CLOSED.load(Ordering::Relaxed)
    }

    #[used]
    #[link_section = ".init_array"]
    static RECORD: extern "C" fn() = record;

    pub fn get() -> bool {
        CLOSED.load(Ordering::Relaxed)
    }
}
