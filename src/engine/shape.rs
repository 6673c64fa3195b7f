//! The shape of a jobcentre's tables: what their sizes follow from, so that a spare jobcentre is lent only to
//! a run of the same shape.

use super::calendar::Day;
use super::rules::Rules;

/// What the sizes of a jobcentre's per-day and per-group tables follow from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Shape {
    pub(super) groups: usize,
    pub(super) classes: usize,
    pub(super) queue_days: usize,
    pub(super) buckets: usize,
    pub(super) horizon: Day,
    /// Per group: its evenly paced catch-up rules.
    pub(super) release_rules: Vec<usize>,
    /// With an a-kasse side: per group, its takeovers (the a-kasse side's tables follow from them).
    pub(super) akasse: Option<Vec<usize>>,
}

impl Shape {
    pub(super) fn of(rules: &Rules) -> Self {
        Shape {
            groups: rules.groups(),
            classes: rules.classes,
            queue_days: rules.queue_days,
            buckets: rules.buckets,
            horizon: rules.horizon,
            release_rules: rules
                .plans
                .iter()
                .map(|plan| plan.release_days.len())
                .collect(),
            akasse: rules
                .has_akasse()
                .then(|| rules.takeovers.iter().map(Vec::len).collect()),
        }
    }
}
