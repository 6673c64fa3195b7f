//! `backlog check` reports: a table for people, JSON for scripts, JUnit XML for CI dashboards.

use crate::check::CheckResult;
use std::io::Write;

/// A rounded number with thousands separators, or `-` when there is none.
fn number(value: Option<f64>) -> String {
    value.map_or("-".to_string(), super::thousands)
}

pub fn table(out: &mut dyn Write, results: &[CheckResult]) -> std::io::Result<()> {
    let mut current = "";
    for r in results {
        if r.file != current {
            writeln!(out, "{} ({})", r.scenario, r.file)?;
            current = &r.file;
        }
        let band = format!("{}-{}", number(r.simulated.p5), number(r.simulated.p95));
        writeln!(
            out,
            "  {:<4} {:<62} published {:>10}  simulated {:>10} [{:>21}]  error {:>7}  tolerance {:>5}",
            r.status(),
            r.figure,
            number(Some(r.value)),
            number(r.simulated.mean),
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
        writeln!(out, "        source: {}", r.source)?;
        match (&r.known_miss, r.pass) {
            (Some(reason), false) => writeln!(out, "        known miss: {reason}")?,
            (Some(_), true) => writeln!(out, "        now within tolerance: remove `known_miss` from the scenario and update docs/calibration.md")?,
            _ => {}
        }
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

pub fn json(out: &mut dyn Write, results: &[CheckResult]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, results)?;
    writeln!(out)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
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
            let detail =
                format!(
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
            );
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
