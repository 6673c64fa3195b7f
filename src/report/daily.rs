//! daily.csv: one row per date x municipality x group, streamed from the series through a buffered writer.
//!
//! `capacity` and `caseworkers` belong to the municipality and are repeated on each of its group rows; sum them
//! over municipalities, not over groups. The last five columns identify the run (`set`: the `--set` overrides).

use super::ScenarioInfo;
use crate::engine::metrics::Series;
use crate::scenario::Scenario;
use std::fmt::Write as _;
use std::io::Write;

pub const COLUMNS: &[&str] = &[
    "date",
    "municipality_code",
    "municipality",
    "group",
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
    "capacity",
    "caseworkers",
    "scenario",
    "sha256",
    "seed",
    "version",
    "set",
];

/// Rows are assembled in a buffer of about this size and handed to `out` whole.
const CHUNK: usize = 1 << 16;

/// Writes the rows. The text fields (names, ids, the run's identity) are quoted once, the same way the csv crate
/// quotes them, and every row is assembled from those pieces and the day's numbers, so a row costs no
/// allocation and the output is the same bytes a csv writer would produce.
pub fn write(
    out: &mut dyn Write,
    scenario: &Scenario,
    info: &ScenarioInfo,
    series: &Series,
) -> std::io::Result<()> {
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(COLUMNS)?;
    out.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;

    let groups: Vec<Vec<u8>> = scenario.groups.iter().map(|g| field(&g.id)).collect();
    let municipalities: Vec<Vec<u8>> = scenario
        .municipalities
        .iter()
        .map(|m| {
            let mut prefix = field(&m.code.to_string());
            prefix.push(b',');
            prefix.extend(field(&m.name));
            prefix
        })
        .collect();
    let mut run = Vec::new();
    for text in [
        info.name.as_str(),
        info.sha256.as_str(),
        &info.seed.to_string(),
        info.version.as_str(),
        &info.set.join(" "),
    ] {
        run.push(b',');
        run.extend(field(text));
    }
    run.push(b'\n');

    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK + 1024);
    let mut numbers = itoa::Buffer::new();
    let mut staff = String::new();
    for day in 0..series.days {
        let date = series.date(day).to_string();
        for (m, prefix) in municipalities.iter().enumerate() {
            let row = series.municipality_row(day, m);
            staff.clear();
            // Capacity and caseworkers are written with three decimals, as `{:.3}` does.
            write!(staff, ",{:.3},{:.3}", row.capacity, row.caseworkers)
                .expect("writing to a String cannot fail");
            for (g, row) in series.group_rows(day, m).iter().enumerate() {
                buffer.extend_from_slice(date.as_bytes());
                buffer.push(b',');
                buffer.extend_from_slice(prefix);
                buffer.push(b',');
                buffer.extend_from_slice(&groups[g]);
                for value in [
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
                ] {
                    buffer.push(b',');
                    buffer.extend_from_slice(numbers.format(value).as_bytes());
                }
                buffer.extend_from_slice(staff.as_bytes());
                buffer.extend_from_slice(&run);
            }
            if buffer.len() >= CHUNK {
                out.write_all(&buffer)?;
                buffer.clear();
            }
        }
    }
    out.write_all(&buffer)?;
    out.flush()
}

/// One field as the csv crate writes it inside a record of several fields (quoted only where needed).
fn field(text: &str) -> Vec<u8> {
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
