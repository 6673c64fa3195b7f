//! The discrete-event engine: one integer day at a time.
//!
//! Each municipality's jobcentre is simulated on its own: it has its own people, calendar, deadline queues and
//! random stream, and shares only the read-only rules (schedules, suspensions, staffing, calendar). Each
//! simulated day of a jobcentre runs in this order (documented in docs/model.md):
//! 1. arrivals: Poisson draws per group; each new person gets a spell duration and their first meeting is put
//!    in the calendar;
//! 2. events of the day: exits (a leaver's pending meetings are dropped), then meetings falling due in the order
//!    they were scheduled (held over, waived or caught up according to the suspension rules; the next meeting
//!    of the schedule is put in the calendar). No person has an exit and a meeting on the same day;
//! 3. caught-up meetings held back until today (`catch_up_from`, even pacing) join the deadline queue;
//! 4. on working days, capacity is spent on pending meetings, earliest deadline first by default;
//! 5. meetings still pending whose deadline was today become overdue, and the day is recorded.
//!
//! Because jobcentres share nothing that changes, [`Simulation::run`] simulates each from the first day to the
//! last on its own, in parallel on the current rayon pool (each writing its own part of the series), so the
//! state a thread works on is one municipality's and stays in the cache; [`Simulation::step`] advances all of
//! them by one day. Both give the same results, whatever the number of threads.
//!
//! Future events live in a calendar indexed by day; per-event work allocates nothing (vectors grow amortised and
//! slots are recycled). Random numbers are drawn only for arrivals, durations and the initial stock, from seeded
//! PCG streams, so a run depends on nothing but the scenario and the seed, two staffing levels see the same
//! people, and a municipality sees the same people whichever other municipalities are in the scenario.

mod agenda;
mod akasse;
mod akasse_side;
mod arrivals;
pub mod calendar;
mod due;
mod event;
mod jobcentre;
mod members;
pub mod metrics;
mod person;
mod plan;
mod prefetch;
mod queue;
mod rules;
mod runs;
mod sampling;
mod shape;
mod spare;
#[cfg(test)]
mod stationary_tests;
mod stock;
mod stock_reference;

use calendar::Day;
use jobcentre::Jobcentre;
use metrics::{Levels, Series, Workload};
use rayon::prelude::*;
use rules::Rules;

use crate::scenario::Scenario;
use crate::signals::Interrupted;
use chrono::NaiveDate;
use spare::Lent;

/// [`Simulation::run_until`] was asked to stop at the end of a day it has already simulated past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyPast {
    pub date: NaiveDate,
    /// The next day the simulation would simulate.
    pub today: NaiveDate,
}

impl std::fmt::Display for AlreadyPast {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot simulate until {}: the simulation is already at {}",
            self.date, self.today
        )
    }
}

impl std::error::Error for AlreadyPast {}

/// Bytes of the engine's state, from the sizes of its types: what the memory estimate made before a run
/// (`crate::scenario::engine_bytes`) counts; checked equal at compile time.
pub mod bytes {
    use super::calendar::Day;
    use super::event::Event;
    use super::members::Member;
    use super::metrics::{GroupDay, MunicipalityDay};
    use super::person::{Pending, Person};
    use std::mem::size_of;

    /// The larger of two sizes (`Ord::max` is not `const`).
    const fn larger(a: usize, b: usize) -> usize {
        if a > b {
            a
        } else {
            b
        }
    }

    /// Per person on benefit: the person, their next meeting (an event, with its day while it waits in a later
    /// block of the agenda, or their place in a run), their slot in the list of the day they leave and, once
    /// they have left, on the free list.
    pub const PER_PERSON: usize = size_of::<Person>()
        + larger(size_of::<(Day, Event)>(), size_of::<Member>())
        + 2 * size_of::<u32>();
    /// Per pending meeting: its entry in a deadline bucket (or among the caught-up meetings held back); which
    /// meetings a person owes is in the person's bits.
    pub const PER_PENDING: usize = size_of::<Pending>();
    /// Per municipality x group x reported day of the recorded series.
    pub const PER_CELL: usize = size_of::<GroupDay>();
    /// Per municipality x reported day of the recorded series.
    pub const PER_MUNICIPALITY_DAY: usize = size_of::<MunicipalityDay>();

    // The memory estimate, made in the scenario layer before a run, counts these sizes: a change of the
    // engine's types that moves them must move the estimate too.
    use crate::scenario::engine_bytes as estimated;
    const _: () = assert!(PER_PERSON == estimated::PER_PERSON);
    const _: () = assert!(PER_PENDING == estimated::PER_PENDING);
    const _: () = assert!(PER_CELL == estimated::PER_CELL);
    const _: () = assert!(PER_MUNICIPALITY_DAY == estimated::PER_MUNICIPALITY_DAY);
}

/// A run of one scenario with one seed.
pub struct Simulation<'a> {
    rules: Rules<'a>,
    seed: u64,
    /// The next day to simulate (in step mode).
    day: Day,
    /// Every municipality's jobcentre, built by the first [`step`](Self::step); [`run`](Self::run) without a
    /// step before builds one at a time instead.
    jobcentres: Vec<Jobcentre>,
    series: Series,
    workload: Workload,
}

impl<'a> Simulation<'a> {
    /// Prepares a run; the municipalities and their initial stock are built by the first [`step`](Self::step)
    /// or by [`run`](Self::run).
    pub fn new(scenario: &'a Scenario, seed: u64) -> Self {
        let rules = Rules::new(scenario, seed);
        let groups = scenario.groups.len();
        let municipalities = scenario.municipalities.len();
        let mut series = Series::new(
            scenario.start,
            scenario.period_days(),
            municipalities,
            groups,
        );
        if scenario.akasse.is_some() {
            series = series.with_akasse();
        }
        series.working = (0..scenario.period_days())
            .map(|d| rules.calendar.is_working((rules.warmup + d) as Day))
            .collect();
        Simulation {
            rules,
            seed,
            day: 0,
            jobcentres: Vec::new(),
            series,
            workload: Workload::default(),
        }
    }

    /// Number of simulated days, warm-up included.
    pub fn horizon(&self) -> Day {
        self.rules.horizon
    }

    /// The date of the next day to simulate.
    pub fn today(&self) -> chrono::NaiveDate {
        self.rules.calendar.date(self.day)
    }

    pub fn is_finished(&self) -> bool {
        self.day >= self.horizon()
    }

    /// Live totals over all municipalities and groups after the last simulated day (zero before the first).
    pub fn levels(&self) -> Levels {
        self.jobcentres
            .iter()
            .flat_map(|j| &j.levels)
            .fold(Levels::default(), |sum, l| Levels {
                active: sum.active + l.active,
                pending: sum.pending + l.pending,
                overdue: sum.overdue + l.overdue,
            })
    }

    /// The work done so far, warm-up included.
    pub fn workload(&self) -> Workload {
        self.workload
    }

    /// Simulates one day in every municipality; returns false when the run is over.
    pub fn step(&mut self) -> bool {
        if self.is_finished() {
            return false;
        }
        if self.day == 0 {
            let rules = &self.rules;
            self.jobcentres = (self.series.municipalities_mut().into_iter().enumerate())
                .map(|(m, mut series)| {
                    let mut jobcentre = Jobcentre::new(rules);
                    jobcentre.start(rules, m, self.seed, &mut series);
                    jobcentre
                })
                .collect();
        }
        let parts = self.series.municipalities_mut();
        for (jobcentre, mut series) in self.jobcentres.iter_mut().zip(parts) {
            jobcentre.step(&self.rules, self.day, &mut series, Some(&mut self.workload));
        }
        self.workload.days += 1;
        self.day += 1;
        true
    }

    /// Simulates up to and including `date` (or to the end of the run). A date whose next day has already been
    /// simulated is refused: the simulation cannot go back to the end of it. (The last simulated day itself,
    /// the day before [`today`](Self::today), is where the simulation is: nothing to do.)
    pub fn run_until(&mut self, date: NaiveDate) -> Result<(), AlreadyPast> {
        let last = self.rules.calendar.day(date);
        if i64::from(self.day) > i64::from(last) + 1 {
            return Err(AlreadyPast {
                date,
                today: self.today(),
            });
        }
        while self.day <= last && self.step() {}
        Ok(())
    }

    /// Gathers no one into runs: every person's meeting is an event of its own, in the place and order the
    /// run's meeting would have had. Only for tests that compare the two, which must give the same results;
    /// call it before the first [`step`](Self::step).
    #[doc(hidden)]
    pub fn without_runs(mut self) -> Self {
        self.rules.runs = false;
        self
    }

    /// Simulates to the end and returns the recorded series. Each jobcentre runs all its remaining days on its
    /// own. From the first day, the municipalities run in parallel on the current rayon pool, each writing its
    /// own part of the series, and one jobcentre's memory serves the municipalities a thread takes in turn; the
    /// series is the same for any number of threads. After SIGINT or SIGTERM each municipality stops within a
    /// few simulated days and the run is [`Interrupted`] (see `crate::signals`): its series, cut short, is
    /// dropped here.
    pub fn run(mut self) -> Result<Series, Interrupted> {
        let rules = &self.rules;
        let seed = self.seed;
        let parts = self.series.municipalities_mut();
        if self.day == 0 {
            parts
                .into_par_iter()
                .enumerate()
                .map_init(
                    || Lent::take(rules),
                    |lent, (m, mut series)| {
                        let jobcentre = lent.jobcentre();
                        jobcentre.start(rules, m, seed, &mut series);
                        for day in 0..rules.horizon {
                            if day % 16 == 0 {
                                crate::signals::check()?;
                            }
                            // The workload of a whole run is not kept: it is not counted.
                            jobcentre.step(rules, day, &mut series, None);
                        }
                        Ok(())
                    },
                )
                .collect::<Result<(), Interrupted>>()?;
        } else {
            for (jobcentre, mut series) in self.jobcentres.iter_mut().zip(parts) {
                for day in self.day..rules.horizon {
                    jobcentre.step(rules, day, &mut series, Some(&mut self.workload));
                }
            }
        }
        Ok(self.series)
    }
}

/// The seed of replication `replication` of a run with base seed `seed`: replication 0 uses the seed itself,
/// the others a SplitMix64 mix of both, so replications are independent streams and stable across releases.
pub fn replication_seed(seed: u64, replication: u32) -> u64 {
    if replication == 0 {
        return seed;
    }
    stream_seed(seed, u64::from(replication))
}

/// A SplitMix64 mix of a seed and a key: the seed of an independent stream, the same on every machine.
fn stream_seed(seed: u64, key: u64) -> u64 {
    let mut z = seed ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
