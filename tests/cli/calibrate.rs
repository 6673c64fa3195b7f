//! `backlog calibrate` on a scenario whose true input is known, the roles of published figures, and
//! `--plausible` refusing a stale set.

use crate::common::{backlog, fixture};
use std::path::{Path, PathBuf};

/// small.toml with its inflow drawn from 1 to 5 a day (the truth the fixture runs at is 3), a calibration
/// target of January's arrivals at the truth's expected 3 x 31 = 93, and a validation figure of `validate`.
pub(crate) fn synthetic(dir: &Path, validate: f64) -> PathBuf {
    let path = dir.join("synthetic.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n[[groups]]\nid = \"kh\"\ninflow_per_day = {{ low = 1, high = 5 }}\n\n[[expect]]\nfigure = \"arrivals in January\"\nsource = \"the truth: 3 a day\"\nvalue = 93\ntolerance = 0.1\nmetric = \"arrivals\"\nfrom = 2021-01-01\nto = 2021-01-31\nuse = \"calibrate\"\n\n[[expect]]\nfigure = \"held in the year\"\nsource = \"any\"\nvalue = {validate}\ntolerance = 0.1\nmetric = \"held\"\n",
            fixture("small.toml").to_str().unwrap()
        ),
    )
    .unwrap();
    path
}

pub(crate) fn calibrate(scenario: &Path, out: &Path) -> String {
    let output = backlog()
        .args([
            "calibrate",
            scenario.to_str().unwrap(),
            "--draws",
            "64",
            "--reps",
            "4",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn calibration_recovers_the_true_inflow_within_its_plausible_band() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let out = dir.path().join("plausible.toml");
    let report = calibrate(&scenario, &out);
    let plausible: toml::Table = std::fs::read_to_string(&out).unwrap().parse().unwrap();
    let accepted = plausible["accepted"].as_integer().unwrap();
    assert!(accepted > 0 && accepted < 64, "{report}");
    assert_eq!(plausible["sets"].as_array().unwrap().len() as i64, accepted);
    let input = &plausible["inputs"].as_array().unwrap()[0];
    assert_eq!(input["key"].as_str(), Some("groups.kh.inflow_per_day"));
    let band = |name: &str| -> (f64, f64) {
        let pair = input[name].as_array().unwrap();
        (pair[0].as_float().unwrap(), pair[1].as_float().unwrap())
    };
    let (prior, kept) = (band("prior"), band("plausible"));
    // The truth lies in the plausible band, which is far narrower than the prior's 1.2-4.8: 10 % on 93
    // arrivals is about 2.7-3.3 a day, widened by the dice.
    assert!(kept.0 <= 3.0 && 3.0 <= kept.1, "{kept:?}");
    assert!(
        kept.1 - kept.0 < 0.5 * (prior.1 - prior.0),
        "{kept:?} {prior:?}"
    );
    assert!(report.contains(" of 64 draws ("), "{report}");
}

#[test]
fn a_validation_figure_never_moves_the_plausible_set() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    calibrate(&synthetic(dir.path(), 500.0), &first);
    calibrate(&synthetic(dir.path(), 12345.0), &second);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );
}

#[test]
fn a_plausible_set_is_refused_once_its_scenario_has_changed() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let out = dir.path().join("plausible.toml");
    calibrate(&scenario, &out);
    let simulate = |extra: &[&str]| {
        backlog()
            .args([
                "simulate",
                scenario.to_str().unwrap(),
                "--reps",
                "2",
                "--plausible",
            ])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let fresh = simulate(&[]);
    assert!(fresh.status.success());
    assert!(String::from_utf8_lossy(&fresh.stdout).contains("draws (the plausible set "));
    let text = std::fs::read_to_string(&scenario)
        .unwrap()
        .replace("value = 93", "value = 120");
    std::fs::write(&scenario, text).unwrap();
    let stale = simulate(&[]);
    assert_eq!(stale.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: {}: is stale: {} has changed since it was calibrated",
            out.display(),
            scenario.display()
        )),
        "{stderr}"
    );
    assert!(stale.stdout.is_empty());
}

#[test]
fn a_calibration_target_must_have_been_known_before_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "use = \"calibrate\"\nfrom = 2021-03-01\nto = 2021-03-31\n",
            "expect[0].use: a calibration target must be a figure known before the outcome, but its period ends 2021-03-31, after the first suspension began (2021-03-01); give known_before with the reason it was known, or use = \"validate\"",
        ),
        (
            "use = \"fit\"\n",
            "expect[0].use: unknown use `fit`: \"calibrate\" (a figure the inputs are fitted to) or \"validate\" (a figure that judges the model)",
        ),
        (
            "known_before = \"monthly\"\n",
            "expect[0].known_before: only a calibration target (use = \"calibrate\") says why it was known before the outcome",
        ),
    ];
    for (i, (extra, message)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(
            &path,
            format!(
                "extends = {:?}\n[[expect]]\nfigure = \"x\"\nsource = \"y\"\nvalue = 1\ntolerance = 0.1\nmetric = \"held\"\n{extra}",
                fixture("small.toml").to_str().unwrap()
            ),
        )
        .unwrap();
        let output = backlog()
            .args(["validate", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: ") && stderr.trim_end().ends_with(message),
            "{stderr}"
        );
    }
    // With the reason, the same target is accepted.
    let path = dir.path().join("known.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n[[expect]]\nfigure = \"x\"\nsource = \"y\"\nvalue = 1\ntolerance = 0.1\nmetric = \"held\"\nuse = \"calibrate\"\nknown_before = \"published monthly\"\n",
            fixture("small.toml").to_str().unwrap()
        ),
    )
    .unwrap();
    backlog()
        .args(["validate", path.to_str().unwrap()])
        .assert()
        .success();
}
