//! Every output shown in docs/recipes.md is the real output of its command, byte for byte, so the page cannot
//! drift from the program. The outputs are the fenced blocks after `<!-- regen: COMMAND -->` markers, written by
//! scripts/regen-blocks.py (which documents the format); each command of a `sh` block has such a marker.

use crate::common::backlog;

/// One regenerated block of the page: the command, whether stderr is shown (above stdout), the exit code it
/// must end with, and the block's text.
#[derive(Debug)]
struct Block {
    command: String,
    with_stderr: bool,
    exit: i32,
    shown: String,
}

/// The section of recipe `number` ("## N. ..."), up to the next heading.
fn section(number: u32) -> String {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/recipes.md")).unwrap();
    let heading = format!("\n## {number}. ");
    let start = page
        .find(&heading)
        .unwrap_or_else(|| panic!("no recipe {number}"));
    let section = &page[start + heading.len()..];
    section[..section.find("\n## ").unwrap_or(section.len())].to_string()
}

/// The regenerated blocks of a section, read as scripts/regen-blocks.py reads them.
fn blocks(section: &str) -> Vec<Block> {
    let lines: Vec<&str> = section.split('\n').collect();
    let mut blocks = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(marker) = line
            .strip_prefix("<!-- regen")
            .and_then(|m| m.strip_suffix(" -->"))
        else {
            continue;
        };
        let (options, command) = marker
            .split_once(": ")
            .unwrap_or_else(|| panic!("malformed marker: {line}"));
        let options: Vec<&str> = options.split_whitespace().collect();
        let exit = options
            .iter()
            .find_map(|o| o.strip_prefix("exit="))
            .map_or(0, |code| code.parse().unwrap());
        assert!(
            lines.get(at + 1).is_some_and(|l| l.starts_with("```")),
            "the marker is not followed by a fenced block: {line}"
        );
        let end = (at + 2..lines.len())
            .find(|&i| lines[i] == "```")
            .unwrap_or_else(|| panic!("the block after {line} is not closed"));
        blocks.push(Block {
            command: command.to_string(),
            with_stderr: options.contains(&"stderr"),
            exit,
            shown: lines[at + 2..end].join("\n") + "\n",
        });
    }
    blocks
}

/// The commands of the section's `sh` blocks.
fn shown_commands(section: &str) -> Vec<String> {
    section
        .split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|block| block.strip_prefix("sh\n"))
        .flat_map(|body| body.lines().filter(|l| l.starts_with("backlog ")))
        .map(str::to_string)
        .collect()
}

/// Splits a command line at blanks, keeping double-quoted words whole, and drops the leading `backlog`. Only
/// plain commands are run here: a pipe, a redirection or any other shell syntax outside quotes is refused.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            '|' | '<' | '>' | ';' | '&' | '$' | '`' | '\'' | '\\' if !quoted => {
                panic!("`{line}` is not a plain backlog command")
            }
            c => word.push(c),
        }
    }
    words.push(word);
    assert_eq!(words.remove(0), "backlog", "{line}");
    words
}

/// A progress line of a long run (`sweep: 48/120 runs (40%) after 1.9 s`), which depends on the machine's
/// speed and which scripts/regen-blocks.py leaves out.
fn is_progress(line: &str) -> bool {
    let Some((label, rest)) = line.split_once(": ") else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some((counts, rest)) = rest.split_once(" runs (") else {
        return false;
    };
    let Some((percent, _)) = rest.split_once("%) after ") else {
        return false;
    };
    !label.is_empty()
        && !label.contains(char::is_whitespace)
        && counts
            .split_once('/')
            .is_some_and(|(a, b)| digits(a) && digits(b))
        && digits(percent)
}

/// Runs every regenerated command of recipe `number` and compares its output with the page's block.
fn run_recipe(number: u32) {
    let section = section(number);
    let blocks = blocks(&section);
    assert!(!blocks.is_empty(), "recipe {number} shows no output");
    for command in shown_commands(&section) {
        assert!(
            blocks.iter().any(|b| b.command == command),
            "recipe {number}: `{command}` has no regenerated output"
        );
    }
    for block in blocks {
        let output = backlog().args(words(&block.command)).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(
            output.status.code(),
            Some(block.exit),
            "`{}`: {stderr}",
            block.command
        );
        let mut real = String::new();
        if block.with_stderr {
            for line in stderr.lines().filter(|l| !is_progress(l)) {
                real.push_str(line);
                real.push('\n');
            }
        }
        real.push_str(&String::from_utf8(output.stdout).unwrap());
        let real = real.trim_end_matches('\n').to_string() + "\n";
        assert!(
            real == block.shown,
            "recipe {number}: `{}` prints something else than docs/recipes.md shows \
             (scripts/regen-blocks.py docs/recipes.md rewrites the page)\n--- real ---\n{real}--- page ---\n{}",
            block.command,
            block.shown
        );
    }
}

#[test]
fn progress_lines_are_recognised() {
    assert!(is_progress("check: 48/120 runs (40%) after 1.9 s"));
    assert!(is_progress("sweep: 1/1 runs (100%) after 12 s"));
    assert!(!is_progress(
        "target: suspensions.spring.end=2020-05-25: 20 of 20 replications meet overdue_end<=0 by 2020-09-30 (met)"
    ));
    assert!(!is_progress("a b: 1/2 runs (50%) after 1 s"));
}

#[test]
fn recipe_1_suspension_until_30_june() {
    run_recipe(1);
}

#[test]
fn recipe_2_phone_meetings_in_aarhus() {
    run_recipe(2);
}

#[test]
fn recipe_3_temporary_caseworkers() {
    run_recipe(3);
}

#[test]
fn recipe_4_another_spell_distribution() {
    run_recipe(4);
}

#[test]
fn recipe_5_suspension_end_and_surge() {
    run_recipe(5);
}

#[test]
fn recipe_6_what_if_in_one_command() {
    run_recipe(6);
}

#[test]
fn recipe_7_caseworkers_in_local_units() {
    run_recipe(7);
}

#[test]
fn recipe_8_two_suspension_episodes() {
    run_recipe(8);
}
