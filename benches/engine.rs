//! Engine benchmarks in size tiers: one small municipality, Copenhagen, the whole country, and a sweep of 100
//! Copenhagen replications on one thread and on every core.
//!
//! Throughput is counted from one run of each scenario before timing starts, over every simulated day, warm-up
//! included: `person_days` is the number of persons on benefit summed over days, `meeting_events` the meetings
//! that fell due, were held, waived or dropped. Each tier runs the same work twice, once per unit, because a
//! criterion benchmark reports a single throughput.
//!
//! `cargo bench --bench engine` runs everything; `cargo bench --bench engine -- cph2020` one tier.

use backlog::engine::metrics::Workload;
use backlog::engine::Simulation;
use backlog::run::{replicate, RunSummary};
use backlog::scenario::Scenario;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Replications in the sweep tier.
const SWEEP_RUNS: u32 = 100;

fn load(path: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    backlog::scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The workload of one run with the scenario's own seed.
fn workload(scenario: &Scenario) -> Workload {
    let mut simulation = Simulation::new(scenario, scenario.seed);
    while simulation.step() {}
    simulation.workload()
}

fn one_run(scenario: &Scenario) -> u64 {
    let series = Simulation::new(scenario, scenario.seed).run();
    series.rows.last().map_or(0, |row| u64::from(row.active))
}

fn tier(c: &mut Criterion, name: &str, path: &str, samples: usize, seconds: u64) {
    let scenario = load(path);
    let work = workload(&scenario);
    eprintln!(
        "{name}: {} simulated days, {} person-days, {} meeting events per run",
        work.days,
        work.person_days,
        work.meeting_events()
    );
    let mut group = c.benchmark_group(name);
    group
        .sample_size(samples)
        .measurement_time(Duration::from_secs(seconds));
    for (unit, count) in [
        ("meeting_events", work.meeting_events()),
        ("person_days", work.person_days),
    ] {
        group.throughput(Throughput::Elements(count));
        group.bench_function(unit, |b| b.iter(|| black_box(one_run(&scenario))));
    }
    group.finish();
}

fn small(c: &mut Criterion) {
    tier(c, "small", "tests/fixtures/small.toml", 50, 3);
}

fn copenhagen(c: &mut Criterion) {
    tier(c, "cph2020", "scenarios/cph2020.toml", 20, 5);
}

fn national(c: &mut Criterion) {
    tier(c, "dk2020", "scenarios/dk2020.toml", 10, 10);
}

/// 100 replications of Copenhagen through the replication runner, summarised as `simulate` does, on pools of one
/// thread and of every core.
fn sweep(c: &mut Criterion) {
    let scenario = load("scenarios/cph2020.toml");
    let work = workload(&scenario);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("sweep100");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(
        work.meeting_events() * u64::from(SWEEP_RUNS),
    ));
    let mut threads = vec![1];
    if cores > 1 {
        threads.push(cores);
    }
    for threads in threads {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_with_input(
            BenchmarkId::new("meeting_events_threads", threads),
            &threads,
            |b, _| {
                b.iter(|| {
                    pool.install(|| {
                        replicate(&scenario, scenario.seed, SWEEP_RUNS, |_, series| {
                            RunSummary::of(&scenario, &series).total.held
                        })
                    })
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, small, copenhagen, national, sweep);
criterion_main!(benches);
