//! Fuzzing the loader, the validator and a short simulation with mutated scenario files.
//!
//! Valid scenarios are mutated the way hand edits and bad tools go wrong: bytes flipped, lines deleted,
//! duplicated or swapped, numbers replaced with extreme values, dates moved, stray sections inserted. Whatever
//! comes out, loading must return a scenario or an error, never panic; a scenario that validates is simulated
//! (when small) and its books must balance. A hang is caught by the time limit CI runs the tests under
//! (.ci/run), not by timing each case. The tally of what became of the cases is asserted too, so that the
//! engine half cannot go quiet: enough mutants must stay valid and be simulated.
//!
//! The municipality CSV gets the same treatment, read through a fixed scenario.
//!
//! `BACKLOG_FUZZ_CASES` sets the number of scenario cases (default 48, for a quick `cargo test`; the CSV gets a
//! quarter as many); CI runs 20000. The mutations are the same on every run (FUZZ_SEED; PROPTEST_RNG_SEED=N
//! explores others). Failures print the mutated file.

use backlog::engine::Simulation;
use backlog::summary::{summarise, Selection};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::cell::Cell;
use std::path::Path;

/// Only scenarios this small are simulated: simulated days, and persons expected over the run.
const MAX_FUZZ_DAYS: usize = 800;
const MAX_FUZZ_PERSONS: f64 = 50_000.0;

/// The seed of the mutations unless PROPTEST_RNG_SEED gives another: the same cases on every run, so that the
/// tally is the same too and its check cannot fail by chance.
const FUZZ_SEED: u64 = 2020;

fn config(cases: u32) -> Config {
    let default = Config::default();
    Config {
        cases,
        failure_persistence: None,
        rng_seed: match default.rng_seed {
            RngSeed::Random => RngSeed::Fixed(FUZZ_SEED),
            chosen => chosen,
        },
        ..default
    }
}

pub fn cases(default: u32) -> u32 {
    std::env::var("BACKLOG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Values that break naive code: signs, zero, NaN, infinities, overflowing integers, limits and one past them;
/// and ordinary ones, so that many mutants stay valid and reach the engine.
const NUMBERS: &[&str] = &[
    "3",
    "10",
    "30",
    "90",
    "365",
    "0.1",
    "0.9",
    "1.5",
    "0",
    "-1",
    "-0.0",
    "1e308",
    "-1e308",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "0.5",
    "1",
    "2",
    "3660",
    "3661",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "1e12",
    "100000",
    "20000000",
];

const DATES: &[&str] = &[
    "2021-03-01",
    "2021-03-15",
    "2021-06-30",
    "2020-12-01",
    "1900-01-01",
    "1899-12-31",
    "2200-12-31",
    "2201-01-01",
    "9999-12-31",
    "0001-01-01",
    "2020-02-29",
    "2021-01-01",
    "2021-12-31",
    "2031-01-01",
    "\"-262143-01-01\"",
    "\"+262142-12-31\"",
];

/// Lines a careless edit might leave behind.
const SNIPPETS: &[&str] = &[
    "[[suspensions]]\nstart = 2021-02-01\nend = 2021-02-10",
    "[[suspensions]]\nstart = 2021-06-01\nend = 2021-05-01\ndefault_action = \"shift\"",
    "[[groups]]\nid = \"new\"\ninflow_per_day = 1\nduration = { distribution = \"never\" }",
    "[[groups]]\nid = \"kh\"\ninflow_per_day = 1\nduration = { distribution = \"fixed\", mean_days = 1 }",
    "followup = { every_days = 1, deadline_days = 0 }",
    "meetings = [{ due_day = 3660, deadline_day = 3660 }]",
    "initial_age_buckets = [{ up_to_days = 1, share = 1.0 }]",
    "order = \"group_priority\"",
    "extends = \"scenario.toml\"",
    "extends = \"..\"",
    "[rules.r]\nmeetings = []",
    "rules = \"r\"",
    "groups.kh = { action = \"shift\", from = 2021-01-01, to = 2021-12-31 }",
    "groups.dp = { action = \"catch_up\", catch_up_by = 2021-01-01 }",
    "groups.kh = { action = \"catch_up\", catch_up_from = 2021-12-31, catch_up_by = 2021-12-31, catch_up_pacing = \"even\" }",
    "groups.dp = { action = \"catch_up\", catch_up_from = 2021-01-01, catch_up_pacing = \"even\" }",
    "like_for_like = { scenario = \"scenario.toml\", metric = \"owed_kept\", definition = \"d\" }",
    "[[staffing.changes]]\ndate = 2021-01-01\ncaseworkers = 0",
    "[[staffing.changes]]\ndate = 2021-01-01\ncaseworkers_factor = 0\nphone_share = 1\nphone_time = 1e-300",
    "max_meetings_per_caseworker_day = 1e-300",
    "phone_counts = true",
    "[[municipalities.adjust]]\ncode = 1\ncaseworkers = 0",
    "file = \"municipalities.csv\"",
    "[[expect]]\nfigure = \"x\"\nsource = \"y\"\nvalue = nan\ntolerance = 0\nmetric = \"held\"",
    "x = [",
    "\u{0}",
    "[warmup]\ndays = 3660",
];

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte { at: usize, value: u8 },
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceNumber { nth: usize, with: usize },
    ReplaceDate { nth: usize, with: usize },
    InsertSnippet { at: usize, snippet: usize },
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Mutation::FlipByte { at, value }),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        3 => (any::<usize>(), 0..NUMBERS.len())
            .prop_map(|(nth, with)| Mutation::ReplaceNumber { nth, with }),
        1 => (any::<usize>(), 0..DATES.len())
            .prop_map(|(nth, with)| Mutation::ReplaceDate { nth, with }),
        2 => (any::<usize>(), 0..SNIPPETS.len())
            .prop_map(|(at, snippet)| Mutation::InsertSnippet { at, snippet }),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// Byte ranges of the tokens in `text` that `is_token` accepts, split on TOML punctuation and spaces.
fn tokens(text: &[u8], is_token: impl Fn(&[u8]) -> bool) -> Vec<std::ops::Range<usize>> {
    let separator = |b: u8| b" \t\r\n,=[]{}".contains(&b);
    let mut found = Vec::new();
    let mut start = None;
    for (i, &b) in text.iter().chain(std::iter::once(&b' ')).enumerate() {
        match (start, separator(b)) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                if is_token(&text[s..i]) {
                    found.push(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    found
}

fn is_number(token: &[u8]) -> bool {
    token
        .first()
        .is_some_and(|b| b.is_ascii_digit() || *b == b'-')
        && token.iter().filter(|b| **b == b'-').count() <= 1
        && std::str::from_utf8(token).is_ok_and(|t| t.parse::<f64>().is_ok())
}

fn is_date(token: &[u8]) -> bool {
    token.len() == 10 && token[4] == b'-' && token[7] == b'-'
}

fn apply(text: &mut Vec<u8>, mutation: &Mutation) {
    let lines =
        |text: &[u8]| -> Vec<Vec<u8>> { text.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect() };
    match *mutation {
        Mutation::FlipByte { at, value } => {
            if !text.is_empty() {
                let at = at % text.len();
                text[at] = value;
            }
        }
        Mutation::DeleteLine(at) => {
            let mut all = lines(text);
            all.remove(at % all.len());
            *text = all.join(&b'\n');
        }
        Mutation::DuplicateLine(at) => {
            let mut all = lines(text);
            let at = at % all.len();
            all.insert(at, all[at].clone());
            *text = all.join(&b'\n');
        }
        Mutation::SwapLines(a, b) => {
            let mut all = lines(text);
            let n = all.len();
            all.swap(a % n, b % n);
            *text = all.join(&b'\n');
        }
        Mutation::ReplaceNumber { nth, with } => replace_token(text, nth, is_number, NUMBERS[with]),
        Mutation::ReplaceDate { nth, with } => replace_token(text, nth, is_date, DATES[with]),
        Mutation::InsertSnippet { at, snippet } => {
            let mut all = lines(text);
            let at = at % (all.len() + 1);
            all.insert(at, SNIPPETS[snippet].as_bytes().to_vec());
            *text = all.join(&b'\n');
        }
        Mutation::Truncate(at) => {
            let at = at % (text.len() + 1);
            text.truncate(at);
        }
    }
}

fn replace_token(text: &mut Vec<u8>, nth: usize, is_token: fn(&[u8]) -> bool, with: &str) {
    let found = tokens(text, is_token);
    if found.is_empty() {
        return;
    }
    let range = found[nth % found.len()].clone();
    text.splice(range, with.bytes());
}

/// The valid scenarios mutated, and the data file one of them may be pointed at.
fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "tests/fixtures/small.toml",
        "tests/corpus/support/base.toml",
    ]
    .iter()
    .map(|file| std::fs::read(root.join(file)).unwrap())
    .collect()
}

/// What became of the cases: refused by the loader, valid, and (of the valid) simulated with balanced books.
#[derive(Debug, Default)]
struct Tally {
    refused: Cell<u32>,
    valid: Cell<u32>,
    simulated: Cell<u32>,
}

impl Tally {
    /// Checks that both halves ran: at least `min_refused` cases were refused and at least `min_simulated`
    /// reached the engine (every case is counted once, so the counts add up to `cases`).
    fn assert_both_halves(&self, what: &str, cases: u32, min_refused: u32, min_simulated: u32) {
        eprintln!("fuzz ({what}): {self:?}");
        assert_eq!(
            self.refused.get() + self.valid.get(),
            cases,
            "{what}: {self:?}"
        );
        assert!(
            self.refused.get() >= min_refused,
            "{what}: only {} of {cases} cases were refused: {self:?}",
            self.refused.get()
        );
        assert!(
            self.simulated.get() >= min_simulated,
            "{what}: only {} of {cases} cases were valid and simulated: {self:?}",
            self.simulated.get()
        );
    }
}

fn bump(counter: &Cell<u32>) {
    counter.set(counter.get() + 1);
}

/// Loads `text` as a scenario; if it validates and is small, simulates it and checks the books.
fn check_one(dir: &Path, text: &[u8], tally: &Tally) -> Result<(), TestCaseError> {
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    let loaded = backlog::scenario::load(&path);
    let scenario = match loaded {
        Ok(scenario) => scenario,
        Err(error) => {
            bump(&tally.refused);
            // Every problem is located in a file and says something.
            for problem in &error.problems {
                prop_assert!(problem.location.is_some(), "unlocated: {problem}");
                prop_assert!(
                    !problem.message.trim().is_empty(),
                    "empty message: {problem}"
                );
            }
            return Ok(());
        }
    };
    bump(&tally.valid);
    let days = scenario.warmup_days as usize + scenario.period_days();
    let persons: f64 = scenario
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let stock: f64 = scenario
                .municipalities
                .iter()
                .map(|m| m.initial_stock[i])
                .sum();
            let scale: f64 = scenario
                .municipalities
                .iter()
                .map(|m| m.peak_inflow_scale(i))
                .sum();
            let peak = g
                .inflow_per_day
                .changes
                .iter()
                .map(|(_, v)| *v)
                .fold(g.inflow_per_day.base, f64::max);
            stock + scale * peak * days as f64
        })
        .sum();
    if days > MAX_FUZZ_DAYS || persons > MAX_FUZZ_PERSONS {
        return Ok(());
    }
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let total = summarise(&scenario, &series, Selection::whole(&series));
    prop_assert!(total.books_balance(), "books do not balance: {total:?}");
    bump(&tally.simulated);
    Ok(())
}

#[test]
fn mutated_scenarios_never_panic_or_hang() {
    let seeds = seeds();
    let dir = tempfile::tempdir().unwrap();
    // One of the snippets points at this file; give it a valid one.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/municipalities.csv"),
        dir.path().join("municipalities.csv"),
    )
    .unwrap();
    let cases = cases(48);
    let tally = Tally::default();
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..4));
    TestRunner::new(config(cases))
        .run(&strategy, |(seed, mutations)| {
            let mut text = seeds[seed].clone();
            for mutation in &mutations {
                apply(&mut text, mutation);
            }
            check_one(dir.path(), &text, &tally).map_err(|error| {
                TestCaseError::fail(format!(
                    "{error}\n--- scenario ---\n{}",
                    String::from_utf8_lossy(&text)
                ))
            })
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    // With FUZZ_SEED, 43 of the 48 cases are refused and 5 simulated; of 2000, 1807 and 183.
    tally.assert_both_halves("scenario", cases, cases / 2, (cases / 40).max(1));
}

#[test]
fn mutated_municipality_files_never_panic_or_hang() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let csv = std::fs::read(root.join("data/municipalities.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let scenario = std::fs::read_to_string(root.join("tests/fixtures/small.toml"))
        .unwrap()
        .replace(
            "reference_population = 1000",
            "reference_population = 100000",
        )
        .replace(
            "list = [{ code = 1, name = \"Testby\", population = 1000 }]",
            "file = \"municipalities.csv\"\ninclude = [101, 147, 151]\ncaseworkers_by = \"caseload\"\n\
             [municipalities.columns]\nregion = { use = \"ignore\" }\nlandsdel = { use = \"ignore\" }\n\
             unemployment_rate_2019 = { use = \"weight\", times = \"population\", groups = [\"kh\"] }\n\
             kontanthjaelp_2019 = { use = \"ignore\" }\n\
             kontanthjaelp_2020q2 = { use = \"surge\", over = \"kontanthjaelp_2020q1\", groups = [\"kh\"], from = 2021-03-01, to = 2021-04-30 }",
        );
    let cases = cases(48) / 4;
    let tally = Tally::default();
    TestRunner::new(config(cases))
        .run(&prop::collection::vec(mutation(), 1..4), |mutations| {
            let mut text = csv.clone();
            for mutation in &mutations {
                apply(&mut text, mutation);
            }
            std::fs::write(dir.path().join("municipalities.csv"), &text).unwrap();
            check_one(dir.path(), scenario.as_bytes(), &tally).map_err(|error| {
                TestCaseError::fail(format!(
                    "{error}\n--- municipalities.csv ---\n{}",
                    String::from_utf8_lossy(&text)
                ))
            })
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    // With FUZZ_SEED, 10 of the 12 cases are refused and 2 simulated; of 500, 343 and 156.
    tally.assert_both_halves("municipality file", cases, cases / 4, (cases / 10).max(1));
}
