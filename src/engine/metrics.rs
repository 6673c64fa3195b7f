//! The per-day record of a run: flows and levels per municipality and group, capacity per municipality.
//!
//! Everything the reports show is derived from this one series, so a summary over any date range, for one
//! municipality or all, is a fold over it and never a second bookkeeping.

use chrono::NaiveDate;

/// Flows (during the day) and levels (at the end of the day) of one municipality and group on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupDay {
    pub arrivals: u32,
    pub exits: u32,
    pub due: u32,
    pub held: u32,
    pub held_on_time: u32,
    /// The part of `held` held in the person's first half-year on benefit (182 days from the spell's start).
    pub held_early: u32,
    pub waived: u32,
    pub dropped: u32,
    /// Meetings whose due date fell inside a suspension window of the group (for `shift`, the date they would
    /// have fallen due without the dead period).
    pub suspended: u32,
    /// The part of `suspended` owed to persons already on benefit when the first suspension began.
    pub suspended_existing: u32,
    pub active: u32,
    pub pending: u32,
    pub overdue: u32,
}

impl std::ops::AddAssign<&GroupDay> for GroupDay {
    /// Sums flows and levels, as when several municipalities or groups are reported as one.
    fn add_assign(&mut self, other: &GroupDay) {
        self.arrivals += other.arrivals;
        self.exits += other.exits;
        self.due += other.due;
        self.held += other.held;
        self.held_on_time += other.held_on_time;
        self.held_early += other.held_early;
        self.waived += other.waived;
        self.dropped += other.dropped;
        self.suspended += other.suspended;
        self.suspended_existing += other.suspended_existing;
        self.active += other.active;
        self.pending += other.pending;
        self.overdue += other.overdue;
    }
}

/// Levels carried into the first reported day (the end of the warm-up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Levels {
    pub active: u32,
    pub pending: u32,
    pub overdue: u32,
}

/// The work a run has done so far, over every simulated day, warm-up included: what benchmarks divide by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Workload {
    /// Days simulated.
    pub days: u64,
    /// Persons on benefit at the end of each day, summed over days.
    pub person_days: u64,
    pub arrivals: u64,
    pub exits: u64,
    pub due: u64,
    pub held: u64,
    pub waived: u64,
    pub dropped: u64,
}

impl std::ops::AddAssign for Workload {
    /// Sums the work of two parts of a run (municipalities simulated apart); `days` as well.
    fn add_assign(&mut self, other: Workload) {
        self.days += other.days;
        self.person_days += other.person_days;
        self.arrivals += other.arrivals;
        self.exits += other.exits;
        self.due += other.due;
        self.held += other.held;
        self.waived += other.waived;
        self.dropped += other.dropped;
    }
}

impl Workload {
    /// Meetings falling due, held, waived or dropped: each is one step of the engine's meeting bookkeeping.
    pub fn meeting_events(&self) -> u64 {
        self.due + self.held + self.waived + self.dropped
    }

    fn add_flows(&mut self, day: &GroupDay) {
        self.arrivals += u64::from(day.arrivals);
        self.exits += u64::from(day.exits);
        self.due += u64::from(day.due);
        self.held += u64::from(day.held);
        self.waived += u64::from(day.waived);
        self.dropped += u64::from(day.dropped);
    }

    /// Adds one simulated day of one municipality: its flows per group, and the persons active at its end.
    /// The days themselves are counted by the caller, once for all municipalities.
    pub(crate) fn add(&mut self, flows: &[GroupDay], active: u64) {
        self.person_days += active;
        for day in flows {
            self.add_flows(day);
        }
    }
}

/// Staff and capacity of one municipality on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MunicipalityDay {
    /// Caseworker full-time equivalents.
    pub caseworkers: f64,
    /// Statutory meetings that could be held (0 on closed days and inside a suspension with no capacity).
    pub capacity: f64,
    /// The fraction of a meeting's capacity left over from the days before, which today's capacity adds to: a
    /// range's capacity counts what was carried into its first day, so that no more is held than it offers.
    pub carried_in: f64,
}

/// The a-kasse side of one municipality on one day (only with an `[akasse]` section): its meetings (those it
/// holds alone and the joint ones) as flows and levels, its staff and capacity, and the joint meetings' waits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AkasseDay {
    /// Due, held, on time, waived, dropped, suspended, pending and overdue of the a-kasse's meetings (arrivals,
    /// exits and active persons are the jobcentre's rows').
    pub meetings: GroupDay,
    /// Joint meetings held today (counted in both sides' `held`).
    pub joint_held: u32,
    /// Joint meetings due and not held at the end of a working day on which the jobcentre had no capacity left.
    pub waited_jobcentre: u32,
    /// The same, on which the a-kasse had no capacity left.
    pub waited_akasse: u32,
    pub caseworkers: f64,
    pub capacity: f64,
    pub carried_in: f64,
}

/// The reported days of one run.
///
/// Municipality-major: each municipality's days are one contiguous block, so the municipalities of a run can be
/// simulated in parallel, each writing only its own block ([`Series::municipalities_mut`]).
#[derive(Debug, Clone)]
pub struct Series {
    pub start: NaiveDate,
    pub days: usize,
    pub municipalities: usize,
    pub groups: usize,
    /// `municipalities x days x groups`.
    pub rows: Vec<GroupDay>,
    /// `municipalities x days`.
    pub municipality_rows: Vec<MunicipalityDay>,
    /// Whether each reported day was a working day.
    pub working: Vec<bool>,
    /// `municipalities x groups`: levels at the end of the day before `start`.
    pub initial: Vec<Levels>,
    /// `municipalities x days` with an `[akasse]` section, empty without.
    pub akasse: Vec<AkasseDay>,
    /// Per municipality with an `[akasse]` section: the a-kasse's levels at the end of the day before `start`.
    pub akasse_initial: Vec<Levels>,
}

impl Series {
    pub fn new(start: NaiveDate, days: usize, municipalities: usize, groups: usize) -> Self {
        Series {
            start,
            days,
            municipalities,
            groups,
            rows: vec![GroupDay::default(); days * municipalities * groups],
            municipality_rows: vec![MunicipalityDay::default(); days * municipalities],
            working: vec![false; days],
            initial: vec![Levels::default(); municipalities * groups],
            akasse: Vec::new(),
            akasse_initial: Vec::new(),
        }
    }

    /// Makes room for the a-kasse side's days.
    pub fn with_akasse(mut self) -> Self {
        self.akasse = vec![AkasseDay::default(); self.days * self.municipalities];
        self.akasse_initial = vec![Levels::default(); self.municipalities];
        self
    }

    pub fn has_akasse(&self) -> bool {
        !self.akasse_initial.is_empty()
    }

    /// The a-kasse side of `municipality` on reported day `day` (a series with it only).
    pub fn akasse_row(&self, day: usize, municipality: usize) -> &AkasseDay {
        &self.akasse[municipality * self.days + day]
    }

    pub fn date(&self, day: usize) -> NaiveDate {
        self.start + chrono::Days::new(day as u64)
    }

    pub fn row(&self, day: usize, municipality: usize, group: usize) -> &GroupDay {
        &self.rows[(municipality * self.days + day) * self.groups + group]
    }

    pub fn group_rows(&self, day: usize, municipality: usize) -> &[GroupDay] {
        let base = (municipality * self.days + day) * self.groups;
        &self.rows[base..base + self.groups]
    }

    pub fn group_rows_mut(&mut self, day: usize, municipality: usize) -> &mut [GroupDay] {
        let base = (municipality * self.days + day) * self.groups;
        &mut self.rows[base..base + self.groups]
    }

    pub fn municipality_row(&self, day: usize, municipality: usize) -> &MunicipalityDay {
        &self.municipality_rows[municipality * self.days + day]
    }

    pub fn municipality_row_mut(
        &mut self,
        day: usize,
        municipality: usize,
    ) -> &mut MunicipalityDay {
        &mut self.municipality_rows[municipality * self.days + day]
    }

    /// Each municipality's part of the series, in order, to be written independently.
    pub fn municipalities_mut(&mut self) -> Vec<MunicipalitySeries<'_>> {
        let (days, groups) = (self.days, self.groups);
        // Zero-sized chunks are not allowed; a series without days or groups has nothing to write.
        let rows = self.rows.chunks_mut((days * groups).max(1));
        let staff = self.municipality_rows.chunks_mut(days.max(1));
        let initial = self.initial.chunks_mut(groups.max(1));
        let mut akasse = self.akasse.chunks_mut(days.max(1));
        let mut akasse_initial = self.akasse_initial.chunks_mut(1);
        rows.zip(staff)
            .zip(initial)
            .map(|((rows, staff), initial)| MunicipalitySeries {
                groups,
                rows,
                staff,
                initial,
                akasse: akasse.next().unwrap_or_default(),
                akasse_initial: akasse_initial.next().unwrap_or_default(),
            })
            .collect()
    }
}

/// One municipality's part of a [`Series`].
#[derive(Debug)]
pub struct MunicipalitySeries<'a> {
    groups: usize,
    /// `days x groups`.
    rows: &'a mut [GroupDay],
    /// `days`.
    staff: &'a mut [MunicipalityDay],
    /// `groups`.
    initial: &'a mut [Levels],
    /// `days` with the a-kasse side, empty without.
    akasse: &'a mut [AkasseDay],
    /// One with the a-kasse side, none without.
    akasse_initial: &'a mut [Levels],
}

impl MunicipalitySeries<'_> {
    pub fn group_rows_mut(&mut self, day: usize) -> &mut [GroupDay] {
        &mut self.rows[day * self.groups..(day + 1) * self.groups]
    }

    pub fn municipality_row_mut(&mut self, day: usize) -> &mut MunicipalityDay {
        &mut self.staff[day]
    }

    pub fn initial_mut(&mut self) -> &mut [Levels] {
        self.initial
    }

    pub fn akasse_row_mut(&mut self, day: usize) -> &mut AkasseDay {
        &mut self.akasse[day]
    }

    pub fn akasse_initial_mut(&mut self) -> &mut Levels {
        &mut self.akasse_initial[0]
    }
}
