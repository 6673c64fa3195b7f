//! `backlog`: a discrete-event simulator of the statutory meeting backlog at Danish jobcentres.
//!
//! A [`Scenario`](scenario::Scenario) (read from TOML and validated) describes municipalities, benefit groups
//! with their meeting rules, staffing and suspension windows. The [`engine`] advances it day by day and records a
//! [`Series`](engine::metrics::Series); [`summary`] folds a series into metrics, each named by a
//! [`Metric`](metric::Metric); [`report`] writes them (tables, JSON, CSV, Excel, charts).
//!
//! ```no_run
//! let scenario = backlog::scenario::load(std::path::Path::new("scenarios/cph2020.toml")).unwrap();
//! let series = backlog::engine::Simulation::new(&scenario, scenario.seed).run();
//! let total = backlog::summary::summarise(&scenario, &series, backlog::summary::Selection::whole(&series));
//! assert!(total.books_balance());
//! println!("peak backlog {} on {:?}", total.backlog_peak, total.backlog_peak_date);
//!
//! // The same scenario with a longer suspension, as `--set` gives it.
//! let longer = backlog::scenario::Override::parse("--set", "suspensions.spring.end=2020-06-30").unwrap();
//! let what_if = backlog::scenario::load_with(std::path::Path::new("scenarios/cph2020.toml"), &[longer]).unwrap();
//! assert_eq!(what_if.overrides, ["suspensions.spring.end=2020-06-30"]);
//! ```

pub mod check;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod error;
pub mod metric;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sensitivity;
pub mod signals;
pub mod streams;
pub mod summary;
pub mod sweep;
pub mod uncertain;
