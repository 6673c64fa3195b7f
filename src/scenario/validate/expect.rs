//! `[[expect]]`: published figures a run is compared with, and the checks of metric names, groups and windows
//! that `[[expect_municipalities]]` shares.

use super::{relative_to_declaring_file, Checker};
use crate::metric::{Figure, Metric};
use crate::scenario::checker::{groups_and_window, metric_named};
use crate::scenario::limits::{MAX_EXPECTED_VALUE, MAX_EXPECT_SCALE};
use crate::scenario::model::*;
use crate::scenario::raw::*;
use crate::scenario::Sources;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub(super) fn expectations(
    raw: &RawScenario,
    municipalities: &[Municipality],
    groups: &[Group],
    check: &mut Checker,
    sources: &Sources,
    (start, end): (NaiveDate, NaiveDate),
    first_suspension: Option<NaiveDate>,
) -> Vec<Expectation> {
    let mut out = Vec::new();
    for (i, e) in raw.expect.iter().enumerate() {
        let key = format!("expect[{i}]");
        let role = role(check, &key, e, first_suspension, start, end);
        let timeliness = e.metric.strip_prefix(Figure::TIMELINESS_FLAGGED);
        let metric = match timeliness {
            Some(id) => {
                timeliness_figure(raw, e, &key, id, check);
                None
            }
            None => metric_named(check, &format!("{key}.metric"), &e.metric),
        };
        if let Some(code) = e.municipality {
            if check.municipalities_complete && !municipalities.iter().any(|m| m.code == code) {
                check.err(
                    format!("{key}.municipality"),
                    format!("municipality {code} is not in this scenario"),
                );
            }
        }
        let (group_indices, from, to) = groups_and_window(
            check,
            &key,
            e.groups.iter().flatten(),
            groups,
            (e.from, e.to),
            (start, end),
        );
        check.number(
            &format!("{key}.value"),
            e.value,
            -MAX_EXPECTED_VALUE,
            MAX_EXPECTED_VALUE,
        );
        // A relative error from 0 is undefined, so for a value of 0 the tolerance is absolute, in the metric's
        // units (after `scale`).
        let most = if e.value == 0.0 {
            MAX_EXPECTED_VALUE
        } else {
            1.0
        };
        check.positive(&format!("{key}.tolerance"), e.tolerance, most);
        check.positive(&format!("{key}.scale"), e.scale, MAX_EXPECT_SCALE);
        let like_for_like = e.like_for_like.as_ref().map(|l| {
            let metric = match &l.metric {
                Some(name) => {
                    let named = Metric::from_name(name);
                    if named.is_none() {
                        check.err(
                            format!("{key}.like_for_like.metric"),
                            format!("unknown metric `{name}` (metrics: {})", Metric::names()),
                        );
                    }
                    named
                }
                None => metric,
            };
            let scenario = l.scenario.as_ref().map(|written| {
                let skey = format!("{key}.like_for_like.scenario");
                let path = lexically_normal(&relative_to_declaring_file(sources, &skey, written));
                if !path.is_file() {
                    check.err(skey, format!("{} is not a file", path.display()));
                }
                path
            });
            (l.definition.clone(), metric, scenario)
        });
        // An unknown metric is reported above; the scenario is refused, so the expectation is not needed.
        let figure = match (metric, timeliness) {
            (Some(metric), _) => Figure::Metric(metric),
            (None, Some(id)) => Figure::TimelinessFlagged(id.to_string()),
            (None, None) => continue,
        };
        let like_for_like = match like_for_like {
            Some((definition, Some(metric), scenario)) => Some(LikeForLike {
                definition,
                metric,
                scenario,
            }),
            Some((_, None, _)) => continue,
            None => None,
        };
        out.push(Expectation {
            figure: e.figure.clone(),
            source: e.source.clone(),
            danish: crate::scenario::model::DanishFigure {
                figure: e.figure_da.clone(),
                source: e.source_da.clone(),
                known_miss: e.known_miss_da.clone(),
            },
            published: e.published.clone(),
            value: e.value,
            tolerance: e.tolerance,
            metric: figure,
            municipality: e.municipality,
            groups: group_indices,
            from,
            to,
            scale: e.scale,
            known_miss: e.known_miss.clone(),
            definition: e.definition.clone(),
            like_for_like,
            role,
            known_before: e.known_before.clone(),
        });
    }
    out
}

/// Checks an expectation on `timeliness_flagged.ID`: the rule exists, and nothing narrows the count, which is
/// over every municipality, the rule's groups and the whole period.
fn timeliness_figure(
    raw: &RawScenario,
    e: &RawExpectation,
    key: &str,
    id: &str,
    check: &mut Checker,
) {
    if !raw.timeliness.iter().any(|r| r.id == id) {
        let ids: Vec<&str> = raw.timeliness.iter().map(|r| r.id.as_str()).collect();
        check.err(
            format!("{key}.metric"),
            format!(
                "`{}` names no [[timeliness]] rule of this scenario (rules: {})",
                e.metric,
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            ),
        );
    }
    let narrowed = [
        ("municipality", e.municipality.is_some()),
        ("groups", e.groups.is_some()),
        ("from", e.from.is_some()),
        ("to", e.to.is_some()),
        ("like_for_like", e.like_for_like.is_some()),
    ];
    for (name, given) in narrowed {
        if given {
            check.err(
                format!("{key}.{name}"),
                "does not apply to a count of flagged municipalities, which is over every municipality, the rule's groups and the whole period",
            );
        }
    }
}

/// The expectation's `use`, checked: a calibration target must be a figure known before the outcome, so one
/// whose period ends after the first suspension began needs `known_before` with the reason.
fn role(
    check: &mut Checker,
    key: &str,
    e: &RawExpectation,
    first_suspension: Option<NaiveDate>,
    start: NaiveDate,
    end: NaiveDate,
) -> Role {
    let role = match e.role.as_deref() {
        None | Some("validate") => Role::Validate,
        Some("calibrate") => Role::Calibrate,
        Some(other) => {
            check.err(
                format!("{key}.use"),
                format!("unknown use `{other}`: \"calibrate\" (a figure the inputs are fitted to) or \"validate\" (a figure that judges the model)"),
            );
            return Role::Validate;
        }
    };
    match (role, &e.known_before) {
        (Role::Validate, Some(_)) => check.err(
            format!("{key}.known_before"),
            "only a calibration target (use = \"calibrate\") says why it was known before the outcome",
        ),
        (Role::Calibrate, Some(reason)) if reason.trim().is_empty() => check.err(
            format!("{key}.known_before"),
            "must give the reason the figure was known before the outcome",
        ),
        (Role::Calibrate, None) => {
            let to = e.to.map_or(end, |d| d.0).clamp(start, end);
            if let Some(first) = first_suspension.filter(|first| to >= *first) {
                check.err(
                    format!("{key}.use"),
                    format!("a calibration target must be a figure known before the outcome, but its period ends {to}, after the first suspension began ({first}); give known_before with the reason it was known, or use = \"validate\""),
                );
            }
        }
        _ => {}
    }
    role
}

/// `a/b/../c` as `a/c`, without touching the file system, so that one file reached through different
/// `extends` chains has one name.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lexically_normal;
    use std::path::Path;

    #[test]
    fn lexically_normal_folds_parent_and_current_components() {
        let cases = [
            ("scenarios/readings/../dk2020.toml", "scenarios/dk2020.toml"),
            ("./a/./b.toml", "a/b.toml"),
            ("../a/b.toml", "../a/b.toml"),
            ("a/../../b.toml", "../b.toml"),
            ("/x/../y.toml", "/y.toml"),
        ];
        for (written, normal) in cases {
            assert_eq!(
                lexically_normal(Path::new(written)),
                Path::new(normal),
                "{written}"
            );
        }
    }
}
