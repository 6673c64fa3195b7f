//! The module graph stays layered and acyclic.
//!
//! Every `.rs` file under `src/` is a module; it uses another when it names a path into it: `crate::…` (or
//! `backlog::…` in `main.rs`), `super::…` that leaves the module, and `self::…` into a child. Paths in comments
//! and strings do not count; a `mod tests { … }` inside a file belongs to the file. Each top-level module sits in
//! one of [`LAYERS`]; a module may use modules of its own layer and of the layers below, never above, and no
//! chain of uses may come back to where it started.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom to top, each with its top-level modules (`main` is the binary).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "base",
        &[
            "error",
            "budget",
            "signals",
            "streams",
            "output",
            "format",
            "progress",
            "metric",
            "sensitivity",
        ],
    ),
    ("scenario", &["scenario"]),
    ("engine", &["engine"]),
    ("summary", &["summary", "timeliness", "run", "ensemble"]),
    (
        "sweep, check and calibrate",
        &["sweep", "check", "calibrate", "allocate"],
    ),
    ("report", &["report"]),
    ("cli", &["cli"]),
    ("commands", &["commands"]),
    ("main", &["main"]),
];

/// Modules left out of the search for cycles while a split is under way (none now). Their layer is checked all
/// the same.
const CYCLES_BEING_SPLIT: &[&str] = &[];

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

/// The identifiers, `::` and punctuation of Rust source with their line numbers, without comments and literals.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        let next = at(i + 1);
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if raw_string_start(&chars, i).is_some() {
            let (hashes, body) = raw_string_start(&chars, i).unwrap();
            let closing: Vec<char> = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            i = body;
            while i < chars.len() && !chars[i..].starts_with(&closing) {
                line += usize::from(chars[i] == '\n');
                i += 1;
            }
            i += closing.len();
        } else if c == '"' || (c == 'b' && next == '"') {
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                line += usize::from(chars[i] == '\n');
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' || (c == 'b' && next == '\'') {
            let start = if c == 'b' { i + 1 } else { i };
            if at(start + 1) == '\\' {
                i = start + 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(start + 2) == '\'' {
                i = start + 3;
            } else {
                // A lifetime: its name follows as an identifier.
                i = start + 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else if c == ':' && next == ':' {
            out.push((Token::PathSep, line));
            i += 2;
        } else {
            out.push((Token::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// Where a raw string (`r"…"`, `r#"…"#`, `br"…"`) starts at `i`: its number of `#`s and the index of its body.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let previous_is_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    let r = match chars.get(i) {
        Some('r') => i,
        Some('b') if chars.get(i + 1) == Some(&'r') => i + 1,
        _ => return None,
    };
    let hashes = chars[r + 1..].iter().take_while(|&&c| c == '#').count();
    (!previous_is_ident && chars.get(r + 1 + hashes) == Some(&'"'))
        .then_some((hashes, r + 2 + hashes))
}

/// The paths named from `tokens` at `i` onwards, after `prefix`: one path, or several for `{…}` groups.
/// Returns the index after the path.
fn paths(
    tokens: &[(Token, usize)],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match tokens.get(i).map(|t| &t.0) {
            Some(Token::Ident(name)) if name != "self" || prefix.is_empty() => {
                prefix.push(name.clone());
                i += 1;
            }
            Some(Token::Ident(_)) => i += 1,
            Some(Token::Punct('{')) => {
                i += 1;
                while let Some((token, _)) = tokens.get(i) {
                    match token {
                        Token::Punct('}') => return i + 1,
                        Token::Punct(',') => i += 1,
                        Token::Ident(word) if word == "as" => i += 2,
                        _ => i = paths(tokens, i, prefix.clone(), out),
                    }
                }
                return i;
            }
            _ => {
                out.push(prefix);
                return i;
            }
        }
        if tokens.get(i).map(|t| &t.0) != Some(&Token::PathSep) {
            out.push(prefix);
            return i;
        }
        i += 1;
    }
}

/// The module a file under `src/` is: `report::plot::sweep` for `src/report/plot/sweep.rs`, `report` for
/// `src/report/mod.rs`, `main` for the binary and `` for the crate root.
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|last| last == "mod" || last == "lib")
    {
        parts.pop();
    }
    parts.join("::")
}

/// A use of one module by another, and the first place it happens.
#[derive(Debug, Clone)]
struct Edge {
    from: String,
    to: String,
    line: usize,
}

/// The uses between the modules of `files` (module path, source), each pair once with its first line.
fn edges(files: &[(String, String)]) -> Vec<Edge> {
    let modules: BTreeSet<&str> = files.iter().map(|(module, _)| module.as_str()).collect();
    let mut found: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (module, source) in files {
        let tokens = tokens(source);
        let here: Vec<String> = module
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        // Inline modules (`mod tests { … }`): their names and the brace depth each closes at.
        let mut inline: Vec<(String, usize)> = Vec::new();
        let mut depth = 0;
        let mut i = 0;
        while i < tokens.len() {
            let (token, line) = &tokens[i];
            match token {
                Token::Punct('{') => depth += 1,
                Token::Punct('}') => {
                    depth -= 1;
                    if inline.last().is_some_and(|(_, close)| *close == depth) {
                        inline.pop();
                    }
                }
                Token::Ident(word) if word == "mod" => {
                    if let (Some((Token::Ident(name), _)), Some((Token::Punct('{'), _))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        inline.push((name.clone(), depth));
                    }
                }
                _ => {}
            }
            let starts_path = matches!(token, Token::Ident(word)
                if ["crate", "super", "self"].contains(&word.as_str())
                    || (word == "backlog" && module == "main"))
                && tokens.get(i + 1).map(|t| &t.0) == Some(&Token::PathSep)
                && (i == 0 || tokens[i - 1].0 != Token::PathSep);
            if !starts_path {
                i += 1;
                continue;
            }
            let mut named = Vec::new();
            let end = paths(&tokens, i, Vec::new(), &mut named);
            for path in named {
                // `crate::` starts at the root; `self::` and `super::` where the path is written.
                let mut absolute: Vec<String> = match path[0].as_str() {
                    "crate" | "backlog" => Vec::new(),
                    _ => here
                        .iter()
                        .chain(inline.iter().map(|(name, _)| name))
                        .cloned()
                        .collect(),
                };
                let skip = usize::from(path[0] != "super");
                for segment in &path[skip..] {
                    if segment == "super" {
                        absolute.pop();
                    } else {
                        absolute.push(segment.clone());
                    }
                }
                let target = (0..=absolute.len())
                    .rev()
                    .map(|n| absolute[..n].join("::"))
                    .find(|prefix| modules.contains(prefix.as_str()))
                    .unwrap_or_default();
                if !target.is_empty() && target != *module {
                    found.entry((module.clone(), target)).or_insert(*line);
                }
            }
            i = end.max(i + 1);
        }
    }
    found
        .into_iter()
        .map(|((from, to), line)| Edge { from, to, line })
        .collect()
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// Every way the modules of `files` break the layering: a top-level module in no layer, a use of a layer above,
/// a cycle. Empty when the graph is layered and acyclic.
fn problems(files: &[(String, String)]) -> Vec<String> {
    let layer_of = |module: &str| {
        LAYERS
            .iter()
            .position(|(_, tops)| tops.contains(&top(module)))
    };
    let mut problems = Vec::new();
    for (module, _) in files {
        if !module.is_empty() && layer_of(module).is_none() {
            problems.push(format!(
                "module {module} is in no layer: add `{}` to LAYERS in tests/cli/architecture.rs",
                top(module)
            ));
        }
    }
    let edges = edges(files);
    for edge in &edges {
        if let (Some(from), Some(to)) = (layer_of(&edge.from), layer_of(&edge.to)) {
            if to > from {
                problems.push(format!(
                    "{} (layer {}) uses {} (layer {}, above it), first at line {}",
                    edge.from, LAYERS[from].0, edge.to, LAYERS[to].0, edge.line
                ));
            }
        }
    }
    let outside_splits: Vec<Edge> = edges
        .into_iter()
        .filter(|e| {
            ![&e.from, &e.to]
                .iter()
                .any(|m| CYCLES_BEING_SPLIT.contains(&m.as_str()))
        })
        .collect();
    problems.extend(cycles(&outside_splits));
    problems
}

/// One cycle through each strongly connected group of modules, as `a -> b (line n) -> … -> a`.
fn cycles(edges: &[Edge]) -> Vec<String> {
    let mut next: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
    for edge in edges {
        next.entry(&edge.from).or_default().push(edge);
    }
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    let mut cycles = Vec::new();
    for start in next.keys().copied() {
        if reported.contains(start) {
            continue;
        }
        // Breadth-first from `start`, looking for the shortest way back to it.
        let mut came_from: BTreeMap<&str, &Edge> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut closing = None;
        'search: while let Some(module) = queue.pop_front() {
            for &edge in next.get(module).into_iter().flatten() {
                if edge.to == start {
                    closing = Some(edge);
                    break 'search;
                }
                if !came_from.contains_key(edge.to.as_str()) {
                    came_from.insert(&edge.to, edge);
                    queue.push_back(&edge.to);
                }
            }
        }
        let Some(mut edge) = closing else { continue };
        let mut chain = vec![edge];
        while edge.from != start {
            edge = came_from[edge.from.as_str()];
            chain.push(edge);
        }
        chain.reverse();
        reported.extend(chain.iter().map(|e| e.from.as_str()));
        let steps: Vec<String> = chain
            .iter()
            .map(|e| format!(" -> {} (line {} of {})", e.to, e.line, e.from))
            .collect();
        cycles.push(format!("cycle: {start}{}", steps.concat()));
    }
    cycles
}

/// Every `.rs` file under `dir`, as (module path, source).
fn sources(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = module_of(path.strip_prefix(root).unwrap());
            out.push((module, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

fn crate_sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    files
}

fn files(sources: &[(&str, &str)]) -> Vec<(String, String)> {
    sources
        .iter()
        .map(|(module, source)| (module.to_string(), source.to_string()))
        .collect()
}

#[test]
fn the_module_graph_is_layered_and_acyclic() {
    let files = crate_sources();
    let problems = problems(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_graph_sees_the_uses_it_checks() {
    let edges = edges(&crate_sources());
    let has = |from: &str, to: &str| edges.iter().any(|e| e.from == from && e.to == to);
    // A `use crate::…` group, a path in an expression, `super::` out of a file and `backlog::` in the binary.
    assert!(has("commands::simulate", "report::daily"), "{edges:#?}");
    assert!(has("sweep::search", "sweep::grid"));
    assert!(has("main", "commands"));
    assert!(has("report::table", "format"));
    assert!(edges.len() > 100, "only {} uses found", edges.len());
}

#[test]
fn a_use_of_a_layer_above_is_named() {
    let problems = problems(&files(&[
        (
            "metric",
            "//! `crate::report` in a comment is no use.\nuse crate::report::table::write;\n",
        ),
        ("report", ""),
        ("report::table", "pub fn write() {}"),
    ]));
    assert_eq!(
        problems,
        ["metric (layer base) uses report::table (layer report, above it), first at line 2"]
    );
}

#[test]
fn a_cycle_is_named_with_its_lines() {
    let problems = problems(&files(&[
        ("report", "pub fn thousands() {}\n"),
        (
            "report::table",
            "fn f() {\n    super::compare::rows();\n}\n",
        ),
        (
            "report::compare",
            "use crate::report::{self, table::{self as t}};\nfn rows() { let s = \"crate::x\"; }\n",
        ),
        (
            "report::json",
            "#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
    ]));
    assert_eq!(
        problems,
        [
            "cycle: report::compare -> report::table (line 1 of report::compare) -> report::compare (line 2 of report::table)"
        ]
    );
}

#[test]
fn a_module_outside_every_layer_is_named() {
    let problems = problems(&files(&[("plugins", "")]));
    assert_eq!(
        problems,
        ["module plugins is in no layer: add `plugins` to LAYERS in tests/cli/architecture.rs"]
    );
}
