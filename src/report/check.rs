//! `backlog check` reports: a table for people, JSON for scripts, JUnit XML for CI dashboards.

use crate::check::{CheckResult, Spread};
use crate::scenario::Role;
use std::io::Write;

/// A rounded number with thousands separators, or `-` when there is none.
fn number(value: Option<f64>) -> String {
    value.map_or("-".to_string(), crate::format::thousands)
}

/// A figure's value as its metric reads: a share in percent with one decimal, a ratio with two decimals, any
/// other rounded with thousands separators; `-` when there is none.
fn figure_value(r: &CheckResult, value: Option<f64>) -> String {
    use crate::metric::Kind;
    match (value, r.metric.metric().map(|m| m.kind())) {
        (Some(v), Some(Kind::Share)) => format!("{:.1}%", v * 100.0),
        (Some(v), Some(Kind::Ratio)) => format!("{v:.2}"),
        _ => number(value),
    }
}

pub fn table(out: &mut dyn Write, results: &[CheckResult]) -> std::io::Result<()> {
    let mut current = "";
    let mut block = None;
    for r in results {
        if r.file != current {
            writeln!(out, "{} ({})", r.scenario, r.file)?;
            current = &r.file;
            block = None;
        }
        // A scenario with calibration targets shows them apart from the figures that judge the model.
        let calibrated = results
            .iter()
            .any(|other| other.file == r.file && other.role == Role::Calibrate);
        if calibrated && block != Some(r.role) {
            writeln!(
                out,
                "  {}",
                match r.role {
                    Role::Calibrate =>
                        "calibration targets (what `backlog calibrate` fits the ranges to):",
                    Role::Validate => "validation (never fitted to; these judge the model):",
                }
            )?;
            block = Some(r.role);
        }
        if let Some(spread) = &r.spread {
            spread_lines(out, r, spread)?;
            continue;
        }
        let band = format!(
            "{}-{}",
            figure_value(r, r.simulated.p5),
            figure_value(r, r.simulated.p95)
        );
        writeln!(
            out,
            "  {:<4} {:<62} published {:>10}  simulated {:>10} [{:>21}]  error {:>7}  tolerance {:>5}",
            r.status(),
            r.figure,
            figure_value(r, Some(r.value)),
            figure_value(r, r.simulated.mean),
            band,
            r.error.map_or("-".to_string(), |e| if r.absolute {
                format!("{e:+.1}")
            } else {
                format!("{:+.1}%", e * 100.0)
            }),
            if r.absolute {
                format!("{}", r.tolerance)
            } else {
                format!("{:.0}%", r.tolerance * 100.0)
            },
        )?;
        if let Some(definition) = &r.definition {
            writeln!(out, "        model's figure: {definition}")?;
        }
        if let Some(p) = &r.predictive {
            predictive_line(out, r, p)?;
        }
        if let Some(like) = &r.like_for_like {
            let band = format!(
                "{}-{}",
                number(like.simulated.p5),
                number(like.simulated.p95)
            );
            writeln!(
                out,
                "        like-for-like          {:>10} [{:>21}]  error {:>7}  (not the test)",
                number(like.simulated.mean),
                band,
                like.error
                    .map_or("-".to_string(), |e| format!("{:+.1}%", e * 100.0)),
            )?;
            let on = like
                .scenario
                .as_ref()
                .map_or(String::new(), |s| format!(" (computed on {s})"));
            writeln!(
                out,
                "          published figure's definition: {}{on}",
                like.definition
            )?;
        }
        writeln!(out, "        source: {}", r.source)?;
        known_miss_line(out, r)?;
    }
    let failed = results.iter().filter(|r| r.failed()).count();
    let missed = results.iter().filter(|r| !r.pass && !r.failed()).count();
    writeln!(
        out,
        "{} passed, {} failed, {} known misses",
        results.len() - failed - missed,
        failed,
        missed
    )
}

/// The predictive band of a figure under `--draws`, with whether the published value lies in it, the band's
/// width and its interval score (both also as a share of the published value).
fn predictive_line(
    out: &mut dyn Write,
    r: &CheckResult,
    p: &crate::check::PredictiveResult,
) -> std::io::Result<()> {
    let band = format!(
        "{}-{}",
        figure_value(r, p.simulated.p5),
        figure_value(r, p.simulated.p95)
    );
    let share = |v: Option<f64>| match v {
        Some(v) if r.value != 0.0 => format!(" ({:.0}%)", v / r.value.abs() * 100.0),
        _ => String::new(),
    };
    writeln!(
        out,
        "        predictive             {:>10} [{:>21}]  {}  width {}{}  interval score {}{}  ({} draws x {} replications; not the test)",
        figure_value(r, p.simulated.mean),
        band,
        match p.inside {
            Some(true) => "published inside",
            Some(false) => "published OUTSIDE",
            None => "no band",
        },
        figure_value(r, p.width),
        share(p.width),
        figure_value(r, p.interval_score),
        share(p.interval_score),
        p.draws,
        p.replications,
    )
}

/// The check table as Markdown: one row per figure, then the known misses' reasons and the count.
pub fn markdown(out: &mut dyn Write, results: &[CheckResult]) -> std::io::Result<()> {
    use super::table::markdown_text;
    writeln!(
        out,
        "| status | scenario | figure | published | simulated (mean) | 5 %-95 % | error | tolerance |"
    )?;
    writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|")?;
    for r in results {
        // A per-municipality series is compared by its MAPE, in percent, against no single published number.
        let (published, simulated, band, error) = match &r.spread {
            Some(spread) => (
                "by municipality".to_string(),
                format!("MAPE {}", percent(Some(spread.mape))),
                format!("{}-{}", percent(r.simulated.p5), percent(r.simulated.p95)),
                percent(r.error),
            ),
            None => (
                figure_value(r, Some(r.value)),
                figure_value(r, r.simulated.mean),
                format!(
                    "{}-{}",
                    figure_value(r, r.simulated.p5),
                    figure_value(r, r.simulated.p95)
                ),
                r.error
                    .map_or("-".to_string(), |e| format!("{:+.1}%", e * 100.0)),
            ),
        };
        writeln!(
            out,
            "| {} | {} | {} | {published} | {simulated} | {band} | {error} | {:.0}% |",
            r.status(),
            markdown_text(&r.scenario),
            markdown_text(&r.figure),
            r.tolerance * 100.0,
        )?;
    }
    writeln!(out)?;
    for r in results {
        writeln!(
            out,
            "- {}: {}",
            markdown_text(&r.figure),
            markdown_text(&r.source)
        )?;
        if let Some(spread) = &r.spread {
            let worst: Vec<String> = spread
                .worst
                .iter()
                .map(|m| format!("{} ({}) {:+.1}%", m.name, m.code, m.error * 100.0))
                .collect();
            writeln!(out, "  worst: {}", markdown_text(&worst.join(", ")))?;
        }
        if let (Some(reason), false) = (&r.known_miss, r.pass) {
            writeln!(out, "  known miss: {}", markdown_text(reason))?;
        }
        if let Some(p) = &r.predictive {
            writeln!(
                out,
                "  predictive ({} draws x {} replications): {} [{}-{}], published {}, width {}, interval score {}",
                p.draws,
                p.replications,
                figure_value(r, p.simulated.mean),
                figure_value(r, p.simulated.p5),
                figure_value(r, p.simulated.p95),
                match p.inside {
                    Some(true) => "inside",
                    Some(false) => "outside",
                    None => "-",
                },
                figure_value(r, p.width),
                figure_value(r, p.interval_score),
            )?;
        }
    }
    let failed = results.iter().filter(|r| r.failed()).count();
    let missed = results.iter().filter(|r| !r.pass && !r.failed()).count();
    writeln!(out)?;
    writeln!(
        out,
        "{} passed, {} failed, {} known misses",
        results.len() - failed - missed,
        failed,
        missed
    )
}

fn percent(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// A per-municipality check: the MAPE with its band over replications, then the five municipalities furthest off.
fn spread_lines(out: &mut dyn Write, r: &CheckResult, spread: &Spread) -> std::io::Result<()> {
    writeln!(
        out,
        "  {:<4} {:<62} MAPE {:>6} over {} municipalities [{}-{} per replication]  tolerance {:>4.0}%",
        r.status(),
        r.figure,
        percent(Some(spread.mape)),
        spread.municipalities,
        percent(r.simulated.p5),
        percent(r.simulated.p95),
        r.tolerance * 100.0,
    )?;
    writeln!(out, "        source: {}", r.source)?;
    for (label, list) in [("worst:", &spread.worst), ("shown:", &spread.shown)] {
        for (i, m) in list.iter().enumerate() {
            writeln!(
                out,
                "        {:<6} {:<20} {:>5}  simulated {:>9}  published {:>9}  error {:>+7.1}%",
                if i == 0 { label } else { "" },
                m.name,
                m.code,
                crate::format::thousands(m.simulated),
                crate::format::thousands(m.published),
                m.error * 100.0
            )?;
        }
    }
    known_miss_line(out, r)
}

fn known_miss_line(out: &mut dyn Write, r: &CheckResult) -> std::io::Result<()> {
    match (&r.known_miss, r.pass) {
        (Some(reason), false) => writeln!(out, "        known miss: {reason}"),
        (Some(_), true) => writeln!(out, "        now within tolerance: remove `known_miss` from the scenario and update docs/calibration.md"),
        _ => Ok(()),
    }
}

pub fn json(out: &mut dyn Write, results: &[CheckResult]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, results)?;
    writeln!(out)
}

/// Text for XML content and attributes. Tabs and line ends become character references (an attribute would
/// turn them into spaces); the other control characters cannot appear in XML 1.0 at all, even as references,
/// so they are written as visible escapes (`\u{1}`), which keeps the document well-formed.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push_str(&format!("&#{};", u32::from(c))),
            c if super::unwritable_in_xml(c) => escaped.extend(c.escape_unicode()),
            c => escaped.push(c),
        }
    }
    escaped
}

/// JUnit XML: one test suite per scenario file, one test case per published figure.
pub fn junit(out: &mut dyn Write, results: &[CheckResult]) -> std::io::Result<()> {
    let failures = results.iter().filter(|r| r.failed()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="backlog check" tests="{}" failures="{failures}">"#,
        results.len()
    )?;
    let mut files: Vec<&str> = results.iter().map(|r| r.file.as_str()).collect();
    files.dedup();
    for file in files {
        let cases: Vec<&CheckResult> = results.iter().filter(|r| r.file == file).collect();
        let suite_failures = cases.iter().filter(|r| r.failed()).count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{suite_failures}">"#,
            escape(file),
            cases.len()
        )?;
        for r in cases {
            writeln!(
                out,
                r#"    <testcase classname="{}" name="{}">"#,
                escape(&r.scenario),
                escape(&r.figure)
            )?;
            let detail = match &r.spread {
                Some(spread) => format!(
                    "MAPE {} over {} municipalities ({}); worst: {}; tolerance {:.0}%",
                    percent(Some(spread.mape)),
                    spread.municipalities,
                    r.source,
                    spread
                        .worst
                        .iter()
                        .map(|w| format!("{} {:+.1}%", w.name, w.error * 100.0))
                        .collect::<Vec<_>>()
                        .join(", "),
                    r.tolerance * 100.0
                ),
                None => format!(
                "published {} ({}); simulated mean {} (5%-95% {} to {}); error {}; tolerance {}",
                r.value,
                r.source,
                r.simulated.mean.map_or("none".into(), |v| format!("{v:.1}")),
                r.simulated.p5.map_or("none".into(), |v| format!("{v:.1}")),
                r.simulated.p95.map_or("none".into(), |v| format!("{v:.1}")),
                r.error.map_or("none".into(), |e| if r.absolute {
                    format!("{e:+.2} (absolute)")
                } else {
                    format!("{:+.2}%", e * 100.0)
                }),
                if r.absolute {
                    format!("{} (absolute)", r.tolerance)
                } else {
                    format!("{:.0}%", r.tolerance * 100.0)
                }
                ),
            };
            let detail = match &r.like_for_like {
                Some(like) => format!(
                    "{detail}; like-for-like ({}) mean {} (5%-95% {} to {}), error {}",
                    like.definition,
                    like.simulated
                        .mean
                        .map_or("none".into(), |v| format!("{v:.1}")),
                    like.simulated
                        .p5
                        .map_or("none".into(), |v| format!("{v:.1}")),
                    like.simulated
                        .p95
                        .map_or("none".into(), |v| format!("{v:.1}")),
                    like.error
                        .map_or("none".into(), |e| format!("{:+.2}%", e * 100.0)),
                ),
                None => detail,
            };
            if let (Some(reason), false) = (&r.known_miss, r.pass) {
                writeln!(
                    out,
                    r#"      <skipped message="known miss: {}"/>"#,
                    escape(reason)
                )?;
                writeln!(out, "      <system-out>{}</system-out>", escape(&detail))?;
            } else if r.pass {
                writeln!(out, "      <system-out>{}</system-out>", escape(&detail))?;
            } else {
                writeln!(
                    out,
                    r#"      <failure message="outside tolerance">{}</failure>"#,
                    escape(&detail)
                )?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
