//! The initial stock: the persons on benefit before the first day, drawn from a reference distribution or
//! from the stationary state, and gathered into runs by the days their meetings fall due.

use super::calendar::Day;
use super::event::Event;
use super::jobcentre::{first_meeting, Jobcentre};
use super::members::Member;
use super::metrics::MunicipalitySeries;
use super::rules::Rules;
use super::sampling::DurationSampler;
use super::stock_reference::MAX_STOCK_RUN_AGE;
use crate::scenario::InitialAge;
use rand::Rng;
use rand_distr::{Distribution, Poisson};

impl Jobcentre {
    pub(super) fn seed_initial_stock(&mut self, rules: &Rules, series: &mut MunicipalitySeries) {
        if !rules.stationary.is_empty() {
            self.seed_stationary(rules, series);
            return;
        }
        let m = self.municipality;
        for g in 0..rules.groups() {
            let group = &rules.scenario.groups[g];
            if rules.scenario.municipalities[m].initial_stock[g] <= 0.0 {
                continue;
            }
            let sampler = rules.duration_sampler(g, 0);
            let buckets = match &group.initial_age {
                InitialAge::Buckets(b) => b.as_slice(),
                InitialAge::SteadyState => &[],
            };
            let expected = rules.scenario.municipalities[m].initial_stock[g];
            let count = expected.floor() as u64 + u64::from(self.rng.gen_bool(expected.fract()));
            for _ in 0..count {
                let (age, remaining) = match (&rules.stock_reference[g], &rules.stock_buckets[g]) {
                    // Steady state: a stock member sits in a spell drawn length-biased, at a uniform point of it.
                    (Some(reference), _) => {
                        let spell = reference.spells[reference.length_biased.sample(&mut self.rng)];
                        let age = self.rng.gen_range(0..spell);
                        let remaining = match sampler {
                            DurationSampler::Never => None,
                            _ => Some(spell - age),
                        };
                        (age, remaining)
                    }
                    (None, Some(index)) => {
                        let bucket = index.sample(&mut self.rng);
                        let low = if bucket == 0 {
                            0
                        } else {
                            buckets[bucket - 1].0
                        };
                        let age = self.rng.gen_range(low..buckets[bucket].0);
                        (age, sampler.sample(&mut self.rng))
                    }
                    (None, None) => (0, sampler.sample(&mut self.rng)),
                };
                // The buckets give the time on benefit as the clock counts it; a steady-state member may be a
                // returning person, as a new spell may.
                let prior = match (&rules.returning[g], buckets.is_empty()) {
                    (Some(returning), true) => returning.draw(&mut self.rng).unwrap_or(0),
                    _ => 0,
                };
                let member = self.add_person(rules, series, g, -(age as Day), prior, remaining, 0);
                let clock_start = self.persons[member.person as usize].clock_start;
                self.schedule_stock_member(rules, g, clock_start, member);
            }
            self.schedule_in_step(g);
        }
    }

    /// The persons on benefit at the end of the day before the first, drawn from the stationary state of each
    /// group's first-day inflow and duration ([`StationarySpells`]): a person present arrived `age + 1` days
    /// before day 0 on a spell of `spell` whole days, `age` uniform in `0..spell`, and leaves on day
    /// `spell - 1 - age`. Their next meetings follow from their arrival, as for anyone.
    pub(super) fn seed_stationary(&mut self, rules: &Rules, series: &mut MunicipalitySeries) {
        for g in 0..rules.groups() {
            let Some(spells) = &rules.stationary[g] else {
                continue;
            };
            let lambda = self.inflow_rate(rules, g, 0) * spells.candidates_per_inflow();
            let candidates = match Poisson::new(lambda) {
                Ok(poisson) if lambda > 0.0 => poisson.sample(&mut self.rng) as u64,
                _ => 0,
            };
            for _ in 0..candidates {
                if let Some(spell) = spells.candidate(&mut self.rng) {
                    let age = self.rng.gen_range(0..spell);
                    let arrival = -1 - age as Day;
                    // Whether a spell is a returning person's does not depend on its length, so the persons
                    // present return in the inflow's share, with the inflow's prior days.
                    let prior = match &rules.returning[g] {
                        Some(returning) => returning.draw(&mut self.rng).unwrap_or(0),
                        None => 0,
                    };
                    let member =
                        self.add_person(rules, series, g, arrival, prior, Some(spell - 1 - age), 0);
                    let clock_start = self.persons[member.person as usize].clock_start;
                    self.schedule_stock_member(rules, g, clock_start, member);
                }
            }
            self.schedule_in_step(g);
        }
    }

    /// Gathers a person of the initial stock of group `g`, whose clock started on `arrival` (the day their
    /// spell began, or earlier for a returning person), into a run: one past their fixed meetings into the
    /// run of those whose follow-ups are in step with theirs, anyone else into that of those whose clock
    /// started on the same day ([`schedule_in_step`](Self::schedule_in_step) schedules the runs). Someone who arrived
    /// more than [`MAX_STOCK_RUN_AGE`] days before has their first meeting scheduled at once.
    pub(super) fn schedule_stock_member(
        &mut self,
        rules: &Rules,
        g: usize,
        arrival: Day,
        member: Member,
    ) {
        let plan = &rules.plans[g];
        let Some((k, due)) = first_meeting(rules, plan, arrival, 0) else {
            return;
        };
        if due >= member.exit {
            return;
        }
        // Follow-ups in step: the same spell-clock day now, so the same days and deadlines from now on. Whether
        // they were on benefit before the suspension must agree too, as it is counted once for a whole run.
        let (due_offset, _) = plan.schedule.offsets(k).expect("a scheduled meeting");
        let phase = plan.clock_origin(arrival) + i64::from(due_offset);
        let existing = usize::from(arrival < rules.suspension_origin);
        // A table of runs by phase of the follow-ups, or else by day of arrival (before the first day).
        let at = match plan.schedule.followup_every(k) {
            Some(every) if (0..i64::from(every)).contains(&phase) => phase as usize * 2 + existing,
            _ => {
                let age = (-1 - arrival) as usize;
                if age >= MAX_STOCK_RUN_AGE {
                    self.agenda.schedule(due, Event::alone(member, k));
                    return;
                }
                2 * plan.schedule.followup_interval() as usize + age
            }
        };
        if self.in_step.len() <= at {
            self.in_step.resize(at + 1, None);
        }
        let (run, first_k, _) = match self.in_step[at] {
            Some(found) => found,
            None => {
                let run = self.new_run();
                self.runs[run as usize].arrival = arrival;
                self.in_step[at] = Some((run, k, due));
                (run, k, due)
            }
        };
        self.runs[run as usize].members.push(Member {
            skew: k.wrapping_sub(first_k),
            ..member
        });
    }

    /// Schedules the runs of stock members of group `g`: those with follow-ups in step, earliest first, then
    /// those by day of arrival, latest first.
    pub(super) fn schedule_in_step(&mut self, g: usize) {
        for at in 0..self.in_step.len() {
            let Some((run, k, due)) = self.in_step[at].take() else {
                continue;
            };
            let arrival = self.runs[run as usize].arrival;
            let members = std::mem::take(&mut self.runs[run as usize].members);
            self.schedule_members(run, g, arrival, k, due, members);
        }
    }
}
