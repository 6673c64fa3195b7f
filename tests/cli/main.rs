//! All integration tests, in one test binary (one link, one run).

mod common;
mod corpus;
mod engine;
mod fuzz;
mod properties;
mod simulate;
