//! `backlog man`: the manual pages, rendered from the command line's own definition, so that a page names every
//! option the command takes. The main page goes to stdout; `--out-dir DIR` writes it and one page per
//! subcommand (`backlog-simulate.1`, ...), the pages the main page refers to.

use crate::cli::{Cli, ManArgs};
use crate::error::InputError;
use crate::output::Output;

/// The section of every page: user commands.
const SECTION: &str = "1";

/// The command line as the pages describe it: without clap's `help` subcommand, which has no page of its own
/// (`--help` is on every page), and built, so that each subcommand's name on its page is `backlog-NAME`.
fn command() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    command.build();
    command
}

/// The pages: the main one, then each subcommand's in order, with their file names.
fn pages() -> Vec<(String, clap_mangen::Man)> {
    let command = command();
    std::iter::once(command.clone())
        .chain(
            command
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .cloned(),
        )
        .map(|c| {
            let page = clap_mangen::Man::new(c)
                .section(SECTION)
                .source(format!("backlog {}", crate::report::VERSION));
            (page.get_filename(), page)
        })
        .collect()
}

pub fn run(args: ManArgs, quiet: bool) -> anyhow::Result<()> {
    let Some(dir) = &args.out_dir else {
        let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
        let (_, main) = pages().swap_remove(0);
        return stdout.write(|out| main.render(out));
    };
    if dir == std::path::Path::new("-") {
        return Err(InputError::argument(
            "--out-dir",
            "takes a directory; `backlog man` alone prints the main page on standard output",
        )
        .into());
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        InputError::argument(
            "--out-dir",
            format!("cannot make directory `{}`: {e}", dir.display()),
        )
    })?;
    let pages = pages();
    // Every page's place is checked before any is written.
    let outputs = pages
        .iter()
        .map(|(name, _)| Output::file("--out-dir", &dir.join(name), &[]))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for ((_, page), output) in pages.iter().zip(&outputs) {
        output.write(|out| page.render(out))?;
    }
    if !quiet {
        let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
        stdout.write(|out| {
            writeln!(
                out,
                "wrote {} manual pages in {} (backlog.1 and backlog-COMMAND.1); `man backlog` reads them when {} is in the manual path",
                pages.len(),
                dir.display(),
                dir.display()
            )
        })?;
    }
    Ok(())
}
