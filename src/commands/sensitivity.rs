//! `backlog sensitivity`: which ranged input of a scenario drives a metric. Runs the tornado (each input at its
//! 5 % and 95 % quantile, the others central) and, unless `--tornado-only`, the Saltelli design for Sobol'
//! indices; every point is the mean of the metric over the replications, with replication `r` seeded alike at
//! every point (common random numbers), so points differ only in their inputs.

use crate::cli::{SensitivityArgs, SensitivityFormat};
use crate::engine::{replication_seed, Simulation};
use crate::error::InputError;
use crate::metric::{Kind, Metric};
use crate::output::Output;
use crate::progress::Progress;
use crate::report::plot::{TornadoBar, TornadoChart};
use crate::report::VERSION;
use crate::scenario::ranges::Space;
use crate::scenario::{Base, Scenario};
use crate::sensitivity::{self, Bootstrap, Design, Indices, Tornado, TORNADO_HIGH, TORNADO_LOW};
use crate::signals::{self, Interrupted};
use crate::summary::{day_index, summarise, Selection};
use crate::sweep::shard::ShardSpec;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;

mod shard;
pub(super) use shard::merge;

/// Bootstrap resamples of the design's rows for the intervals.
pub const RESAMPLES: usize = 500;

/// Design points whose scenarios are built at a time; bounds memory on large designs.
const CHUNK_POINTS: usize = 64;

pub fn run(args: SensitivityArgs, quiet: bool) -> anyhow::Result<()> {
    if let Some(path) = &args.plausible {
        return Err(refuse_plausible(path).into());
    }
    let shard = args
        .shard
        .as_deref()
        .map(|text| ShardSpec::parse(text).map_err(|m| InputError::argument("--shard", m)))
        .transpose()?;
    let analysis = Analysis::prepare(&args)?;
    if let Some(shard) = shard {
        return shard::run(&args, &analysis, shard);
    }
    let out = Output::optional("--out", args.out.as_deref(), &["csv"])?;
    let plot = Output::optional(
        "--plot",
        args.plot.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    let stdout = match args.format {
        SensitivityFormat::Table => {
            Output::stdout_document("the table (--quiet leaves it out)", !quiet)?
        }
        SensitivityFormat::Csv => Output::stdout_document("the CSV of --format csv", true)?,
        SensitivityFormat::Json => Output::stdout_document("the JSON of --format json", true)?,
    };
    let outputs = Outputs { stdout, out, plot };
    crate::output::check_distinct(&[
        outputs.stdout.as_ref(),
        outputs.out.as_ref(),
        outputs.plot.as_ref(),
    ])?;
    let threads = super::plan::plan(
        "sensitivity",
        &[(
            &analysis.central,
            analysis.points.len() as u64 * u64::from(analysis.reps),
        )],
        &args.run,
    )?;
    let evaluator = analysis.evaluator(&args);
    let values = super::plan::with_threads(threads, || evaluator.evaluate(&analysis.points))??;
    analysis.finish(&args, values, &outputs)
}

/// A sensitivity analysis ready to run: its inputs, its points (the tornado's, then the design's) and how each
/// point is run.
struct Analysis {
    space: Space,
    central: Scenario,
    metric: Metric,
    by: Option<NaiveDate>,
    seed: u64,
    reps: u32,
    design: Option<Design>,
    /// Points of the tornado, the first in [`Analysis::points`].
    tornado_points: usize,
    points: Vec<Vec<f64>>,
}

/// Where an analysis writes: the document on stdout (or `merge --out`), the CSV of --out, the chart of --plot.
struct Outputs {
    stdout: Option<Output>,
    out: Option<Output>,
    plot: Option<Output>,
}

impl Analysis {
    /// Checks the arguments against the scenario and lays out the points.
    fn prepare(args: &SensitivityArgs) -> anyhow::Result<Analysis> {
        let metric = Metric::from_name(args.metric.trim()).ok_or_else(|| {
            InputError::argument(
                "--metric",
                format!(
                    "unknown metric `{}`; one of: {}",
                    args.metric,
                    Metric::names()
                ),
            )
        })?;
        if args.run.jobs == Some(0) {
            return Err(InputError::argument("--jobs", "must be at least 1").into());
        }
        let set = super::plan::overrides(&args.overrides)?;
        let base = Base::read(&args.scenario)?;
        let space = Space::of(&base, &set)?;
        if space.is_empty() {
            return Err(InputError::file(
                &args.scenario,
                "has no ranged input, so there is nothing to rank; write an input as a range, e.g. `phone_share = { low = 0.4, high = 0.8 }`, or give one with --set",
            )
            .into());
        }
        let central = space.build_central()?;
        let by = match args.by.as_deref() {
            None => None,
            Some(text) => {
                let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                    InputError::argument("--by", format!("`{text}` is not a date (YYYY-MM-DD)"))
                })?;
                if date < central.start || date > central.end {
                    return Err(InputError::argument(
                        "--by",
                        format!(
                            "{date} is outside the scenario's period ({} to {})",
                            central.start, central.end
                        ),
                    )
                    .into());
                }
                Some(date)
            }
        };
        if let Some(code) = args.municipality {
            if central.municipality_index(code).is_none() {
                return Err(InputError::argument(
                    "--municipality",
                    format!(
                        "no municipality with code {code} in {} ({})",
                        central.name,
                        central.file.display()
                    ),
                )
                .into());
            }
        }
        let reps = args.run.reps.unwrap_or(central.replications);
        let seed = args.run.seed.unwrap_or(central.seed);
        let design = if args.tornado_only {
            None
        } else {
            Some(
                Design::new(space.len(), args.n as usize, seed)
                    .map_err(|e| InputError::argument("--n", e.to_string()))?,
            )
        };
        let mut points = sensitivity::tornado::points(&space.central());
        let tornado_points = points.len();
        if let Some(design) = &design {
            points.extend(design.points());
        }
        Ok(Analysis {
            space,
            central,
            metric,
            by,
            seed,
            reps,
            design,
            tornado_points,
            points,
        })
    }

    fn evaluator(&self, args: &SensitivityArgs) -> Evaluator<'_> {
        Evaluator {
            space: &self.space,
            metric: self.metric,
            municipality: args.municipality,
            by: self.by,
            seed: self.seed,
            reps: self.reps,
            own_progress: true,
        }
    }

    /// The indices and the tornado from the metric at every point, written to `outputs`.
    fn finish(
        &self,
        args: &SensitivityArgs,
        values: Vec<Option<f64>>,
        outputs: &Outputs,
    ) -> anyhow::Result<()> {
        let metric = self.metric;
        let missing = values.iter().filter(|v| v.is_none()).count();
        if missing > 0 {
            return Err(InputError::argument(
                "--metric",
                format!(
                    "{metric} has no value at {missing} of the {} points (in at least one replication); rank another metric, or give a --by date by which it has one",
                    self.points.len()
                ),
            )
            .into());
        }
        let values: Vec<f64> = values.into_iter().flatten().collect();
        let (tornado_values, design_values) = values.split_at(self.tornado_points);
        let tornado = Tornado::from_values(tornado_values);
        let indices = self.design.as_ref().map(|design| {
            design.indices(
                design_values,
                Bootstrap {
                    resamples: RESAMPLES,
                    seed: self.seed,
                },
            )
        });
        let report = Report::new(
            &self.space,
            &self.central,
            args,
            metric,
            self.by,
            self.seed,
            self.reps,
            self.points.len(),
            &tornado,
            indices.as_ref(),
        );
        if let Some(stdout) = &outputs.stdout {
            match args.format {
                SensitivityFormat::Table => stdout.write(|w| report.write_table(w))?,
                SensitivityFormat::Csv => stdout.write(|w| report.write_csv(w))?,
                SensitivityFormat::Json => stdout.write(|w| report.write_json(w))?,
            }
        }
        if let Some(out) = &outputs.out {
            out.write(|w| report.write_csv(w))?;
        }
        if let Some(plot) = &outputs.plot {
            report.plot(plot)?;
        }
        Ok(())
    }
}

/// Why `--plausible` is refused: Sobol' indices split the variance of inputs drawn independently, and the
/// plausible set's inputs are not independent; drawn apart from their plausible marginals they would rank the
/// inputs over combinations the calibration rejected (docs/calibration.md).
fn refuse_plausible(path: &std::path::Path) -> InputError {
    InputError::argument(
        "--plausible",
        format!(
            "cannot rank inputs over the plausible set {}: Sobol' indices need every input drawn independently of the others, and the plausible set's are not (the calibration targets keep a value of one input only beside some values of another); drawing each from its plausible band alone would rank the inputs over combinations the calibration rejected. Rank them over their prior ranges without --plausible, or run the plausible set with `simulate --plausible` (docs/calibration.md)",
            path.display()
        ),
    )
}

/// Runs the scenario at points of the unit cube and gives the metric's mean over replications at each (also the
/// tornado of the HTML report's "what drives this answer").
pub(crate) struct Evaluator<'a> {
    pub space: &'a Space,
    pub metric: Metric,
    pub municipality: Option<u32>,
    pub by: Option<NaiveDate>,
    pub seed: u64,
    pub reps: u32,
    /// Whether the runs show a progress display of their own, or count towards the one the command announced.
    pub own_progress: bool,
}

impl Evaluator<'_> {
    /// The metric at every point, in the order given; `None` where a replication has no value.
    pub fn evaluate(&self, points: &[Vec<f64>]) -> anyhow::Result<Vec<Option<f64>>> {
        let reps = self.reps as usize;
        let progress = if self.own_progress {
            Progress::labelled("sensitivity", Some((points.len() * reps) as u64))
        } else {
            Progress::hidden()
        };
        let mut values = Vec::with_capacity(points.len());
        for chunk in points.chunks(CHUNK_POINTS) {
            let scenarios: Vec<Scenario> = chunk
                .par_iter()
                .map(|point| self.space.build_at(point))
                .collect::<Result<_, _>>()?;
            let outcomes: Vec<Option<f64>> = (0..chunk.len() * reps)
                .into_par_iter()
                .map(|run| {
                    signals::check()?;
                    let value = self.run_one(&scenarios[run / reps], (run % reps) as u32)?;
                    progress.run_done();
                    if !self.own_progress {
                        crate::progress::announced_run_done();
                    }
                    Ok(value)
                })
                .collect::<Result<_, Interrupted>>()?;
            values.extend(outcomes.chunks(reps).map(|reps| {
                let sum = reps.iter().copied().sum::<Option<f64>>()?;
                Some(sum / reps.len() as f64)
            }));
        }
        progress.finish();
        Ok(values)
    }

    fn run_one(&self, scenario: &Scenario, replication: u32) -> Result<Option<f64>, Interrupted> {
        let series = Simulation::new(scenario, replication_seed(self.seed, replication)).run()?;
        let whole = Selection::whole(&series);
        let to = self
            .by
            .and_then(|by| day_index(&series, by))
            .unwrap_or(whole.to);
        let municipality = self
            .municipality
            .and_then(|code| scenario.municipality_index(code));
        Ok(summarise(
            scenario,
            &series,
            Selection {
                municipality,
                to,
                ..whole
            },
        )
        .get(self.metric))
    }
}

/// A decimal value as people write it: the binary noise of a quantile (`0.42000000000000004`) rounded off at
/// nine decimals; dates, whole numbers and names unchanged.
pub(crate) fn tidy(text: String) -> String {
    match text.parse::<f64>() {
        Ok(x) if text.contains('.') && x.is_finite() => {
            let rounded = format!("{x:.9}");
            let trimmed = rounded.trim_end_matches('0');
            match trimmed.strip_suffix('.') {
                Some(whole) => format!("{whole}.0"),
                None => trimmed.to_string(),
            }
        }
        _ => text,
    }
}

/// Everything the outputs say, in the order of the ranking.
#[derive(Debug, Serialize)]
struct Report {
    scenario: String,
    file: String,
    sha256: String,
    version: String,
    seed: u64,
    replications: u32,
    set: Vec<String>,
    metric: Metric,
    municipality: Option<u32>,
    by: NaiveDate,
    /// Rows of the Saltelli design's A and B; none with --tornado-only.
    base_sample: Option<usize>,
    /// Points run (tornado and design), each for every replication.
    points: usize,
    bootstrap_resamples: Option<usize>,
    interval: (f64, f64),
    tornado_quantiles: (f64, f64),
    /// The metric with every input at its central value.
    central: f64,
    /// Mean and variance of the metric over the design's A and B rows.
    mean: Option<f64>,
    variance: Option<f64>,
    inputs: Vec<InputRow>,
    #[serde(skip)]
    title: String,
}

#[derive(Debug, Serialize)]
struct InputRow {
    rank: usize,
    key: String,
    range: String,
    central_value: String,
    low_value: String,
    high_value: String,
    first: Option<Interval>,
    total: Option<Interval>,
    /// The metric with the input at its low and high quantile, the others central.
    at_low: f64,
    at_high: f64,
    swing: f64,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct Interval {
    value: f64,
    p5: f64,
    p95: f64,
}

impl From<sensitivity::Estimate> for Interval {
    fn from(e: sensitivity::Estimate) -> Interval {
        Interval {
            value: e.value,
            p5: e.low,
            p95: e.high,
        }
    }
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    fn new(
        space: &Space,
        central: &Scenario,
        args: &SensitivityArgs,
        metric: Metric,
        by: Option<NaiveDate>,
        seed: u64,
        reps: u32,
        points: usize,
        tornado: &Tornado,
        indices: Option<&Indices>,
    ) -> Report {
        let mut inputs: Vec<InputRow> = tornado
            .bars
            .iter()
            .map(|bar| {
                let input = &space.inputs[bar.input];
                let of = |i: &Indices| i.inputs[bar.input];
                InputRow {
                    rank: 0,
                    key: input.key.clone(),
                    range: input.describe(),
                    central_value: tidy(crate::scenario::ranges::dist::plain(&input.central())),
                    low_value: tidy(input.text_at(TORNADO_LOW)),
                    high_value: tidy(input.text_at(TORNADO_HIGH)),
                    first: indices.map(|i| of(i).first.into()),
                    total: indices.map(|i| of(i).total.into()),
                    at_low: bar.low,
                    at_high: bar.high,
                    swing: bar.swing(),
                }
            })
            .collect();
        // By total index when there are indices (ties by swing, already the order), else by swing.
        if indices.is_some() {
            inputs.sort_by(|a, b| {
                let total = |row: &InputRow| row.total.map_or(0.0, |t| t.value);
                total(b).total_cmp(&total(a))
            });
        }
        for (rank, row) in inputs.iter_mut().enumerate() {
            row.rank = rank + 1;
        }
        let municipality = args.municipality.and_then(|code| {
            central
                .municipality_index(code)
                .map(|m| central.municipalities[m].name.clone())
        });
        Report {
            scenario: central.name.clone(),
            file: args.scenario.display().to_string(),
            sha256: central.sha256.clone(),
            version: VERSION.to_string(),
            seed,
            replications: reps,
            set: central.overrides.clone(),
            metric,
            municipality: args.municipality,
            by: by.unwrap_or(central.end),
            base_sample: indices.map(|_| args.n as usize),
            points,
            bootstrap_resamples: indices.map(|_| RESAMPLES),
            interval: sensitivity::indices::INTERVAL,
            tornado_quantiles: (TORNADO_LOW, TORNADO_HIGH),
            central: tornado.central,
            mean: indices.map(|i| i.mean),
            variance: indices.map(|i| i.variance),
            inputs,
            title: match municipality {
                Some(name) => format!("{}, {name}", central.label()),
                None => central.label(),
            },
        }
    }

    fn value(&self, x: f64) -> String {
        let places = match self.metric.kind() {
            Kind::Share | Kind::Ratio => 3,
            Kind::Count | Kind::Fte | Kind::Days => 1,
        };
        format!("{x:.places$}")
    }

    fn write_table(&self, w: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            w,
            "{} of {} by {}: {} ranged input{}, {} points x {} replication{}, seed {}",
            self.metric,
            self.title,
            self.by,
            self.inputs.len(),
            if self.inputs.len() == 1 { "" } else { "s" },
            self.points,
            self.replications,
            if self.replications == 1 { "" } else { "s" },
            self.seed
        )?;
        write!(
            w,
            "central value {} (every input at its central value)",
            self.value(self.central)
        )?;
        match (self.mean, self.variance, self.base_sample) {
            (Some(mean), Some(variance), Some(n)) => writeln!(
                w,
                "; over the design (N = {n}): mean {}, standard deviation {}",
                self.value(mean),
                self.value(variance.sqrt())
            )?,
            _ => writeln!(w)?,
        }
        writeln!(w)?;
        let with_indices = self.base_sample.is_some();
        let key_width = self
            .inputs
            .iter()
            .map(|r| r.key.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        let range_width = self
            .inputs
            .iter()
            .map(|r| r.range.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        let tornado: Vec<String> = self
            .inputs
            .iter()
            .map(|r| {
                format!(
                    "{} ({}) -> {} ({})",
                    self.value(r.at_low),
                    r.low_value,
                    self.value(r.at_high),
                    r.high_value
                )
            })
            .collect();
        let tornado_width = tornado
            .iter()
            .map(|t| t.chars().count())
            .max()
            .unwrap_or(0)
            .max(30);
        write!(w, "rank  {:key_width$}  {:range_width$}", "input", "range")?;
        if with_indices {
            write!(
                w,
                "  {:22}  {:22}",
                "total order (5-95 %)", "first order (5-95 %)"
            )?;
        }
        writeln!(
            w,
            "  {:tornado_width$}  swing",
            "tornado: at 5 % -> at 95 %"
        )?;
        for (row, tornado) in self.inputs.iter().zip(&tornado) {
            write!(
                w,
                "{:>4}  {:key_width$}  {:range_width$}",
                row.rank, row.key, row.range
            )?;
            if let (Some(total), Some(first)) = (row.total, row.first) {
                let interval = |i: Interval| format!("{:.3} [{:.3}, {:.3}]", i.value, i.p5, i.p95);
                write!(w, "  {:22}  {:22}", interval(total), interval(first))?;
            }
            writeln!(w, "  {tornado:tornado_width$}  {}", self.value(row.swing))?;
        }
        Ok(())
    }

    fn write_csv(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record([
            "rank",
            "input",
            "range",
            "central_value",
            "low_value",
            "high_value",
            "total",
            "total_p5",
            "total_p95",
            "first",
            "first_p5",
            "first_p95",
            "metric",
            "metric_central",
            "metric_at_low",
            "metric_at_high",
            "swing",
        ])?;
        let number = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
        for row in &self.inputs {
            csv.write_record([
                row.rank.to_string(),
                row.key.clone(),
                row.range.clone(),
                row.central_value.clone(),
                row.low_value.clone(),
                row.high_value.clone(),
                number(row.total.map(|t| t.value)),
                number(row.total.map(|t| t.p5)),
                number(row.total.map(|t| t.p95)),
                number(row.first.map(|t| t.value)),
                number(row.first.map(|t| t.p5)),
                number(row.first.map(|t| t.p95)),
                self.metric.to_string(),
                self.central.to_string(),
                row.at_low.to_string(),
                row.at_high.to_string(),
                row.swing.to_string(),
            ])?;
        }
        csv.flush()
    }

    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        writeln!(w)
    }

    fn plot(&self, output: &Output) -> anyhow::Result<()> {
        let bars: Vec<TornadoBar> = self
            .inputs
            .iter()
            .map(|row| TornadoBar {
                label: row.key.clone(),
                low: row.at_low,
                low_text: row.low_value.clone(),
                high: row.at_high,
                high_text: row.high_value.clone(),
            })
            .collect();
        // The chart is a tornado: widest swing on top, whatever the table's ranking.
        let mut bars = bars;
        bars.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()));
        let title = format!("{}: what moves {}", self.title, self.metric);
        let subtitle = format!(
            "Each input alone at its 5 % and 95 % quantile, the others at their central values; {} by {}, mean of {} replication{}.",
            self.metric,
            self.by,
            self.replications,
            if self.replications == 1 { "" } else { "s" }
        );
        let central = format!("central: {}", self.value(self.central));
        let chart = TornadoChart {
            title: &title,
            subtitle: &subtitle,
            metric: self.metric.name(),
            central: self.central,
            central_label: &central,
            low_label: "input at its 5 % quantile",
            high_label: "input at its 95 % quantile",
            bars: &bars,
        };
        crate::report::plot::tornado_chart(output, &chart)
    }
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn values_lose_their_binary_noise_and_nothing_else() {
        assert_eq!(tidy("0.42000000000000004".into()), "0.42");
        assert_eq!(tidy("3.0".into()), "3.0");
        assert_eq!(tidy("0.1575".into()), "0.1575");
        assert_eq!(tidy("2567".into()), "2567");
        assert_eq!(tidy("2020-06-04".into()), "2020-06-04");
        assert_eq!(tidy("reading_a".into()), "reading_a");
    }
}
