//! Ensemble throughput: 100 draws of cph2020's 45 ranged inputs, each built and run once, on all cores; split into
//! building the drawn scenarios and running them, so docs/performance.md can say where an ensemble's time goes.

use backlog::engine::{replication_seed, Simulation};
use backlog::ensemble::Draws;
use backlog::scenario::ranges::Space;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use std::path::Path;

const DRAWS: u32 = 100;

fn ensemble_throughput(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cph2020.toml");
    let base = backlog::scenario::Base::read(&path).expect("scenario reads");
    let space = Space::of(&base, &[]).expect("ranges parse");
    assert_eq!(space.len(), 45);
    let mut group = c.benchmark_group("ensemble_cph2020_100_draws");
    group.throughput(Throughput::Elements(u64::from(DRAWS)));
    group.sample_size(10);
    group.bench_function("build", |b| {
        b.iter(|| Draws::new(&space, 2020, DRAWS).expect("every draw builds"))
    });
    let draws = Draws::new(&space, 2020, DRAWS).expect("every draw builds");
    group.bench_function("run", |b| {
        b.iter(|| {
            draws
                .scenarios
                .par_iter()
                .map(|s| {
                    Simulation::new(s, replication_seed(2020, 0))
                        .run()
                        .expect("not interrupted")
                        .days
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, ensemble_throughput);
criterion_main!(benches);
