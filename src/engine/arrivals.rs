//! Arrivals: each day's new persons, drawn per group, put in the slab and gathered into one run, and the
//! meetings a `shift` group would have had inside its dead period counted as suspended.

use super::calendar::Day;
use super::event::Event;
use super::jobcentre::{first_meeting, Jobcentre, NEVER};
use super::metrics::MunicipalitySeries;
use super::person::{Person, EXISTING};
use super::rules::Rules;
use super::runs::Member;
use rand_distr::{Distribution, Poisson};

impl Jobcentre {
    /// New spells per day in group `g` on `day` in this municipality.
    pub(super) fn inflow_rate(&self, rules: &Rules, g: usize, day: Day) -> f64 {
        let surge_base = rules.surges[g]
            .filter(|(from, to, _)| (*from..=*to).contains(&day))
            .map(|(_, _, base)| base);
        rules.scenario.municipalities[self.municipality].inflow_rate(
            g,
            rules.plans[g].inflow[day as usize],
            surge_base,
        )
    }

    pub(super) fn arrivals(&mut self, rules: &Rules, day: Day, series: &mut MunicipalitySeries) {
        for g in 0..rules.groups() {
            let lambda = self.inflow_rate(rules, g, day);
            if lambda <= 0.0 {
                continue;
            }
            // Rates change on a few dates only; building the distribution costs a log-gamma, so keep it while
            // the rate is the same (same rate, same distribution, same draws).
            let (rate, poisson) = &mut self.arrival_distributions[g];
            if rate.to_bits() != lambda.to_bits() {
                *rate = lambda;
                *poisson = Poisson::new(lambda).ok();
            }
            let count = poisson.map_or(0.0, |p| p.sample(&mut self.rng)) as u64;
            if count == 0 {
                continue;
            }
            let sampler = rules.duration_sampler(g, day);
            self.today[g].arrivals += count as u32;
            // The day's arrivals of the group have their meetings on the same days: one run. Returning persons,
            // each on a clock of their own, have theirs alone.
            let run = self.new_run();
            let mut members = std::mem::take(&mut self.runs[run as usize].members);
            for _ in 0..count {
                let duration = sampler.sample(&mut self.rng);
                let prior = match &rules.returning[g] {
                    Some(returning) => returning.draw(&mut self.rng),
                    None => None,
                };
                match prior {
                    None => members.push(self.add_person(rules, series, g, day, 0, duration, day)),
                    Some(prior) => {
                        let member = self.add_person(rules, series, g, day, prior, duration, day);
                        self.schedule_returning(rules, g, member, day);
                    }
                }
            }
            match first_meeting(rules, &rules.plans[g], day, day) {
                Some((k, due)) => {
                    members.retain(|member| due < member.exit);
                    self.schedule_members(run, g, day, k, due, members);
                }
                None => self.free_run(run, members),
            }
        }
    }

    /// The first meeting of a returning person who arrived `today`, in the calendar alone: the first of their
    /// resumed schedule that falls due from today on, on its own day (those due before today are not owed).
    fn schedule_returning(&mut self, rules: &Rules, g: usize, member: Member, today: Day) {
        let clock_start = self.persons[member.person as usize].clock_start;
        if let Some((k, due)) = first_meeting(rules, &rules.plans[g], clock_start, today) {
            if due < member.exit {
                self.agenda.schedule(due, Event::alone(member, k));
            }
        }
    }

    /// Creates a person who arrived on `arrival` (negative for the initial stock) with `prior` days of earlier
    /// unemployment on their clock (0 but for a returning person) and leaves `remaining` days after `today`,
    /// and schedules their exit; their meetings are for the caller to schedule.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_person(
        &mut self,
        rules: &Rules,
        series: &mut MunicipalitySeries,
        g: usize,
        arrival: Day,
        prior: u32,
        remaining: Option<u32>,
        today: Day,
    ) -> Member {
        let exit = remaining.map_or(NEVER, |r| today.saturating_add(r as Day));
        let clock_start = match prior {
            0 => arrival,
            _ => rules.plans[g].clock_start(arrival, prior),
        };
        // Who was on benefit before the suspension goes by the spell, not the clock: a person back on benefit
        // after it began is not among those it found on benefit.
        let existing = arrival < rules.suspension_origin;
        let person = Person {
            clock_start,
            generation: 0,
            pending: 0,
            first_pending: 0,
            group: g as u8,
            flags: if existing { EXISTING } else { 0 },
        };
        let index = match self.free_persons.pop() {
            Some(index) => {
                let slot = &mut self.persons[index as usize];
                *slot = Person {
                    generation: slot.generation,
                    ..person
                };
                index
            }
            None => {
                assert!(
                    self.persons.len() < u32::MAX as usize,
                    "too many persons for one municipality"
                );
                self.persons.push(person);
                (self.persons.len() - 1) as u32
            }
        };
        #[cfg(debug_assertions)]
        {
            self.born.resize(self.persons.len(), 0);
            self.born[index as usize] = self.created;
            self.created += 1;
        }
        if self.akasse.is_some() {
            self.mark_takeover(rules, g, index, arrival);
        }
        self.levels[g].active += 1;
        if let Some(list) = self.exits.get_mut(exit as usize) {
            list.push(index);
        }
        // `prior` is at most the 40,000 days of the longest spell.
        let unshifted_start = arrival.saturating_sub(prior as Day);
        self.count_shifted(
            rules,
            series,
            g,
            index,
            unshifted_start,
            existing,
            exit,
            today,
        );
        Member {
            person: index,
            exit,
            skew: 0,
        }
    }

    /// For a `shift` group: counts as suspended the meetings that would have fallen due inside a dead period,
    /// on the day they would have fallen due (on the side that holds them, with an a-kasse side), for a person
    /// whose clock would have started on `arrival` without dead days (`existing`: on benefit before the first
    /// suspension).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn count_shifted(
        &self,
        rules: &Rules,
        series: &mut MunicipalitySeries,
        g: usize,
        index: u32,
        arrival: Day,
        existing: bool,
        exit: Day,
        today: Day,
    ) {
        let plan = &rules.plans[g];
        let Some((clock, (first_dead, last_dead))) = plan
            .shift
            .as_ref()
            .and_then(|clock| Some((clock, clock.dead_span()?)))
        else {
            return;
        };
        // Only meetings that would have fallen due from today, inside the dead days, before the exit.
        let end = i64::from(exit.min(rules.horizon)).min(i64::from(last_dead) + 1);
        let from = i64::from(today.max(first_dead));
        if from >= end {
            // Most spells end before the dead days or begin after them.
            return;
        }
        let mut k = plan.schedule.first_due_from(from - i64::from(arrival));
        while let Some((due, _)) = plan.schedule.offsets(k) {
            let unshifted = i64::from(arrival) + i64::from(due);
            if unshifted >= end {
                break;
            }
            let unshifted = unshifted as Day;
            if clock.is_dead(unshifted) {
                let reported = unshifted as usize;
                if reported >= rules.warmup {
                    let existing = u32::from(existing);
                    let side = match &self.akasse {
                        Some(_) => rules.side(g, k, self.taken_over(index)),
                        None => crate::scenario::HeldBy::Jobcentre,
                    };
                    if side != crate::scenario::HeldBy::Akasse {
                        let row = &mut series.group_rows_mut(reported - rules.warmup)[g];
                        row.suspended += 1;
                        row.suspended_existing += existing;
                    }
                    if side != crate::scenario::HeldBy::Jobcentre {
                        let row = &mut series.akasse_row_mut(reported - rules.warmup).meetings;
                        row.suspended += 1;
                        row.suspended_existing += existing;
                    }
                }
            }
            k += 1;
        }
    }
}
