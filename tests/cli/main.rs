//! All integration tests, in one test binary (one link, one run).

mod architecture;
mod atomic;
mod charts;
mod check;
mod common;
mod conventions;
mod corpus;
mod engine;
mod exit_codes;
mod fuzz;
mod golden;
mod limits;
mod municipality_data;
mod outputs;
mod overrides;
mod properties;
mod recipes;
mod report;
mod select;
mod sensitivity;
mod simulate;
mod streams;
mod sweep;
mod uncertain;
mod units;
mod what_if;
