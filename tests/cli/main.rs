//! All integration tests, in one test binary (one link, one run).

mod charts;
mod check;
mod common;
mod engine;
mod simulate;
