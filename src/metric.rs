//! The one vocabulary of summary metrics. summary.json's keys, the columns of the tidy tables and of a sweep,
//! the rows of `compare`, the `metric` of an `[[expect]]` table and the metric of `--target` are all [`Metric`]s,
//! so code that names a metric that does not exist does not compile, and text that does is refused with the list
//! of the metrics that do.
//!
//! This module depends on nothing else in the crate, so both the scenario loader and the summary can use it.

use serde::{Deserialize, Serialize};

/// Declares [`Metric`] from one table, so that every metric has one line: its name, its [`Kind`], and, when
/// `compare` shows it, its row there. [`Metric::ALL`], [`Metric::name`], [`Metric::kind`] and
/// [`Metric::compare_row`] all follow from the table, so a metric cannot be left out of any of them.
macro_rules! metrics {
    ($($variant:ident = $name:literal, $kind:ident $(, compare($place:literal, $label:literal, $shown:expr))?;)*) => {
        /// A numeric summary metric of a selection of a run (see docs/outputs.md for each one's meaning).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Metric {
            $($variant,)*
        }

        /// How many metrics there are.
        const COUNT: usize = [$($name),*].len();

        impl Metric {
            /// Every metric, in report order (the order of the table).
            pub const ALL: [Metric; COUNT] = [$(Metric::$variant),*];

            /// The metric's name in every file and on the command line.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Metric::$variant => $name,)*
                }
            }

            /// How the metric's values read.
            pub const fn kind(self) -> Kind {
                match self {
                    $(Metric::$variant => Kind::$kind,)*
                }
            }

            /// The metric's row in the `compare` table, if it has one.
            pub const fn compare_row(self) -> Option<CompareRow> {
                match self {
                    $(Metric::$variant => metrics!(@row $($place, $label, $shown)?),)*
                }
            }
        }
    };
    (@row) => { None };
    (@row $place:literal, $label:literal, $shown:expr) => {
        Some(CompareRow { place: $place, label: $label, shown: $shown })
    };
}

metrics! {
    Arrivals = "arrivals", Count;
    Exits = "exits", Count;
    Due = "due", Count, compare(1, "meetings due", Shown::Count);
    Held = "held", Count, compare(2, "meetings held", Shown::Count);
    HeldOnTime = "held_on_time", Count;
    HeldEarly = "held_early", Count;
    Waived = "waived", Count, compare(4, "waived", Shown::Count);
    Dropped = "dropped", Count, compare(5, "dropped (person left)", Shown::Count);
    Suspended = "suspended", Count, compare(6, "fell due in a suspension", Shown::Count);
    SuspendedExisting = "suspended_existing", Count;
    Owed = "owed", Count;
    OwedKept = "owed_kept", Count;
    ActiveStart = "active_start", Count;
    ActiveEnd = "active_end", Count;
    ActiveMean = "active_mean", Count;
    PendingStart = "pending_start", Count;
    PendingEnd = "pending_end", Count, compare(12, "pending at end", Shown::Count);
    OverdueStart = "overdue_start", Count;
    OverdueEnd = "overdue_end", Count, compare(11, "overdue at end", Shown::Count);
    BacklogPeak = "backlog_peak", Count, compare(7, "backlog peak (overdue)", Shown::Count);
    Capacity = "capacity", Count, compare(13, "capacity (meetings)", Shown::Count);
    Caseworkers = "caseworkers", Fte, compare(15, "caseworkers (FTE, mean)", Shown::Decimals(1));
    Utilisation = "utilisation", Share, compare(14, "capacity used", Shown::Share);
    OnTimeShare = "on_time_share", Share, compare(3, "held on time", Shown::Share);
    HeldEarlyShare = "held_early_share", Share;
    HeldPerPersonYear = "held_per_person_year", Ratio;
    MeetingsPerCaseworkerDay = "meetings_per_caseworker_day", Ratio,
        compare(16, "meetings per caseworker-day", Shown::Decimals(2));
    ActivePerCaseworker = "active_per_caseworker", Ratio,
        compare(17, "persons per caseworker", Shown::Decimals(1));
    BacklogPeakPerCaseworker = "backlog_peak_per_caseworker", Ratio;
    DaysToClear = "days_to_clear", Days, compare(9, "days to clear", Shown::Decimals(0));
}

/// How a metric's values read: what the workbook's number formats and the tables' rounding follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Meetings or persons.
    Count,
    /// A share between 0 and 1.
    Share,
    /// A ratio such as meetings per caseworker-day.
    Ratio,
    /// Caseworker full-time equivalents.
    Fte,
    /// A number of days.
    Days,
}

/// A metric's row in the `compare` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompareRow {
    /// The row's place from the top, counting from 1; the two dates take places 8 and 10 (see
    /// `report::compare`).
    pub place: u8,
    pub label: &'static str,
    pub shown: Shown,
}

/// How `compare` writes a metric's values and differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Rounded, with thousands separated.
    Count,
    /// In percent; differences in percentage points.
    Share,
    /// With this many decimals.
    Decimals(usize),
}

impl Metric {
    /// The metric of a name, if there is one.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Every name, comma-separated: what an error about an unknown metric lists.
    pub fn names() -> String {
        Metric::ALL.map(Metric::name).join(", ")
    }

    /// Metrics of a municipality's staff, not defined for a benefit group.
    pub const fn is_staff(self) -> bool {
        matches!(
            self,
            Metric::Capacity
                | Metric::Caseworkers
                | Metric::Utilisation
                | Metric::MeetingsPerCaseworkerDay
                | Metric::ActivePerCaseworker
                | Metric::BacklogPeakPerCaseworker
        )
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What an `[[expect]]` figure is compared with: a summary metric, or the number of municipalities a
/// `[[timeliness]]` rule flags (`timeliness_flagged.ID`, per replication; the check takes its mean).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    Metric(Metric),
    TimelinessFlagged(String),
}

impl Figure {
    /// The prefix of a timeliness figure's name.
    pub const TIMELINESS_FLAGGED: &'static str = "timeliness_flagged.";

    /// The name as a scenario writes it.
    pub fn name(&self) -> String {
        match self {
            Figure::Metric(metric) => metric.name().to_string(),
            Figure::TimelinessFlagged(id) => format!("{}{id}", Figure::TIMELINESS_FLAGGED),
        }
    }

    /// The summary metric, if the figure is one.
    pub fn metric(&self) -> Option<Metric> {
        match self {
            Figure::Metric(metric) => Some(*metric),
            Figure::TimelinessFlagged(_) => None,
        }
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for Figure {
    /// As its name, so that a metric reads as it always has.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_metric_and_serde_agrees() {
        for metric in Metric::ALL {
            assert_eq!(Metric::from_name(metric.name()), Some(metric));
            assert_eq!(
                serde_json::to_value(metric).unwrap(),
                serde_json::Value::String(metric.name().to_string())
            );
        }
        let mut names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
        assert_eq!(Metric::from_name("backlog"), None);
    }
}
