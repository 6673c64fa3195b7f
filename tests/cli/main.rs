//! All integration tests, in one test binary (one link, one run).

mod common;
mod engine;
mod simulate;
mod sweep;
