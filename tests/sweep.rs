//! `remopt sweep`: grid and zip sizes, wildcards, invalid and infeasible
//! points as rows, determinism across --jobs, Monte Carlo reproducibility
//! and percentiles, sweep files.

mod common;

use assert_cmd::Command;
use common::{read, ROOT};
use predicates::prelude::*;
use remopt::sweep::{Mode, Sweep, Vary};
use std::fs;
use std::path::{Path, PathBuf};

fn sweep(varies: &[&str], mode: Mode) -> Sweep {
    Sweep {
        scenario: PathBuf::from("s.toml"),
        mode,
        varies: varies.iter().map(|v| Vary::parse(v).unwrap()).collect(),
        samples: None,
        seed: 0,
    }
}

#[test]
fn grids_multiply_and_zips_pair() {
    let grid = sweep(&["a.b=1,2,3", "c.d=0.1:0.3:0.1"], Mode::Grid)
        .points()
        .unwrap();
    assert_eq!(grid.len(), 9);
    // The last path varies fastest; a range keeps the decimals written.
    let values: Vec<String> = grid[..3]
        .iter()
        .map(|p| format!("{}|{}", p[0].value, p[1].value))
        .collect();
    assert_eq!(values, ["1|0.1", "1|0.2", "1|0.3"]);
    let zip = sweep(&["a.b=1,2,3", "c.d=4,5,6"], Mode::Zip).points().unwrap();
    assert_eq!(zip.len(), 3);
    assert_eq!(format!("{}|{}", zip[2][0].value, zip[2][1].value), "3|6");
    let err = sweep(&["a.b=1,2,3", "c.d=4,5"], Mode::Zip).points().unwrap_err();
    assert!(err.contains("one length"), "{err}");
    // Too many points is an error, never a wrapped count or a full memory.
    let huge = sweep(&["a=0:1:0.00001"; 4], Mode::Grid).points().unwrap_err();
    assert_eq!(
        huge,
        "the grid has 100001 x 100001 x 100001 x 100001 points; at most 10,000,000"
    );
    let mut draws = sweep(&["a~uniform(0,1)"], Mode::Grid);
    draws.samples = Some(1_000_000_000_000);
    assert_eq!(
        draws.points().unwrap_err(),
        "--samples 1000000000000: at most 10,000,000 points"
    );
    assert_eq!(
        sweep(&["a.b=0:10:2"], Mode::Grid).points().unwrap().len(),
        6,
        "ranges are inclusive"
    );
}

#[test]
fn specs_are_checked() {
    for (spec, error) in [
        ("a.b", "expected PATH=a,b,c"),
        ("a.b=3:1:1", "from <= to"),
        ("a.b~uniform(2,1)", "a <= b"),
        ("a.b~gamma(1,2)", "expected uniform"),
        ("a..b=1", "empty key"),
    ] {
        let e = Vary::parse(spec).unwrap_err();
        assert!(e.contains(error), "{spec}: {e}");
    }
    let e = sweep(&["a.b~uniform(0,1)"], Mode::Grid).points().unwrap_err();
    assert!(e.contains("--samples"), "{e}");
    let e = sweep(&["a.b~uniform(0,1)", "c=1,2"], Mode::Grid)
        .points()
        .unwrap_err();
    assert!(e.contains("not both"), "{e}");
}

#[test]
fn monte_carlo_draws_depend_on_the_seed_only() {
    let draw = |seed: u64| {
        let mut s = sweep(
            &["a.b~uniform(0.8,1.2)", "c~normal(10,1)", "d*~triangular(1,2,4)"],
            Mode::Grid,
        );
        s.samples = Some(50);
        s.seed = seed;
        s.points()
            .unwrap()
            .iter()
            .map(|p| p.iter().map(|o| o.value.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
    for point in draw(7) {
        let u: f64 = point[0].parse().unwrap();
        assert!((0.8..=1.2).contains(&u));
        let t: f64 = point[2].parse().unwrap();
        assert!((1.0..=4.0).contains(&t));
    }
}

fn run(args: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .arg("sweep")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn a_sweep_keeps_invalid_and_infeasible_points_as_rows_and_is_the_same_whatever_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "inputs/japan.toml",
        "--vary",
        "countries.CN.max_share=0.2,0.6,1.5",
        "--vary",
        "suppliers.*.offers.Dy.price_per_kg*=1,2",
    ];
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run(&[&args[..], &["--jobs", "1"]].concat(), &one)
        .code(0)
        .stdout(predicate::str::contains("6 runs"));
    run(&[&args[..], &["--jobs", "2"]].concat(), &two).code(0);
    for file in ["runs.csv", "plans.csv", "summary.csv"] {
        assert_eq!(
            read(&one, file),
            read(&two, file),
            "{file} differs between --jobs 1 and 2"
        );
    }
    let runs = read(&one, "runs.csv");
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(
        lines[0],
        "run,countries.CN.max_share,suppliers.*.offers.Dy.price_per_kg*,status,objective,total_cost,total_shortfall_t,worst_mean_risk,worst_hhi,error"
    );
    assert_eq!(lines.len(), 7);
    assert!(lines[1].starts_with("0,0.2,1,infeasible,"), "{}", lines[1]);
    assert!(
        lines[3].starts_with("2,0.6,1,optimal,864605719.5095949,"),
        "{}",
        lines[3]
    );
    assert!(lines[5].starts_with("4,1.5,1,invalid,"), "{}", lines[5]);
    assert!(lines[5].contains("between 0 and 1"), "{}", lines[5]);
    let plans = read(&one, "plans.csv");
    assert!(plans.starts_with("run,element,supplier,"));
    assert!(
        plans
            .lines()
            .skip(1)
            .all(|l| l.starts_with("2,") || l.starts_with("3,")),
        "only solved runs have plans"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&one, "sweep.json")).unwrap();
    assert_eq!(json["status_counts"]["optimal"], 2);
    assert_eq!(json["status_counts"]["invalid"], 2);
    assert_eq!(json["status_counts"]["infeasible"], 2);
    assert!(
        !dir.path().join("one.partial").exists(),
        "the streamed rows are removed once the final files are in place"
    );
}

#[test]
fn monte_carlo_writes_percentiles_reproducibly() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "inputs/japan.toml",
        "--vary",
        "suppliers.*.offers.Dy.price_per_kg*~uniform(0.5,2)",
        "--samples",
        "40",
        "--seed",
        "3",
    ];
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&[&args[..], &["--jobs", "2"]].concat(), &a).code(0);
    run(&[&args[..], &["--jobs", "1"]].concat(), &b).code(0);
    assert_eq!(read(&a, "percentiles.csv"), read(&b, "percentiles.csv"));
    assert_eq!(read(&a, "runs.csv"), read(&b, "runs.csv"));
    let percentiles = read(&a, "percentiles.csv");
    assert!(
        percentiles.starts_with("metric,runs,p5,p50,p95\ntotal_cost,40,"),
        "{percentiles}"
    );
    let row: Vec<f64> = percentiles
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .skip(2)
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(row[0] <= row[1] && row[1] <= row[2], "{row:?}");
}

#[test]
fn sweep_files_and_sweep_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    fs::write(
        &file,
        format!(
            "scenario = \"{}/inputs/japan.toml\"\nmode = \"zip\"\n[[vary]]\npath = \"suppliers.cn-light.offers.*.price_per_kg\"\nop = \"multiply\"\nvalues = [1.0, 2.0]\n[[vary]]\npath = \"policy.max_avg_risk\"\nrange = {{ from = 0.55, to = 0.6, step = 0.05 }}\n",
            ROOT
        ),
    )
    .unwrap();
    let out = dir.path().join("o");
    Command::cargo_bin("remopt")
        .unwrap()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 runs"));
    assert!(read(&out, "runs.csv")
        .starts_with("run,suppliers.cn-light.offers.*.price_per_kg*,policy.max_avg_risk,"));
    // A path that matches nothing is the sweep's own error.
    run(
        &[
            "inputs/japan.toml",
            "--vary",
            "suppliers.*.offers.La.price_per_kg=1,2",
        ],
        &dir.path().join("x"),
    )
    .code(2)
    .stderr(predicate::str::contains("matches no value"));
    run(&["inputs/japan.toml"], &dir.path().join("y"))
        .code(2)
        .stderr(predicate::str::contains("nothing varies"));
    // A hundred thousand threads would take the machine, not the sweep.
    run(
        &[
            "inputs/japan.toml",
            "--vary",
            "countries.CN.max_share=0.5,0.6",
            "--jobs",
            "100000",
        ],
        &dir.path().join("z"),
    )
    .code(2)
    .stderr(predicate::str::contains("100000 is not in 1..=1024"));
}

#[test]
fn the_shipped_sweep_file_runs() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .args(["sweep", "sweeps/japan-china-prices.toml", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("16 runs"));
}

/// A sweep's worker solves its points in one kept HiGHS instance, changing
/// only costs and bounds: every point must come out bit for bit as it does
/// alone in a new instance started from the same basis, whatever the
/// instance solved before it (infeasible points, points whose model has
/// another shape, the points in reverse order).
#[test]
fn points_solved_in_a_kept_instance_match_points_solved_alone() {
    use remopt::pipeline::SolveSettings;
    use remopt::scenario::ScenarioFile;
    use remopt::sweep::{run_point, settings_for, RunResult};
    let path = Path::new(ROOT).join("inputs/japan.toml");
    let file = ScenarioFile::read(&path).unwrap();
    let base = file.document().unwrap();
    let definition = Sweep {
        scenario: path,
        ..sweep(
            &[
                // No demand for Y drops its rows: another shape.
                "demand.Y=0,1160",
                "suppliers.cn-light.offers.Nd.price_per_kg*=0.5:2.5:0.5",
                // 0.3 leaves no plan.
                "countries.CN.max_share=0.3,0.6,0.8,1.0",
            ],
            Mode::Grid,
        )
    };
    let points = definition.points().unwrap();
    let kept = settings_for(&file);
    let alone = SolveSettings {
        reuse_instance: false,
        ..kept.clone()
    };
    let signature = |result: RunResult| match result {
        RunResult::Solved(solved) => {
            let (_, outcome) = *solved;
            let duals: Vec<u64> = outcome.constraints().map(|c| c.shadow_price.to_bits()).collect();
            Some((
                outcome.objective.to_bits(),
                format!("{:?}", outcome.schedule),
                duals,
            ))
        }
        other => {
            assert!(matches!(other, RunResult::Infeasible), "{:?}", other.status());
            None
        }
    };
    // Run on a thread of its own so that the count of reuses is this test's.
    let (expected, forward, backward, reuses) = std::thread::scope(|s| {
        s.spawn(|| {
            let expected: Vec<_> = points
                .iter()
                .map(|p| signature(run_point(&file, &base, p, &alone)))
                .collect();
            assert_eq!(remopt::solve::reuses_on_this_thread(), 0);
            let forward: Vec<_> = points
                .iter()
                .map(|p| signature(run_point(&file, &base, p, &kept)))
                .collect();
            let mut backward: Vec<_> = points
                .iter()
                .rev()
                .map(|p| signature(run_point(&file, &base, p, &kept)))
                .collect();
            backward.reverse();
            (
                expected,
                forward,
                backward,
                remopt::solve::reuses_on_this_thread(),
            )
        })
        .join()
        .unwrap()
    });
    let solved = expected.iter().filter(|e| e.is_some()).count();
    assert!(
        solved >= 10 && solved < points.len(),
        "{solved} of {} points solved",
        points.len()
    );
    let shapes: std::collections::BTreeSet<usize> = expected
        .iter()
        .flatten()
        .map(|(_, _, duals)| duals.len())
        .collect();
    assert!(shapes.len() >= 2, "every point has the same shape: {shapes:?}");
    assert!(
        reuses >= points.len(),
        "only {reuses} solves reused the kept instance"
    );
    assert_eq!(forward, expected);
    assert_eq!(backward, expected);
}
