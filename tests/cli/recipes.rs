//! Every command of docs/recipes.md runs, with one replication so that the tests stay quick, and the header line
//! of its output (the CSV columns, the table's column names) is the one the page shows.

use crate::common::backlog;

/// The commands of recipe `number` ("## N. ..."), each with the output block that follows it.
fn recipe(number: u32) -> Vec<(Vec<String>, String)> {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/recipes.md")).unwrap();
    let heading = format!("\n## {number}. ");
    let start = page
        .find(&heading)
        .unwrap_or_else(|| panic!("no recipe {number}"));
    let section = &page[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let blocks: Vec<&str> = section.split("```").collect();
    let mut commands = Vec::new();
    // Odd pieces are the insides of fenced blocks: `sh` blocks hold commands, the plain block after one its output.
    for (i, block) in blocks.iter().enumerate().skip(1).step_by(2) {
        if let Some(body) = block.strip_prefix("sh\n") {
            let output = blocks
                .get(i + 2)
                .filter(|b| b.starts_with('\n'))
                .map_or(String::new(), |b| b.to_string());
            for line in body.lines().filter(|l| l.starts_with("backlog ")) {
                commands.push((words(line), output.clone()));
            }
        }
    }
    assert!(!commands.is_empty(), "recipe {number} has no command");
    commands
}

/// Splits a command line at blanks, keeping double-quoted words whole.
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
            c => word.push(c),
        }
    }
    words.push(word);
    words.remove(0);
    words
}

fn run_recipe(number: u32) {
    for (mut args, documented) in recipe(number) {
        match args.iter().position(|a| a == "--reps") {
            Some(at) => args[at + 1] = "1".to_string(),
            None => args.extend(["--reps".to_string(), "1".to_string()]),
        }
        let output = backlog().args(&args).output().unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let header = stdout
            .lines()
            .find(|l| {
                ["scenario,", "metric ", "municipality "]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .unwrap_or_else(|| panic!("{args:?} printed no header:\n{stdout}"));
        assert!(
            documented.lines().any(|l| l == header),
            "{args:?}: the page does not show the header\n{header}"
        );
    }
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
