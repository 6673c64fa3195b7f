//! Sweep throughput: a 100-run sweep (10 staffing levels x 10 replications) on one thread and on all cores,
//! reported in runs per second. The ratio of the two is the parallel speed-up recorded in docs/performance.md.

use backlog::progress::Progress;
use backlog::sweep::grid::Grid;
use backlog::sweep::{overrides, Sweep};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

const REPS: u32 = 10;

fn sweep_throughput(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scarce.toml");
    let base = backlog::scenario::Base::read(&path).expect("fixture reads");
    let scenario = base.build(&[]).expect("fixture loads");
    let grid = Grid::parse(&["caseworkers=1..5.5:0.5".to_string()]).expect("valid grid");
    overrides::check(&base, &[], &grid).expect("grid fits the scenario");
    let points: Vec<_> = (0..grid.len()).map(|i| (i, grid.point(i))).collect();
    let runs = points.len() as u64 * u64::from(REPS);
    assert_eq!(runs, 100);
    let sweep = Sweep {
        base: &base,
        set: &[],
        scenario: &scenario,
        seed: scenario.seed,
        reps: REPS,
        draws: None,
        plausible: None,
        target: None,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("sweep_100_runs");
    group.throughput(Throughput::Elements(runs));
    group.sample_size(10);
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let progress = Progress::hidden();
        group.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                pool.install(|| sweep.run_points(&grid.keys(), &points, &progress))
                    .expect("every point builds")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sweep_throughput);
criterion_main!(benches);
