//! What report.html adds to a run (issue 13: at most 20%): for `remopt
//! solve inputs/japan.toml` and for a 1,000-point sweep of it (a grid of
//! 40 x 25 values and a Monte Carlo sweep of 1,000 draws), the whole work
//! of the command in memory (load, solve, every output's bytes, report.html
//! included), for the solve also with the files written as the command
//! writes them (synced, swapped in), against rendering report.html alone
//! from the same files.
//!
//! `cargo bench --bench report_overhead`; `benches/report_overhead.sh` runs
//! it and prints each page's share: html / (whole - html).

use criterion::{criterion_group, criterion_main, Criterion};
use remopt::pipeline::{optimise, SolveSettings};
use remopt::report::sweep as out;
use remopt::scenario;
use remopt::sweep::{Mode, Sweep, Vary};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The allocator the `remopt` binary runs with (see src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn japan_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/japan.toml")
}

/// `remopt solve inputs/japan.toml` in memory: every file's bytes.
fn solve_japan(path: &Path) -> Vec<(&'static str, Vec<u8>)> {
    let text = std::fs::read(path).unwrap();
    let scenario = scenario::parse(path, &text).unwrap();
    remopt::report::solve_and_render(&scenario, &SolveSettings::default(), 0.0)
        .unwrap()
        .files
}

/// The same without report.html: `remopt::report::solve_files_from`'s
/// renderers but the page's, called the same way (for Japan: no horizon, no
/// disruptions, no basket).
fn solve_japan_without_page(path: &Path) -> Vec<(&'static str, Vec<u8>)> {
    use remopt::report::{csv, json, sensitivity, stages};
    let text = std::fs::read(path).unwrap();
    let scenario = scenario::parse(path, &text).unwrap();
    let render = |outcome: &_| {
        rayon::join(
            || csv::plan(&scenario, outcome),
            || csv::constraints(&scenario, outcome),
        )
    };
    let (outcome, (plan, constraints)) =
        remopt::pipeline::optimise_with(&scenario, &SolveSettings::default(), render).unwrap();
    let security = sensitivity::security_prices(&scenario, &outcome);
    let record = json::RunRecord::new(&scenario, &outcome, 0.0);
    let ranging = sensitivity::sensitivity_csv(&scenario, &outcome);
    let mut files = vec![
        ("plan.csv", plan),
        ("summary.csv", csv::summary(&scenario, &outcome)),
        ("constraints.csv", constraints),
        ("security.csv", sensitivity::security_csv(&scenario, &security)),
        ("stages.csv", stages::stages_csv(&scenario, &outcome.schedule)),
    ];
    if let Some(ranging) = ranging {
        files.push(("sensitivity.csv", ranging));
    }
    files.push(("run.json", json::run_json(&record)));
    files
}

fn solve(c: &mut Criterion) {
    let path = japan_path();
    let text = std::fs::read(&path).unwrap();
    let scenario = scenario::parse(&path, &text).unwrap();
    let outcome = optimise(&scenario, &SolveSettings::default()).unwrap();
    let security = remopt::report::sensitivity::security_prices(&scenario, &outcome);
    let record = remopt::report::json::RunRecord::new(&scenario, &outcome, 0.0);
    let mut files = remopt::report::solve_files(&scenario, &outcome, &security, &record);
    files.retain(|(name, _)| *name != "report.html");
    let mut group = c.benchmark_group("report-overhead-japan");
    let with: Vec<&str> = solve_japan(&path).iter().map(|f| f.0).collect();
    let without: Vec<&str> = solve_japan_without_page(&path).iter().map(|f| f.0).collect();
    assert_eq!(
        with.iter().filter(|f| **f != "report.html").collect::<Vec<_>>(),
        without.iter().collect::<Vec<_>>(),
        "the same files but the page"
    );
    group.bench_function("whole solve", |b| b.iter(|| black_box(solve_japan(&path))));
    group.bench_function("whole solve without report.html", |b| {
        b.iter(|| black_box(solve_japan_without_page(&path)))
    });
    // As the command does: the files written, each synced, and swapped in.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("japan");
    group.bench_function("whole solve, files written", |b| {
        b.iter(|| remopt::report::write::replace_dir(&out, &solve_japan(&path)).unwrap())
    });
    group.bench_function("whole solve without report.html, files written", |b| {
        b.iter(|| remopt::report::write::replace_dir(&out, &solve_japan_without_page(&path)).unwrap())
    });
    group.bench_function("report.html alone", |b| {
        b.iter(|| black_box(remopt::report::html::report_html(&record, &security, &files)))
    });
    group.finish();
}

/// A sweep of Japan in memory: every point solved on two threads (the
/// machine's cores), every final file's bytes, report.html included.
fn run_sweep(definition: &Sweep) -> Vec<(&'static str, Vec<u8>)> {
    let sweep = definition.prepare().unwrap();
    let finished = sweep
        .execute(2, |index, point, result| {
            out::FinishedRun::of(index, point, result, sweep.disruptions)
        })
        .unwrap();
    let identity = out::Identity {
        sweep: definition,
        definition_sha256: &sweep.definition_sha256,
        shard: None,
        name: &sweep.name,
        currency: "USD",
    };
    out::final_files(&identity, sweep.horizon, sweep.disruptions, &finished, 2, 0.0)
}

fn sweeps(c: &mut Criterion) {
    let vary = |text: &str| Vary::parse(text).unwrap();
    let cn: Vec<String> = (0..40).map(|i| format!("{:.3}", 0.6 + 0.01 * i as f64)).collect();
    let dy: Vec<String> = (0..25).map(|i| format!("{:.2}", 0.5 + 0.1 * i as f64)).collect();
    let cases = [
        (
            "grid of 40 x 25",
            Sweep {
                scenario: japan_path(),
                mode: Mode::Grid,
                varies: vec![
                    vary(&format!("countries.CN.max_share={}", cn.join(","))),
                    vary(&format!("suppliers.*.offers.Dy.price_per_kg*={}", dy.join(","))),
                ],
                samples: None,
                seed: 0,
            },
        ),
        (
            "Monte Carlo of 1000 draws",
            Sweep {
                scenario: japan_path(),
                mode: Mode::Grid,
                varies: vec![vary("suppliers.*.offers.Dy.price_per_kg*~uniform(0.5,2)")],
                samples: Some(1000),
                seed: 1,
            },
        ),
    ];
    let mut group = c.benchmark_group("report-overhead-sweep");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for (label, definition) in &cases {
        let files = run_sweep(definition);
        let definition_json = serde_json::to_value(definition).unwrap();
        let page = remopt::report::sweep_html::SweepPage {
            definition: &definition_json,
            name: "japan",
            currency: "USD",
        };
        let mut inputs = files.clone();
        inputs.retain(|(name, _)| !matches!(*name, "report.html" | "sweep.json"));
        group.bench_function(format!("{label}: whole sweep"), |b| {
            b.iter(|| black_box(run_sweep(definition)))
        });
        group.bench_function(format!("{label}: report.html alone"), |b| {
            b.iter(|| black_box(remopt::report::sweep_html::sweep_html(&page, &inputs)))
        });
    }
    group.finish();
}

criterion_group!(benches, solve, sweeps);
criterion_main!(benches);
