//! Finds the line and column of a key path (`groups[1].duration.mean_days`) in a TOML document.
//!
//! serde reports *which* key is wrong; the parsed document knows *where* it is. Walking the document along the
//! path joins the two, so every message can point at a line even after `extends` merged several files.

use toml_edit::{ImDocument, Item, Table, Value};

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Renders a path the way messages show it: `groups[1].duration.mean_days`.
pub fn render(path: &[Segment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// Parses `groups[1].duration.mean_days` back into segments.
pub fn parse(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                segments.push(Segment::Key(rest[..open].to_string()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(index) = stripped[..close].parse() {
                    segments.push(Segment::Index(index));
                }
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        } else {
            segments.push(Segment::Key(rest.to_string()));
        }
    }
    segments
}

enum Node<'a> {
    Table(&'a Table),
    Item(&'a Item),
    Value(&'a Value),
}

/// Byte span of the deepest part of `path` present in `doc`, and whether the whole path was found.
pub fn span(doc: &ImDocument<String>, path: &[Segment]) -> Option<(std::ops::Range<usize>, bool)> {
    let mut node = Node::Table(doc.as_table());
    let mut best = None;
    for (depth, segment) in path.iter().enumerate() {
        let next = match (segment, &node) {
            (Segment::Key(key), Node::Table(table)) => table
                .get_key_value(key)
                .map(|(k, item)| (k.span(), Node::Item(item))),
            (Segment::Key(key), Node::Item(item)) => match item {
                Item::Table(table) => table
                    .get_key_value(key)
                    .map(|(k, v)| (k.span(), Node::Item(v))),
                Item::Value(Value::InlineTable(table)) => table
                    .get_key_value(key)
                    .map(|(k, v)| (k.span(), Node::Item(v))),
                _ => None,
            },
            (Segment::Key(key), Node::Value(Value::InlineTable(table))) => table
                .get_key_value(key)
                .map(|(k, v)| (k.span(), Node::Item(v))),
            (Segment::Index(index), Node::Item(Item::ArrayOfTables(array))) => array
                .get(*index)
                .map(|table| (table.span(), Node::Table(table))),
            (Segment::Index(index), Node::Item(Item::Value(Value::Array(array))))
            | (Segment::Index(index), Node::Value(Value::Array(array))) => array
                .get(*index)
                .map(|value| (value.span(), Node::Value(value))),
            _ => None,
        };
        match next {
            Some((found_span, next_node)) => {
                if let Some(found_span) = found_span {
                    best = Some((found_span, depth + 1 == path.len()));
                }
                node = next_node;
            }
            None => break,
        }
    }
    best
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_round_trips() {
        let path = parse("groups[1].inflow_changes[0].date");
        assert_eq!(render(&path), "groups[1].inflow_changes[0].date");
        assert_eq!(path.len(), 5);
    }

    #[test]
    fn finds_keys_in_arrays_of_tables() {
        let text = "name = \"x\"\n\n[[groups]]\nid = \"a\"\n\n[[groups]]\nid = \"b\"\nduration = { mean_days = 3 }\n";
        let doc = ImDocument::parse(text.to_string()).unwrap();
        let (found, whole) = span(&doc, &parse("groups[1].duration.mean_days")).unwrap();
        assert!(whole);
        assert_eq!(line_col(text, found.start), (8, 14));
        let (found, whole) = span(&doc, &parse("groups[1].missing")).unwrap();
        assert!(!whole);
        assert_eq!(line_col(text, found.start).0, 6);
    }
}
