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

#[test]
fn every_committed_plausible_set_is_fresh_for_its_scenario() {
    // The cheap half of CI's check that `backlog calibrate` reproduces the committed sets: a changed input,
    // range, datum or calibration target of the scenario a set was calibrated on makes it stale, whether or not
    // CI reruns that calibration.
    use backlog::calibrate::Plausible;
    use backlog::scenario::ranges::Space;
    use backlog::scenario::{Base, Override};
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios/plausible")
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    for path in files {
        let set = Plausible::read(&path).unwrap();
        let overrides: Vec<Override> = set
            .set
            .iter()
            .map(|argument| Override::parse("--set", argument).unwrap())
            .collect();
        let space = Space::of(&Base::read(Path::new(&set.scenario)).unwrap(), &overrides).unwrap();
        let fresh = set.check_fresh(&path, &space.build_central().unwrap(), &space);
        assert!(
            fresh.is_ok(),
            "{}: {:?}",
            path.display(),
            fresh.err().map(|e| e.to_string())
        );
        assert!(
            set.sets.len() >= 100,
            "{}: {} sets",
            path.display(),
            set.sets.len()
        );
    }
}

/// Runs `backlog ARGS`, failing on a non-zero exit; returns stdout.
fn run(args: &[&str]) -> Vec<u8> {
    let output = backlog().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs shard `k` of `n` of a small calibration of `scenario` into `dir`; returns the shard file's path.
fn shard(dir: &Path, scenario: &Path, extra: &[&str], k: usize, n: usize) -> String {
    let path = dir.join(format!("shard-{k}-of-{n}.csv"));
    let spec = format!("{k}/{n}");
    let mut args = vec![
        "calibrate",
        scenario.to_str().unwrap(),
        "--draws",
        "24",
        "--reps",
        "2",
    ];
    args.extend(extra);
    args.extend(["--shard", &spec, "--out", path.to_str().unwrap()]);
    assert!(run(&args).is_empty(), "a shard writes only its file");
    path.to_str().unwrap().to_string()
}

/// Runs `backlog ARGS`, which must fail with exit code 2 and exactly `message`.
fn refuses(args: &[&str], message: &str) {
    let output = backlog().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end(), format!("error: {message}"), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?} wrote output");
}

#[test]
fn merged_shards_give_the_unsharded_plausible_set_and_report_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let unsharded = dir.path().join("unsharded.toml");
    let report = run(&[
        "calibrate",
        scenario.to_str().unwrap(),
        "--draws",
        "24",
        "--reps",
        "2",
        "--jobs",
        "2",
        "--out",
        unsharded.to_str().unwrap(),
    ]);
    let expected = std::fs::read(&unsharded).unwrap();
    for n in [2, 3] {
        let shards_dir = dir.path().join(format!("split-{n}"));
        std::fs::create_dir(&shards_dir).unwrap();
        let mut shards: Vec<String> = (0..n)
            .map(|k| shard(&shards_dir, &scenario, &["--jobs", "1"], k, n))
            .collect();
        shards.reverse();
        let merged = shards_dir.join("merged.toml");
        let mut merge = vec!["merge"];
        merge.extend(shards.iter().map(String::as_str));
        assert_eq!(run(&merge), report, "{n} shards: the report alone");
        merge.extend(["--out", merged.to_str().unwrap()]);
        assert_eq!(run(&merge), report, "{n} shards: the report");
        assert_eq!(
            std::fs::read(&merged).unwrap(),
            expected,
            "{n} shards: the plausible set"
        );
    }
}

#[test]
fn a_calibration_shard_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    std::fs::create_dir(&one).unwrap();
    std::fs::create_dir(&two).unwrap();
    let a = shard(&one, &scenario, &["--jobs", "1"], 0, 2);
    let b = shard(&two, &scenario, &["--jobs", "2"], 0, 2);
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn calibration_shards_of_another_design_or_a_changed_scenario_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let s: Vec<String> = (0..2)
        .map(|k| shard(dir.path(), &scenario, &[], k, 2))
        .collect();
    refuses(
        &["merge", &s[1]],
        "SHARD_FILE: shard 0/2 is missing; merge needs all 2 shards of the calibration",
    );
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let seeded = shard(&other, &scenario, &["--seed", "99"], 1, 2);
    refuses(
        &["merge", &s[0], &seeded],
        &format!(
            "{seeded}: comes from a different calibration than {}: seed is `99`, not `7`",
            s[0]
        ),
    );
    refuses(
        &["merge", &s[0], &s[1], "--plot", "x.svg"],
        "--plot: draws the tornado of sensitivity shards; these are a calibration's",
    );
    refuses(
        &["merge", &s[0], &s[1], "--out", "plausible.csv"],
        "--out: `plausible.csv` must end in .toml (that is the only format written), or be `-` for standard output",
    );
    // A validation figure is not part of the calibration: changing it leaves the shards good.
    let validation = std::fs::read_to_string(&scenario)
        .unwrap()
        .replace("value = 500", "value = 600");
    std::fs::write(&scenario, validation).unwrap();
    run(&["merge", &s[0], &s[1]]);
    // A calibration target is.
    let changed = std::fs::read_to_string(&scenario)
        .unwrap()
        .replace("value = 93", "value = 120");
    std::fs::write(&scenario, changed).unwrap();
    refuses(
        &["merge", &s[1], &s[0]],
        &format!(
            "{}: was run on {} as it was before: its inputs, data, ranges or calibration targets have changed since; run the shards again",
            s[1],
            scenario.display()
        ),
    );
}
