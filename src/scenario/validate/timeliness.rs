//! `[[timeliness]]`: rules that flag a municipality whose share of meetings held on time stays below a threshold
//! for some months in a row (docs/model.md, "Timeliness").

use super::{check_ids, Checker};
use crate::scenario::model::*;
use crate::scenario::raw::*;
use chrono::NaiveDate;

/// The most consecutive periods a rule may ask for: ten years of months.
const MAX_PERIODS: u32 = 120;

pub(super) fn rules(
    raw: &RawScenario,
    groups: &[Group],
    check: &mut Checker,
) -> Vec<TimelinessRule> {
    check_ids(
        check,
        "timeliness",
        "timeliness rule",
        raw.timeliness.iter().map(|r| Some(r.id.as_str())),
    );
    let mut rules = Vec::new();
    for (i, r) in raw.timeliness.iter().enumerate() {
        let key = format!("timeliness[{i}]");
        let mut indices = Vec::new();
        for (j, id) in r.groups.iter().flatten().enumerate() {
            match groups.iter().position(|g| &g.id == id) {
                Some(index) if !indices.contains(&index) => indices.push(index),
                Some(_) => check.err(
                    format!("{key}.groups[{j}]"),
                    format!("group `{id}` is listed twice"),
                ),
                None => check.err(
                    format!("{key}.groups[{j}]"),
                    format!(
                        "group `{id}` does not exist (groups: {})",
                        groups
                            .iter()
                            .map(|g| g.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        if r.groups.as_ref().is_some_and(Vec::is_empty) {
            check.err(
                format!("{key}.groups"),
                "is empty; list the groups whose meetings count, or leave the key out for all groups",
            );
        }
        indices.sort_unstable();
        let measure = match r.measure.as_str() {
            "monthly" => Some(TimelinessMeasure::Monthly),
            "rolling12" => Some(TimelinessMeasure::Rolling12),
            other => {
                check.err(
                    format!("{key}.measure"),
                    format!("`{other}` is not a measure; use \"monthly\" or \"rolling12\""),
                );
                None
            }
        };
        check.number(&format!("{key}.threshold"), r.threshold, 0.0, 1.0);
        if r.periods == 0 || r.periods > MAX_PERIODS {
            check.err(
                format!("{key}.periods"),
                format!(
                    "must be between 1 and {MAX_PERIODS} (consecutive months), got {}",
                    r.periods
                ),
            );
        }
        let mut exclude = Vec::new();
        for (j, text) in r.exclude.iter().enumerate() {
            match months(text) {
                Ok(list) => exclude.extend(list),
                Err(message) => check.err(format!("{key}.exclude[{j}]"), message),
            }
        }
        exclude.sort_unstable();
        exclude.dedup();
        if let Some(measure) = measure {
            rules.push(TimelinessRule {
                id: r.id.clone(),
                label: r.label.clone(),
                label_da: r.label_da.clone(),
                groups: indices,
                measure,
                threshold: r.threshold,
                periods: r.periods,
                exclude,
                source: r.source.clone(),
                source_da: r.source_da.clone(),
            });
        }
    }
    rules
}

/// The first days of the months `text` names: one month (`2020-03`) or a range of them (`2020-03..2020-06`).
fn months(text: &str) -> Result<Vec<NaiveDate>, String> {
    let (first, last) = match text.split_once("..") {
        Some((first, last)) => (month(first.trim())?, month(last.trim())?),
        None => {
            let one = month(text.trim())?;
            (one, one)
        }
    };
    if last < first {
        return Err(format!("`{text}`: the range ends before it starts"));
    }
    let mut out = Vec::new();
    let mut month = first;
    while month <= last {
        out.push(month);
        month = month + chrono::Months::new(1);
    }
    Ok(out)
}

fn month(text: &str) -> Result<NaiveDate, String> {
    let wrong = || {
        format!(
            "`{text}` is not a month; write one as \"2020-03\" or a range as \"2020-03..2020-06\""
        )
    };
    let (year, month) = text.split_once('-').ok_or_else(wrong)?;
    if year.len() != 4 || month.len() != 2 {
        return Err(wrong());
    }
    let year: i32 = year.parse().map_err(|_| wrong())?;
    let month: u32 = month.parse().map_err(|_| wrong())?;
    if !(1900..=2200).contains(&year) {
        return Err(format!("`{text}`: the year must be between 1900 and 2200"));
    }
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(wrong)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_of_months_lists_each_month_once_across_a_new_year() {
        let list = months("2020-11..2021-02").unwrap();
        let shown: Vec<String> = list.iter().map(|d| d.format("%Y-%m").to_string()).collect();
        assert_eq!(shown, ["2020-11", "2020-12", "2021-01", "2021-02"]);
        assert_eq!(months("2020-03").unwrap().len(), 1);
        assert!(months("2020-3").is_err());
        assert!(months("2020-13").is_err());
        assert!(months("2020-06..2020-03").is_err());
    }
}
