//! All integration tests, in one test binary (one link, one run).

mod check;
mod common;
mod engine;
mod simulate;
