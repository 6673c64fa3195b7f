//! Fuzz target: the scenario loader and the municipality CSV it reads, through the public `scenario::load`.
//!
//! An input is a scenario file, optionally followed by a 0xFF byte and a municipality CSV; the CSV is saved as
//! `m.csv` beside the scenario, so a scenario with `file = "m.csv"` reads it (the seeds do). The loader must
//! return a scenario or an `InputError` naming a file: any panic, abort, hang or runaway allocation is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A private directory on a RAM disk where possible, made once per process.
fn workdir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("backlog-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("fuzz work directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let (scenario, csv) = match data.iter().position(|&b| b == 0xFF) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let dir = workdir();
    let path = dir.join("scenario.toml");
    std::fs::write(&path, scenario).expect("write scenario");
    std::fs::write(dir.join("m.csv"), csv).expect("write csv");
    if let Ok(loaded) = backlog::scenario::load(&path) {
        // Whatever loads must also pass the size estimate without overflow into a panic.
        let _ = backlog::scenario::SizeEstimate::of_scenario(&loaded);
    } else if let Err(error) = backlog::scenario::load(&path) {
        assert!(!error.problems.is_empty(), "an error with no problem in it");
    }
});
