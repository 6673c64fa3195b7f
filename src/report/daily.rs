//! The daily files of `--out DIR`: daily.csv at the grain asked for (the total, per municipality, per group, or
//! per municipality and group), per day, week or month; capacity.csv where the grain has groups, so that the
//! capacity of a municipality is never repeated on its group rows; daily_bands.csv, the 5th, 50th and 95th
//! percentiles over replications of the meetings pending and overdue at the end of each period.
//!
//! Every file is laid out by one [`Layout`]: its periods (runs of consecutive days) and its entities (the sets of
//! municipalities and groups a row sums). Text fields are quoted once, the way the csv crate quotes them, and the
//! rows are assembled from those pieces and the numbers, so a row costs no allocation.

use crate::engine::metrics::{GroupDay, Series};
use crate::scenario::Scenario;
use crate::summary::percentile;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;

/// The UTF-8 byte-order mark every CSV of `--out DIR` starts with, so that Excel reads the Danish letters as
/// UTF-8 (pandas, R's readr and Python's `utf-8-sig` codec skip it).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What one row of daily.csv sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grain {
    /// One row per period: all municipalities and groups.
    Total,
    /// One row per period and municipality, all groups.
    Municipality,
    /// One row per period and group, all municipalities.
    Group,
    /// One row per period, municipality and group.
    #[default]
    MunicipalityGroup,
}

impl Grain {
    /// Whether rows are per group, so that capacity (a municipality's) goes to capacity.csv.
    pub fn has_groups(self) -> bool {
        matches!(self, Grain::Group | Grain::MunicipalityGroup)
    }

    /// The grain of capacity.csv: this one without the groups.
    fn without_groups(self) -> Grain {
        match self {
            Grain::Group | Grain::Total => Grain::Total,
            Grain::Municipality | Grain::MunicipalityGroup => Grain::Municipality,
        }
    }
}

/// How many days one row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    /// Days.
    #[default]
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
}

/// The flow columns, summed over a period, and the level columns, at the end of its last day, in file order.
pub const VALUE_COLUMNS: &[&str] = &[
    "arrivals",
    "exits",
    "active",
    "due",
    "held",
    "held_on_time",
    "waived",
    "dropped",
    "pending",
    "overdue",
    "suspended",
    "suspended_existing",
];

/// The columns of daily_bands.csv after the keys.
pub const BAND_COLUMNS: &[&str] = &[
    "pending_p5",
    "pending_p50",
    "pending_p95",
    "overdue_p5",
    "overdue_p50",
    "overdue_p95",
];

fn values(row: &GroupDay) -> [u32; 12] {
    [
        row.arrivals,
        row.exits,
        row.active,
        row.due,
        row.held,
        row.held_on_time,
        row.waived,
        row.dropped,
        row.pending,
        row.overdue,
        row.suspended,
        row.suspended_existing,
    ]
}

/// What one row sums: municipality indices (`None`: all) and a group index (`None`: all).
#[derive(Debug, Clone)]
struct Entity {
    municipality: Option<usize>,
    group: Option<usize>,
    /// The row's key fields after the period, quoted, each preceded by a comma.
    key: Vec<u8>,
}

/// The rows of one daily file: periods by entities, periods first.
#[derive(Debug, Clone)]
pub struct Layout {
    grain: Grain,
    period: Period,
    /// First and last day index of each period.
    periods: Vec<(usize, usize)>,
    entities: Vec<Entity>,
}

impl Layout {
    pub fn new(scenario: &Scenario, series: &Series, grain: Grain, period: Period) -> Self {
        Layout {
            grain,
            period,
            periods: periods(series.start, series.days, period),
            entities: entities(scenario, grain),
        }
    }

    /// The rows a daily file of `scenario` (over its reported days) will have, known before the run: what the
    /// memory estimate counts for the daily bands.
    pub fn rows_of(scenario: &Scenario, grain: Grain, period: Period) -> usize {
        let (municipalities, groups) = (scenario.municipalities.len(), scenario.groups.len());
        let entities = match grain {
            Grain::Total => 1,
            Grain::Municipality => municipalities,
            Grain::Group => groups,
            Grain::MunicipalityGroup => municipalities * groups,
        };
        periods(scenario.start, scenario.period_days(), period).len() * entities
    }

    /// Rows in the file.
    pub fn rows(&self) -> usize {
        self.periods.len() * self.entities.len()
    }

    fn header(&self, values: &[&str]) -> Vec<u8> {
        let mut columns: Vec<&str> = match self.period {
            Period::Day => vec!["date"],
            Period::Week | Period::Month => vec!["period_start", "period_end"],
        };
        columns.extend(match self.grain {
            Grain::Total => &[][..],
            Grain::Municipality => &["municipality_code", "municipality"][..],
            Grain::Group => &["group"][..],
            Grain::MunicipalityGroup => &["municipality_code", "municipality", "group"][..],
        });
        columns.extend(values);
        let mut bytes = BOM.to_vec();
        bytes.extend(columns.join(",").as_bytes());
        bytes.push(b'\n');
        bytes
    }

    fn period_key(&self, series: &Series, (first, last): (usize, usize)) -> String {
        match self.period {
            Period::Day => series.date(first).to_string(),
            Period::Week | Period::Month => {
                format!("{},{}", series.date(first), series.date(last))
            }
        }
    }

    /// The flows of `entity` summed over the period and its levels at the end of the period's last day.
    fn cell(&self, series: &Series, (first, last): (usize, usize), entity: &Entity) -> GroupDay {
        let sum_day = |day: usize| {
            let mut sum = GroupDay::default();
            let municipalities = match entity.municipality {
                Some(m) => m..m + 1,
                None => 0..series.municipalities,
            };
            for m in municipalities {
                match entity.group {
                    Some(g) => sum += series.row(day, m, g),
                    None => series.group_rows(day, m).iter().for_each(|r| sum += r),
                }
            }
            sum
        };
        let mut total = GroupDay::default();
        for day in first..=last {
            total += &sum_day(day);
        }
        let end = sum_day(last);
        total.active = end.active;
        total.pending = end.pending;
        total.overdue = end.overdue;
        total
    }

    /// Capacity summed over the period and the mean caseworker FTE over its days, for `entity`'s municipalities.
    fn staff(&self, series: &Series, (first, last): (usize, usize), entity: &Entity) -> (f64, f64) {
        let (mut capacity, mut caseworkers) = (0.0, 0.0);
        for day in first..=last {
            let municipalities = match entity.municipality {
                Some(m) => m..m + 1,
                None => 0..series.municipalities,
            };
            for m in municipalities {
                let row = series.municipality_row(day, m);
                capacity += row.capacity;
                caseworkers += row.caseworkers;
            }
        }
        (capacity, caseworkers / (last + 1 - first) as f64)
    }

    /// The a-kasse side of one period and entity (a series with it only): its capacity and mean FTE, then its
    /// meetings due, held and held on time over the period and pending and overdue at its end, then the joint
    /// meetings held and the days they waited for the jobcentre and for the a-kasse.
    fn akasse(
        &self,
        series: &Series,
        (first, last): (usize, usize),
        entity: &Entity,
    ) -> (f64, f64, [u64; 8]) {
        let (mut capacity, mut caseworkers, mut counts) = (0.0, 0.0, [0u64; 8]);
        let municipalities = match entity.municipality {
            Some(m) => m..m + 1,
            None => 0..series.municipalities,
        };
        for day in first..=last {
            for m in municipalities.clone() {
                let row = series.akasse_row(day, m);
                capacity += row.capacity;
                caseworkers += row.caseworkers;
                let meetings = &row.meetings;
                counts[0] += u64::from(meetings.due);
                counts[1] += u64::from(meetings.held);
                counts[2] += u64::from(meetings.held_on_time);
                if day == last {
                    counts[3] += u64::from(meetings.pending);
                    counts[4] += u64::from(meetings.overdue);
                }
                counts[5] += u64::from(row.joint_held);
                counts[6] += u64::from(row.waited_jobcentre);
                counts[7] += u64::from(row.waited_akasse);
            }
        }
        (capacity, caseworkers / (last + 1 - first) as f64, counts)
    }

    /// Pending and overdue at the end of each period, for every row in file order: what daily_bands.csv takes the
    /// percentiles of.
    pub fn levels(&self, series: &Series) -> Vec<[u32; 2]> {
        let mut levels = Vec::with_capacity(self.rows());
        for &period in &self.periods {
            for entity in &self.entities {
                let cell = self.cell(series, (period.1, period.1), entity);
                levels.push([cell.pending, cell.overdue]);
            }
        }
        levels
    }
}

/// Consecutive days with the same date key form one period, over `days` days from `start`.
fn periods(start: NaiveDate, days: usize, period: Period) -> Vec<(usize, usize)> {
    let key = |day: usize| {
        let date = start + chrono::Days::new(day as u64);
        match period {
            Period::Day => (date.year(), date.ordinal()),
            Period::Week => (date.iso_week().year(), date.iso_week().week()),
            Period::Month => (date.year(), date.month()),
        }
    };
    let mut periods: Vec<(usize, usize)> = Vec::new();
    for day in 0..days {
        match periods.last_mut() {
            Some((first, last)) if key(*first) == key(day) => *last = day,
            _ => periods.push((day, day)),
        }
    }
    periods
}

fn entities(scenario: &Scenario, grain: Grain) -> Vec<Entity> {
    let municipality_key = |m: usize| {
        let municipality = &scenario.municipalities[m];
        let mut key = vec![b','];
        key.extend(field(&municipality.code.to_string()));
        key.push(b',');
        key.extend(field(&municipality.name));
        key
    };
    let group_key = |g: usize| {
        let mut key = vec![b','];
        key.extend(field(&scenario.groups[g].id));
        key
    };
    let (municipalities, groups) = (scenario.municipalities.len(), scenario.groups.len());
    match grain {
        Grain::Total => vec![Entity {
            municipality: None,
            group: None,
            key: Vec::new(),
        }],
        Grain::Municipality => (0..municipalities)
            .map(|m| Entity {
                municipality: Some(m),
                group: None,
                key: municipality_key(m),
            })
            .collect(),
        Grain::Group => (0..groups)
            .map(|g| Entity {
                municipality: None,
                group: Some(g),
                key: group_key(g),
            })
            .collect(),
        Grain::MunicipalityGroup => (0..municipalities)
            .flat_map(|m| (0..groups).map(move |g| (m, g)))
            .map(|(m, g)| {
                let mut key = municipality_key(m);
                key.extend(group_key(g));
                Entity {
                    municipality: Some(m),
                    group: Some(g),
                    key,
                }
            })
            .collect(),
    }
}

/// Rows are assembled in a buffer of about this size and handed to `out` whole.
const CHUNK: usize = 1 << 16;

/// Writes daily.csv: the flows and levels of every row, and, where the grain has no groups, the capacity summed
/// over the period and the mean caseworker FTE (three decimals).
pub fn write(out: &mut dyn Write, series: &Series, layout: &Layout) -> std::io::Result<()> {
    let staffed = !layout.grain.has_groups();
    let mut columns = VALUE_COLUMNS.to_vec();
    if staffed {
        columns.extend(["capacity", "caseworkers"]);
    }
    out.write_all(&layout.header(&columns))?;
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK + 1024);
    let mut numbers = itoa::Buffer::new();
    let mut staff = String::new();
    for &period in &layout.periods {
        let key = layout.period_key(series, period);
        for entity in &layout.entities {
            buffer.extend_from_slice(key.as_bytes());
            buffer.extend_from_slice(&entity.key);
            for value in values(&layout.cell(series, period, entity)) {
                buffer.push(b',');
                buffer.extend_from_slice(numbers.format(value).as_bytes());
            }
            if staffed {
                let (capacity, caseworkers) = layout.staff(series, period, entity);
                staff.clear();
                write!(staff, ",{capacity:.3},{caseworkers:.3}")
                    .expect("writing to a String cannot fail");
                buffer.extend_from_slice(staff.as_bytes());
            }
            buffer.push(b'\n');
            if buffer.len() >= CHUNK {
                out.write_all(&buffer)?;
                buffer.clear();
            }
        }
    }
    out.write_all(&buffer)?;
    out.flush()
}

/// The columns the a-kasse side adds to capacity.csv, with an `[akasse]` section.
pub const AKASSE_CAPACITY_COLUMNS: [&str; 10] = [
    "akasse_capacity",
    "akasse_caseworkers",
    "akasse_due",
    "akasse_held",
    "akasse_held_on_time",
    "akasse_pending",
    "akasse_overdue",
    "joint_held",
    "joint_waited_for_jobcentre",
    "joint_waited_for_akasse",
];

/// Writes capacity.csv for a grain with groups: the capacity and mean caseworker FTE of the same periods, per
/// municipality (grain `municipality-group`) or in total (grain `group`); with an a-kasse side, its columns ([`AKASSE_CAPACITY_COLUMNS`]) after the jobcentre's.
pub fn write_capacity(
    out: &mut dyn Write,
    scenario: &Scenario,
    series: &Series,
    layout: &Layout,
) -> std::io::Result<()> {
    let staff_layout = Layout {
        grain: layout.grain.without_groups(),
        period: layout.period,
        periods: layout.periods.clone(),
        entities: entities(scenario, layout.grain.without_groups()),
    };
    let mut columns = vec!["capacity", "caseworkers", "working_days"];
    if series.has_akasse() {
        columns.extend(AKASSE_CAPACITY_COLUMNS);
    }
    out.write_all(&staff_layout.header(&columns))?;
    let mut text = String::new();
    for &period in &staff_layout.periods {
        let key = staff_layout.period_key(series, period);
        let working = (period.0..=period.1).filter(|&d| series.working[d]).count();
        for entity in &staff_layout.entities {
            let (capacity, caseworkers) = staff_layout.staff(series, period, entity);
            text.clear();
            write!(text, ",{capacity:.3},{caseworkers:.3},{working}")
                .expect("writing to a String cannot fail");
            if series.has_akasse() {
                let (capacity, caseworkers, counts) = staff_layout.akasse(series, period, entity);
                write!(text, ",{capacity:.3},{caseworkers:.3}")
                    .expect("writing to a String cannot fail");
                for count in counts {
                    write!(text, ",{count}").expect("writing to a String cannot fail");
                }
            }
            text.push('\n');
            out.write_all(key.as_bytes())?;
            out.write_all(&entity.key)?;
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()
}

/// Writes daily_bands.csv: for every row of `layout`, the 5th, 50th and 95th percentiles (linear interpolation)
/// of pending and overdue meetings at the end of the period over the replications; `levels` holds one
/// [`Layout::levels`] per replication.
pub fn write_bands(
    out: &mut dyn Write,
    series: &Series,
    layout: &Layout,
    levels: &[Vec<[u32; 2]>],
) -> std::io::Result<()> {
    out.write_all(&layout.header(BAND_COLUMNS))?;
    let mut text = String::new();
    let mut row = 0;
    for &period in &layout.periods {
        let key = layout.period_key(series, period);
        for entity in &layout.entities {
            text.clear();
            text.push_str(&key);
            text.push_str(std::str::from_utf8(&entity.key).expect("keys are UTF-8"));
            for value in band_values(levels, row) {
                write!(text, ",{value}").expect("writing to a String cannot fail");
            }
            text.push('\n');
            out.write_all(text.as_bytes())?;
            row += 1;
        }
    }
    out.flush()
}

/// The values of [`BAND_COLUMNS`] for row `row`: the 5th, 50th and 95th percentiles over the replications of
/// pending, then of overdue meetings.
pub fn band_values(levels: &[Vec<[u32; 2]>], row: usize) -> [f64; 6] {
    let mut result = [0.0; 6];
    for level in 0..2 {
        let mut values: Vec<Option<f64>> = levels
            .iter()
            .map(|rep| Some(f64::from(rep[row][level])))
            .collect();
        values.sort_by(|a, b| a.partial_cmp(b).expect("counts are never NaN"));
        for (i, q) in [0.05, 0.5, 0.95].into_iter().enumerate() {
            result[level * 3 + i] = percentile(&values, q).expect("every replication has a level");
        }
    }
    result
}

/// One field as the csv crate writes it inside a record of several fields (quoted only where needed).
pub(crate) fn field(text: &str) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // A second, empty field: the crate quotes an empty field only when it is alone in its record.
    writer
        .write_record([text, ""])
        .expect("writing to memory cannot fail");
    let mut bytes = writer.into_inner().expect("writing to memory cannot fail");
    // Drop the separator before the empty field and the record terminator.
    bytes.truncate(bytes.len() - 2);
    bytes
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_like_the_csv_crate_does() {
        assert_eq!(field("Testby"), b"Testby");
        assert_eq!(field("Ærø, Marstal"), "\"Ærø, Marstal\"".as_bytes());
        assert_eq!(field("say \"hi\""), b"\"say \"\"hi\"\"\"");
        assert_eq!(field(""), b"");
    }
}
