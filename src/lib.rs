//! `backlog`: a discrete-event simulator of the statutory meeting backlog at Danish jobcentres.
//!
//! A [`Scenario`](scenario::Scenario) (read from TOML and validated) describes municipalities, benefit groups
//! with their meeting rules, staffing and suspension windows. The [`engine`] advances it day by day and records a
//! [`Series`](engine::metrics::Series); [`summary`] folds a series into metrics, each named by a
//! [`Metric`](metric::Metric); [`report`] writes them (tables, JSON, CSV, Excel, charts).
//!
//! Modules come in layers, each using only its own layer and those below (tests/cli/architecture.rs checks
//! it, and that no uses go round in a cycle), bottom to top: base ([`error`], [`signals`], [`streams`],
//! [`output`], [`format`], [`progress`], [`metric`]) < [`scenario`] < [`engine`] < [`summary`] and [`run`] <
//! [`sweep`], [`check`], [`calibrate`] and [`allocate`] < [`report`] < [`cli`] < [`commands`] < the binary.
//!
//! ```no_run
//! let scenario = backlog::scenario::load(std::path::Path::new("scenarios/cph2020.toml")).unwrap();
//! let series = backlog::engine::Simulation::new(&scenario, scenario.seed).run().unwrap();
//! let total = backlog::summary::summarise(&scenario, &series, backlog::summary::Selection::whole(&series));
//! assert!(total.books_balance());
//! println!("peak backlog {} on {:?}", total.backlog_peak, total.backlog_peak_date);
//!
//! // The same scenario with a longer suspension, as `--set` gives it.
//! let longer = backlog::scenario::Override::parse("--set", "suspensions.spring.end=2020-06-30").unwrap();
//! let what_if = backlog::scenario::load_with(std::path::Path::new("scenarios/cph2020.toml"), &[longer]).unwrap();
//! assert_eq!(what_if.overrides, ["suspensions.spring.end=2020-06-30"]);
//! ```

pub mod allocate;
pub mod budget;
pub mod calibrate;
pub mod check;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod ensemble;
pub mod error;
pub mod format;
pub mod metric;
pub mod output;
pub mod progress;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sensitivity;
pub mod signals;
pub mod streams;
pub mod summary;
pub mod sweep;
pub mod timeliness;
