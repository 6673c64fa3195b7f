//! Command-line arguments, declared with clap's derive; no logic lives here.

use crate::report::daily::{Grain, Period};
use crate::report::lang::Lang;
use crate::report::Format;
use crate::sweep::output::SweepFormat;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// `--reps` is checked here, once for every command: 1 to the scenario limit.
fn reps_in_range() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..=i64::from(crate::scenario::MAX_REPLICATIONS))
}

const EXIT_CODES: &str = "Exit codes: 0 success; 1 a published-figure check failed (`check`); 2 bad input or usage (including an unwritable output or a run over --max-memory); 3 an I/O error while writing outputs; 130 and 143 stopped by SIGINT or SIGTERM; 141 stdout closed by its reader.";

/// What `sensitivity` prints on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SensitivityFormat {
    /// A table to read in a terminal.
    Table,
    /// One CSV row per input, as --out writes.
    Csv,
    /// One JSON document.
    Json,
}

#[derive(Debug, Parser)]
#[command(name = "backlog", version, about = "Simulates the statutory meeting backlog at Danish jobcentres", after_help = EXIT_CODES)]
pub struct Cli {
    /// Print nothing but errors: no table, no progress, no "wrote" lines (files, and JSON asked for with
    /// --format, are still written).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario day by day and report the backlog and the caseworker load.
    #[command(after_help = EXIT_CODES)]
    Simulate(SimulateArgs),
    /// Run several scenarios and show their summary metrics side by side, with differences from the first.
    #[command(after_help = EXIT_CODES)]
    Compare(CompareArgs),
    /// Parse and check scenarios without running them; reports every problem found.
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Write one self-contained HTML report of one or more scenarios: headline, charts, tables, checks.
    #[command(after_help = EXIT_CODES)]
    Report(ReportArgs),
    /// Run scenarios and compare them with the published figures in their `[[expect]]` tables; exits 1 if any
    /// figure misses its tolerance.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Run a scenario over a grid of staffing and other inputs, or search for the staffing that meets a target.
    #[command(after_help = EXIT_CODES)]
    Sweep(SweepArgs),
    /// Rank a scenario's ranged inputs by how much of a metric's variance each explains (Sobol' indices), with
    /// a one-at-a-time tornado.
    #[command(after_help = EXIT_CODES)]
    Sensitivity(SensitivityArgs),
    /// Keep the draws of a scenario's ranged inputs that agree with every calibration target (use =
    /// "calibrate"): the plausible set that --plausible FILE then runs (docs/calibration.md).
    #[command(after_help = EXIT_CODES)]
    Calibrate(CalibrateArgs),
    /// Share extra caseworker FTE over a scenario's municipalities so that a national objective (overdue
    /// meeting-days, meetings held late) is as small as it can be, against three naive splits
    /// (docs/allocate.md).
    #[command(after_help = EXIT_CODES)]
    Allocate(AllocateArgs),
    /// Combine the shard files of a sharded sweep, sensitivity analysis or calibration into the output one
    /// unsharded run writes.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// Print a shell completion script: `backlog completions bash > /etc/bash_completion.d/backlog`.
    #[command(after_help = EXIT_CODES)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `backlog man | man -l -`; with --out-dir, write the page of backlog and of
    /// every subcommand there: `backlog man --out-dir ~/.local/share/man/man1`.
    #[command(after_help = EXIT_CODES)]
    Man(ManArgs),
}

/// How scenarios are run: shared by every command that runs them.
#[derive(Debug, Args)]
pub struct RunOptions {
    /// Replications of each scenario (default: the scenario's `replications`, else 1).
    #[arg(long, value_parser = reps_in_range())]
    pub reps: Option<u32>,
    /// Use this seed instead of each scenario's own.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default and most: all cores). Results do not depend on it.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Most memory one run may need, estimated from the scenario before it starts (`validate` shows the
    /// estimate); larger runs are refused. Accepts bytes or K, M, G, T (powers of 1000) and KiB, MiB, GiB, TiB.
    #[arg(long, value_name = "SIZE", default_value = "4G", value_parser = memory_size)]
    pub max_memory: u64,
}

fn memory_size(text: &str) -> Result<u64, String> {
    crate::scenario::parse_bytes(text)
}

/// Values laid over the scenario files: shared by every command that reads scenarios.
#[derive(Debug, Args)]
pub struct SetOptions {
    /// Set one value of the scenario, by its path: staffing.caseworkers=300, suspensions.spring.end=2020-06-30,
    /// groups.dagpenge.duration.mean_days=110 (docs/scenario.md). Repeatable; applied in order, after every
    /// `extends` layer, to each scenario given.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// What `simulate` prints on stdout: the table, the table in Markdown, or summary.json's document.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write DIR/summary.json, municipalities.csv, groups.csv, run.json and the daily files (docs/outputs.md).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: no daily files, and the daily rows are not recorded.
    #[arg(long, conflicts_with_all = ["daily", "period", "daily_bands"])]
    pub summary_only: bool,
    /// With --out: what one row of daily.csv sums [default: municipality-group].
    #[arg(long, value_enum, value_name = "GRAIN", requires = "out")]
    pub daily: Option<Grain>,
    /// With --out: the days one row of the daily files covers [default: day].
    #[arg(long, value_enum, requires = "out")]
    pub period: Option<Period>,
    /// With --out: also write daily_bands.csv, the 5th, 50th and 95th percentiles over replications of the
    /// meetings pending and overdue, at the grain and period of daily.csv.
    #[arg(long, requires = "out")]
    pub daily_bands: bool,
    /// Write the summary, municipalities, groups and daily totals as an Excel workbook.
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
    /// Draw pending and overdue meetings and capacity against demand over time into FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub plot: Option<PathBuf>,
    /// Draw a map of the municipalities (--map-metric) into FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub map: Option<PathBuf>,
    /// With --map: what the map shows per municipality.
    #[arg(long, value_enum, requires = "map", default_value_t = crate::report::map::MapMetric::BacklogPeakPerCaseworker)]
    pub map_metric: crate::report::map::MapMetric,
    /// With --map-metric timeliness-flagged: the id of the [[timeliness]] rule to map (needed when the
    /// scenario has more than one).
    #[arg(long, value_name = "ID", requires = "map")]
    pub map_rule: Option<String>,
    /// With --plot: draw this municipality (by code) below the total; repeat for several. Default: the four
    /// largest backlog peaks.
    #[arg(long, value_name = "CODE", requires = "plot")]
    pub plot_municipality: Vec<u32>,
    /// Language of the chart's labels.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Show only this municipality (its code; repeat for several): the table, JSON, CSV and charts are taken
    /// over the municipalities given. The run itself is the whole scenario's.
    #[arg(long = "municipality", value_name = "CODE")]
    pub municipalities: Vec<u32>,
    /// Run the ensemble of the inputs given as ranges: N draws of them (a Latin hypercube seeded by the seed),
    /// each run --reps times; the bands become predictive, with the dice-only bands beside them, and --out
    /// also writes draws.csv (docs/scenario.md, docs/outputs.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=crate::scenario::ranges::MAX_DRAWS as i64))]
    pub draws: Option<u32>,
    /// Run the ensemble over the plausible set FILE that `backlog calibrate` wrote instead of a Latin hypercube:
    /// each set (the first N with --draws) at its calibrated values, inputs it does not hold drawn from their
    /// ranges; a set whose scenario has changed since is refused (docs/calibration.md).
    #[arg(long, value_name = "FILE.toml")]
    pub plausible: Option<PathBuf>,
    /// With --draws or --plausible: run only the draws with index = K mod N and write each run's summaries as a
    /// shard file to --out FILE.json (stdout without it); `backlog merge` of all N shards then writes what one
    /// unsharded run writes (docs/outputs.md).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario files (TOML); with several, the first is the baseline the others are compared with.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
    /// Language of the report's labels.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Draw this municipality (by code) of the first scenario; repeat for several. Default: the four largest
    /// backlog peaks.
    #[arg(long, value_name = "CODE")]
    pub plot_municipality: Vec<u32>,
    /// Report only this municipality (its code; repeat for several): headline, charts and tables are taken over
    /// the municipalities given, as `simulate --municipality`. The runs are the whole scenarios'.
    #[arg(long = "municipality", value_name = "CODE")]
    pub municipalities: Vec<u32>,
    /// Run the ensemble of each scenario's inputs given as ranges: N draws, each run --reps times. The bands
    /// become predictive, the backlog chart a fan chart, and a section shows the inputs that drive the backlog
    /// peak of the first scenario (a one-at-a-time tornado, 2 runs per ranged input and one more, each --reps
    /// times) (docs/outputs.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=crate::scenario::ranges::MAX_DRAWS as i64))]
    pub draws: Option<u32>,
    /// Run each scenario's ensemble over the plausible set FILE that `backlog calibrate` wrote instead of a Latin
    /// hypercube, as `simulate --plausible` (the first N sets with --draws); the report then leaves out what
    /// drives the answer, which is taken over the prior ranges (docs/calibration.md).
    #[arg(long, value_name = "FILE.toml")]
    pub plausible: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files (TOML); the first is the baseline the others are compared with. With --what-if, one
    /// scenario.
    #[arg(required = true, num_args = 1.., value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Run each side's ensemble of the inputs given as ranges: N draws, each run --reps times, paired across the
    /// sides (an input two sides share takes the same values in every draw); the notes give the predictive and
    /// the dice-only bands, and the band of each side's difference from the first (docs/recipes.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=crate::scenario::ranges::MAX_DRAWS as i64))]
    pub draws: Option<u32>,
    /// Run each side's ensemble over the plausible set FILE that `backlog calibrate` wrote instead of a Latin
    /// hypercube (the first N sets with --draws); set d is draw d of every side; a stale set is refused
    /// (docs/calibration.md).
    #[arg(long, value_name = "FILE.toml")]
    pub plausible: Option<PathBuf>,
    /// Compare the scenario with itself changed: each --what-if is one more side, the scenario with these
    /// changes (KEY=VALUE as for --set; several in one side separated by `;`), against the scenario as it is.
    /// Repeat for more sides: --what-if "suspensions.spring.end=2020-05-11" --what-if "caseworkers=300".
    #[arg(long = "what-if", value_name = "KEY=VALUE[; KEY=VALUE...]")]
    pub what_if: Vec<String>,
    /// What `compare` prints on stdout: the side-by-side table, the same in Markdown, or JSON with differences.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Draw the total overdue meetings of every scenario over time on one chart, into FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub plot: Option<PathBuf>,
    /// Language of the chart's labels.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Show only this municipality (its code; repeat for several): the table, JSON, CSV and charts are taken
    /// over the municipalities given. The run itself is the whole scenario's.
    #[arg(long = "municipality", value_name = "CODE")]
    pub municipalities: Vec<u32>,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub overrides: SetOptions,
    /// Report scenarios whose runs would need more memory than this, as `simulate` would refuse them.
    #[arg(long, value_name = "SIZE", default_value = "4G", value_parser = memory_size)]
    pub max_memory: u64,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML) with `[[expect]]` tables.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// What `check` prints on stdout: one line per figure, a Markdown table, or the results as JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the results as JUnit XML, one test case per figure.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write the results as an Excel workbook with one sheet, Checks.
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
    /// Show only the figures of this municipality (its code; repeat for several) besides the national ones, and
    /// its own error in per-municipality checks. The runs are the whole scenarios'.
    #[arg(long = "municipality", value_name = "CODE")]
    pub municipalities: Vec<u32>,
    /// Also run the ensemble of the inputs given as ranges: N draws, each run --reps times, and show for each
    /// figure the predictive band, whether the published value lies in it, its width and its interval score.
    /// The test itself stays the central values' error against the tolerance (docs/calibration.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=crate::scenario::ranges::MAX_DRAWS as i64))]
    pub draws: Option<u32>,
    /// Run the ensemble over the plausible set FILE that `backlog calibrate` wrote instead of a Latin hypercube:
    /// each set (the first N with --draws) at its calibrated values, inputs it does not hold drawn from their
    /// ranges; a set whose scenario has changed since is refused (docs/calibration.md).
    #[arg(long, value_name = "FILE.toml")]
    pub plausible: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Run every point over N draws of the inputs given as ranges (the same Latin hypercube at every point),
    /// each --reps times: the bands, and the share meeting --target with --confidence, are then over what is
    /// not known as well as over the dice (docs/sweep.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=crate::scenario::ranges::MAX_DRAWS as i64))]
    pub draws: Option<u32>,
    /// Run every point over the plausible set FILE that `backlog calibrate` wrote instead of a Latin hypercube
    /// (the first N sets with --draws), the same sets at every point; a stale set is refused
    /// (docs/calibration.md).
    #[arg(long, value_name = "FILE.toml")]
    pub plausible: Option<PathBuf>,
    /// KEY=SPEC: a range START..END:STEP (inclusive) or a list A,B,C. KEY is any key --set takes
    /// (staffing.changes.reopen.add_caseworkers, suspensions.spring.end with dates stepped in days,
    /// groups.dagpenge.inflow_factor, ...) or caseworkers, caseworkers_factor, meetings_per_caseworker_day,
    /// phone_share, suspension_end, inflow_factor. Several --vary make a grid; the first varies slowest.
    #[arg(long = "vary", value_name = "KEY=SPEC")]
    pub vary: Vec<String>,
    /// Where to write the results; `-` is stdout.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,
    /// What `sweep` writes to --out: CSV rows per grid point, or one JSON document.
    #[arg(long, value_enum, default_value_t = SweepFormat::Csv)]
    pub format: SweepFormat,
    /// Also write one CSV row per grid point and replication to FILE.
    #[arg(long, value_name = "FILE")]
    pub per_rep: Option<PathBuf>,
    /// A condition on a metric, e.g. "overdue<=0" (a daily level, on every day of the window), "on_time_share>=0.9"
    /// or "backlog_cleared_date<=2020-07-01"; without --vary, bisects for the smallest staffing meeting it.
    #[arg(long, value_name = "EXPR")]
    pub target: Option<String>,
    /// With --target and no --vary: bisect over this key's range instead of the staffing, e.g.
    /// staffing.changes.reopen.add_caseworkers=0..2000:10 or suspensions.spring.end=2020-05-25..2020-08-31:1.
    #[arg(
        long,
        value_name = "KEY=RANGE",
        requires = "target",
        conflicts_with = "vary"
    )]
    pub search: Option<String>,
    /// The target is evaluated on the period up to this date (default: the scenario's end); a warning says when
    /// its condition breaks after it.
    #[arg(long, value_name = "DATE", requires = "target")]
    pub by: Option<String>,
    /// The target holds over a window from this date: a daily level such as overdue on every day of it, a summary
    /// metric over it as a period. The window ends at --to (default: the scenario's end).
    #[arg(long, value_name = "DATE", requires = "target", conflicts_with = "by")]
    pub from: Option<String>,
    /// The last day of the --from window (default: the scenario's end).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// Share of replications that must meet the target (default 0.95).
    #[arg(long, value_name = "P", requires = "target")]
    pub confidence: Option<f64>,
    /// Run only the grid points with index = K mod N and write a shard file for `backlog merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Run grids larger than the default limit of points x replications.
    #[arg(long)]
    pub force: bool,
    /// Draw the varied input against the days to clear the backlog, with its 5 %-95 % band, the target and the
    /// answer, into FILE.svg or FILE.png (one numeric --vary, or a --target search).
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub plot: Option<PathBuf>,
    /// Language of the chart's labels.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML), with at least one input written as a range (docs/sensitivity.md).
    pub scenario: PathBuf,
    /// The metric to explain: any summary metric, e.g. backlog_peak, overdue_end, days_to_clear.
    #[arg(long, value_name = "METRIC")]
    pub metric: String,
    /// Take the metric over this municipality (its code) instead of the whole scenario.
    #[arg(long, value_name = "CODE")]
    pub municipality: Option<u32>,
    /// Take the metric over the period up to this date (default: the scenario's end).
    #[arg(long, value_name = "DATE")]
    pub by: Option<String>,
    /// Rows of the base sample: the Sobol' design runs N x (inputs + 2) points. Powers of two balance best.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(2..=65536))]
    pub n: u32,
    /// What `sensitivity` prints on stdout: the ranking as a table, as CSV, or as one JSON document.
    #[arg(long, value_enum, default_value_t = SensitivityFormat::Table)]
    pub format: SensitivityFormat,
    /// Also write the ranking as CSV to FILE.csv.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Draw the tornado into FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub plot: Option<PathBuf>,
    /// Run only the tornado (1 + 2 x inputs points), not the Sobol' design; inputs rank by swing.
    #[arg(long)]
    pub tornado_only: bool,
    /// Run only the points (tornado, then design) with index = K mod N and write a shard file to --out (stdout
    /// without it) for `backlog merge`, which writes what one unsharded run writes in this --format.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Refused, with the reason: Sobol' indices need inputs drawn independently, and the plausible set's are
    /// not (docs/calibration.md).
    #[arg(long, value_name = "FILE.toml")]
    pub plausible: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The scenario file (TOML), with inputs written as ranges and [[expect]] tables with use = "calibrate".
    pub scenario: PathBuf,
    /// Points of the Latin hypercube over the ranges, each run --reps times (default: the scenario's).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(2..=crate::scenario::ranges::MAX_DRAWS as i64))]
    pub draws: u32,
    /// Where to write the plausible set (TOML); without it the report alone is printed.
    #[arg(long, value_name = "FILE.toml")]
    pub out: Option<PathBuf>,
    /// Run only the draws with index = K mod N and write their target values as a shard file to --out (stdout
    /// without it, no report); `backlog merge --out FILE.toml` then keeps the draws as one unsharded run does.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

/// What `allocate` prints on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AllocateFormat {
    /// A table to read in a terminal.
    Table,
    /// One CSV row per municipality, as --out FILE.csv writes.
    Csv,
    /// One JSON document, with every municipality's curve.
    Json,
}

#[derive(Debug, Args)]
pub struct AllocateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Extra caseworker FTE to share out, in all.
    #[arg(long, value_name = "N")]
    pub add: f64,
    /// Share the FTE in steps of this many (--add must be a whole number of steps). Default: 1 up to 20 FTE,
    /// otherwise the largest of 1, 2, 5, 10, 20, 50, ... dividing --add and at most --add / 20.
    #[arg(long, value_name = "FTE")]
    pub step: Option<f64>,
    /// The first day the extra staff work (YYYY-MM-DD); the objective counts from it to the scenario's end.
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// The last day the extra staff work (default: the scenario's end).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// The national figure to make as small as it can be.
    #[arg(long, value_enum)]
    pub objective: crate::allocate::Objective,
    /// With --objective flagged: the id of the scenario's [[timeliness]] rule whose flags to count.
    #[arg(long, value_name = "ID")]
    pub rule: Option<String>,
    /// Share over these municipalities only (their codes; repeat for several), e.g. one region's; each is
    /// simulated as in the whole scenario.
    #[arg(long = "municipality", value_name = "CODE")]
    pub municipalities: Vec<u32>,
    /// What `allocate` prints on stdout.
    #[arg(long, value_enum, default_value_t = AllocateFormat::Table)]
    pub format: AllocateFormat,
    /// Also write the allocation to FILE.csv (one row per municipality) or FILE.json (the whole document).
    #[arg(long, value_name = "FILE.csv|FILE.json")]
    pub out: Option<PathBuf>,
    /// Write the allocation as an Excel workbook (municipalities and the national comparison).
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
    /// Draw the FTE allocated per municipality as a map into FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub map: Option<PathBuf>,
    /// Write the allocation as a self-contained HTML page: the splits compared, the map and the municipalities.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Language of the report's and the map's labels.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    #[command(flatten)]
    pub overrides: SetOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard files written by `backlog sweep`, `sensitivity`, `calibrate` or `simulate` with `--shard K/N`, all N
    /// of them, in any order.
    #[arg(required = true, value_name = "SHARD_FILE")]
    pub shards: Vec<PathBuf>,
    /// Where to write the merged results; `-` is stdout. For calibrate's shards, the plausible set (FILE.toml;
    /// the report goes to stdout), and with `-` the report alone. For simulate's shards, simulate's --out DIR
    /// (the table goes to stdout), and with `-` the table alone.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,
    /// With sensitivity's shards: draw the tornado into FILE.svg or FILE.png; with simulate's, simulate's --plot.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub plot: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write backlog.1 and backlog-SUBCOMMAND.1 for every subcommand into this directory (made if missing),
    /// each replacing a page of that name, instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
