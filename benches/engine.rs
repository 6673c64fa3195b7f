//! Engine benchmarks, one per target row of docs/performance.md: one small municipality, Copenhagen and the
//! whole country on one thread, the whole country on every core, and sweeps of 100 and 10,000 Copenhagen
//! replications on one thread and on every core. Peak memory is measured by `benches/memory.rs`
//! (docs/performance.md).
//!
//! Throughput is counted from one run of each scenario before timing starts, over every simulated day, warm-up
//! included: `meeting_events` is the meetings that fell due, were held, waived or dropped.
//!
//! The `akasse` group runs Copenhagen with its a-kasse side and without it, on one thread. The last group times
//! writing the national daily.csv into a sink, in bytes per second.
//!
//! `cargo bench --bench engine` runs everything (the 10,000-replication sweep takes several minutes);
//! `cargo bench --bench engine -- '^dk2020/'` one tier, `cargo bench --bench engine -- '^akasse/'` the a-kasse
//! side's cost.

use backlog::engine::metrics::Workload;
use backlog::engine::Simulation;
use backlog::report::daily;
use backlog::run::{replicate, RunSummary};
use backlog::scenario::{HeldBy, Scenario};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rayon::ThreadPool;
use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

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
    let series = Simulation::new(scenario, scenario.seed).run().unwrap();
    series.rows.last().map_or(0, |row| u64::from(row.active))
}

fn pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

/// One thread, and every core when there are several.
fn thread_counts() -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores > 1 {
        vec![1, cores]
    } else {
        vec![1]
    }
}

/// One replication of a scenario, on a pool of each of `threads` (the municipalities of a replication run in
/// parallel).
fn tier(
    c: &mut Criterion,
    name: &str,
    path: &str,
    threads: &[usize],
    samples: usize,
    seconds: u64,
) {
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
    group.throughput(Throughput::Elements(work.meeting_events()));
    for &threads in threads {
        let pool = pool(threads);
        group.bench_with_input(
            BenchmarkId::new("meeting_events_threads", threads),
            &threads,
            |b, _| b.iter(|| pool.install(|| black_box(one_run(&scenario)))),
        );
    }
    group.finish();
}

fn small(c: &mut Criterion) {
    tier(c, "small", "tests/fixtures/small.toml", &[1], 50, 3);
}

fn copenhagen(c: &mut Criterion) {
    tier(c, "cph2020", "scenarios/cph2020.toml", &[1], 20, 5);
}

fn national(c: &mut Criterion) {
    tier(
        c,
        "dk2020",
        "scenarios/dk2020.toml",
        &thread_counts(),
        10,
        10,
    );
}

/// `runs` replications of Copenhagen through the replication runner, summarised as `simulate` does, on pools of
/// one thread and of every core (or every core only).
fn sweep(c: &mut Criterion, runs: u32, threads: &[usize], seconds: u64) {
    let scenario = load("scenarios/cph2020.toml");
    let work = workload(&scenario);
    let mut group = c.benchmark_group(format!("sweep{runs}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(seconds));
    group.throughput(Throughput::Elements(
        work.meeting_events() * u64::from(runs),
    ));
    for &threads in threads {
        let pool = pool(threads);
        group.bench_with_input(
            BenchmarkId::new("meeting_events_threads", threads),
            &threads,
            |b, _| {
                b.iter(|| {
                    pool.install(|| {
                        replicate(&scenario, scenario.seed, runs, |_, series| {
                            RunSummary::of(&scenario, &series).total.held
                        })
                    })
                })
            },
        );
    }
    group.finish();
}

fn sweep100(c: &mut Criterion) {
    sweep(c, 100, &thread_counts(), 20);
}

fn sweep10000(c: &mut Criterion) {
    let every_core = *thread_counts().last().unwrap_or(&1);
    sweep(c, 10_000, &[every_core], 60);
}

/// cph2020 as shipped, which declares the a-kasse side, against the same scenario with it removed: no `[akasse]`
/// section and no meetings the a-kasse holds alone (its joint meetings then cost jobcentre capacity only, as
/// without the a-kasse side they always did). The ratio of the two is the a-kasse side's cost.
fn akasse(c: &mut Criterion) {
    let with = load("scenarios/cph2020.toml");
    assert!(with.akasse.is_some(), "cph2020 declares the a-kasse side");
    let mut without = with.clone();
    without.akasse = None;
    for group in &mut without.groups {
        group.meetings.retain(|m| m.held_by != HeldBy::Akasse);
    }
    let mut group = c.benchmark_group("akasse");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for (name, scenario) in [("with", &with), ("without", &without)] {
        let work = workload(scenario);
        eprintln!(
            "akasse/{name}: {} simulated days, {} person-days, {} meeting events per run",
            work.days,
            work.person_days,
            work.meeting_events()
        );
        group.throughput(Throughput::Elements(work.meeting_events()));
        let pool = pool(1);
        group.bench_function(BenchmarkId::new("cph2020_threads_1", name), |b| {
            b.iter(|| pool.install(|| black_box(one_run(scenario))))
        });
    }
    group.finish();
}

/// Writing daily.csv for the national scenario (one run's series) into a sink: the formatting cost alone.
fn daily_csv(c: &mut Criterion) {
    let scenario = load("scenarios/dk2020.toml");
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
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

criterion_group!(benches, small, copenhagen, national, sweep100, sweep10000, akasse, daily_csv);
criterion_main!(benches);
