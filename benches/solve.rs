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

/// Five years of the synthetic scenario (about 170,000 columns, with a
/// stockpile, ramps and growth): remopt's whole solve — load, build, solve,
/// verify and every output's bytes — against HiGHS's own solve of the
/// exported model (read beforehand, outside the timing).
fn horizon(c: &mut Criterion) {
    let text = remopt::synthetic::horizon_toml(17, 2000, 5);
    let path = Path::new("synthetic-years.toml");
    let loaded = scenario::parse(path, text.as_bytes()).expect("valid scenario");
    let dir = tempfile::tempdir().unwrap();
    let mps = dir.path().join("model.mps");
    remopt::export::export(&loaded, &mps).unwrap();
    let size = model::build(&loaded, Stage::Cost, None).layout.size;
    eprintln!(
        "horizon-synthetic-17x2000x5: model {} rows x {} columns, {} non-zeros",
        size.rows, size.columns, size.nonzeros
    );
    let mut group = c.benchmark_group("horizon-synthetic-17x2000x5");
    group.bench_function("load", |b| {
        b.iter(|| scenario::parse(path, black_box(text.as_bytes())).unwrap())
    });
    group.bench_function("build", |b| {
        b.iter(|| model::build(black_box(&loaded), Stage::Cost, None))
    });
    // remopt ranges every LP for sensitivity.csv: HiGHS alone is timed
    // both without and with that work.
    for (label, ranging) in [
        ("HiGHS alone on the exported model", false),
        ("HiGHS alone on the exported model, with ranging", true),
    ] {
        group.bench_function(label, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    total += remopt::solve::time_file(&mps, ranging).unwrap().1;
                }
                total
            })
        });
    }
    group.bench_function("remopt: load, build, solve, verify, outputs", |b| {
        b.iter(|| {
            let scenario = scenario::parse(path, black_box(text.as_bytes())).unwrap();
            let outcome = optimise(&scenario, &SolveSettings::default()).unwrap();
            let security = remopt::report::sensitivity::security_prices(&scenario, &outcome);
            let record = remopt::report::json::RunRecord::new(&scenario, &outcome, 0.0);
            black_box(remopt::report::solve_files(
                &scenario, &outcome, &security, &record,
            ));
        })
    });
    group.finish();
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
                    .map(|_| remopt::solve::time_file(&mps, false).unwrap().1)
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

/// Sweep throughput on Japan: 200 points (China's prices x 20, the mean
/// risk cap x 10), with 1 and 2 worker threads; each point is validated and
/// the model rebuilt (no hot start).
fn sweep(c: &mut Criterion) {
    use rayon::prelude::*;
    use remopt::sweep::{run_point, Mode, Sweep, Vary};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/japan.toml");
    let file = scenario::ScenarioFile::read(&path).unwrap();
    let base = file.document().unwrap();
    let definition = Sweep {
        scenario: path.clone(),
        mode: Mode::Grid,
        varies: vec![
            Vary::parse("suppliers.cn-light.offers.*.price_per_kg*=0.5:2.4:0.1").unwrap(),
            Vary::parse("policy.max_avg_risk=0.5:0.68:0.02").unwrap(),
        ],
        samples: None,
        seed: 0,
    };
    let points = definition.points().unwrap();
    eprintln!("sweep: {} points", points.len());
    let warm = SolveSettings {
        warm_start: optimise(&file.scenario(&[]).unwrap(), &SolveSettings::default())
            .unwrap()
            .basis
            .map(std::sync::Arc::new),
        skip_sensitivity: true,
        ..SolveSettings::default()
    };
    let mut group = c.benchmark_group("sweep-japan-200");
    for jobs in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().unwrap();
        for (start, settings) in [("cold", SolveSettings::default()), ("warm", warm.clone())] {
            group.bench_function(format!("{jobs} jobs, {start}"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        points
                            .par_iter()
                            .map(|p| run_point(&file, &base, p, &settings).status())
                            .count()
                    })
                })
            });
        }
    }
    group.finish();
}

/// Hot start against rebuild, on Japan: 20 values of China's light-oxide
/// prices. "rebuild" validates the overridden scenario, builds the model and
/// solves it from scratch (what `remopt sweep` does); "hot start" keeps one
/// HiGHS instance and only changes the cost coefficients before re-solving
/// from the previous basis.
fn hot_start(c: &mut Criterion) {
    use remopt::scenario::overrides::Override;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/japan.toml");
    let file = scenario::ScenarioFile::read(&path).unwrap();
    let base = file.document().unwrap();
    let japan = file.scenario(&[]).unwrap();
    let factors: Vec<f64> = (0..20).map(|i| 0.5 + 0.1 * i as f64).collect();
    let china: Vec<(usize, f64)> = japan
        .offers
        .iter()
        .enumerate()
        .filter(|(_, o)| japan.supplier_of(o).id == "cn-light")
        .map(|(i, o)| match o.pricing {
            remopt::scenario::Pricing::Flat(p) => (i, 1000.0 * p),
            _ => unreachable!("japan prices are flat"),
        })
        .collect();
    let mut group = c.benchmark_group("hot-start-japan-20");
    group.bench_function("rebuild", |b| {
        b.iter(|| {
            for &f in &factors {
                let point =
                    [Override::parse(&format!("suppliers.cn-light.offers.*.price_per_kg*={f}")).unwrap()];
                black_box(remopt::sweep::run_point(&file, &base, &point, &SolveSettings::default()).status());
            }
        })
    });
    group.bench_function("hot start", |b| {
        b.iter(|| {
            let mut model = model::build(&japan, Stage::Cost, None).problem.into_inner();
            model.set_option("output_flag", false);
            model.set_option("threads", 1);
            for &f in &factors {
                let ptr = model.as_mut_ptr();
                for &(column, cost) in &china {
                    // SAFETY: a live instance; `column` is one of its columns.
                    unsafe { highs_sys::Highs_changeColCost(ptr, column as highs_sys::HighsInt, cost * f) };
                }
                let solved = model.try_solve().unwrap();
                black_box(solved.objective_value());
                model = solved.into();
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = sweeps;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = sweep, hot_start
}

criterion_group! {
    name = small;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = japan
}
criterion_group! {
    name = large;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(20));
    targets = synthetic, hhi, horizon
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
