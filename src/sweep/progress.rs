//! Progress on stderr: a bar when stderr is a terminal, otherwise a plain line at every tenth of the runs, so
//! that batch logs stay short and readable. Nothing here touches stdout, which may carry the results.
//!
//! `sweep` shows its progress from the start; `simulate`, `compare` and `check` only once their runs have taken
//! a second, so that a quick run prints nothing on stderr.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Progress {
    bar: Option<ProgressBar>,
    /// Runs expected, when known in advance (a bisection does not know).
    total: Option<u64>,
    done: AtomicU64,
    started: Instant,
    /// The command named in the plain lines.
    label: &'static str,
    /// Nothing is shown before this much time has passed.
    delay: Duration,
    /// `--quiet`: not even the notes.
    silent: bool,
}

impl Progress {
    pub fn new(total: Option<u64>) -> Self {
        Self::labelled("sweep", total, Duration::ZERO)
    }

    /// Progress of `label` that shows only once the runs have taken a second.
    pub fn after_a_second(label: &'static str, total: u64) -> Self {
        Self::labelled(label, Some(total), Duration::from_secs(1))
    }

    /// Progress, unless `quiet`.
    pub fn unless(quiet: bool, progress: impl FnOnce() -> Self) -> Self {
        if quiet {
            Progress {
                silent: true,
                ..Self::hidden()
            }
        } else {
            progress()
        }
    }

    fn labelled(label: &'static str, total: Option<u64>, delay: Duration) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| match total {
            Some(total) => ProgressBar::new(total).with_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {pos}/{len} runs, {eta} left",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{elapsed_precise} {spinner} {pos} runs")
                    .expect("valid template"),
            ),
        });
        if let Some(bar) = bar.as_ref().filter(|_| !delay.is_zero()) {
            // Hidden for the first `delay`, then drawn and ticking, even while no run has finished yet.
            bar.set_draw_target(ProgressDrawTarget::hidden());
            let bar = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                if !bar.is_finished() {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(200));
                }
            });
        }
        Progress {
            bar,
            total,
            done: AtomicU64::new(0),
            started: Instant::now(),
            label,
            delay,
            silent: false,
        }
    }

    /// Hidden: for library callers and benches.
    pub fn hidden() -> Self {
        Progress {
            bar: None,
            total: None,
            done: AtomicU64::new(0),
            started: Instant::now(),
            label: "",
            delay: Duration::ZERO,
            silent: false,
        }
    }

    /// Counts one finished run; called from worker threads.
    pub fn run_done(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let shown = self.started.elapsed() >= self.delay;
        if let Some(bar) = &self.bar {
            bar.inc(1);
            return;
        }
        if let Some(total) = self.total.filter(|&t| t > 0 && shown) {
            if done * 10 / total > (done - 1) * 10 / total {
                eprintln!(
                    "{}: {done}/{total} runs ({}%) after {:.1} s",
                    self.label,
                    done * 100 / total,
                    self.started.elapsed().as_secs_f64()
                );
            }
        }
    }

    /// Prints a line without breaking the bar.
    pub fn note(&self, line: &str) {
        if self.silent {
            return;
        }
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
