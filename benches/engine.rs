//! Engine benchmarks in size tiers: one small municipality, Copenhagen, the whole country, and a sweep of 100
//! Copenhagen replications on one thread and on every core.
//!
//! Throughput is counted from one run of each scenario before timing starts, over every simulated day, warm-up
//! included: `person_days` is the number of persons on benefit summed over days, `meeting_events` the meetings
//! that fell due, were held, waived or dropped. Each tier runs the same work twice, once per unit, because a
//! criterion benchmark reports a single throughput.
//!
//! The last group times writing the national daily.csv into a sink, in bytes per second.
//!
//! `cargo bench --bench engine` runs everything; `cargo bench --bench engine -- cph2020` one tier.

use backlog::engine::metrics::Workload;
use backlog::engine::Simulation;
use backlog::report::daily;
use backlog::run::{replicate, RunSummary};
use backlog::scenario::Scenario;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::io::Write;
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

/// Writing daily.csv for the national scenario (one run's series) into a sink: the formatting cost alone.
fn daily_csv(c: &mut Criterion) {
    let scenario = load("scenarios/dk2020.toml");
    let series = Simulation::new(&scenario, scenario.seed).run();
    let layout = daily::Layout::new(
        &scenario,
        &series,
        daily::Grain::default(),
        daily::Period::default(),
    );
    let write = |out: &mut dyn Write| daily::write(out, &series, &layout);
    let mut bytes = Vec::new();
    write(&mut bytes).expect("writing to memory");
    let rows = series.days * series.municipalities * series.groups;
    eprintln!("daily.csv dk2020: {rows} rows, {} bytes", bytes.len());
    let mut group = c.benchmark_group("report");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("daily_csv_dk2020", |b| {
        b.iter(|| write(&mut std::io::sink()).expect("writing to a sink"))
    });
    group.finish();
}

criterion_group!(benches, small, copenhagen, national, sweep, daily_csv);
criterion_main!(benches);
