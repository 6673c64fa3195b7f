//! The columns of the municipality file and of the data files: their declarations checked against the files'
//! headers, and their values read by municipality code. What the values then drive is decided in
//! `municipalities`.

use super::checker::Checker;
use super::limits::MAX_PERSONS;
use super::model::Group;
use super::municipality_file::CsvTable;
use super::raw::{ColumnUse, RawColumn};
use crate::error::Problem;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A declared column with its values by municipality code.
pub(super) struct Column<'a> {
    /// The scenario key that declares it, e.g. `municipalities.columns.rate`.
    pub key: String,
    pub name: String,
    pub spec: &'a RawColumn,
    pub table: usize,
    /// Group indices it drives.
    pub groups: Vec<usize>,
    pub values: HashMap<u32, f64>,
}

/// Checks the declarations against the files' headers: every column is declared or named by a declaration, every
/// declaration names a column, groups exist, and only a surge has a window.
pub(super) fn declared_columns<'a>(
    tables: &[(CsvTable, &'a BTreeMap<String, RawColumn>, String)],
    groups: &mut [Group],
    check: &mut Checker,
    period: (NaiveDate, NaiveDate),
) -> Vec<Column<'a>> {
    let mut columns = Vec::new();
    // (group, what) -> the column that drives it, to refuse two columns driving the same thing.
    let mut drivers: HashMap<(usize, &str), String> = HashMap::new();
    for (t, (table, declared, prefix)) in tables.iter().enumerate() {
        let is_main = prefix == "municipalities.columns";
        let reserved: &[&str] = if is_main {
            &["code", "name", "population"]
        } else {
            &["code"]
        };
        let file_key = if is_main {
            "municipalities.file".to_string()
        } else {
            prefix.replace(".columns", ".file")
        };
        if table.column("code").is_none() {
            check.extra.push(Problem {
                location: Some(crate::error::Location {
                    file: table.path.clone(),
                    line_col: Some((1, 1)),
                }),
                key: file_key.clone(),
                message:
                    "has no `code` column (the municipality code joins it to the municipalities)"
                        .to_string(),
            });
            continue;
        }
        let mut named: HashSet<&str> = HashSet::new();
        for (name, spec) in declared.iter() {
            named.insert(name);
            named.extend(spec.times.as_deref());
            named.extend(spec.over.as_deref());
        }
        for (field, header) in table.headers.iter().enumerate() {
            if !reserved.contains(&header.as_str()) && !named.contains(header.as_str()) {
                check.extra.push(table.problem(
                    None,
                    field,
                    &file_key,
                    format!(
                        "column `{header}` is not declared: add `{header} = {{ use = \"...\" }}` to `{prefix}` (use = \"ignore\" if nothing should read it)"
                    ),
                ));
            }
        }
        for (name, spec) in declared.iter() {
            let key = format!("{prefix}.{name}");
            if reserved.contains(&name.as_str()) {
                check.err(
                    &key,
                    format!("`{name}` is read by every scenario and cannot be declared"),
                );
                continue;
            }
            let mut ok = true;
            for (what, column) in [
                ("", Some(name)),
                (".times", spec.times.as_ref()),
                (".over", spec.over.as_ref()),
            ] {
                if let Some(column) = column {
                    if table.column(column).is_none() {
                        check.err(
                            format!("{key}{what}"),
                            format!("{} has no column `{column}`", table.path.display()),
                        );
                        ok = false;
                    }
                }
            }
            let needs_groups = !matches!(
                spec.use_as,
                ColumnUse::Ignore | ColumnUse::Caseworkers | ColumnUse::AkasseCaseworkers
            );
            if needs_groups && spec.groups.is_empty() {
                check.err(
                    format!("{key}.groups"),
                    "is required: the group ids this column drives",
                );
                ok = false;
            } else if !needs_groups && !spec.groups.is_empty() {
                check.err(
                    format!("{key}.groups"),
                    format!("does not apply to use = \"{}\"", use_name(spec.use_as)),
                );
                ok = false;
            }
            let mut group_indices = Vec::new();
            for (j, id) in spec.groups.iter().enumerate() {
                match groups.iter().position(|g| &g.id == id) {
                    Some(g) => group_indices.push(g),
                    None => {
                        check.err(
                            format!("{key}.groups[{j}]"),
                            format!("group `{id}` does not exist"),
                        );
                        ok = false;
                    }
                }
            }
            ok = surge_window(check, &key, spec, period, groups, &group_indices, ok);
            for &g in &group_indices {
                for what in drives(spec.use_as) {
                    if let Some(other) = drivers.insert((g, what), key.clone()) {
                        check.err(
                            &key,
                            format!(
                                "the {what} of group `{}` is already driven by `{other}`",
                                groups[g].id
                            ),
                        );
                        ok = false;
                    }
                }
            }
            if spec.use_as == ColumnUse::Caseworkers {
                if let Some(other) = drivers.insert((usize::MAX, "caseworkers"), key.clone()) {
                    check.err(&key, format!("caseworkers are already given by `{other}`"));
                    ok = false;
                }
            }
            if spec.use_as == ColumnUse::AkasseCaseworkers {
                if let Some(other) = drivers.insert((usize::MAX, "akasse_caseworkers"), key.clone())
                {
                    check.err(
                        &key,
                        format!("a-kasse caseworkers are already given by `{other}`"),
                    );
                    ok = false;
                }
            }
            if ok && spec.use_as != ColumnUse::Ignore {
                columns.push(Column {
                    key,
                    name: name.clone(),
                    spec,
                    table: t,
                    groups: group_indices,
                    values: HashMap::new(),
                });
            }
        }
    }
    columns
}

/// The window of a surge column (`from`, `to`, inside the period and in order), given to its groups when the
/// column is otherwise sound (`ok`); and that no other use has one. Returns whether the column is still sound.
fn surge_window(
    check: &mut Checker,
    key: &str,
    spec: &RawColumn,
    period: (NaiveDate, NaiveDate),
    groups: &mut [Group],
    group_indices: &[usize],
    mut ok: bool,
) -> bool {
    let surge = spec.use_as == ColumnUse::Surge;
    match (surge, spec.from, spec.to) {
        // A surge over before the period (one of a base whose `start` this scenario moved past) is no surge: the
        // inflow on the first day is the base's rate in force then.
        (true, Some(from), Some(to)) if to.0 < period.0 && from.0 <= to.0 => {}
        (true, Some(from), Some(to)) => {
            let (start, end) = period;
            let inside = check.date_in(&format!("{key}.from"), from.0, start, end, "period")
                & check.date_in(&format!("{key}.to"), to.0, start, end, "period");
            if inside && to.0 < from.0 {
                check.err(
                    format!("{key}.to"),
                    format!("{} is before from {}", to.0, from.0),
                );
                ok = false;
            }
            if ok && inside {
                for &g in group_indices {
                    groups[g].surge = Some((from.0, to.0));
                }
            }
        }
        (true, _, _) => {
            check.err(
                key,
                "a surge needs `from` and `to`: the window in which the rise of the inflow is shared out",
            );
            ok = false;
        }
        (false, None, None) => {}
        (false, _, _) => {
            check.err(
                key,
                format!(
                    "`from` and `to` apply only to use = \"surge\", not \"{}\"",
                    use_name(spec.use_as)
                ),
            );
            ok = false;
        }
    }
    ok
}

/// What a column use drives, for refusing two drivers of the same figure (weights and counts of one group may be
/// combined: a count replaces the allocated figure where it is given).
fn drives(use_as: ColumnUse) -> &'static [&'static str] {
    match use_as {
        ColumnUse::Weight => &["stock allocation", "inflow allocation"],
        ColumnUse::StockWeight => &["stock allocation"],
        ColumnUse::InflowWeight => &["inflow allocation"],
        ColumnUse::Stock => &["stock count"],
        ColumnUse::Inflow => &["inflow count"],
        ColumnUse::Surge => &["surge"],
        ColumnUse::Ignore | ColumnUse::Caseworkers | ColumnUse::AkasseCaseworkers => &[],
    }
}

fn use_name(use_as: ColumnUse) -> &'static str {
    match use_as {
        ColumnUse::Ignore => "ignore",
        ColumnUse::Weight => "weight",
        ColumnUse::StockWeight => "stock_weight",
        ColumnUse::InflowWeight => "inflow_weight",
        ColumnUse::Stock => "stock",
        ColumnUse::Inflow => "inflow",
        ColumnUse::Surge => "surge",
        ColumnUse::Caseworkers => "caseworkers",
        ColumnUse::AkasseCaseworkers => "akasse_caseworkers",
    }
}

/// Reads a declared column's values by code: numbers of 0 or more, times/over applied. Returns false on a
/// problem (all of them are reported).
pub(super) fn read_values(
    table: &CsvTable,
    column: &mut Column,
    codes: &HashSet<u32>,
    check: &mut Checker,
) -> bool {
    let key = column.key.clone();
    let code_field = table.column("code").expect("checked by declared_columns");
    let field = table
        .column(&column.name)
        .expect("checked by declared_columns");
    let times = column.spec.times.as_deref().and_then(|c| table.column(c));
    let over = column.spec.over.as_deref().and_then(|c| table.column(c));
    let mut ok = true;
    let mut lines: HashMap<u32, usize> = HashMap::new();
    for row in 0..table.rows.len() {
        let code = match table.code(row, code_field, &key) {
            Ok(code) => code,
            Err(problem) => {
                check.extra.push(problem);
                ok = false;
                continue;
            }
        };
        if !codes.contains(&code) {
            check.extra.push(table.problem(
                Some(row),
                code_field,
                &key,
                format!("municipality code {code} is not a municipality of this scenario"),
            ));
            ok = false;
            continue;
        }
        let line = table.position(Some(row), code_field).0;
        if let Some(first) = lines.insert(code, line) {
            // The municipality file's own duplicates are reported once, by `file_members`.
            if !key.starts_with("municipalities.columns.") {
                check.extra.push(table.problem(
                    Some(row),
                    code_field,
                    &key,
                    format!("municipality code {code} appears twice (first on line {first})"),
                ));
            }
            ok = false;
            continue;
        }
        let mut value = match table.number(row, field, &key) {
            Ok(v) => v,
            Err(problem) => {
                check.extra.push(problem);
                ok = false;
                continue;
            }
        };
        if let Some(times) = times {
            match table.number(row, times, &key) {
                Ok(v) => value *= v,
                Err(problem) => {
                    check.extra.push(problem);
                    ok = false;
                    continue;
                }
            }
        }
        if let Some(over) = over {
            match table.number(row, over, &key) {
                Ok(v) if v > 0.0 => value /= v,
                Ok(_) => {
                    check.extra.push(table.problem(
                        Some(row),
                        over,
                        &key,
                        format!(
                            "column `{}`: 0 cannot divide `{}`",
                            table.headers[over], column.name
                        ),
                    ));
                    ok = false;
                    continue;
                }
                Err(problem) => {
                    check.extra.push(problem);
                    ok = false;
                    continue;
                }
            }
        }
        if let Some((most, what)) = most_of(column.spec.use_as) {
            if value.is_nan() || value > most {
                check.extra.push(table.problem(
                    Some(row),
                    field,
                    &key,
                    format!(
                        "column `{}`: {} is above {}, the most {what}",
                        column.name,
                        shown(value),
                        shown(most)
                    ),
                ));
                ok = false;
                continue;
            }
        } else if !value.is_finite() {
            check.extra.push(table.problem(
                Some(row),
                field,
                &key,
                format!("column `{}`: the value overflows a number", column.name),
            ));
            ok = false;
            continue;
        }
        column.values.insert(code, value);
    }
    ok
}

/// The largest value a column of this use may hold: the bound of the scenario key it stands for, so that a value
/// from a file is held to the same rule as the same value in TOML. Weights have no bound of their own (their sum
/// is checked when they are shared out).
fn most_of(use_as: ColumnUse) -> Option<(f64, &'static str)> {
    match use_as {
        ColumnUse::Caseworkers => Some((
            1e6,
            "caseworker FTE of one municipality (as `municipalities.adjust.caseworkers`)",
        )),
        ColumnUse::AkasseCaseworkers => Some((
            1e6,
            "a-kasse caseworker FTE of one municipality (as `akasse.caseworkers`)",
        )),
        ColumnUse::Stock => Some((
            MAX_PERSONS,
            "persons of a group (as `groups.initial_stock`)",
        )),
        ColumnUse::Inflow => Some((1e6, "new spells a day (as `groups.inflow_per_day`)")),
        ColumnUse::Surge => Some((1000.0, "ratio (as `groups.inflow_factor`)")),
        ColumnUse::Ignore
        | ColumnUse::Weight
        | ColumnUse::StockWeight
        | ColumnUse::InflowWeight => None,
    }
}

/// A number for a message: plain up to 10^15, in scientific notation beyond.
fn shown(value: f64) -> String {
    if value.abs() < 1e15 {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}
