//! The validated scenario: the only type the engine accepts.
//!
//! Everything here has been checked: dates are in order and inside the period, rates are finite and in range,
//! references resolve. The engine can therefore index and unwrap freely.

pub use super::raw::Pacing;
pub use super::raw::StartState;
pub use super::raw::{Closes, HeldBy};
use super::raw::{HolidayRule, Order};
use chrono::NaiveDate;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The Danish labels given in the file, which [`Scenario::with_danish_labels`] puts in place.
    pub danish: Danish,
    /// The scenario file as given on the command line.
    pub file: PathBuf,
    /// sha256 of every file the scenario reads (its `extends` chain, then data files), in that order.
    pub sha256: String,
    /// The `--set` (and sweep) overrides laid over the files, as `KEY=VALUE`, in the order applied.
    pub overrides: Vec<String>,
    pub seed: u64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub replications: u32,
    pub order: Order,
    pub warmup_days: u32,
    pub start_state: StartState,
    pub holidays: HolidayRule,
    pub closed_days: Vec<NaiveDate>,
    pub municipalities: Vec<Municipality>,
    pub staffing: Staffing,
    /// The a-kasse side; `None`: always free (joint meetings cost jobcentre capacity only).
    pub akasse: Option<Akasse>,
    pub groups: Vec<Group>,
    pub suspensions: Vec<Suspension>,
    pub expectations: Vec<Expectation>,
    pub municipality_expectations: Vec<MunicipalityExpectation>,
    pub timeliness: Vec<TimelinessRule>,
}

/// A scenario's labels in Danish (`name_da`, `description_da`, a group's `label_da`), where the file gives them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Danish {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Per group, in order.
    pub groups: Vec<Option<String>>,
}

/// A published figure's words in Danish (`figure_da`, `source_da`, `known_miss_da`), where given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DanishFigure {
    pub figure: Option<String>,
    pub source: Option<String>,
    pub known_miss: Option<String>,
}

impl DanishFigure {
    /// Puts the Danish words given in place of the English ones.
    fn apply(&self, figure: &mut String, source: &mut String, known_miss: &mut Option<String>) {
        if let Some(text) = &self.figure {
            figure.clone_from(text);
        }
        if let Some(text) = &self.source {
            source.clone_from(text);
        }
        if let (Some(text), Some(reason)) = (&self.known_miss, known_miss.as_mut()) {
            reason.clone_from(text);
        }
    }
}

impl Scenario {
    /// The scenario with the Danish (`_da`) labels the file gives in place of the others (a label without one
    /// stays as it is). Only words change; what runs is the same.
    pub fn with_danish_labels(&self) -> Scenario {
        let mut scenario = self.clone();
        let danish = &self.danish;
        if let Some(name) = &danish.name {
            scenario.name.clone_from(name);
        }
        if let Some(description) = &danish.description {
            scenario.description.clone_from(description);
        }
        for (group, label) in scenario.groups.iter_mut().zip(&danish.groups) {
            if let Some(label) = label {
                group.name.clone_from(label);
            }
        }
        for e in &mut scenario.expectations {
            e.danish
                .apply(&mut e.figure, &mut e.source, &mut e.known_miss);
        }
        for e in &mut scenario.municipality_expectations {
            e.danish
                .apply(&mut e.figure, &mut e.source, &mut e.known_miss);
        }
        scenario
    }

    /// First simulated day (warm-up included).
    pub fn sim_start(&self) -> NaiveDate {
        self.start - chrono::Days::new(u64::from(self.warmup_days))
    }

    /// Number of reported days (start to end inclusive).
    pub fn period_days(&self) -> usize {
        (self.end - self.start).num_days() as usize + 1
    }

    /// The name with the overrides laid over the files, for titles: `København 2020 (set suspensions.spring.end=2020-06-30)`.
    pub fn label(&self) -> String {
        if self.overrides.is_empty() {
            self.name.clone()
        } else {
            format!("{} (set {})", self.name, self.overrides.join(", "))
        }
    }

    pub fn group_index(&self, id: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.id == id)
    }

    pub fn municipality_index(&self, code: u32) -> Option<usize> {
        self.municipalities.iter().position(|m| m.code == code)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    pub code: u32,
    pub name: String,
    pub population: f64,
    /// Per group: persons on benefit expected on the first simulated day.
    pub initial_stock: Vec<f64>,
    /// Per group: multiplies the group's national inflow (population share, data share or count, times any
    /// local factor).
    pub inflow_scale: Vec<f64>,
    /// Per group: how much of the national rise of the inflow in the group's surge window this municipality
    /// sees, relative to its share (1 = the national shape).
    pub surge: Vec<f64>,
    /// Caseworker FTE before any dated change.
    pub caseworkers: f64,
    /// The municipality's share of FTE given for the whole reference population (its population share, or its
    /// caseload share with `caseworkers_by = "caseload"`), such as a staffing change's `add_caseworkers`.
    pub reference_share: f64,
    /// A-kasse caseworker FTE before any dated change (0 without an `[akasse]` section).
    pub akasse_caseworkers: f64,
}

impl Municipality {
    /// New spells per day in group `g` when the national rate is `national`. Inside the group's surge window
    /// the rise over the rate in force before it, `base`, is scaled by the local surge factor (never below 0).
    pub fn inflow_rate(&self, g: usize, national: f64, surge_base: Option<f64>) -> f64 {
        let rate = match surge_base {
            Some(base) => (base + self.surge[g] * (national - base)).max(0.0),
            None => national,
        };
        rate * self.inflow_scale[g]
    }

    /// The largest multiple of the national inflow this municipality can see, for size estimates.
    pub fn peak_inflow_scale(&self, g: usize) -> f64 {
        self.inflow_scale[g] * self.surge[g].max(1.0)
    }
}

/// A value with dated changes: `base` until the first change, then each change from its date on.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated<T> {
    pub base: T,
    /// Sorted by date, dates unique.
    pub changes: Vec<(NaiveDate, T)>,
}

impl<T> Dated<T> {
    pub fn constant(base: T) -> Self {
        Dated {
            base,
            changes: Vec::new(),
        }
    }

    pub fn at(&self, date: NaiveDate) -> &T {
        self.changes
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map_or(&self.base, |(_, value)| value)
    }
}

/// Staffing inputs in force on a day, for the reference population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingLevel {
    /// Multiplies each municipality's base FTE.
    pub caseworkers_factor: f64,
    /// FTE added on top, for the reference population (each municipality gets its `reference_share`).
    pub add_caseworkers: f64,
    pub meetings_per_caseworker_day: f64,
    pub phone_share: f64,
    pub phone_time: f64,
}

impl StaffingLevel {
    /// Meetings one caseworker FTE holds per working day with this channel mix: phone meetings take
    /// `phone_time` of an in-person meeting's time.
    pub fn meetings_per_fte(&self) -> f64 {
        let time_per_meeting = 1.0 - self.phone_share + self.phone_share * self.phone_time;
        self.meetings_per_caseworker_day / time_per_meeting
    }
}

/// Staff one municipality has in its own FTE (the table form `{ 101 = 20 }` of a staffing change), in force
/// from a change's date on; over what the national levels give it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LocalLevel {
    /// The municipality's FTE (times `staffing.caseworkers_factor`), in place of its base FTE times the national
    /// factor; `None` while the national level holds.
    pub caseworkers: Option<f64>,
    /// FTE added on top in this municipality (temporary staff), besides its share of the national addition.
    pub add_caseworkers: f64,
}

/// The staffing changes given in one municipality's own FTE.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalStaffing {
    pub code: u32,
    pub level: Dated<LocalLevel>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    pub level: Dated<StaffingLevel>,
    /// Per municipality with a change in its own FTE, by code (empty when every change is national).
    pub local: Vec<LocalStaffing>,
    /// Quality floor: at most this many meetings per caseworker per working day.
    pub max_meetings_per_caseworker_day: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duration {
    Exponential { mean: f64 },
    Lognormal { mean: f64, sd: f64 },
    Weibull { shape: f64, scale: f64 },
    Gamma { shape: f64, scale: f64 },
    Fixed { days: f64 },
    Never,
}

/// The a-kasse side: its caseworkers' levels by date and the spells whose first meetings it takes over.
#[derive(Debug, Clone, PartialEq)]
pub struct Akasse {
    pub level: Dated<AkasseLevel>,
    pub takeovers: Vec<Takeover>,
}

/// A-kasse staffing in force on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AkasseLevel {
    /// Multiplies each municipality's base a-kasse FTE.
    pub caseworkers_factor: f64,
    pub meetings_per_caseworker_day: f64,
    pub phone_share: f64,
    pub phone_time: f64,
}

impl AkasseLevel {
    /// Meetings one a-kasse FTE holds per working day with this channel mix.
    pub fn meetings_per_fte(&self) -> f64 {
        let time_per_meeting = 1.0 - self.phone_share + self.phone_share * self.phone_time;
        self.meetings_per_caseworker_day / time_per_meeting
    }
}

/// `share` of the spells of group `group` starting from `from` to `to` have every meeting due before spell day
/// `before_day` held by the a-kasse alone (the jobcentre's and the joint ones alike).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Takeover {
    pub group: usize,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub share: f64,
    pub before_day: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingRule {
    pub due_day: u32,
    pub deadline_day: u32,
    pub held_by: HeldBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Followup {
    pub every_days: u32,
    pub deadline_days: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InitialAge {
    /// In equilibrium with the inflow and duration in force on the first simulated day.
    SteadyState,
    /// (upper bound in days, share), ages uniform within a bucket, remaining duration drawn afresh.
    Buckets(Vec<(u32, f64)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub insured: bool,
    pub priority: u32,
    pub inflow_per_day: Dated<f64>,
    pub duration: Dated<Duration>,
    pub meetings: Vec<MeetingRule>,
    pub followup: Option<Followup>,
    pub initial_stock: f64,
    pub initial_age: InitialAge,
    /// The window in which each municipality's surge factor applies to the rise of the inflow over the rate in
    /// force the day before it; `None` when no municipality column gives a surge for this group.
    pub surge: Option<(NaiveDate, NaiveDate)>,
    /// New spells whose unemployment clock resumes from earlier unemployment; `None` when every spell starts
    /// the schedule afresh.
    pub returning: Option<Returning>,
}

/// A share of a group's new spells are returning persons, whose schedule resumes as if their spell had begun
/// `prior_days` before it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Returning {
    pub share: f64,
    /// The earlier unemployment, in days (never `Duration::Never`).
    pub prior_days: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    Waive,
    CatchUp(CatchUp),
    Shift,
}

/// How a group's meetings that fall due in a `catch_up` rule window are caught up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// The deadline is at least this date.
    pub by: Option<NaiveDate>,
    /// Not held before this date.
    pub from: Option<NaiveDate>,
    /// `Even`: released evenly over the working days from `from` to `by` (both set, validated).
    pub pacing: Pacing,
}

/// What happens to one group's meetings that fall due in `[from, to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupAction {
    pub kind: ActionKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suspension {
    /// The suspension's `id`, or its place in the file's list (`[0]`) when it has none: names its episode in
    /// the outputs and in sweep targets.
    pub id: String,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub capacity_share: f64,
    pub phone_counts: bool,
    /// The side or sides whose capacity and meetings the window suspends.
    pub closes: Closes,
    /// One entry per group, in group order.
    pub actions: Vec<GroupAction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub figure: String,
    pub source: String,
    pub danish: DanishFigure,
    pub published: Option<String>,
    pub value: f64,
    pub tolerance: f64,
    pub metric: crate::metric::Figure,
    pub municipality: Option<u32>,
    /// Group indices; empty for all groups.
    pub groups: Vec<usize>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub scale: f64,
    pub known_miss: Option<String>,
    /// What the model's figure counts.
    pub definition: Option<String>,
    pub like_for_like: Option<LikeForLike>,
    /// Whether the figure is fitted to or judges the model.
    pub role: Role,
    /// For a calibration target dated after the first suspension began: why it was known before the outcome.
    pub known_before: Option<String>,
}

/// What a published figure is for: `backlog calibrate` fits the ranged inputs to the calibration targets and
/// never looks at the validation figures, which then judge the fitted model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Calibrate,
    #[default]
    Validate,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Calibrate => "calibrate",
            Role::Validate => "validate",
        }
    }
}

/// The model's figure on the published figure's own definition, reported beside the test (never instead of it).
#[derive(Debug, Clone, PartialEq)]
pub struct LikeForLike {
    pub definition: String,
    pub metric: crate::metric::Metric,
    /// Another scenario to compute it on (resolved path, checked to be a file); `None`: this one.
    pub scenario: Option<PathBuf>,
}

/// A published per-municipality series: the simulated metric of each municipality is compared with it after
/// the series is scaled to the simulated total, so that the check measures how the metric is spread over the
/// municipalities, not its national level (which `[[expect]]` checks).
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityExpectation {
    pub figure: String,
    pub source: String,
    pub danish: DanishFigure,
    pub published: Option<String>,
    pub file: PathBuf,
    pub column: String,
    /// Per municipality of the scenario, in its order: the published value (times the population if asked).
    pub values: Vec<f64>,
    pub metric: crate::metric::Metric,
    pub groups: Vec<usize>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Largest mean absolute percentage error.
    pub tolerance: f64,
    pub known_miss: Option<String>,
}

/// How a timeliness rule measures a municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelinessMeasure {
    /// The share of one calendar month's counted meetings.
    Monthly,
    /// The share over the twelve calendar months ending with the month (fewer at the start of the period).
    Rolling12,
}

impl TimelinessMeasure {
    pub fn name(self) -> &'static str {
        match self {
            TimelinessMeasure::Monthly => "monthly",
            TimelinessMeasure::Rolling12 => "rolling12",
        }
    }
}

/// A `[[timeliness]]` rule: a municipality whose share of counted meetings held on time is below `threshold`
/// for `periods` months in a row (excluded months skipped) is flagged.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinessRule {
    pub id: String,
    pub label: Option<String>,
    pub label_da: Option<String>,
    /// Group indices whose meetings count; every group when empty.
    pub groups: Vec<usize>,
    pub measure: TimelinessMeasure,
    pub threshold: f64,
    pub periods: u32,
    /// First days of the excluded months, in order, each once.
    pub exclude: Vec<NaiveDate>,
    pub source: Option<String>,
    pub source_da: Option<String>,
}
