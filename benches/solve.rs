//! Load, build and solve times for the shipped Japan scenario and for a
//! synthetic 17 elements x 2,000 suppliers scenario (34,000 offers); MIP
//! solve times for the shipped contracts scenario and a synthetic one with a
//! contract per supplier and minimum lots (5 elements x 100 suppliers).
//!
//! `cargo bench` — each phase is timed on its own so that model building
//! (remopt's work) can be compared with the HiGHS solve.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

/// The allocator the `remopt` binary runs with (see src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
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
            || model::build(&loaded, Stage::Cost, None).lp,
            |lp| solve(&lp, false, &SolveOptions::default()).unwrap(),
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

/// remopt's whole solve at scale — read the scenario file (and its price
/// list), validate, build, solve with the ranging `sensitivity.csv` needs,
/// verify, render every output and write them to a folder — against
/// HiGHS's own solve of the exported model, with and without that ranging
/// (the file read beforehand, outside the timing), and with its reading
/// (as remopt's time counts reading the scenario). `files` are the
/// scenario file (first) and any price list, written to a folder first.
fn at_scale(c: &mut Criterion, label: &str, files: &[(&str, String)]) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = dir.path().join(files[0].0);
    let load = || {
        scenario::ScenarioFile::read(&path)
            .and_then(|f| f.scenario(&[]))
            .unwrap()
    };
    let loaded = load();
    let mps = dir.path().join("model.mps");
    remopt::export::export(&loaded, &mps).unwrap();
    let size = model::build(&loaded, Stage::Cost, None).layout.size;
    eprintln!(
        "{label}: model {} rows x {} columns, {} non-zeros",
        size.rows, size.columns, size.nonzeros
    );
    let mut group = c.benchmark_group(label);
    group.bench_function("load", |b| b.iter(load));
    group.bench_function("build", |b| {
        b.iter(|| model::build(black_box(&loaded), Stage::Cost, None))
    });
    for (name, ranging, read) in [
        ("HiGHS alone on the exported model", false, false),
        ("HiGHS alone on the exported model, with ranging", true, false),
        (
            "HiGHS alone reading the exported model and solving it, with ranging",
            true,
            true,
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let timing = remopt::solve::time_file(&mps, ranging).unwrap();
                    total += timing.solve + if read { timing.read } else { Duration::ZERO };
                }
                total
            })
        });
    }
    let out = dir.path().join("outputs");
    let outcome = optimise(&loaded, &SolveSettings::default()).unwrap();
    let render = || {
        let security = remopt::report::sensitivity::security_prices(&loaded, &outcome);
        let record = remopt::report::json::RunRecord::new(&loaded, &outcome, 0.0);
        remopt::report::solve_files(&loaded, &outcome, &security, &record)
    };
    group.bench_function("outputs rendered", |b| b.iter(render));
    let files = render();
    group.bench_function("outputs written", |b| {
        b.iter(|| remopt::report::write::replace_dir(&out, &files).unwrap())
    });
    group.bench_function("remopt: load, build, solve, verify, outputs written", |b| {
        b.iter(|| {
            // As `remopt solve` does it.
            let scenario = load();
            let run = remopt::report::solve_and_render(&scenario, &SolveSettings::default(), 0.0).unwrap();
            remopt::report::write::replace_dir(&out, &run.files).unwrap();
        })
    });
    group.finish();
}

/// One year of the synthetic 17 x 2,000 scenario, its 34,000 offers in the
/// scenario file and in a CSV price list.
fn one_year(c: &mut Criterion) {
    let text = remopt::synthetic::scenario_toml(17, 2000);
    at_scale(c, "at-scale-17x2000", &[("scenario.toml", text)]);
    let (text, list) = remopt::synthetic::scenario_with_price_list(17, 2000);
    at_scale(
        c,
        "at-scale-17x2000-price-list",
        &[("scenario.toml", text), ("offers.csv", list)],
    );
}

/// Five years of the synthetic scenario (about 170,000 columns, with a
/// stockpile, ramps and growth).
fn horizon(c: &mut Criterion) {
    let text = remopt::synthetic::horizon_toml(17, 2000, 5);
    at_scale(c, "horizon-synthetic-17x2000x5", &[("scenario.toml", text)]);
}

/// Disruptions: Japan 2026-2030 facing 50 and 200 generated disruptions,
/// and the 17 x 2,000 synthetic scenario facing 20, against HiGHS alone on
/// the exported deterministic equivalent (read beforehand, untimed).
fn disruptions(c: &mut Criterion) {
    use remopt::scenario::overrides::Override;
    let japan = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/japan-2030.toml"))
        .expect("inputs/japan-2030.toml");
    let countries = ["CN", "AU", "MY", "VN", "FR", "JP"];
    let years = [2026, 2027, 2028, 2029, 2030];
    let synthetic_countries = [
        "CN", "AU", "US", "MM", "MY", "VN", "FR", "EE", "BR", "IN", "CA", "UA",
    ];
    let cases = [
        (
            "japan-2030 x 50",
            japan.clone() + &remopt::synthetic::disruptions_toml(50, &countries, Some(&years)),
            true,
        ),
        (
            "japan-2030 x 200",
            japan + &remopt::synthetic::disruptions_toml(200, &countries, Some(&years)),
            true,
        ),
        (
            "synthetic-17x2000 x 20",
            remopt::synthetic::scenario_toml(17, 2000)
                + &remopt::synthetic::disruptions_toml(20, &synthetic_countries, None),
            false,
        ),
    ];
    let penalty = [Override::parse("policy.shortfall_penalty_per_kg=2000").unwrap()];
    let mut group = c.benchmark_group("disruptions");
    for (label, text, with_vss) in &cases {
        let path = Path::new("disruptions.toml");
        let file = scenario::ScenarioFile::from_bytes(path, text.as_bytes()).unwrap();
        let overrides: &[Override] = if label.starts_with("japan") { &penalty } else { &[] };
        let loaded = file.scenario(overrides).unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().unwrap();
        let mps = dir.path().join("model.mps");
        remopt::export::export(&loaded, &mps).unwrap();
        let size = model::build(&loaded, Stage::Cost, None).layout.size;
        eprintln!(
            "disruptions {label}: model {} rows x {} columns, {} non-zeros",
            size.rows, size.columns, size.nonzeros
        );
        group.bench_function(format!("{label}: HiGHS alone on the exported model"), |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| remopt::solve::time_file(&mps, false).unwrap().solve)
                    .sum()
            })
        });
        let skip_vss = SolveSettings {
            skip_vss: true,
            ..SolveSettings::default()
        };
        group.bench_function(format!("{label}: remopt without the VSS"), |b| {
            b.iter(|| {
                let scenario = file.scenario(overrides).unwrap();
                let outcome = optimise(&scenario, &skip_vss).unwrap();
                let security = remopt::report::sensitivity::security_prices(&scenario, &outcome);
                let record = remopt::report::json::RunRecord::new(&scenario, &outcome, 0.0);
                black_box(remopt::report::solve_files(
                    &scenario, &outcome, &security, &record,
                ));
            })
        });
        if *with_vss {
            group.bench_function(format!("{label}: remopt solve (VSS included)"), |b| {
                b.iter(|| {
                    let scenario = file.scenario(overrides).unwrap();
                    black_box(optimise(&scenario, &SolveSettings::default()).unwrap());
                })
            });
        }
    }
    group.finish();
}

/// The synthetic scenario with and without an HHI cap of 0.085 on every
/// element (its plan's HHI is about 0.086 without it; 12 countries, so at
/// least 1/12): the cut rounds against one plain solve.
fn hhi(c: &mut Criterion) {
    let text = remopt::synthetic::scenario_toml(17, 2000);
    let capped = text.replacen("max_avg_risk = 0.5\n", "max_avg_risk = 0.5\nmax_hhi = 0.085\n", 1);
    assert_ne!(text, capped, "the synthetic scenario's policy table moved");
    let path = Path::new("synthetic.toml");
    let plain = scenario::parse(path, text.as_bytes()).unwrap();
    let capped = scenario::parse(path, capped.as_bytes()).unwrap();
    let rounds = optimise(&capped, &SolveSettings::default())
        .unwrap()
        .hhi_cut_rounds;
    eprintln!("hhi: {rounds} cut rounds");
    let mut group = c.benchmark_group("hhi-synthetic-17x2000");
    group.bench_function("without the cap", |b| {
        b.iter(|| optimise(black_box(&plain), &SolveSettings::default()).unwrap())
    });
    group.bench_function("max_hhi = 0.085 on every element", |b| {
        b.iter(|| optimise(black_box(&capped), &SolveSettings::default()).unwrap())
    });
    group.finish();
}

/// Whole MIP solves (search, then the LP with decisions fixed).
fn mip(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/japan-contracts.toml");
    let contracts = scenario::load(&path).expect("inputs/japan-contracts.toml");
    let text = remopt::synthetic::contracts_toml(5, 100);
    let synthetic = scenario::parse(Path::new("contracts.toml"), text.as_bytes()).unwrap();
    for (label, s) in [
        ("japan-contracts", &contracts),
        ("synthetic-contracts-5x100", &synthetic),
    ] {
        let size = model::build(s, Stage::Cost, None).layout.size;
        eprintln!(
            "{label}: model {} rows x {} columns ({} binaries), {} non-zeros",
            size.rows, size.columns, size.binaries, size.nonzeros
        );
    }
    let mut group = c.benchmark_group("mip");
    group.bench_function("japan-contracts", |b| {
        b.iter(|| optimise(black_box(&contracts), &SolveSettings::default()).unwrap())
    });
    group.bench_function("synthetic-contracts-5x100", |b| {
        b.iter(|| optimise(black_box(&synthetic), &SolveSettings::default()).unwrap())
    });
    group.finish();
}

/// Sweep throughput on Japan: 2,010 points (China's light-oxide prices x
/// 201, China's share cap x 10), with 1 and 2 worker threads. Each point is
/// validated and its model built; "cold" solves it in a new HiGHS instance
/// from scratch, "warm" in a new instance from the base scenario's optimal
/// basis, "kept" (what `remopt sweep` does) in the worker's one instance,
/// whose costs and bounds change when the point's matrix is the base's,
/// from the base's basis too. Writing the outputs is not included.
fn sweep(c: &mut Criterion) {
    use rayon::prelude::*;
    use remopt::sweep::{run_point, settings_for, Mode, Sweep, Vary};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/japan.toml");
    let file = scenario::ScenarioFile::read(&path).unwrap();
    let base = file.document().unwrap();
    let definition = Sweep {
        scenario: path.clone(),
        mode: Mode::Grid,
        varies: vec![
            Vary::parse("suppliers.cn-light.offers.Nd.price_per_kg*=0.5:2.5:0.01").unwrap(),
            Vary::parse("countries.CN.max_share=0.6:0.96:0.04").unwrap(),
        ],
        samples: None,
        seed: 0,
    };
    let points = definition.points().unwrap();
    eprintln!("sweep: {} points", points.len());
    let kept = settings_for(&file);
    let warm = SolveSettings {
        reuse_instance: false,
        ..kept.clone()
    };
    let cold = SolveSettings {
        warm_start: None,
        ..warm.clone()
    };
    let mut group = c.benchmark_group("sweep-japan-2010");
    group.throughput(criterion::Throughput::Elements(points.len() as u64));
    for jobs in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().unwrap();
        for (start, settings) in [("cold", &cold), ("warm", &warm), ("kept", &kept)] {
            group.bench_function(format!("{jobs} jobs, {start}"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        points
                            .par_iter()
                            .map(|p| run_point(&file, &base, p, settings).status())
                            .count()
                    })
                })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = sweeps;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = sweep
}

criterion_group! {
    name = small;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = japan
}
criterion_group! {
    name = large;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(20));
    targets = synthetic, one_year, hhi, horizon
}
criterion_group! {
    name = stochastic;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = disruptions
}
criterion_group! {
    name = mips;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(30));
    targets = mip
}
criterion_main!(small, large, mips, sweeps, stochastic);
