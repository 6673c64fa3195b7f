//! The key grammar shared by `--set KEY=VALUE` and `--vary KEY=SPEC`: a path to one value of the scenario,
//! written into the merged scenario table before it is checked, so that an override is checked by the same
//! validator, with the same messages, as the same value written in a file.
//!
//! A path is the keys of the file joined by dots: `staffing.caseworkers`, `groups.dagpenge.duration.mean_days`.
//! In a list of tables the next part picks entries: an `id` (`suspensions.spring.end`,
//! `staffing.changes.reopen.add_caseworkers`), a municipality `code` (`municipalities.list.101.caseworkers`), a
//! position (`suspensions[0].end`) or `*` for every entry (`groups.*.inflow_factor`). A few short names stand for
//! the levers sweeps have always had ([`ALIASES`]).

use super::layers::id_of;
use super::locate::Segment;
use crate::error::InputError;

/// Short names and the paths they stand for. `caseworkers` is resolved against the scenario: the FTE of its one
/// municipality.
pub const ALIASES: &[(&str, &[&str])] = &[
    ("caseworkers", &[]),
    ("caseworkers_factor", &["staffing.caseworkers_factor"]),
    (
        "meetings_per_caseworker_day",
        &[
            "staffing.meetings_per_caseworker_day",
            "staffing.changes.*.meetings_per_caseworker_day",
        ],
    ),
    (
        "phone_share",
        &["staffing.phone_share", "staffing.changes.*.phone_share"],
    ),
    ("suspension_end", &["suspensions[0].end"]),
    ("inflow_factor", &["groups.*.inflow_factor"]),
];

/// Keys whose value is a list of tables: a missing one is an empty list, not a table to create.
const LISTS: &[&str] = &[
    "groups",
    "suspensions",
    "changes",
    "inflow_changes",
    "duration_changes",
    "list",
    "adjust",
    "expect",
    "meetings",
    "initial_age_buckets",
];

/// Keys that hold dates: `--vary` steps them in days.
pub(crate) const DATE_KEYS: &[&str] = &["start", "end", "date", "from", "to", "catch_up_by"];

/// One override: `KEY=VALUE`, and the flag that gave it (named in messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub flag: &'static str,
    pub key: String,
    pub value: String,
}

impl Override {
    /// Parses `KEY=VALUE` as given to `flag`.
    pub fn parse(flag: &'static str, argument: &str) -> Result<Override, InputError> {
        let Some((key, value)) = argument.split_once('=') else {
            return Err(InputError::argument(
                flag,
                format!(
                    "expected KEY=VALUE such as staffing.caseworkers=300, got `{}`",
                    shortened(argument)
                ),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.len() > super::limits::MAX_OVERRIDE_KEY_BYTES {
            return Err(InputError::argument(
                flag,
                format!(
                    "the key `{}` is too long; keys are at most {} bytes",
                    shortened(key),
                    super::limits::MAX_OVERRIDE_KEY_BYTES
                ),
            ));
        }
        check_key(key).map_err(|m| InputError::argument(flag, m))?;
        if value.is_empty() {
            return Err(InputError::argument(
                flag,
                format!("`{argument}`: no value after `=`"),
            ));
        }
        // TOML reads a number beyond the largest float as no number at all; say what is wrong with it.
        let number = value.replace('_', "");
        if number.parse::<f64>().is_ok_and(f64::is_infinite)
            && !number
                .trim_start_matches(['+', '-'])
                .starts_with(|c: char| c.is_ascii_alphabetic())
        {
            return Err(InputError::argument(
                flag,
                format!(
                    "`{}`: {} is out of range: no number a scenario takes is that large",
                    shortened(argument),
                    shortened(value)
                ),
            ));
        }
        Ok(Override {
            flag,
            key: key.to_string(),
            value: value.to_string(),
        })
    }

    /// `KEY=VALUE`, as recorded in outputs.
    pub fn text(&self) -> String {
        format!("{}={}", self.key, self.value)
    }

    /// `--set KEY=VALUE`, as named in messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.flag, self.text())
    }
}

/// `text`, or its first 60 characters and its length when it is longer than a message should quote.
fn shortened(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}... ({} bytes)", &text[..cut], text.len()),
        None => text.to_string(),
    }
}

/// Whether a key takes dates (its last part is a date key such as `end`, or it is `suspension_end`).
pub fn is_date_key(key: &str) -> bool {
    key == "suspension_end"
        || key
            .rsplit(['.', ']'])
            .next()
            .is_some_and(|last| DATE_KEYS.contains(&last))
}

/// Checks a key's spelling, before any scenario is read.
pub fn check_key(key: &str) -> Result<(), String> {
    if ALIASES.iter().any(|(name, _)| *name == key) {
        return Ok(());
    }
    let shown: Vec<&str> = ALIASES.iter().map(|(name, _)| *name).collect();
    let hint = format!(
        "a key is a path such as staffing.caseworkers or suspensions.spring.end, or one of {}",
        shown.join(", ")
    );
    if key.is_empty() {
        return Err(format!("no key before `=`; {hint}"));
    }
    match steps(key) {
        Some(steps) if matches!(steps.first(), Some(Step::Name(_))) => Ok(()),
        _ => Err(format!("`{key}` is not a key; {hint}")),
    }
}

/// One part of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A key of a table, or an entry's id or code in a list.
    Name(String),
    /// `[n]`: the entry at position n of a list.
    Index(usize),
    /// `*`: every entry of a list.
    All,
}

fn steps(key: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        match name {
            "" if rest.is_empty() => return None,
            "" => {}
            "*" => steps.push(Step::All),
            name if name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                steps.push(Step::Name(name.to_string()))
            }
            _ => return None,
        }
        while !rest.is_empty() {
            let inner = rest.strip_prefix('[')?;
            let close = inner.find(']')?;
            steps.push(Step::Index(inner[..close].parse().ok()?));
            rest = &inner[close + 1..];
        }
    }
    Some(steps)
}

/// One value an override wrote: its place in the merged table (positions, as the validator names keys), the
/// same place with ids (as the user reads it), and the override.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub path: Vec<Segment>,
    pub shown: String,
    pub key: String,
    pub label: String,
}

/// The value of `VALUE` as TOML reads it (a number, a date, `true`, a quoted string, ...); anything TOML does
/// not read is taken as a plain string, so `distribution=weibull` needs no quotes.
fn value_of(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("value = {text}"))
        .ok()
        .filter(|table| table.len() == 1)
        .and_then(|mut table| table.remove("value"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// For a choice with labels (or of tables or lists, labelled by position), the alternative a value names by its
/// label: `--set suspensions.spring.groups=B+F` writes that alternative whole.
fn labelled(choice: &toml::Table, value: &toml::Value) -> Option<toml::Value> {
    let name = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Integer(number) => number.to_string(),
        _ => return None,
    };
    let labels = super::ranges::dist::labels(choice).ok()??;
    let k = labels.iter().position(|label| *label == name)?;
    choice.get("one_of")?.as_array()?.get(k).cloned()
}

/// Writes the override into the merged table; returns what it wrote, or why it cannot.
pub(crate) fn apply(table: &mut toml::Table, o: &Override) -> Result<Vec<Applied>, String> {
    let value = value_of(&o.value);
    let targets: Vec<String> = match ALIASES.iter().find(|(name, _)| *name == o.key) {
        Some(("caseworkers", _)) => vec![one_municipality(table)?],
        Some((_, paths)) => paths.iter().map(|p| p.to_string()).collect(),
        None => vec![o.key.clone()],
    };
    let mut written = Vec::new();
    for target in &targets {
        let steps = steps(target).ok_or_else(|| format!("`{target}` is not a key"))?;
        let mut walk = Walk {
            value: &value,
            written: Vec::new(),
        };
        walk.table(table, &steps, Vec::new(), String::new())?;
        written.extend(walk.written);
    }
    if written.is_empty() {
        return Err(format!("`{}` matches no value of the scenario", o.key));
    }
    Ok(written
        .into_iter()
        .map(|(path, shown)| Applied {
            path,
            shown,
            key: o.key.clone(),
            label: o.label(),
        })
        .collect())
}

/// `caseworkers`: the path of the FTE of the scenario's one municipality, adding an `adjust` entry for a
/// municipality picked from a file.
fn one_municipality(table: &mut toml::Table) -> Result<String, String> {
    let refuse = |count: String| {
        format!("caseworkers sets the staff of a one-municipality scenario, but this one has {count}; vary caseworkers_factor instead")
    };
    let Some(toml::Value::Table(municipalities)) = table.get_mut("municipalities") else {
        return Err(refuse("no [municipalities]".into()));
    };
    let listed = municipalities
        .get("list")
        .and_then(|l| l.as_array())
        .map_or(0, Vec::len);
    let from_file = municipalities.contains_key("file");
    let included: Option<Vec<i64>> = municipalities
        .get("include")
        .and_then(|i| i.as_array())
        .map(|codes| {
            codes
                .iter()
                .filter_map(|c| c.as_integer())
                .collect::<Vec<i64>>()
        })
        // An empty `include` takes every row of the file.
        .filter(|codes| !codes.is_empty());
    match (from_file, included.as_deref(), listed) {
        (false, _, 1) => Ok("municipalities.list[0].caseworkers".into()),
        (true, Some([code]), 0) => {
            let adjust = municipalities
                .entry("adjust")
                .or_insert_with(|| toml::Value::Array(Vec::new()));
            let Some(entries) = adjust.as_array_mut() else {
                return Err("municipalities.adjust is not a list".into());
            };
            let position = match entries
                .iter()
                .position(|e| e.get("code").and_then(|c| c.as_integer()) == Some(*code))
            {
                Some(position) => position,
                None => {
                    let mut entry = toml::Table::new();
                    entry.insert("code".into(), toml::Value::Integer(*code));
                    entries.push(toml::Value::Table(entry));
                    entries.len() - 1
                }
            };
            Ok(format!("municipalities.adjust[{position}].caseworkers"))
        }
        (false, _, n) => Err(refuse(format!("{n} municipalities"))),
        (true, Some(codes), n) => Err(refuse(format!("{} municipalities", codes.len() + n))),
        (true, None, _) => Err(refuse("every municipality of its file".into())),
    }
}

struct Walk<'a> {
    value: &'a toml::Value,
    written: Vec<(Vec<Segment>, String)>,
}

impl Walk<'_> {
    fn table(
        &mut self,
        table: &mut toml::Table,
        steps: &[Step],
        path: Vec<Segment>,
        shown: String,
    ) -> Result<(), String> {
        let Some((Step::Name(key), rest)) = steps.split_first() else {
            let wrong = match steps.first() {
                Some(Step::Index(i)) => format!("[{i}]"),
                _ => "*".to_string(),
            };
            return Err(format!(
                "`{shown}` is a table, not a list: `{wrong}` cannot follow it"
            ));
        };
        let shown = join(&shown, key);
        let mut path = path;
        path.push(Segment::Key(key.clone()));
        if rest.is_empty() {
            match table.get(key) {
                // A range is one value given as a table: an override replaces it whole.
                Some(toml::Value::Table(range)) if super::ranges::dist::is_range(range) => {}
                // A table given as the value (`add_caseworkers={101=20}`) replaces the table there whole.
                Some(toml::Value::Table(_)) if self.value.is_table() => {}
                Some(toml::Value::Table(_)) => {
                    return Err(format!(
                        "`{shown}` is a table, not a single value; name a key inside it"
                    ))
                }
                Some(toml::Value::Array(items))
                    if items.iter().any(|i| i.is_table()) && !self.value.is_array() =>
                {
                    return Err(format!(
                        "`{shown}` is a list of tables, not a single value; name an entry and a key, such as {shown}.ID.KEY"
                    ))
                }
                _ => {}
            }
            let value = match table.get(key) {
                Some(toml::Value::Table(choice)) => labelled(choice, self.value),
                _ => None,
            };
            table.insert(key.clone(), value.unwrap_or_else(|| self.value.clone()));
            self.written.push((path, shown));
            return Ok(());
        }
        if !table.contains_key(key) {
            if LISTS.contains(&key.as_str()) {
                if rest.first() == Some(&Step::All) {
                    return Ok(());
                }
                if !self.adds_entry(rest) {
                    return Err(format!("`{shown}` is empty: there is no entry to set"));
                }
                table.insert(key.clone(), toml::Value::Array(Vec::new()));
            } else {
                table.insert(key.clone(), toml::Value::Table(toml::Table::new()));
            }
        }
        match table.get_mut(key).expect("present or just inserted") {
            toml::Value::Table(range)
                if super::ranges::dist::is_range(range)
                    && !matches!(&rest[0], Step::Name(inner) if super::ranges::dist::KEYS.contains(&inner.as_str())) =>
            {
                Err(format!(
                    "`{shown}` is a range: set it whole (`{shown}=VALUE`){}; a key inside it cannot be set",
                    match super::ranges::dist::labels(range) {
                        Ok(Some(labels)) => format!(" or pick one of its alternatives by its label (`{shown}={}`)", labels[0]),
                        _ => String::new(),
                    }
                ))
            }
            toml::Value::Table(inner) => self.table(inner, rest, path, shown),
            toml::Value::Array(items) => self.list(key, items, rest, path, shown),
            _ => Err(format!(
                "`{shown}` is a single value, not a table: `{}` cannot follow it",
                show_step(&rest[0])
            )),
        }
    }

    /// Whether the steps left name one entry by id and the value is a table: the whole entry, added to its
    /// list if no entry has that id (`staffing.changes.june={date=2020-06-01, add_caseworkers=20}`).
    fn adds_entry(&self, steps: &[Step]) -> bool {
        matches!(steps, [Step::Name(_)]) && self.value.is_table()
    }

    fn list(
        &mut self,
        list_key: &str,
        items: &mut Vec<toml::Value>,
        steps: &[Step],
        path: Vec<Segment>,
        shown: String,
    ) -> Result<(), String> {
        let (pick, rest) = steps.split_first().expect("a list is never the last step");
        if self.adds_entry(steps) {
            let Step::Name(name) = pick else {
                unreachable!("adds_entry checked the step")
            };
            return self.entry(list_key, items, name, path, shown);
        }
        let chosen: Vec<usize> = match pick {
            Step::All => (0..items.len()).collect(),
            Step::Index(i) if *i < items.len() => vec![*i],
            Step::Index(i) => {
                return Err(format!(
                    "`{shown}` has {} entr{}; there is no [{i}]",
                    items.len(),
                    if items.len() == 1 { "y" } else { "ies" }
                ))
            }
            Step::Name(name) => match items.iter().position(|item| names(item, name)) {
                Some(i) => vec![i],
                None => {
                    let ids: Vec<String> = items.iter().filter_map(name_of).collect();
                    return Err(format!(
                        "`{shown}` has no entry `{name}` ({})",
                        if ids.is_empty() {
                            "its entries have no id; give one with `id = \"...\"`, or pick by position: [0]".to_string()
                        } else {
                            format!("entries: {}", ids.join(", "))
                        }
                    ));
                }
            },
        };
        if rest.is_empty() {
            return Err(format!(
                "`{shown}.{}` is an entry, not a single value; name a key inside it",
                show_step(pick)
            ));
        }
        for i in chosen {
            let mut path = path.clone();
            path.push(Segment::Index(i));
            let entry_shown = match name_of(&items[i]) {
                Some(name) => join(&shown, &name),
                None => format!("{shown}[{i}]"),
            };
            match &mut items[i] {
                toml::Value::Table(table) => self.table(table, rest, path, entry_shown)?,
                _ => return Err(format!("`{entry_shown}` is not a table")),
            }
        }
        Ok(())
    }
}

impl Walk<'_> {
    /// Writes the value, a table, as the whole entry `name` of a list: in place of the entry with that id (or
    /// code), or as a new entry at the end. The entry takes `name` as its id (as its `code` in the lists of
    /// municipalities); an id or code inside the value must be the same.
    fn entry(
        &mut self,
        list_key: &str,
        items: &mut Vec<toml::Value>,
        name: &str,
        mut path: Vec<Segment>,
        shown: String,
    ) -> Result<(), String> {
        let mut entry = self.value.as_table().cloned().unwrap_or_default();
        let by_code = matches!(list_key, "list" | "adjust");
        let (field, value) = if by_code {
            let code = name.parse::<i64>().map_err(|_| {
                format!("`{shown}` is a list of municipalities by code: `{name}` is not a code")
            })?;
            ("code", toml::Value::Integer(code))
        } else {
            ("id", toml::Value::String(name.to_string()))
        };
        match entry.get(field) {
            Some(given) if *given != value => {
                return Err(format!(
                    "`{shown}.{name}` is given with {field} = {given}: an entry added by its {field} takes that {field}, leave it out or make them the same"
                ))
            }
            Some(_) => {}
            None => {
                entry.insert(field.to_string(), value);
            }
        }
        let position = match items.iter().position(|item| names(item, name)) {
            Some(i) => {
                items[i] = toml::Value::Table(entry);
                i
            }
            None => {
                items.push(toml::Value::Table(entry));
                items.len() - 1
            }
        };
        path.push(Segment::Index(position));
        self.written.push((path, join(&shown, name)));
        Ok(())
    }
}

fn join(shown: &str, key: &str) -> String {
    if shown.is_empty() {
        key.to_string()
    } else {
        format!("{shown}.{key}")
    }
}

fn show_step(step: &Step) -> String {
    match step {
        Step::Name(name) => name.clone(),
        Step::Index(i) => format!("[{i}]"),
        Step::All => "*".into(),
    }
}

/// An entry's id, or a municipality's code.
fn name_of(item: &toml::Value) -> Option<String> {
    id_of(item).map(str::to_string).or_else(|| {
        item.as_table()?
            .get("code")?
            .as_integer()
            .map(|c| c.to_string())
    })
}

fn names(item: &toml::Value, name: &str) -> bool {
    name_of(item).as_deref() == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    fn set(table: &mut toml::Table, argument: &str) -> Result<Vec<String>, String> {
        let o = Override::parse("--set", argument).map_err(|e| e.to_string())?;
        apply(table, &o).map(|written| written.into_iter().map(|a| a.shown).collect())
    }

    #[test]
    fn paths_pick_entries_by_id_code_position_or_all() {
        let mut t = table(
            "[staffing]\ncaseworkers = 1\n[[staffing.changes]]\nid = \"reopen\"\ndate = 2020-05-26\n\
             [[staffing.changes]]\ndate = 2020-06-15\n[[groups]]\nid = \"a\"\n[[groups]]\nid = \"b\"\n\
             [municipalities]\nlist = [{ code = 101, name = \"K\" }]\n",
        );
        assert_eq!(
            set(&mut t, "staffing.changes.reopen.add_caseworkers=40").unwrap(),
            ["staffing.changes.reopen.add_caseworkers"]
        );
        assert_eq!(
            t["staffing"]["changes"][0]["add_caseworkers"].as_integer(),
            Some(40)
        );
        assert_eq!(
            set(&mut t, "staffing.changes[1].phone_share=0.5").unwrap(),
            ["staffing.changes[1].phone_share"]
        );
        assert_eq!(
            set(&mut t, "groups.*.inflow_factor=1.5").unwrap(),
            ["groups.a.inflow_factor", "groups.b.inflow_factor"]
        );
        assert_eq!(
            set(&mut t, "caseworkers=241").unwrap(),
            ["municipalities.list.101.caseworkers"]
        );
        assert_eq!(
            t["municipalities"]["list"][0]["caseworkers"].as_integer(),
            Some(241)
        );
        assert_eq!(set(&mut t, "warmup.days=30").unwrap(), ["warmup.days"]);
        assert_eq!(t["warmup"]["days"].as_integer(), Some(30));
    }

    #[test]
    fn a_table_value_adds_or_replaces_a_whole_entry_by_id() {
        let mut t = table("[staffing]\ncaseworkers = 1\n[[staffing.changes]]\nid = \"reopen\"\ndate = 2020-05-26\n");
        assert_eq!(
            set(
                &mut t,
                "staffing.changes.june={date=2020-06-01, add_caseworkers=20}"
            )
            .unwrap(),
            ["staffing.changes.june"]
        );
        let changes = t["staffing"]["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[1]["id"].as_str(), Some("june"));
        assert_eq!(changes[1]["add_caseworkers"].as_integer(), Some(20));
        // The same id again replaces the entry; a table replaces a table value whole.
        set(&mut t, "staffing.changes.june={date=2020-06-02}").unwrap();
        set(&mut t, "staffing.changes.reopen.add_caseworkers={101=20}").unwrap();
        let changes = t["staffing"]["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2);
        assert!(changes[1].get("add_caseworkers").is_none());
        assert_eq!(changes[0]["add_caseworkers"]["101"].as_integer(), Some(20));
        set(&mut t, "staffing.changes.reopen.add_caseworkers={102=5}").unwrap();
        assert!(t["staffing"]["changes"][0]["add_caseworkers"]
            .get("101")
            .is_none());
        // A list not yet written is started; an id inside the value must be the entry's.
        set(
            &mut t,
            "suspensions.autumn={start=2020-10-01, end=2020-10-31}",
        )
        .unwrap();
        assert_eq!(t["suspensions"][0]["id"].as_str(), Some("autumn"));
        assert!(set(&mut t, "suspensions.autumn={id=\"winter\"}")
            .unwrap_err()
            .contains("id = \"winter\""));
    }

    #[test]
    fn values_read_as_toml_else_as_text() {
        assert_eq!(value_of("300"), toml::Value::Integer(300));
        assert_eq!(value_of("0.25"), toml::Value::Float(0.25));
        assert_eq!(value_of("true"), toml::Value::Boolean(true));
        assert!(matches!(value_of("2020-06-30"), toml::Value::Datetime(_)));
        assert_eq!(value_of("weibull"), toml::Value::String("weibull".into()));
        assert_eq!(value_of("1\nx = 2"), toml::Value::String("1\nx = 2".into()));
    }

    #[test]
    fn wrong_paths_say_what_is_there() {
        let mut t = table(
            "[[suspensions]]\nid = \"spring\"\nend = 2020-05-25\n[staffing]\ncaseworkers = 1\n",
        );
        assert_eq!(
            set(&mut t, "suspensions.autumn.end=2020-10-01").unwrap_err(),
            "`suspensions` has no entry `autumn` (entries: spring)"
        );
        assert_eq!(
            set(&mut t, "staffing=3").unwrap_err(),
            "`staffing` is a table, not a single value; name a key inside it"
        );
        assert_eq!(
            set(&mut t, "staffing.changes.reopen.add_caseworkers=1").unwrap_err(),
            "`staffing.changes` is empty: there is no entry to set"
        );
        assert_eq!(
            set(&mut t, "suspensions.spring=1").unwrap_err(),
            "`suspensions.spring` is an entry, not a single value; name a key inside it"
        );
        assert!(Override::parse("--set", "staffing..x=1").is_err());
        assert!(Override::parse("--set", "staffing.caseworkers").is_err());
        assert!(Override::parse("--set", "staffing.caseworkers=").is_err());
        assert!(is_date_key("suspensions.spring.end") && is_date_key("suspension_end"));
        assert!(!is_date_key("staffing.changes.reopen.add_caseworkers"));
    }
}
