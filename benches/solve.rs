//! Load, build and solve times for the shipped Japan scenario and for a
//! synthetic 17 elements x 2,000 suppliers scenario (34,000 offers).
//!
//! `cargo bench` — each phase is timed on its own so that model building
//! (remopt's work) can be compared with the HiGHS solve.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use remopt::model::{self, Stage};
use remopt::pipeline::{optimise, SolveSettings};
use remopt::scenario::{self, Scenario};
use remopt::solve::{solve, SolveOptions};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn phases(c: &mut Criterion, label: &str, path: &Path, text: &[u8]) {
    let loaded: Scenario = scenario::parse(path, text).expect("valid scenario");
    let size = model::build(&loaded, Stage::Cost, None).layout.size;
    eprintln!(
        "{label}: {} elements, {} suppliers, {} offers; model {} rows x {} columns, {} non-zeros",
        loaded.elements.len(),
        loaded.suppliers.len(),
        loaded.offers.len(),
        size.rows,
        size.columns,
        size.nonzeros
    );
    let mut group = c.benchmark_group(label);
    group.bench_function("load", |b| {
        b.iter(|| scenario::parse(path, black_box(text)).unwrap())
    });
    group.bench_function("build", |b| {
        b.iter(|| model::build(black_box(&loaded), Stage::Cost, None))
    });
    group.bench_function("solve (HiGHS)", |b| {
        b.iter_batched(
            || model::build(&loaded, Stage::Cost, None).problem,
            |problem| solve(problem, false, &SolveOptions::default()).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("build + solve + verify", |b| {
        b.iter(|| optimise(black_box(&loaded), &SolveSettings::default()).unwrap())
    });
    group.finish();
}

fn japan(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/japan.toml");
    let text = std::fs::read(&path).expect("inputs/japan.toml");
    phases(c, "japan", &path, &text);
}

fn synthetic(c: &mut Criterion) {
    let text = remopt::synthetic::scenario_toml(17, 2000);
    phases(
        c,
        "synthetic-17x2000",
        Path::new("synthetic.toml"),
        text.as_bytes(),
    );
}

criterion_group! {
    name = small;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = japan
}
criterion_group! {
    name = large;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(20));
    targets = synthetic
}
criterion_main!(small, large);
