//! The municipalities of a scenario and what each of them gets of the national stocks, flows and staff.
//!
//! By default a municipality gets its population share of every national figure. Columns of the municipality
//! file, or of data files joined to it on `code`, can drive a group's allocation instead: as weights (the
//! national figure shared out in proportion, so the national total is kept), as counts (the municipality's own
//! figure), as a surge (the rise of the inflow in a window shared out in proportion, again keeping the national
//! total), or as caseworker FTE. Every column must be declared, so a column that nothing reads is never silently
//! taken for data.

use super::checker::{relative_to_declaring_file, Checker};
use super::limits::{
    MAX_FACTOR, MAX_MUNICIPALITIES, MAX_MUNICIPALITY_CASEWORKERS, MAX_POPULATION,
    MAX_REFERENCE_POPULATION,
};
use super::model::{Group, Municipality};
use super::municipality_columns::{declared_columns, read_values, Column};
use super::municipality_file::CsvTable;
use super::raw::{CaseworkersBy, ColumnUse, RawColumn, RawMunicipalities, RawStaffing};
use super::{read_text, Sources};
use crate::error::Problem;
use chrono::NaiveDate;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One municipality before allocation, from the file (all rows, selected or not) or from `list`.
struct Member {
    code: u32,
    name: String,
    population: f64,
    /// Whether the scenario simulates it (`include` picks from the file; `list` entries always).
    selected: bool,
    inflow_factor: f64,
    caseworkers: Option<f64>,
}

/// Reads the municipality file and the data files, checks them against the column declarations and returns the
/// selected municipalities with their allocations. `groups` gain their surge windows.
pub(super) fn municipalities(
    raw: &RawMunicipalities,
    staffing: &RawStaffing,
    groups: &mut [Group],
    check: &mut Checker,
    sources: &mut Sources,
    period: (NaiveDate, NaiveDate),
) -> Vec<Municipality> {
    let reference = raw.reference_population;
    // A count of inhabitants: below 1 the population shares (and so inflow and staffing) explode.
    let reference_ok = check.number(
        "municipalities.reference_population",
        reference,
        1.0,
        MAX_REFERENCE_POPULATION,
    );
    let reference = if reference_ok { reference } else { 1.0 };

    let mut members: Vec<Member> = Vec::new();
    let mut tables: Vec<(CsvTable, &BTreeMap<String, RawColumn>, String)> = Vec::new();
    if let Some(file) = &raw.file {
        if let Some(table) = read_table(sources, check, "municipalities.file", file) {
            file_members(raw, &table, &mut members, check);
            tables.push((table, &raw.columns, "municipalities.columns".to_string()));
        }
    } else {
        if raw.include.is_some() {
            check.err(
                "municipalities.include",
                "needs `file`: it picks codes from the municipality file",
            );
        }
        if !raw.columns.is_empty() {
            check.err(
                "municipalities.columns",
                "needs `file`: it declares the columns of the municipality file",
            );
        }
    }
    for (i, m) in raw.list.iter().enumerate() {
        let key = format!("municipalities.list[{i}]");
        if m.name.trim().is_empty() {
            check.err(format!("{key}.name"), "must not be empty");
        }
        check.positive(&format!("{key}.population"), m.population, MAX_POPULATION);
        if let Some(factor) = m.inflow_factor {
            check.number(&format!("{key}.inflow_factor"), factor, 0.0, MAX_FACTOR);
        }
        if let Some(fte) = m.caseworkers {
            check.number(
                &format!("{key}.caseworkers"),
                fte,
                0.0,
                MAX_MUNICIPALITY_CASEWORKERS,
            );
        }
        if members.iter().any(|other| other.code == m.code) {
            check.err(
                key.clone(),
                format!("municipality code {} appears twice", m.code),
            );
        }
        members.push(Member {
            code: m.code,
            name: m.name.clone(),
            population: m.population,
            selected: true,
            inflow_factor: m.inflow_factor.unwrap_or(1.0),
            caseworkers: m.caseworkers,
        });
    }
    let selected = members.iter().filter(|m| m.selected).count();
    if selected > MAX_MUNICIPALITIES {
        check.err(
            "municipalities",
            format!("{selected} municipalities; the limit is {MAX_MUNICIPALITIES}"),
        );
        check.municipalities_complete = false;
        return Vec::new();
    }
    for (i, data) in raw.data.iter().enumerate() {
        let key = format!("municipalities.data[{i}].file");
        if let Some(table) = read_table(sources, check, &key, &data.file) {
            tables.push((
                table,
                &data.columns,
                format!("municipalities.data[{i}].columns"),
            ));
        }
    }
    adjust(raw, &mut members, check);
    if members.iter().all(|m| !m.selected) && check.extra.is_empty() {
        check.err("municipalities", "no municipalities: give `file` or `list`");
    }

    if !check.municipalities_complete {
        // Without the municipality file every code of a data file would be reported as unknown.
        return Vec::new();
    }
    let columns = declared_columns(&tables, groups, check, period);
    let codes: HashSet<u32> = members.iter().map(|m| m.code).collect();
    let mut columns_with_values = Vec::new();
    for mut column in columns {
        let (table, _, _) = &tables[column.table];
        if read_values(table, &mut column, &codes, check) {
            columns_with_values.push(column);
        }
    }
    no_row_for_the_scenario(&tables, &members, check);
    if !check.problems.is_empty() || !check.extra.is_empty() {
        // Shares are not worked out over bad inputs, so the list is incomplete: no "not in this scenario" later.
        check.municipalities_complete = false;
        return Vec::new();
    }
    allocate(
        raw,
        staffing,
        groups,
        &members,
        &columns_with_values,
        &tables,
        reference,
        check,
    )
}

pub(super) fn read_table(
    sources: &mut Sources,
    check: &mut Checker,
    key: &str,
    file: &str,
) -> Option<CsvTable> {
    let path = relative_to_declaring_file(sources, key, file);
    // A file that cannot be read at all is reported at the key that names it.
    let read = read_text(&path)
        .map_err(|e| {
            let reason = e.problems.into_iter().next().map(|p| p.message);
            let message = format!("{}: {}", path.display(), reason.unwrap_or_default());
            sources.locate(key, message)
        })
        .and_then(|text| {
            sources.hasher.update(text.as_bytes());
            CsvTable::read(&path, key, text)
        });
    match read {
        Ok(table) => Some(table),
        Err(problem) => {
            check.extra.push(problem);
            check.municipalities_complete = false;
            None
        }
    }
}

/// Every row of the municipality file, with `code`, `name` and `population`; `include` marks the selected ones.
fn file_members(
    raw: &RawMunicipalities,
    table: &CsvTable,
    members: &mut Vec<Member>,
    check: &mut Checker,
) {
    let key = "municipalities.file";
    let mut fields = Vec::new();
    for needed in ["code", "name", "population"] {
        match table.column(needed) {
            Some(field) => fields.push(field),
            None => {
                check.extra.push(Problem {
                    location: Some(crate::error::Location {
                        file: table.path.clone(),
                        line_col: Some((1, 1)),
                    }),
                    key: key.to_string(),
                    message: format!(
                        "has no `{needed}` column (columns needed: code, name, population)"
                    ),
                });
                check.municipalities_complete = false;
                return;
            }
        }
    }
    let (code_field, name_field, population_field) = (fields[0], fields[1], fields[2]);
    // An empty `include` takes every row, so that a scenario can undo the selection of the one it extends.
    let include: Option<HashSet<u32>> = raw
        .include
        .as_ref()
        .filter(|codes| !codes.is_empty())
        .map(|codes| codes.iter().copied().collect());
    let mut first_line: HashMap<u32, usize> = HashMap::new();
    for row in 0..table.rows.len() {
        let code = match table.code(row, code_field, key) {
            Ok(code) => code,
            Err(problem) => {
                check.extra.push(problem);
                check.municipalities_complete = false;
                continue;
            }
        };
        let line = table.position(Some(row), code_field).0;
        if let Some(first) = first_line.insert(code, line) {
            check.extra.push(table.problem(
                Some(row),
                code_field,
                key,
                format!("municipality code {code} appears twice (first on line {first})"),
            ));
        }
        let population = match table.number(row, population_field, key) {
            Ok(p) if p > 0.0 => p,
            Ok(p) => {
                check.extra.push(table.problem(
                    Some(row),
                    population_field,
                    key,
                    format!(
                        "column `population`: the population of {code} must be a number greater than 0, got {p}"
                    ),
                ));
                1.0
            }
            Err(problem) => {
                check.extra.push(problem);
                1.0
            }
        };
        members.push(Member {
            code,
            name: table.get(row, name_field).to_string(),
            population,
            selected: include.as_ref().is_none_or(|codes| codes.contains(&code)),
            inflow_factor: 1.0,
            caseworkers: None,
        });
    }
    if let Some(codes) = &raw.include {
        for (i, code) in codes.iter().enumerate() {
            if !first_line.contains_key(code) && check.municipalities_complete {
                check.err(
                    format!("municipalities.include[{i}]"),
                    format!("municipality {code} is not in {}", table.path.display()),
                );
            }
        }
    }
}

fn adjust(raw: &RawMunicipalities, members: &mut [Member], check: &mut Checker) {
    for (i, adjust) in raw.adjust.iter().enumerate() {
        let key = format!("municipalities.adjust[{i}]");
        // A second adjustment of one municipality would silently undo the first.
        if let Some(first) = raw.adjust[..i].iter().position(|a| a.code == adjust.code) {
            check.err(
                format!("{key}.code"),
                format!(
                    "municipality {} is adjusted twice (first in municipalities.adjust[{first}]); put its keys in one entry",
                    adjust.code
                ),
            );
            continue;
        }
        let Some(m) = members
            .iter_mut()
            .find(|m| m.code == adjust.code && m.selected)
        else {
            if check.municipalities_complete {
                check.err(
                    format!("{key}.code"),
                    format!(
                        "municipality {} does not exist in this scenario",
                        adjust.code
                    ),
                );
            }
            continue;
        };
        if let Some(factor) = adjust.inflow_factor {
            if check.number(&format!("{key}.inflow_factor"), factor, 0.0, MAX_FACTOR) {
                m.inflow_factor = factor;
            }
        }
        if let Some(fte) = adjust.caseworkers {
            if check.number(
                &format!("{key}.caseworkers"),
                fte,
                0.0,
                MAX_MUNICIPALITY_CASEWORKERS,
            ) {
                m.caseworkers = Some(fte);
            }
        }
    }
}

/// Shares out the national figures: population shares, then weights, counts, surges and caseworkers.
#[allow(clippy::too_many_arguments)]
fn allocate(
    raw: &RawMunicipalities,
    staffing: &RawStaffing,
    groups: &[Group],
    members: &[Member],
    columns: &[Column],
    tables: &[(CsvTable, &BTreeMap<String, RawColumn>, String)],
    reference: f64,
    check: &mut Checker,
) -> Vec<Municipality> {
    let n = members.len();
    let population_share: Vec<f64> = members.iter().map(|m| m.population / reference).collect();
    let covered: f64 = population_share.iter().sum();
    // Per group, per member: share of the national stock and of the national inflow; absolute stock.
    let mut stock_share = vec![population_share.clone(); groups.len()];
    let mut inflow_share = vec![population_share.clone(); groups.len()];
    let mut stock = vec![vec![f64::NAN; n]; groups.len()];
    let mut inflow_scale = vec![vec![f64::NAN; n]; groups.len()];
    let mut surge = vec![vec![1.0; n]; groups.len()];
    let mut caseworkers: Vec<Option<f64>> = vec![None; n];
    let mut akasse_caseworkers: Vec<Option<f64>> = vec![None; n];

    for column in columns {
        let weights = match column.spec.use_as {
            ColumnUse::Weight => [true, true],
            ColumnUse::StockWeight => [true, false],
            ColumnUse::InflowWeight => [false, true],
            _ => continue,
        };
        if !complete(members, tables, column, check) {
            continue;
        }
        let values: Vec<f64> = members.iter().map(|m| column.values[&m.code]).collect();
        let total: f64 = values.iter().sum();
        if !total.is_finite() {
            let message = format!(
                "the weights in column `{}` add up to more than a number holds; scale them down",
                column.name
            );
            header_problem(tables, column, check, message);
            continue;
        }
        if total <= 0.0 {
            zero_sum(tables, column, check, "weights");
            continue;
        }
        // Shares of the municipalities' whole population share (1 when the file is the whole country).
        let shares: Vec<f64> = values.iter().map(|v| v / total * covered).collect();
        for &g in &column.groups {
            if weights[0] {
                stock_share[g] = shares.clone();
            }
            if weights[1] {
                inflow_share[g] = shares.clone();
            }
        }
    }
    for g in 0..groups.len() {
        for i in 0..n {
            stock[g][i] = stock_share[g][i] * groups[g].initial_stock;
            inflow_scale[g][i] = inflow_share[g][i];
        }
    }
    apply_counts(
        groups,
        members,
        columns,
        &mut stock,
        &mut inflow_scale,
        check,
    );
    for column in columns {
        match column.spec.use_as {
            ColumnUse::Surge => {
                if !complete(members, tables, column, check) {
                    continue;
                }
                let rise: Vec<f64> = members
                    .iter()
                    .map(|m| column.values[&m.code] - 1.0)
                    .collect();
                for &g in &column.groups {
                    // Normalised so that the municipalities' rises, each weighted by its inflow, add up to the
                    // national rise: sum(scale * factor) = sum(scale).
                    let scale = &inflow_scale[g];
                    let weighted: f64 = scale.iter().zip(&rise).map(|(s, r)| s * r).sum();
                    let total: f64 = scale.iter().sum();
                    if weighted == 0.0 || total <= 0.0 {
                        zero_sum(
                            tables,
                            column,
                            check,
                            "rises (ratio - 1), weighted by inflow,",
                        );
                        break;
                    }
                    surge[g] = rise.iter().map(|r| r * total / weighted).collect();
                }
            }
            ColumnUse::Caseworkers => {
                for (i, m) in members.iter().enumerate() {
                    if let Some(&fte) = column.values.get(&m.code) {
                        caseworkers[i] = Some(fte);
                    }
                }
            }
            ColumnUse::AkasseCaseworkers => {
                for (i, m) in members.iter().enumerate() {
                    if let Some(&fte) = column.values.get(&m.code) {
                        akasse_caseworkers[i] = Some(fte);
                    }
                }
            }
            _ => {}
        }
    }
    municipalities_of(
        raw,
        staffing,
        groups,
        members,
        &population_share,
        &Shared {
            stock,
            inflow_scale,
            surge,
            caseworkers,
            akasse_caseworkers,
        },
    )
}

type Tables<'a> = [(CsvTable, &'a BTreeMap<String, RawColumn>, String)];

/// A weight or a surge needs a value for every municipality, so that it can be shared out over all of them.
fn complete(members: &[Member], tables: &Tables, column: &Column, check: &mut Checker) -> bool {
    let missing: Vec<String> = members
        .iter()
        .filter(|m| !column.values.contains_key(&m.code))
        .map(|m| m.code.to_string())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
    check.err(
        &column.key,
        format!(
            "{} has no `{}` for municipality {}{}: a weight or a surge needs every municipality",
            tables[column.table].0.path.display(),
            column.name,
            shown.join(", "),
            if missing.len() > 5 {
                format!(" and {} more", missing.len() - 5)
            } else {
                String::new()
            }
        ),
    );
    false
}

/// A problem with a column as a whole, pointed at its header cell.
fn header_problem(tables: &Tables, column: &Column, check: &mut Checker, message: String) {
    let table = &tables[column.table].0;
    let field = table.column(&column.name).unwrap_or(0);
    check
        .extra
        .push(table.problem(None, field, &column.key, message));
}

fn zero_sum(tables: &Tables, column: &Column, check: &mut Checker, what: &str) {
    let message = format!(
        "the {what} in column `{}` sum to zero: nothing to share out by",
        column.name
    );
    header_problem(tables, column, check, message);
}

/// Per group and member, what the columns shared out: stock, inflow scale and surge; and the caseworkers a
/// column gave.
struct Shared {
    stock: Vec<Vec<f64>>,
    inflow_scale: Vec<Vec<f64>>,
    surge: Vec<Vec<f64>>,
    caseworkers: Vec<Option<f64>>,
    /// A-kasse FTE a column gave (the others are shared out once the scenario's `[akasse]` is known).
    akasse_caseworkers: Vec<Option<f64>>,
}

/// The selected municipalities with their shares, local factors and staff.
fn municipalities_of(
    raw: &RawMunicipalities,
    staffing: &RawStaffing,
    groups: &[Group],
    members: &[Member],
    population_share: &[f64],
    shared: &Shared,
) -> Vec<Municipality> {
    let Shared {
        stock,
        inflow_scale,
        surge,
        caseworkers,
        akasse_caseworkers,
    } = shared;
    let national_stock: f64 = groups.iter().map(|g| g.initial_stock).sum();
    members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.selected)
        .map(|(i, m)| {
            let local_stock: f64 = (0..groups.len()).map(|g| stock[g][i]).sum();
            // The municipality's share of FTE given for the whole reference population.
            let staff_share = match raw.caseworkers_by {
                CaseworkersBy::Caseload if national_stock > 0.0 => local_stock / national_stock,
                _ => population_share[i],
            };
            let allocated = match raw.caseworkers_by {
                CaseworkersBy::Caseload if national_stock > 0.0 => {
                    staffing.caseworkers * local_stock / national_stock
                }
                _ => staffing.caseworkers * population_share[i],
            };
            Municipality {
                code: m.code,
                name: m.name.clone(),
                population: m.population,
                initial_stock: (0..groups.len())
                    .map(|g| stock[g][i] * m.inflow_factor)
                    .collect(),
                inflow_scale: (0..groups.len())
                    .map(|g| inflow_scale[g][i] * m.inflow_factor)
                    .collect(),
                surge: (0..groups.len()).map(|g| surge[g][i]).collect(),
                caseworkers: m.caseworkers.or(caseworkers[i]).unwrap_or(allocated)
                    * staffing.caseworkers_factor,
                reference_share: staff_share,
                // NaN until shared out (`super::akasse`), unless a column gives it.
                akasse_caseworkers: akasse_caseworkers[i].unwrap_or(f64::NAN),
            }
        })
        .collect()
}

/// Counts of persons (`stock`) and of new spells (`inflow`) set a municipality's figures of a group directly;
/// without an inflow count, the inflow follows the stock.
fn apply_counts(
    groups: &[Group],
    members: &[Member],
    columns: &[Column],
    stock: &mut [Vec<f64>],
    inflow_scale: &mut [Vec<f64>],
    check: &mut Checker,
) {
    for column in columns {
        for &g in &column.groups {
            let group = &groups[g];
            match column.spec.use_as {
                ColumnUse::Stock => {
                    for (i, m) in members.iter().enumerate() {
                        let Some(&count) = column.values.get(&m.code) else {
                            continue;
                        };
                        stock[g][i] = count;
                        // Without an inflow count, the inflow follows the stock (same mean spell as nationally).
                        let has_inflow = columns.iter().any(|c| {
                            c.spec.use_as == ColumnUse::Inflow
                                && c.groups.contains(&g)
                                && c.values.contains_key(&m.code)
                        });
                        if !has_inflow {
                            if group.initial_stock > 0.0 {
                                inflow_scale[g][i] = count / group.initial_stock;
                            } else {
                                check.err(
                                    &column.key,
                                    format!("group `{}` has no national initial_stock to scale its inflow by; give an inflow column too", group.id),
                                );
                            }
                        }
                    }
                }
                ColumnUse::Inflow => {
                    let base = group.inflow_per_day.base;
                    for (i, m) in members.iter().enumerate() {
                        let Some(&count) = column.values.get(&m.code) else {
                            continue;
                        };
                        if base > 0.0 {
                            inflow_scale[g][i] = count / base;
                        } else {
                            check.err(
                                &column.key,
                                format!("group `{}` has inflow_per_day = 0: a local inflow cannot scale its dated changes", group.id),
                            );
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// A data file none of whose rows is for a municipality the scenario runs is a mistake, most likely a mistyped
/// code (756 for 751): without the error the municipality would run on the allocated values, silently. A national
/// file read by a scenario of a few municipalities is fine: it has their rows too.
fn no_row_for_the_scenario(
    tables: &[(CsvTable, &BTreeMap<String, RawColumn>, String)],
    members: &[Member],
    check: &mut Checker,
) {
    let selected: Vec<u32> = members
        .iter()
        .filter(|m| m.selected)
        .map(|m| m.code)
        .collect();
    for (table, _, prefix) in tables {
        let (true, Some(code_field)) = (prefix != "municipalities.columns", table.column("code"))
        else {
            continue;
        };
        let codes: Vec<(usize, u32)> = (0..table.rows.len())
            .filter_map(|row| {
                table
                    .get(row, code_field)
                    .parse()
                    .ok()
                    .map(|code| (row, code))
            })
            .collect();
        if codes.iter().any(|(_, code)| selected.contains(code)) {
            continue;
        }
        let Some(&(row, code)) = codes.first() else {
            continue;
        };
        let runs: Vec<String> = selected.iter().take(5).map(u32::to_string).collect();
        check.extra.push(table.problem(
            Some(row),
            code_field,
            &prefix.replace(".columns", ".file"),
            format!(
                "has no row for a municipality of this scenario ({}{}); is code {code} mistyped?",
                runs.join(", "),
                if selected.len() > 5 { ", ..." } else { "" }
            ),
        ));
    }
}
