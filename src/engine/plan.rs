//! Per-group plans precomputed before a run: the meeting schedule, the dead-period clock for `shift`, and what
//! happens on each day to meetings that fall due.

use super::calendar::{Calendar, Day};
use crate::scenario::{ActionKind, CatchUp, Followup, Group, HeldBy, Pacing, Scenario};
use chrono::NaiveDate;

/// Largest spell-day offset followed; later follow-ups are beyond any horizon we allow.
const MAX_OFFSET: u32 = 40_000;

/// The statutory schedule of a group as spell-day offsets.
#[derive(Debug, Clone)]
pub struct Schedule {
    meetings: Vec<(u32, u32)>,
    followup: Option<Followup>,
    last_due: u32,
    /// (due, deadline) of every meeting of the schedule, follow-ups included, so that finding meeting `k` is
    /// one look-up.
    all: Vec<(u32, u32)>,
}

impl Schedule {
    pub fn new(group: &Group) -> Self {
        let meetings = group
            .meetings
            .iter()
            .map(|m| (m.due_day, m.deadline_day))
            .collect();
        Schedule::of(meetings, group.followup)
    }

    /// The schedule of fixed meetings (due, deadline) and follow-ups after the last of them.
    fn of(meetings: Vec<(u32, u32)>, followup: Option<Followup>) -> Self {
        let mut schedule = Schedule {
            last_due: meetings.last().map_or(0, |m| m.0),
            meetings,
            followup,
            all: Vec::new(),
        };
        schedule.all = (0..).map_while(|k| schedule.computed_offsets(k)).collect();
        schedule
    }

    /// Spell-day offsets (due, deadline) of meeting `k`, or `None` past the end of the schedule.
    #[inline(always)]
    pub fn offsets(&self, k: u32) -> Option<(u32, u32)> {
        self.all.get(k as usize).copied()
    }

    /// The interval of the follow-ups if meeting `k` is one of them: from there on, meetings fall due every
    /// so many spell days, each with the same deadline after it.
    pub fn followup_every(&self, k: u32) -> Option<u32> {
        let followup = self.followup?;
        (k as usize >= self.meetings.len()).then_some(followup.every_days)
    }

    /// The interval of the follow-ups, 0 without any.
    pub fn followup_interval(&self) -> u32 {
        self.followup.map_or(0, |f| f.every_days)
    }

    fn computed_offsets(&self, k: u32) -> Option<(u32, u32)> {
        if let Some(&offsets) = self.meetings.get(k as usize) {
            return Some(offsets);
        }
        let followup = self.followup?;
        let nth = u64::from(k) - self.meetings.len() as u64 + 1;
        let due = u64::from(self.last_due) + nth * u64::from(followup.every_days);
        if due > u64::from(MAX_OFFSET) {
            return None;
        }
        Some((due as u32, due as u32 + followup.deadline_days))
    }

    /// The first meeting due on or after spell-day `offset` (past the end of the schedule if there is none):
    /// due days never decrease along a schedule, so this is where a scan from meeting 0 would stop.
    pub fn first_due_from(&self, offset: i64) -> u32 {
        if let Some(k) = self
            .meetings
            .iter()
            .position(|&(due, _)| i64::from(due) >= offset)
        {
            return k as u32;
        }
        let fixed = self.meetings.len() as u32;
        match self.followup {
            None => fixed,
            Some(followup) => {
                // Follow-up n (from 1) is due on `last_due + n * every_days`.
                let every = i64::from(followup.every_days);
                let n = (offset - i64::from(self.last_due) + every - 1) / every;
                let beyond = i64::from(MAX_OFFSET / followup.every_days + 1);
                fixed + n.clamp(1, beyond) as u32 - 1
            }
        }
    }
}

/// The spell clock of a group whose meetings `shift`: dead days do not count, so a schedule freezes inside a
/// dead period and resumes afterwards, later by the period's length.
#[derive(Debug, Clone)]
pub struct ShiftClock {
    /// `dead_before[d]`: dead days in `[0, d)`, for `d` in `0..=horizon`.
    dead_before: Vec<u32>,
    /// Live days in `[0, horizon)`, in order.
    live_days: Vec<Day>,
    dead: Vec<bool>,
    /// The first and last dead day, if any.
    dead_span: Option<(Day, Day)>,
}

impl ShiftClock {
    fn new(dead: Vec<bool>) -> Self {
        let mut dead_before = Vec::with_capacity(dead.len() + 1);
        let mut count = 0;
        dead_before.push(0);
        let mut live_days = Vec::new();
        for (day, &is_dead) in dead.iter().enumerate() {
            if is_dead {
                count += 1;
            } else {
                live_days.push(day as Day);
            }
            dead_before.push(count);
        }
        let first = dead.iter().position(|&d| d);
        let last = dead.iter().rposition(|&d| d);
        ShiftClock {
            dead_before,
            live_days,
            dead_span: first.zip(last).map(|(f, l)| (f as Day, l as Day)),
            dead,
        }
    }

    /// The first and last dead day, if any.
    pub fn dead_span(&self) -> Option<(Day, Day)> {
        self.dead_span
    }

    pub fn is_dead(&self, day: Day) -> bool {
        usize::try_from(day)
            .ok()
            .and_then(|d| self.dead.get(d))
            .copied()
            .unwrap_or(false)
    }

    #[inline(always)]
    fn rank(&self, day: Day) -> i64 {
        if day <= 0 {
            return i64::from(day);
        }
        let index = (day as usize).min(self.dead.len());
        i64::from(day) - i64::from(self.dead_before[index])
    }

    #[inline(always)]
    fn unrank(&self, rank: i64) -> i64 {
        if rank < 0 {
            rank
        } else if let Some(&day) = self.live_days.get(rank as usize) {
            i64::from(day)
        } else {
            rank + i64::from(*self.dead_before.last().unwrap_or(&0))
        }
    }

    /// The day on which `offset` live days have passed since `arrival`.
    #[cfg(test)]
    pub fn day_after(&self, arrival: Day, offset: u32) -> i64 {
        self.unrank(self.rank(arrival) + i64::from(offset))
    }
}

/// What happens on one day to a group's meetings that fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueAction {
    Normal,
    Waive,
    CatchUp(CatchUpPlan),
}

/// A caught-up meeting: still owed, with its own deadline and the day from which it may be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUpPlan {
    /// The deadline is at least this day (`Day::MIN`: unchanged).
    pub by: Day,
    /// Not held before this day (`Day::MIN`: from when it falls due).
    pub from: Day,
    /// Even pacing: index into [`GroupPlan::release_days`], whose days the meetings are dealt out to in turn.
    pub even: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct GroupPlan {
    pub schedule: Schedule,
    pub shift: Option<ShiftClock>,
    /// Per simulated day: what happens to the meetings the jobcentre holds (all meetings without an a-kasse
    /// side).
    pub action: Vec<DueAction>,
    /// With an a-kasse side, per simulated day: what happens to the meetings the a-kasse holds alone, and to
    /// the joint ones (a window that closes either side); empty without.
    pub akasse_action: Vec<DueAction>,
    pub joint_action: Vec<DueAction>,
    /// Who holds each fixed meeting of the schedule (follow-ups: the jobcentre).
    pub held_by: Vec<HeldBy>,
    /// Inflow per day for the reference population, per simulated day.
    pub inflow: Vec<f64>,
    /// Per evenly paced catch-up rule: the days its meetings are released on, dealt out in turn (the working days
    /// of the catch-up window inside the horizon; every day of it if none is a working day).
    pub release_days: Vec<Vec<Day>>,
}

impl GroupPlan {
    /// An upper bound on how many days after it falls due a meeting of this group can have its deadline: the
    /// longest gap of the schedule, plus the dead days a `shift` clock may add in between.
    pub fn longest_wait(&self) -> Day {
        let schedule = &self.schedule;
        let gaps = schedule
            .meetings
            .iter()
            .map(|&(due, deadline)| deadline - due);
        let followup = schedule.followup.map_or(0, |f| f.deadline_days);
        let gap = gaps.fold(followup, u32::max);
        let dead = self
            .shift
            .as_ref()
            .map_or(0, |clock| clock.dead_before.last().copied().unwrap_or(0));
        Day::try_from(u64::from(gap) + u64::from(dead)).unwrap_or(Day::MAX)
    }

    pub fn new(scenario: &Scenario, group_index: usize, calendar: &Calendar) -> Self {
        let group = &scenario.groups[group_index];
        let days = calendar.len();
        let mut action = vec![DueAction::Normal; days];
        let sides = scenario.akasse.is_some();
        let mut akasse_action = vec![DueAction::Normal; if sides { days } else { 0 }];
        let mut joint_action = akasse_action.clone();
        let mut dead = vec![false; days];
        let mut any_shift = false;
        let mut release_days = Vec::new();
        for suspension in &scenario.suspensions {
            let rule = suspension.actions[group_index];
            let from = calendar.day(rule.from).max(0);
            let to = calendar.day(rule.to).min(days as Day - 1);
            let catch_up = match rule.kind {
                ActionKind::CatchUp(catch_up) => {
                    Some(catch_up_plan(&catch_up, calendar, &mut release_days))
                }
                _ => None,
            };
            for day in from..=to {
                let day = day as usize;
                let due_action = match rule.kind {
                    ActionKind::Waive => DueAction::Waive,
                    ActionKind::CatchUp(_) => {
                        DueAction::CatchUp(catch_up.expect("a catch-up rule"))
                    }
                    ActionKind::Shift => {
                        dead[day] = true;
                        any_shift = true;
                        continue;
                    }
                };
                if suspension.closes.jobcentre() {
                    action[day] = due_action;
                }
                if sides {
                    if suspension.closes.akasse() {
                        akasse_action[day] = due_action;
                    }
                    joint_action[day] = due_action;
                }
            }
        }
        let inflow = (0..days)
            .map(|d| *group.inflow_per_day.at(calendar.date(d as Day)))
            .collect();
        GroupPlan {
            schedule: Schedule::new(group),
            shift: any_shift.then(|| ShiftClock::new(dead)),
            action,
            akasse_action,
            joint_action,
            held_by: group.meetings.iter().map(|m| m.held_by).collect(),
            inflow,
            release_days,
        }
    }

    /// Who holds meeting `k` of the schedule.
    #[inline(always)]
    pub fn held_by(&self, k: u32) -> HeldBy {
        self.held_by
            .get(k as usize)
            .copied()
            .unwrap_or(HeldBy::Jobcentre)
    }

    /// What happens on `day` to a meeting held by `side` that falls due.
    #[inline(always)]
    pub fn action_of(&self, side: HeldBy, day: Day) -> DueAction {
        match side {
            HeldBy::Jobcentre => self.action[day as usize],
            HeldBy::Akasse => self.akasse_action[day as usize],
            HeldBy::Joint => self.joint_action[day as usize],
        }
    }

    /// The deadline of meeting `k` of a spell that began on `arrival`, once it has fallen due (inside the run):
    /// the statutory one, or a catch-up rule's if that is later.
    pub fn deadline(&self, arrival: Day, k: u32) -> Day {
        self.deadline_of(arrival, k, HeldBy::Jobcentre)
    }

    /// [`deadline`](Self::deadline) of a meeting held by `side`, whose catch-up rule is that side's.
    pub fn deadline_of(&self, arrival: Day, k: u32, side: HeldBy) -> Day {
        let (due, deadline) = self.schedule.offsets(k).expect("scheduled meetings exist");
        let deadline = self.day_of(arrival, deadline);
        match self.action_of(side, self.day_of(arrival, due)) {
            DueAction::CatchUp(catch_up) => deadline.max(catch_up.by),
            _ => deadline,
        }
    }

    /// Calendar day of spell-day `offset` for a spell that began on `arrival` (saturating at `Day::MAX`).
    pub fn day_of(&self, arrival: Day, offset: u32) -> Day {
        self.day_at(self.clock_origin(arrival), offset)
    }

    /// Where the spell clock of a spell that began on `arrival` starts: the arrival's live-day rank for a
    /// `shift` group, the arrival itself otherwise. Computed once for several [`day_at`](Self::day_at).
    #[inline(always)]
    pub fn clock_origin(&self, arrival: Day) -> i64 {
        match &self.shift {
            Some(clock) => clock.rank(arrival),
            None => i64::from(arrival),
        }
    }

    /// The day from which the schedule of a person who arrived on `arrival` with `prior` days of earlier
    /// unemployment is counted: `prior` days before the arrival, live days for a `shift` group (dead days do not
    /// count on the clock, so a clock that would span a dead period starts earlier by its dead days).
    pub fn clock_start(&self, arrival: Day, prior: u32) -> Day {
        let start = match &self.shift {
            Some(clock) => clock.unrank(clock.rank(arrival) - i64::from(prior)),
            None => i64::from(arrival) - i64::from(prior),
        };
        start.max(i64::from(Day::MIN)) as Day
    }

    /// Calendar day of spell-day `offset` for a spell whose clock starts at `origin` (saturating at `Day::MAX`).
    #[inline(always)]
    pub fn day_at(&self, origin: i64, offset: u32) -> Day {
        let day = match &self.shift {
            Some(clock) => clock.unrank(origin + i64::from(offset)),
            None => origin + i64::from(offset),
        };
        day.min(i64::from(Day::MAX)) as Day
    }
}

/// The day plan of a catch-up rule; an evenly paced one adds its release days to `release_days`.
fn catch_up_plan(
    catch_up: &CatchUp,
    calendar: &Calendar,
    release_days: &mut Vec<Vec<Day>>,
) -> CatchUpPlan {
    let day = |date: Option<NaiveDate>| date.map_or(Day::MIN, |d| calendar.day(d));
    let (by, from) = (day(catch_up.by), day(catch_up.from));
    let even = match catch_up.pacing {
        Pacing::EarliestDeadline => None,
        // A window wholly beyond the horizon releases nothing inside the run.
        Pacing::Even if from >= calendar.len() as Day => None,
        Pacing::Even => {
            let last = by.min(calendar.len() as Day - 1);
            let window: Vec<Day> = (from.max(0)..=last).collect();
            let working: Vec<Day> = window
                .iter()
                .copied()
                .filter(|&d| calendar.is_working(d))
                .collect();
            release_days.push(if working.is_empty() { window } else { working });
            Some((release_days.len() - 1) as u16)
        }
    };
    CatchUpPlan { by, from, even }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::HolidayRule;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn even_catch_up_deals_to_the_working_days_of_its_window_inside_the_horizon() {
        // Day 0 is Monday 30 March 2020; 30 days, Danish holidays (Easter: 9, 10, 13 April).
        let calendar = Calendar::new(date("2020-03-30"), 30, HolidayRule::Denmark, &[]);
        let even = |from: &str, by: &str| CatchUp {
            by: Some(date(by)),
            from: Some(date(from)),
            pacing: Pacing::Even,
        };
        let mut release_days = Vec::new();
        let plan = catch_up_plan(
            &even("2020-04-06", "2020-04-17"),
            &calendar,
            &mut release_days,
        );
        assert_eq!((plan.from, plan.by, plan.even), (7, 18, Some(0)));
        // 6-17 April without the weekend and Maundy Thursday, Good Friday and Easter Monday.
        assert_eq!(release_days[0], vec![7, 8, 9, 15, 16, 17, 18]);
        // A window running past the horizon is cut at its last day.
        catch_up_plan(
            &even("2020-04-24", "2020-12-31"),
            &calendar,
            &mut release_days,
        );
        assert_eq!(release_days[1], vec![25, 28, 29]);
        // Only closed days: every day of the window.
        catch_up_plan(
            &even("2020-04-11", "2020-04-12"),
            &calendar,
            &mut release_days,
        );
        assert_eq!(release_days[2], vec![12, 13]);
        // Beyond the horizon: nothing to deal out inside the run.
        let late = catch_up_plan(
            &even("2021-01-04", "2021-01-29"),
            &calendar,
            &mut release_days,
        );
        assert_eq!(late.even, None);
        assert_eq!(release_days.len(), 3);
        // Earliest deadline first needs no days.
        let plain = CatchUp {
            pacing: Pacing::EarliestDeadline,
            ..even("2020-04-06", "2020-04-17")
        };
        assert_eq!(
            catch_up_plan(&plain, &calendar, &mut release_days).even,
            None
        );
    }

    #[test]
    fn shift_clock_freezes_inside_a_dead_period() {
        // Days 10..=19 are dead (10 days).
        let dead: Vec<bool> = (0..100).map(|d| (10..20).contains(&d)).collect();
        let clock = ShiftClock::new(dead);
        assert_eq!(clock.day_after(0, 5), 5);
        assert_eq!(clock.day_after(0, 10), 20);
        assert_eq!(clock.day_after(0, 15), 25);
        // Arriving inside the window: the clock starts when the window ends.
        assert_eq!(clock.day_after(12, 0), 20);
        assert_eq!(clock.day_after(12, 3), 23);
        // Before day 0 everything is live; beyond the horizon too.
        assert_eq!(clock.day_after(-30, 35), 5);
        assert_eq!(clock.day_after(-30, 45), 25);
        assert_eq!(clock.day_after(0, 200), 210);
    }

    #[test]
    fn a_resumed_clock_starts_its_prior_live_days_before_the_arrival() {
        // Days 10..=19 are dead (10 days).
        let clock = ShiftClock::new((0..100).map(|d| (10..20).contains(&d)).collect());
        for (arrival, prior) in [(5, 3), (25, 3), (25, 8), (25, 30), (15, 4), (40, 0)] {
            let start = clock.unrank(clock.rank(arrival) - i64::from(prior)) as Day;
            // The clock's first live day after `start` plus `prior` live days is the arrival's own clock day.
            assert_eq!(
                clock.rank(start) + i64::from(prior),
                clock.rank(arrival),
                "arrival {arrival}, prior {prior}"
            );
        }
        // Back over the dead days: the 8 live days before day 25 are days 7-9 and 20-24.
        assert_eq!(clock.unrank(clock.rank(25) - 8), 7);
    }

    #[test]
    fn followups_repeat_after_the_last_meeting() {
        let schedule = Schedule::of(
            vec![(0, 7), (30, 60)],
            Some(Followup {
                every_days: 90,
                deadline_days: 14,
            }),
        );
        assert_eq!(schedule.offsets(1), Some((30, 60)));
        assert_eq!(schedule.offsets(2), Some((120, 134)));
        assert_eq!(schedule.offsets(3), Some((210, 224)));
    }

    #[test]
    fn first_due_from_is_where_a_scan_from_the_first_meeting_stops() {
        let followup = Followup {
            every_days: 90,
            deadline_days: 14,
        };
        let schedules = [
            (vec![(0, 7), (30, 60), (30, 45)], Some(followup)),
            (vec![(0, 7), (30, 60)], None),
            (vec![], Some(followup)),
            (vec![], None),
        ];
        for (meetings, followup) in schedules {
            let schedule = Schedule::of(meetings, followup);
            for offset in -100..45_000 {
                let mut k = 0;
                while schedule
                    .offsets(k)
                    .is_some_and(|(due, _)| i64::from(due) < offset)
                {
                    k += 1;
                }
                let found = schedule.first_due_from(offset);
                assert_eq!(
                    schedule.offsets(found),
                    schedule.offsets(k),
                    "offset {offset}"
                );
                if schedule.offsets(k).is_some() {
                    assert_eq!(found, k, "offset {offset}");
                }
            }
        }
    }
}
