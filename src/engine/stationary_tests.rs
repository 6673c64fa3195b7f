//! The stationary start against a long warm-up: the same state, within the sampling error, for every duration
//! distribution a scenario can give.

use super::calendar::Day;
use super::Simulation;
use crate::scenario::Scenario;

/// Where a group's duration is given.
#[derive(Clone, Copy)]
enum Given {
    /// As the base duration.
    Base,
    /// As a change dated on the first simulated day, over a base far shorter: day 0 is under the change.
    ChangeOnDayZero,
}

/// One group per distribution with a stationary state, meetings through the spell, and a working week with
/// capacity about a third above demand over the week, so that meetings wait over weekends but no backlog grows.
fn scenario(start: &str, warmup_days: u32, given: Given) -> (tempfile::TempDir, Scenario) {
    let first_start = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let day_zero = first_start - chrono::Days::new(u64::from(warmup_days));
    let groups: String = [
        r#"distribution = "exponential", mean_days = 30"#,
        r#"distribution = "lognormal", mean_days = 35, sd_days = 25"#,
        r#"distribution = "weibull", shape = 1.5, scale_days = 40"#,
        r#"distribution = "gamma", shape = 2.5, scale_days = 14"#,
        r#"distribution = "fixed", mean_days = 45.5"#,
    ]
    .iter()
    .enumerate()
    .map(|(g, duration)| {
        let duration = match given {
            Given::Base => format!("duration = {{ {duration} }}"),
            Given::ChangeOnDayZero => format!(
                "duration = {{ distribution = \"exponential\", mean_days = 3 }}\n\
                 duration_changes = [{{ date = {day_zero}, {duration} }}]"
            ),
        };
        format!(
            r#"
[[groups]]
id = "g{g}"
inflow_per_day = 12
{duration}
meetings = [{{ due_day = 0, deadline_day = 7 }}, {{ due_day = 10, deadline_day = 20 }}, {{ due_day = 24, deadline_day = 30 }}]
followup = {{ every_days = 15, deadline_days = 10 }}
"#
        )
    })
    .collect();
    let text = format!(
        r#"
name = "stationary"
seed = 1
start = {first_start}
end = 2021-03-28
[warmup]
days = {warmup_days}
start = "{start}"
[municipalities]
reference_population = 1
list = [{{ code = 1, name = "A", population = 1 }}]
[staffing]
caseworkers = 400
meetings_per_caseworker_day = 1
{groups}
"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stationary.toml");
    std::fs::write(&path, text).unwrap();
    let scenario = crate::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    (dir, scenario)
}

/// Counts summed over replications, per group and bin.
#[derive(Debug, Default)]
struct Tally {
    /// Persons on benefit at the start, by days since arrival.
    persons_by_age: Vec<Vec<u64>>,
    /// Pending meetings at the start, by days to their deadline (negative: overdue).
    pending_by_deadline: Vec<Vec<u64>>,
    /// Meetings falling due in each week of the reported period.
    due_by_week: Vec<Vec<u64>>,
}

const AGE_BINS: [Day; 6] = [7, 14, 30, 60, 120, Day::MAX];
const DEADLINE_BINS: [Day; 5] = [0, 3, 7, 14, Day::MAX];

fn bin(bounds: &[Day], value: Day) -> usize {
    bounds
        .iter()
        .position(|&b| value < b)
        .unwrap_or(bounds.len() - 1)
}

fn tally(start: &str, warmup_days: u32, given: Given, seeds: std::ops::Range<u64>) -> Tally {
    let (_dir, scenario) = scenario(start, warmup_days, given);
    let groups = scenario.groups.len();
    let mut tally = Tally {
        persons_by_age: vec![vec![0; AGE_BINS.len()]; groups],
        pending_by_deadline: vec![vec![0; DEADLINE_BINS.len()]; groups],
        due_by_week: vec![vec![0; 4]; groups],
    };
    for seed in seeds {
        let mut simulation = Simulation::new(&scenario, seed);
        simulation
            .run_until(scenario.start.pred_opt().unwrap())
            .unwrap();
        // The state at the end of the day before the first reported one.
        let day = simulation.day - 1;
        let jobcentre = &simulation.jobcentres[0];
        let mut left = vec![false; jobcentre.persons.len()];
        for &index in &jobcentre.free_persons {
            left[index as usize] = true;
        }
        for (person, _) in jobcentre.persons.iter().zip(&left).filter(|(_, &l)| !l) {
            let g = person.group as usize;
            tally.persons_by_age[g][bin(&AGE_BINS, day - person.clock_start)] += 1;
            let plan = &simulation.rules.plans[g];
            for k in person.meetings_in_bits() {
                let deadline = plan.deadline(person.clock_start, k);
                tally.pending_by_deadline[g][bin(&DEADLINE_BINS, deadline - day)] += 1;
            }
            assert!(!person.spilled(), "no spilled meetings in these scenarios");
        }
        while simulation.step() {}
        let series = &simulation.series;
        for reported in 0..series.days {
            for (g, row) in series.group_rows(reported, 0).iter().enumerate() {
                tally.due_by_week[g][reported / 7] += u64::from(row.due);
            }
        }
    }
    tally
}

/// Two independent sums of counts agree within the sampling error: their difference is within 4 standard
/// deviations, taking each count's variance as its mean (Poisson).
fn agree(what: &str, stationary: &[Vec<u64>], warmed_up: &[Vec<u64>]) {
    for (g, (a, b)) in stationary.iter().zip(warmed_up).enumerate() {
        for (i, (&a, &b)) in a.iter().zip(b).enumerate() {
            let difference = (a as f64 - b as f64).abs();
            let sd = ((a + b) as f64).sqrt();
            assert!(
                difference <= 4.0 * sd + 1.0,
                "{what}, group g{g}, bin {i}: stationary {a}, warm-up {b} (sd {sd:.1})\n{stationary:?}\n{warmed_up:?}"
            );
        }
        let (total_a, total_b) = (a.iter().sum::<u64>(), b.iter().sum::<u64>());
        assert!(
            total_a > 0 && total_b > 0,
            "{what}, group g{g}: nothing counted"
        );
    }
}

/// The stationary start and a 400-day warm-up from an empty jobcentre agree on the persons by time on benefit
/// (so on their number), the pending meetings by days to deadline and the meetings due in the next weeks.
fn stationary_start_agrees_with_a_long_warm_up(given: Given) {
    // From an empty jobcentre, 400 days are over ten times the longest mean spell; the stationary start only
    // simulates three weeks, for the meetings waiting on capacity. Different seeds, so the two are independent.
    let warmed_up = tally("stock", 400, given, 0..6);
    let stationary = tally("stationary", 21, given, 100..106);
    agree(
        "persons by age",
        &stationary.persons_by_age,
        &warmed_up.persons_by_age,
    );
    agree(
        "pending meetings by days to deadline",
        &stationary.pending_by_deadline,
        &warmed_up.pending_by_deadline,
    );
    agree(
        "meetings due by week",
        &stationary.due_by_week,
        &warmed_up.due_by_week,
    );
}

#[test]
fn a_stationary_start_is_a_long_warm_up_for_every_distribution() {
    stationary_start_agrees_with_a_long_warm_up(Given::Base);
}

#[test]
fn a_stationary_start_uses_the_duration_in_force_on_day_zero() {
    // The base (exponential, mean 3 days) would give about a tenth of the persons the change implies, all
    // in the first age bins: far outside the tolerance.
    stationary_start_agrees_with_a_long_warm_up(Given::ChangeOnDayZero);
}

#[test]
fn a_change_dated_on_the_first_day_sets_the_size_of_the_stationary_stock() {
    // Inflow 100 a day; the base spell is exponential with mean 10 days, a change on the first day makes it
    // 100. The stock is Poisson with mean λ E[c(X)], c rounding up to whole days: for an exponential of mean m,
    // E[c(X)] = 1 / (1 - e^(-1/m)), so about 10,050 persons here (1,050 under the base).
    let text = r#"
name = "day zero"
seed = 1
start = 2021-03-01
end = 2021-03-07
[warmup]
days = 0
start = "stationary"
[municipalities]
reference_population = 1
list = [{ code = 1, name = "A", population = 1 }]
[staffing]
caseworkers = 100
meetings_per_caseworker_day = 1
[[groups]]
id = "g"
inflow_per_day = 100
duration = { distribution = "exponential", mean_days = 10 }
duration_changes = [{ date = 2021-03-01, distribution = "exponential", mean_days = 100 }]
meetings = [{ due_day = 0, deadline_day = 7 }]
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day-zero.toml");
    std::fs::write(&path, text).unwrap();
    let scenario = crate::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let expected = 100.0 / (1.0 - (-1.0f64 / 100.0).exp());
    for seed in 0..3 {
        let mut simulation = Simulation::new(&scenario, seed);
        simulation.step();
        let persons = f64::from(simulation.series.initial[0].active);
        // Within 4 standard deviations of the Poisson mean.
        assert!(
            (persons - expected).abs() <= 4.0 * expected.sqrt(),
            "seed {seed}: {persons} persons at the start, expected about {expected:.0}"
        );
    }
}
