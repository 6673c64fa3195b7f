//! The one vocabulary of summary metrics. summary.json's keys, the columns of the tidy tables and of a sweep,
//! the rows of `compare`, the `metric` of an `[[expect]]` table and the metric of `--target` are all [`Metric`]s,
//! so code that names a metric that does not exist does not compile, and text that does is refused with the list
//! of the metrics that do.
//!
//! This module depends on nothing else in the crate, so both the scenario loader and the summary can use it.

use serde::{Deserialize, Serialize};

/// A numeric summary metric of a selection of a run (see docs/outputs.md for each one's meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Arrivals,
    Exits,
    Due,
    Held,
    HeldOnTime,
    Waived,
    Dropped,
    Suspended,
    SuspendedExisting,
    Owed,
    OwedKept,
    ActiveStart,
    ActiveEnd,
    ActiveMean,
    PendingStart,
    PendingEnd,
    OverdueStart,
    OverdueEnd,
    BacklogPeak,
    Capacity,
    Caseworkers,
    Utilisation,
    OnTimeShare,
    MeetingsPerCaseworkerDay,
    ActivePerCaseworker,
    DaysToClear,
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

impl Metric {
    /// Every metric, in report order.
    pub const ALL: [Metric; 26] = [
        Metric::Arrivals,
        Metric::Exits,
        Metric::Due,
        Metric::Held,
        Metric::HeldOnTime,
        Metric::Waived,
        Metric::Dropped,
        Metric::Suspended,
        Metric::SuspendedExisting,
        Metric::Owed,
        Metric::OwedKept,
        Metric::ActiveStart,
        Metric::ActiveEnd,
        Metric::ActiveMean,
        Metric::PendingStart,
        Metric::PendingEnd,
        Metric::OverdueStart,
        Metric::OverdueEnd,
        Metric::BacklogPeak,
        Metric::Capacity,
        Metric::Caseworkers,
        Metric::Utilisation,
        Metric::OnTimeShare,
        Metric::MeetingsPerCaseworkerDay,
        Metric::ActivePerCaseworker,
        Metric::DaysToClear,
    ];

    /// The metric's name in every file and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Metric::Arrivals => "arrivals",
            Metric::Exits => "exits",
            Metric::Due => "due",
            Metric::Held => "held",
            Metric::HeldOnTime => "held_on_time",
            Metric::Waived => "waived",
            Metric::Dropped => "dropped",
            Metric::Suspended => "suspended",
            Metric::SuspendedExisting => "suspended_existing",
            Metric::Owed => "owed",
            Metric::OwedKept => "owed_kept",
            Metric::ActiveStart => "active_start",
            Metric::ActiveEnd => "active_end",
            Metric::ActiveMean => "active_mean",
            Metric::PendingStart => "pending_start",
            Metric::PendingEnd => "pending_end",
            Metric::OverdueStart => "overdue_start",
            Metric::OverdueEnd => "overdue_end",
            Metric::BacklogPeak => "backlog_peak",
            Metric::Capacity => "capacity",
            Metric::Caseworkers => "caseworkers",
            Metric::Utilisation => "utilisation",
            Metric::OnTimeShare => "on_time_share",
            Metric::MeetingsPerCaseworkerDay => "meetings_per_caseworker_day",
            Metric::ActivePerCaseworker => "active_per_caseworker",
            Metric::DaysToClear => "days_to_clear",
        }
    }

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
        )
    }

    pub const fn kind(self) -> Kind {
        match self {
            Metric::Utilisation | Metric::OnTimeShare => Kind::Share,
            Metric::MeetingsPerCaseworkerDay | Metric::ActivePerCaseworker => Kind::Ratio,
            Metric::Caseworkers => Kind::Fte,
            Metric::DaysToClear => Kind::Days,
            _ => Kind::Count,
        }
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
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
