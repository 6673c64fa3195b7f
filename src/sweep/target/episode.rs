//! Targets counted in a suspension's episode: `days_to_clear` and `backlog_cleared_date`, of the first episode in
//! the window, or of one suspension's named by its id after a dot (`days_to_clear.winter<=60`, the dot of the
//! `--set` keys, `suspensions.winter.end`). A suspension without an id is named by its place in the list,
//! `days_to_clear.[1]`.
//!
//! An episode ends where the next suspension starts (crate::summary::episodes), so a target on the second
//! suspension is counted from its own end, and one on the first is not met by a clearing that only comes after
//! the second. A backlog that clears and then rises again before the next suspension breaks no such target:
//! [`Target::returns`] finds it, for the warning that daily-level targets get when they break after `--by`.

use super::{Break, Condition, Level, Target};
use crate::engine::metrics::Series;
use crate::error::InputError;
use crate::scenario::Scenario;
use crate::summary::episodes::starting_in;
use crate::summary::{day_index, summarise, Episode, Selection};
use chrono::NaiveDate;

/// The episode a target counts, found in the scenario when the target is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// The suspension's id (as the outputs name its episode).
    pub id: String,
    /// The suspension's index in the scenario.
    pub index: usize,
    /// The next suspension starting in the window, with its first day: where the episode ends.
    pub next: Option<(String, NaiveDate)>,
}

/// `METRIC.ID` as the metric's name and the episode's id; a name without a dot has no episode.
pub fn split(written: &str) -> Result<(&str, Option<String>), String> {
    match written.split_once('.') {
        None => Ok((written, None)),
        Some((name, id)) if !id.trim().is_empty() => Ok((name.trim(), Some(id.trim().to_string()))),
        Some((name, _)) => Err(format!(
            "`{written}`: give a suspension's id after the dot, e.g. {}.spring",
            name.trim()
        )),
    }
}

impl Counted {
    /// The episode `condition` counts up to `by`: the one it names, or the first of a suspension starting
    /// between the scenario's start and `by`; `None` for a condition not counted in an episode, or when no
    /// suspension starts in the window (the caller says so).
    pub fn of(
        scenario: &Scenario,
        condition: &Condition,
        by: NaiveDate,
    ) -> Result<Option<Counted>, InputError> {
        if !condition.measure.from_suspension() {
            return Ok(None);
        }
        let mut window: Vec<usize> = (0..scenario.suspensions.len())
            .filter(|&i| (scenario.start..=by).contains(&scenario.suspensions[i].start))
            .collect();
        window.sort_by_key(|&i| scenario.suspensions[i].start);
        let place = match &condition.episode {
            None => match window.first() {
                Some(_) => 0,
                None => return Ok(None),
            },
            Some(id) => {
                let Some(index) = scenario.suspensions.iter().position(|s| &s.id == id) else {
                    let ids: Vec<&str> =
                        scenario.suspensions.iter().map(|s| s.id.as_str()).collect();
                    return Err(InputError::argument(
                        "--target",
                        format!(
                            "`{}` has no suspension `{id}` (suspensions: {})",
                            scenario.name,
                            if ids.is_empty() {
                                "none".to_string()
                            } else {
                                ids.join(", ")
                            }
                        ),
                    ));
                };
                match window.iter().position(|&i| i == index) {
                    Some(place) => place,
                    None => {
                        return Err(InputError::argument(
                            "--target",
                            format!(
                                "suspension `{id}` starts on {}, outside the window {} to {by}; give a later --by",
                                scenario.suspensions[index].start, scenario.start
                            ),
                        ))
                    }
                }
            }
        };
        let index = window[place];
        Ok(Some(Counted {
            id: scenario.suspensions[index].id.clone(),
            index,
            next: window.get(place + 1).map(|&i| {
                let next = &scenario.suspensions[i];
                (next.id.clone(), next.start)
            }),
        }))
    }
}

impl Target {
    /// The counted episode in one run, over the period up to `--by`.
    pub(super) fn counted(&self, scenario: &Scenario, series: &Series) -> Option<Episode> {
        let counted = self.episode.as_ref()?;
        let whole = Selection::whole(series);
        let to = day_index(series, self.by).unwrap_or(whole.to);
        summarise(scenario, series, Selection { to, ..whole })
            .episodes
            .into_iter()
            .find(|episode| episode.id == counted.id)
    }

    /// Where the counted episode's backlog, cleared by `--by`, first rises above the level it cleared to again
    /// before the episode ends over the whole run (the next suspension's start, after `--by` too, or the run's
    /// end), with the backlog at its highest from then on; `None` when it stays cleared or never cleared.
    pub(super) fn returns(&self, scenario: &Scenario, series: &Series) -> Option<Break> {
        let counted = self.episode.as_ref()?;
        let episode = self.counted(scenario, series)?;
        let cleared = episode.backlog_cleared_date?;
        let last_day = series.days - 1;
        let windows = starting_in(
            scenario,
            |date| day_index(series, date),
            last_day,
            (0, last_day),
        );
        let place = windows.iter().position(|&(i, _, _)| i == counted.index)?;
        let last = windows
            .get(place + 1)
            .map_or(last_day, |&(_, next_start, _)| next_start - 1);
        let overdue = |day: usize| Level::Overdue.on(series, day);
        let first = (day_index(series, cleared)? + 1..=last)
            .find(|&day| overdue(day) > episode.backlog_before)?;
        Some(Break {
            date: series.date(first),
            worst: (first..=last)
                .map(overdue)
                .fold(f64::NEG_INFINITY, f64::max),
            cleared: Some((cleared, episode.backlog_before)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_episode_is_named_after_a_dot() {
        assert_eq!(split("days_to_clear"), Ok(("days_to_clear", None)));
        assert_eq!(
            split("days_to_clear.winter"),
            Ok(("days_to_clear", Some("winter".to_string())))
        );
        assert!(split("days_to_clear.").is_err());
        let c = Condition::parse("days_to_clear.winter <= 60").unwrap();
        assert_eq!(c.episode.as_deref(), Some("winter"));
        assert_eq!(c.to_string(), "days_to_clear.winter<=60");
        assert_eq!(c.metric(), None, "not the first episode's reported column");
        let c = Condition::parse("backlog_cleared_date.[1]<=2021-04-01").unwrap();
        assert_eq!(c.to_string(), "backlog_cleared_date.[1]<=2021-04-01");
        assert!(Condition::parse("overdue_end.winter<=0").is_err());
    }
}
