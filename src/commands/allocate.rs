//! `backlog allocate`: share extra caseworker FTE over a scenario's municipalities to make a national objective
//! as small as it can be, and set the answer against three naive splits (by population, by caseload, by the
//! backlog peak without the extra staff). The method is in `crate::allocate` and docs/allocate.md.

use crate::allocate::{self, Curves, MunicipalityShare, Objective, Request, Split};
use crate::cli::{AllocateArgs, AllocateFormat};
use crate::error::InputError;
use crate::output::Output;
use crate::report::html::allocation::{self, AllocationReport};
use crate::report::lang::Lang;
use crate::report::map::{self, Map};
use crate::report::VERSION;
use crate::scenario::{Scenario, TimelinessRule};
use chrono::NaiveDate;
use serde::Serialize;
use std::io::Write;

/// The naive splits the answer is set against, by the weight each shares the FTE by.
const NAIVE: [&str; 3] = ["population", "caseload", "backlog_peak"];

pub fn run(args: AllocateArgs, quiet: bool) -> anyhow::Result<()> {
    let set = super::plan::overrides(&args.overrides)?;
    let whole = crate::scenario::load_with(&args.scenario, &set)?;
    let scenario = match crate::run::View::of(&whole, &args.municipalities)? {
        Some(view) => view.scenario,
        None => whole,
    };
    let request = request(&args, &scenario)?;

    let out = Output::optional("--out", args.out.as_deref(), &["csv", "json"])?;
    let xlsx = Output::optional("--xlsx", args.xlsx.as_deref(), &["xlsx"])?;
    let map_file = Output::optional(
        "--map",
        args.map.as_deref(),
        crate::report::plot::CHART_EXTENSIONS,
    )?;
    let page = Output::optional("--report", args.report.as_deref(), &["html", "htm"])?;
    let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
    crate::output::check_distinct(&[
        Some(&stdout),
        out.as_ref(),
        xlsx.as_ref(),
        map_file.as_ref(),
        page.as_ref(),
    ])?;

    let runs = (request.units as u64 + 1) * u64::from(request.reps);
    let threads = super::plan::plan("allocate", &[(&scenario, runs)], &args.run)?;
    let curves = super::plan::with_threads(threads, || allocate::curves(&scenario, &request))??;
    let report = Report::new(&scenario, &request, &curves);

    match args.format {
        AllocateFormat::Table if !quiet => stdout.write(|w| report.write_table(w))?,
        AllocateFormat::Table => {}
        AllocateFormat::Csv => stdout.write(|w| report.write_csv(w))?,
        AllocateFormat::Json => stdout.write(|w| report.write_json(w))?,
    }
    if let Some(out) = &out {
        match out.has_extension("json") {
            true => out.write(|w| report.write_json(w))?,
            false => out.write(|w| report.write_csv(w))?,
        }
    }
    if let Some(xlsx) = &xlsx {
        let bytes = report.workbook().map_err(|e| anyhow::anyhow!("{e}"))?;
        xlsx.write(|w| w.write_all(&bytes))?;
    }
    // The labels of the map and the page in the language asked for.
    let labelled = args.lang.labels(&scenario);
    if let Some(file) = &map_file {
        map::write(&report.map(&labelled, args.lang), file)?;
    }
    if let Some(page) = &page {
        let html = AllocationReport {
            scenario: &labelled,
            objective: report.objective,
            add: report.add,
            step: report.step,
            from: report.from,
            until: report.until,
            seed: report.seed,
            replications: report.replications,
            runs: report.runs,
            before: report.before,
            splits: &report.splits,
            municipalities: &report.municipalities,
            map: report.map(&labelled, args.lang),
            command: super::report::command_line(),
            lang: args.lang,
        };
        page.write(|w| allocation::write(w, &html))?;
    }
    if args.format == AllocateFormat::Table && !quiet {
        stdout.write(|w| {
            for path in [&args.out, &args.xlsx, &args.map, &args.report]
                .into_iter()
                .flatten()
            {
                writeln!(w, "wrote {}", path.display())?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn date(flag: &'static str, text: &str, scenario: &Scenario) -> Result<NaiveDate, InputError> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| InputError::argument(flag, format!("`{text}` is not a date (YYYY-MM-DD)")))?;
    if date < scenario.start || date > scenario.end {
        return Err(InputError::argument(
            flag,
            format!(
                "{date} is outside the scenario's period ({} to {})",
                scenario.start, scenario.end
            ),
        ));
    }
    Ok(date)
}

/// The arguments checked against the scenario.
fn request(args: &AllocateArgs, scenario: &Scenario) -> Result<Request, InputError> {
    if !(args.add.is_finite() && args.add > 0.0 && args.add <= 1e5) {
        return Err(InputError::argument(
            "--add",
            format!(
                "{} is not a number of FTE above 0 (at most 100,000)",
                args.add
            ),
        ));
    }
    let step = match args.step {
        Some(step) if step.is_finite() && step > 0.0 => step,
        Some(step) => {
            return Err(InputError::argument(
                "--step",
                format!("{step} is not a number of FTE above 0"),
            ))
        }
        None if args.add.fract() == 0.0 => allocate::default_step(args.add as u64) as f64,
        None => {
            return Err(InputError::argument(
                "--add",
                format!(
                    "{} is not a whole number of FTE; give --step to share it in steps",
                    args.add
                ),
            ))
        }
    };
    let units = (args.add / step).round();
    if (units * step - args.add).abs() > 1e-9 * args.add.max(1.0) {
        return Err(InputError::argument(
            "--step",
            format!(
                "--add {} is not a whole number of steps of {step} FTE",
                args.add
            ),
        ));
    }
    if units > 2000.0 {
        return Err(InputError::argument(
            "--step",
            format!("{units} steps are too many (at most 2,000); give a larger --step"),
        ));
    }
    let from = date("--from", &args.from, scenario)?;
    let until = match &args.until {
        None => None,
        Some(text) => {
            let until = date("--until", text, scenario)?;
            if until < from {
                return Err(InputError::argument(
                    "--until",
                    format!("{until} is before --from {from}"),
                ));
            }
            Some(until)
        }
    };
    if args.run.jobs == Some(0) {
        return Err(InputError::argument("--jobs", "must be at least 1"));
    }
    let rule = rule(args, scenario)?;
    Ok(Request {
        objective: args.objective,
        rule,
        step,
        units: units as usize,
        from,
        until,
        seed: args.run.seed.unwrap_or(scenario.seed),
        reps: args.run.reps.unwrap_or(scenario.replications),
    })
}

/// The timeliness rule `--rule` names, which `--objective flagged` needs and no other objective takes.
fn rule(args: &AllocateArgs, scenario: &Scenario) -> Result<Option<TimelinessRule>, InputError> {
    let ids: Vec<&str> = scenario.timeliness.iter().map(|r| r.id.as_str()).collect();
    match (args.objective, &args.rule) {
        (Objective::Flagged, _) if ids.is_empty() => Err(InputError::argument(
            "--objective",
            format!(
                "flagged counts the municipalities a timeliness rule flags, and {} has no [[timeliness]] rules",
                args.scenario.display()
            ),
        )),
        (Objective::Flagged, None) => Err(InputError::argument(
            "--rule",
            format!(
                "--objective flagged needs --rule ID, one of the scenario's timeliness rules: {}",
                ids.join(", ")
            ),
        )),
        (Objective::Flagged, Some(id)) => scenario
            .timeliness
            .iter()
            .find(|r| r.id == *id)
            .cloned()
            .map(Some)
            .ok_or_else(|| {
                InputError::argument(
                    "--rule",
                    format!(
                        "the scenario has no timeliness rule `{id}`; its rules: {}",
                        ids.join(", ")
                    ),
                )
            }),
        (_, Some(_)) => Err(InputError::argument(
            "--rule",
            format!(
                "only applies with --objective flagged, not {}",
                args.objective.name()
            ),
        )),
        (_, None) => Ok(None),
    }
}

#[derive(Debug, Serialize)]
struct Report {
    scenario: String,
    file: String,
    sha256: String,
    version: String,
    seed: u64,
    replications: u32,
    set: Vec<String>,
    objective: Objective,
    /// The timeliness rule of `flagged`, and its tie-break.
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tie_break: Option<&'static str>,
    unit: String,
    add: f64,
    step: f64,
    from: NaiveDate,
    until: NaiveDate,
    /// Runs: (steps + 1) levels x replications.
    runs: u64,
    /// The national objective without extra staff.
    before: f64,
    /// The optimal split first, then the naive ones.
    splits: Vec<Split>,
    municipalities: Vec<MunicipalityShare>,
}

impl Report {
    fn new(scenario: &Scenario, request: &Request, curves: &Curves) -> Report {
        let reps = f64::from(request.reps);
        let totals = curves.totals();
        let best = allocate::best_split(&curves.ranked(), request.units);
        let tie_break = |m: usize, k: usize| {
            (!curves.tie_break.is_empty()).then(|| curves.tie_break_total(m, k) as f64 / reps)
        };
        let weights: [Vec<f64>; 3] = [
            scenario
                .municipalities
                .iter()
                .map(|m| m.population)
                .collect(),
            scenario
                .municipalities
                .iter()
                .map(|m| m.initial_stock.iter().sum())
                .collect(),
            curves.baseline_peak.clone(),
        ];
        let optimal = curves.of_split(&best) as f64 / reps;
        let optimal_by_replication = curves.by_replication(&best);
        let split = |name: &str, split: &[usize]| {
            let objective = curves.of_split(split) as f64 / reps;
            let by_replication = curves.by_replication(split);
            let (p5, p95) = allocate::band(&by_replication);
            // The optimal split is the least of the means, not of every replication: a difference may be negative.
            let mut differences: Vec<Option<f64>> = by_replication
                .iter()
                .zip(&optimal_by_replication)
                .map(|(&a, &b)| Some(a as f64 - b as f64))
                .collect();
            differences.sort_by(|a, b| a.unwrap_or(0.0).total_cmp(&b.unwrap_or(0.0)));
            Split {
                name: name.to_string(),
                objective,
                p5,
                p95,
                margin: objective - optimal,
                margin_p5: crate::summary::percentile(&differences, 0.05).unwrap_or(0.0),
                margin_p95: crate::summary::percentile(&differences, 0.95).unwrap_or(0.0),
                fte: split.iter().map(|&k| k as f64 * request.step).collect(),
                overdue_days: curves.tie_break_of_split(split).map(|t| t as f64 / reps),
            }
        };
        let mut splits = vec![split("optimal", &best)];
        for (name, weights) in NAIVE.iter().zip(&weights) {
            splits.push(split(name, &allocate::proportional(weights, request.units)));
        }
        let zero = vec![0; scenario.municipalities.len()];
        let municipalities = scenario
            .municipalities
            .iter()
            .enumerate()
            .map(|(m, municipality)| {
                let (after_p5, after_p95) = allocate::band(&curves.values[m][best[m]]);
                MunicipalityShare {
                    code: municipality.code,
                    name: municipality.name.clone(),
                    fte_added: best[m] as f64 * request.step,
                    before: totals[m][0] as f64 / reps,
                    after: totals[m][best[m]] as f64 / reps,
                    after_p5,
                    after_p95,
                    curve: totals[m].iter().map(|&t| t as f64 / reps).collect(),
                    overdue_days_before: tie_break(m, 0),
                    overdue_days_after: tie_break(m, best[m]),
                }
            })
            .collect();
        Report {
            scenario: scenario.label(),
            file: scenario.file.display().to_string(),
            sha256: scenario.sha256.clone(),
            version: VERSION.to_string(),
            seed: request.seed,
            replications: request.reps,
            set: scenario.overrides.clone(),
            objective: request.objective,
            rule: request.rule.as_ref().map(|r| r.id.clone()),
            tie_break: request.rule.as_ref().map(|_| "overdue-days"),
            unit: match &request.rule {
                Some(rule) => format!("{} by rule {}", request.objective.unit(), rule.id),
                None => request.objective.unit().to_string(),
            },
            add: request.units as f64 * request.step,
            step: request.step,
            from: request.from,
            until: request.until.unwrap_or(scenario.end),
            runs: (request.units as u64 + 1) * u64::from(request.reps),
            before: curves.of_split(&zero) as f64 / reps,
            splits,
            municipalities,
        }
    }

    /// The table, each line without the blanks an empty last column leaves.
    fn write_table(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut table = Vec::new();
        self.table(&mut table)?;
        for line in String::from_utf8_lossy(&table).lines() {
            writeln!(w, "{}", line.trim_end())?;
        }
        Ok(())
    }

    fn table(&self, w: &mut dyn Write) -> std::io::Result<()> {
        // Flags are counted per replication: their means show a decimal.
        let flagged = self.rule.is_some();
        let n = |v: f64| match flagged {
            true => format!("{v:.1}"),
            false => crate::format::thousands(v),
        };
        // With `flagged`, the tie-break's overdue meeting-days in a last column.
        let tie = |v: Option<f64>| {
            v.map_or_else(String::new, |v| {
                format!(" {:>16}", crate::format::thousands(v))
            })
        };
        writeln!(
            w,
            "{}: {} extra FTE in steps of {} from {} to {}, to minimise {} from {} to the end",
            self.scenario,
            fte(self.add),
            fte(self.step),
            self.from,
            self.until,
            self.unit,
            self.from
        )?;
        writeln!(
            w,
            "scenario {} sha256 {}  backlog {}; seed {}, {} replications, {} runs",
            self.file,
            &self.sha256[..12.min(self.sha256.len())],
            self.version,
            self.seed,
            self.replications,
            self.runs
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "{:<5} {:<24} {:>8} {:>14} {:>14} {:>25}{}",
            "code",
            "municipality",
            "FTE",
            "before",
            "after",
            "after 5%-95%",
            match flagged {
                true => format!(" {:>16} {:>16}", "overdue before", "overdue after"),
                false => String::new(),
            }
        )?;
        for row in &self.municipalities {
            writeln!(
                w,
                "{:<5} {:<24} {:>8} {:>14} {:>14} {:>25}{}{}",
                row.code,
                row.name,
                fte(row.fte_added),
                n(row.before),
                n(row.after),
                format!("{}-{}", n(row.after_p5), n(row.after_p95)),
                tie(row.overdue_days_before),
                tie(row.overdue_days_after)
            )?;
        }
        writeln!(w)?;
        writeln!(
            w,
            "national {} (means over replications; 5%-95% over replications):",
            self.unit
        )?;
        writeln!(
            w,
            "{:<28} {:>14} {:>25} {:>14} {:>8} {:>21}{}",
            "split",
            "objective",
            "5%-95%",
            "more than best",
            "",
            "paired 5%-95%",
            match flagged {
                true => format!(" {:>16}", "overdue-days"),
                false => String::new(),
            }
        )?;
        let overdue_before = flagged.then(|| {
            self.municipalities
                .iter()
                .filter_map(|m| m.overdue_days_before)
                .sum()
        });
        writeln!(
            w,
            "{:<28} {:>14} {:>25}{}",
            "no extra staff",
            n(self.before),
            "",
            match flagged {
                true => format!(" {:>14} {:>8} {:>21}{}", "", "", "", tie(overdue_before)),
                false => String::new(),
            }
        )?;
        let optimal = &self.splits[0];
        for split in &self.splits {
            let share = match optimal.objective > 0.0 {
                true => format!("{:+.1}%", 100.0 * split.margin / optimal.objective),
                false => String::new(),
            };
            writeln!(
                w,
                "{:<28} {:>14} {:>25} {:>14} {:>8} {:>21}{}",
                split_label(&split.name),
                n(split.objective),
                format!("{}-{}", n(split.p5), n(split.p95)),
                n(split.margin),
                share,
                format!("{} to {}", n(split.margin_p5), n(split.margin_p95)),
                tie(split.overdue_days)
            )?;
        }
        writeln!(
            w,
            "every split places exactly {} FTE; the optimal one by dynamic programming over each municipality's curve (docs/allocate.md)",
            fte(self.add)
        )?;
        if flagged {
            writeln!(
                w,
                "flagged: in a month from {} on (a municipality's value is the share of replications); of splits that flag as few, the one with the fewest overdue meeting-days",
                self.from.format("%Y-%m")
            )?;
        }
        writeln!(
            w,
            "paired: the difference from the optimal split replication by replication (the same people in both)"
        )
    }

    fn write_csv(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut csv = csv::Writer::from_writer(w);
        // With `flagged`, the rule after the objective and the tie-break's overdue meeting-days at the end.
        let with_rule = |mut fields: Vec<String>, rule: &str, tail: [String; 2]| {
            if self.rule.is_some() {
                fields.insert(4, rule.to_string());
                fields.extend(tail);
            }
            fields
        };
        csv.write_record(with_rule(
            [
                "code",
                "name",
                "fte_added",
                "objective",
                "before",
                "after",
                "after_p5",
                "after_p95",
                "fte_by_population",
                "fte_by_caseload",
                "fte_by_backlog_peak",
            ]
            .map(String::from)
            .to_vec(),
            "rule",
            ["overdue_days_before".into(), "overdue_days_after".into()],
        ))?;
        let text = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
        for (m, row) in self.municipalities.iter().enumerate() {
            csv.write_record(with_rule(
                vec![
                    row.code.to_string(),
                    row.name.clone(),
                    row.fte_added.to_string(),
                    self.objective.name().to_string(),
                    row.before.to_string(),
                    row.after.to_string(),
                    row.after_p5.to_string(),
                    row.after_p95.to_string(),
                    self.splits[1].fte[m].to_string(),
                    self.splits[2].fte[m].to_string(),
                    self.splits[3].fte[m].to_string(),
                ],
                self.rule.as_deref().unwrap_or_default(),
                [text(row.overdue_days_before), text(row.overdue_days_after)],
            ))?;
        }
        csv.flush()
    }

    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        writeln!(w)
    }

    fn workbook(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let bold = Format::new().set_bold();
        let sheet = workbook.add_worksheet().set_name("municipalities")?;
        let headers = [
            "code",
            "name",
            "fte_added",
            "before",
            "after",
            "after_p5",
            "after_p95",
        ];
        for (col, name) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *name, &bold)?;
        }
        for (i, row) in self.municipalities.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_number(r, 0, row.code)?;
            sheet.write_string(r, 1, &row.name)?;
            for (col, value) in [
                row.fte_added,
                row.before,
                row.after,
                row.after_p5,
                row.after_p95,
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_number(r, col as u16 + 2, value)?;
            }
            // With `flagged`, the tie-break's overdue meeting-days.
            for (col, value) in [row.overdue_days_before, row.overdue_days_after]
                .into_iter()
                .enumerate()
            {
                if let Some(value) = value {
                    sheet.write_number(r, col as u16 + 7, value)?;
                }
            }
        }
        if self.rule.is_some() {
            sheet.write_string_with_format(0, 7, "overdue_days_before", &bold)?;
            sheet.write_string_with_format(0, 8, "overdue_days_after", &bold)?;
        }
        let sheet = workbook.add_worksheet().set_name("national")?;
        for (col, name) in [
            "split",
            "objective",
            "p5",
            "p95",
            "margin",
            "margin_p5",
            "margin_p95",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(0, col as u16, *name, &bold)?;
        }
        sheet.write_string(1, 0, "none")?;
        sheet.write_number(1, 1, self.before)?;
        for (i, split) in self.splits.iter().enumerate() {
            let r = i as u32 + 2;
            sheet.write_string(r, 0, &split.name)?;
            for (col, value) in [
                split.objective,
                split.p5,
                split.p95,
                split.margin,
                split.margin_p5,
                split.margin_p95,
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_number(r, col as u16 + 1, value)?;
            }
            if let Some(overdue) = split.overdue_days {
                sheet.write_number(r, 7, overdue)?;
            }
        }
        if self.rule.is_some() {
            sheet.write_string_with_format(0, 7, "overdue_days", &bold)?;
        }
        workbook.save_to_buffer()
    }

    /// The FTE of the optimal split per municipality, labelled in `lang` for `scenario` (its labels in `lang`).
    fn map(&self, scenario: &Scenario, lang: Lang) -> Map {
        Map {
            title: lang.fill("alloc_map_title", &[&allocation::fte(self.add, lang)]),
            subtitle: lang.fill(
                "alloc_map_subtitle",
                &[
                    &scenario.label(),
                    allocation::objective_label(self.objective, lang),
                    &self.from.to_string(),
                ],
            ),
            unit: lang.text("alloc_map_unit").to_string(),
            values: self
                .municipalities
                .iter()
                .map(|row| (row.code, row.fte_added))
                .collect(),
            decimals: if self.step.fract() == 0.0 { 0 } else { 2 },
            no_data: lang.text("map_no_data").to_string(),
            lang,
        }
    }
}

fn split_label(name: &str) -> String {
    match name {
        "optimal" => "optimal".to_string(),
        "backlog_peak" => "by backlog peak".to_string(),
        other => format!("by {other}"),
    }
}

/// FTE as people write them: whole numbers without decimals.
fn fte(value: f64) -> String {
    if value.fract() == 0.0 {
        crate::format::thousands(value)
    } else {
        format!("{value:.2}")
    }
}
