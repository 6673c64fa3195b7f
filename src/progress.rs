//! Progress on stderr: a bar when stderr is a terminal, otherwise a plain line at every tenth of the runs, so
//! that batch logs stay short and readable. Nothing here touches stdout, which may carry the results.
//!
//! `sweep` shows its progress from the start; `simulate`, `compare`, `check` and `report` announce theirs (see
//! `commands::plan::plan`), which shows only once the runs have taken a second, so that a quick run prints nothing on
//! stderr. With `--quiet` nothing is shown.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Progress {
    /// What the plain lines start with: `sweep`, or `simulate` and the like.
    label: &'static str,
    bar: Option<ProgressBar>,
    /// Runs expected, when known in advance (a bisection does not know).
    total: Option<u64>,
    done: AtomicU64,
    started: Instant,
    /// Nothing is shown before this much time has passed.
    delay: Duration,
}

impl Progress {
    pub fn new(total: Option<u64>) -> Self {
        Self::labelled("sweep", total)
    }

    /// A progress display whose plain lines start with `label`; hidden with `--quiet`.
    pub fn labelled(label: &'static str, total: Option<u64>) -> Self {
        Self::delayed(label, total, Duration::ZERO)
    }

    /// As [`Progress::labelled`], shown only once `delay` has passed.
    pub fn delayed(label: &'static str, total: Option<u64>, delay: Duration) -> Self {
        if crate::streams::quiet() {
            return Self::hidden();
        }
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
            label,
            bar,
            total,
            done: AtomicU64::new(0),
            started: Instant::now(),
            delay,
        }
    }

    /// Hidden: for library callers and benches.
    pub fn hidden() -> Self {
        Progress {
            label: "",
            bar: None,
            total: None,
            done: AtomicU64::new(0),
            started: Instant::now(),
            delay: Duration::ZERO,
        }
    }

    /// Counts one finished run; called from worker threads.
    pub fn run_done(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            if self.total.is_none_or(|total| done <= total) {
                bar.inc(1);
            }
            return;
        }
        let shown = self.started.elapsed() >= self.delay;
        if let Some(total) = self.total.filter(|_| shown) {
            if let Some(line) = plain_line(self.label, done, total, self.started.elapsed()) {
                crate::streams::note(&line);
            }
        }
    }

    /// Prints a line without breaking the bar.
    pub fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => crate::streams::note(line),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The plain line after the `done`-th of `total` runs, if it is the first at or past a tenth of them. A run
/// beyond the total (an estimate that missed some) prints nothing, so the count never passes 100 %.
fn plain_line(label: &str, done: u64, total: u64, elapsed: Duration) -> Option<String> {
    if total == 0 || done > total || done * 10 / total == (done - 1) * 10 / total {
        return None;
    }
    Some(format!(
        "{label}: {done}/{total} runs ({}%) after {:.1} s",
        done * 100 / total,
        elapsed.as_secs_f64()
    ))
}

/// The progress of a command whose runs were announced as long (see `commands::plan`); hidden otherwise.
static ANNOUNCED: std::sync::OnceLock<Progress> = std::sync::OnceLock::new();

/// Shows the progress of the `total` runs of a command under `label`, once they have taken a second.
pub fn announce(label: &'static str, total: u64) {
    let _ = ANNOUNCED.set(Progress::delayed(
        label,
        Some(total),
        Duration::from_secs(1),
    ));
}

/// Counts one finished run of an announced command; nothing otherwise.
pub fn announced_run_done() {
    if let Some(progress) = ANNOUNCED.get() {
        progress.run_done();
    }
}

/// Clears the bar of an announced command.
pub fn announced_finish() {
    if let Some(progress) = ANNOUNCED.get() {
        progress.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_come_at_each_tenth_and_never_past_the_total() {
        let lines: Vec<String> = (1..=25)
            .filter_map(|done| plain_line("check", done, 10, Duration::from_millis(1500)))
            .collect();
        assert_eq!(lines.len(), 10, "{lines:?}");
        assert_eq!(lines[0], "check: 1/10 runs (10%) after 1.5 s");
        assert_eq!(lines[9], "check: 10/10 runs (100%) after 1.5 s");
        let lines: Vec<u64> = (1..=50)
            .filter(|&done| plain_line("sweep", done, 25, Duration::ZERO).is_some())
            .collect();
        assert_eq!(lines, [3, 5, 8, 10, 13, 15, 18, 20, 23, 25]);
    }
}
