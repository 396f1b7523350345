//! `remopt sweep --shard I/N` and `remopt merge`: a sweep run whole and as
//! shards merged gives the same bytes (a grid, and a Monte Carlo sweep with
//! its percentiles); a missing, duplicated or foreign shard is exit 2
//! naming the folder.

mod common;

use common::{read, remopt, ROOT};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const GRID: [&str; 5] = [
    "inputs/japan.toml",
    "--vary",
    "countries.CN.max_share=0.2,0.6,0.7,1.5",
    "--vary",
    "suppliers.*.offers.Dy.price_per_kg*=1,2",
];

const MONTE_CARLO: [&str; 7] = [
    "inputs/japan.toml",
    "--vary",
    "suppliers.*.offers.Dy.price_per_kg*~uniform(0.5,2)",
    "--samples",
    "17",
    "--seed",
    "11",
];

fn sweep(args: &[&str], extra: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    remopt()
        .current_dir(ROOT)
        .arg("--quiet")
        .arg("sweep")
        .args(args)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
}

fn merge(shards: &[PathBuf], out: &Path) -> assert_cmd::assert::Assert {
    remopt().arg("merge").args(shards).arg("--out").arg(out).assert()
}

/// The sweep `args` run whole into `dir/whole` and as `count` shards into
/// `dir/shard-I`; returns the shard folders.
fn whole_and_shards(args: &[&str], count: usize, dir: &Path) -> Vec<PathBuf> {
    sweep(args, &["--jobs", "2"], &dir.join("whole")).code(0);
    (1..=count)
        .map(|i| {
            let out = dir.join(format!("shard-{i}"));
            sweep(args, &["--jobs", "1", "--shard", &format!("{i}/{count}")], &out).code(0);
            out
        })
        .collect()
}

#[test]
fn three_shards_merged_are_the_whole_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let shards = whole_and_shards(&GRID, 3, dir.path());
    // Each shard holds the runs whose id is I-1 modulo 3.
    let ids: Vec<String> = read(&shards[1], "runs.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["1", "4", "7"]);
    let json: serde_json::Value = serde_json::from_str(&read(&shards[1], "sweep.json")).unwrap();
    assert_eq!(json["shard"]["index"], 2);
    assert_eq!(json["shard"]["count"], 3);
    assert_eq!(json["shard"]["sweep_points"], 8);
    assert_eq!(json["points"], 3);
    let hash = json["definition_sha256"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    // Shards given in any order.
    let merged = dir.path().join("merged");
    let reordered = [shards[2].clone(), shards[0].clone(), shards[1].clone()];
    merge(&reordered, &merged)
        .code(0)
        .stdout(predicate::str::contains("3 shards merged"));
    let whole = dir.path().join("whole");
    for file in ["runs.csv", "plans.csv", "summary.csv", "report.html"] {
        assert_eq!(read(&whole, file), read(&merged, file), "{file}");
    }
    assert!(!merged.join("percentiles.csv").exists());
    // The page counts the runs without a plan (0.2 is infeasible, 1.5 invalid).
    let page = read(&merged, "report.html");
    assert!(page.contains("<th scope=\"row\">runs infeasible</th><td class=\"n\">2</td>"));
    assert!(page.contains("<th scope=\"row\">runs invalid</th><td class=\"n\">2</td>"));
    assert_eq!(page.matches("<svg").count(), 6, "3 figures x 2 paths");
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&read(&whole, "sweep.json")).unwrap(),
        serde_json::from_str(&read(&merged, "sweep.json")).unwrap(),
    );
    for field in ["sweep", "definition_sha256", "points", "status_counts"] {
        assert_eq!(a[field], b[field], "{field}");
    }
    assert_eq!(b["definition_sha256"], hash);
    assert_eq!(b["merged_shards"], 3);
}

#[test]
fn monte_carlo_shards_merged_give_the_same_percentiles() {
    let dir = tempfile::tempdir().unwrap();
    let shards = whole_and_shards(&MONTE_CARLO, 3, dir.path());
    let merged = dir.path().join("merged");
    merge(&shards, &merged).code(0);
    let whole = dir.path().join("whole");
    for file in [
        "runs.csv",
        "plans.csv",
        "summary.csv",
        "percentiles.csv",
        "report.html",
    ] {
        assert_eq!(read(&whole, file), read(&merged, file), "{file}");
    }
    assert!(read(&merged, "percentiles.csv").contains("\ntotal_cost,17,"));
    assert!(read(&merged, "report.html").contains("Total cost over the Monte Carlo draws"));
}

#[test]
fn more_shards_than_runs_leave_some_empty_and_still_merge() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["inputs/japan.toml", "--vary", "policy.max_avg_risk=0.6,0.7"];
    let shards = whole_and_shards(&args, 3, dir.path());
    assert_eq!(read(&shards[2], "runs.csv").lines().count(), 1, "only the header");
    let merged = dir.path().join("merged");
    merge(&shards, &merged).code(0);
    for file in ["runs.csv", "plans.csv", "summary.csv", "report.html"] {
        assert_eq!(
            read(&dir.path().join("whole"), file),
            read(&merged, file),
            "{file}"
        );
    }
}

#[test]
fn a_missing_a_duplicated_or_a_foreign_shard_is_exit_2_naming_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let shards = whole_and_shards(&GRID, 3, dir.path());
    let out = dir.path().join("merged");
    let name = |p: &Path| p.display().to_string();

    merge(&shards[..2], &out).code(2).stderr(
        predicate::str::contains("shard 3/3 missing").and(predicate::str::contains(name(&shards[1]))),
    );

    let twice = [shards[0].clone(), shards[1].clone(), shards[1].clone()];
    merge(&twice, &out).code(2).stderr(
        predicate::str::starts_with(format!("{}: ", name(&shards[1])))
            .and(predicate::str::contains("shard 2/3 is given twice")),
    );

    // Another sweep: another varied value, same N.
    let foreign = dir.path().join("foreign");
    let mut other = GRID;
    other[2] = "countries.CN.max_share=0.2,0.6,0.8,1.5";
    sweep(&other, &["--shard", "2/3"], &foreign).code(0);
    let mixed = [shards[0].clone(), foreign.clone(), shards[2].clone()];
    merge(&mixed, &out).code(2).stderr(
        predicate::str::starts_with(format!("{}: ", name(&foreign)))
            .and(predicate::str::contains("a shard of another sweep")),
    );

    // The same sweep split another way.
    let halves = dir.path().join("half");
    sweep(&GRID, &["--shard", "2/2"], &halves).code(0);
    let split = [shards[0].clone(), halves.clone(), shards[2].clone()];
    merge(&split, &out).code(2).stderr(
        predicate::str::starts_with(format!("{}: ", name(&halves)))
            .and(predicate::str::contains("a split into 2")),
    );

    // A whole sweep is not a shard.
    let whole = dir.path().join("whole");
    merge(std::slice::from_ref(&whole), &out).code(2).stderr(
        predicate::str::starts_with(format!("{}: ", name(&whole)))
            .and(predicate::str::contains("not a shard")),
    );
    assert!(!out.exists(), "nothing is written when merging fails");

    // Merging into a shard's own folder would replace it.
    let before = read(&shards[0], "runs.csv");
    merge(&shards, &shards[0])
        .code(2)
        .stderr(predicate::str::contains(format!(
            "that is the shard folder {} itself",
            name(&shards[0])
        )));
    assert_eq!(read(&shards[0], "runs.csv"), before);
}

#[test]
fn a_bad_shard_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["0/3", "4/3", "2", "1/0"] {
        sweep(&GRID, &["--shard", bad], &dir.path().join("x"))
            .code(2)
            .stderr(predicate::str::contains("I/N"));
    }
}

#[test]
fn a_sweep_over_years_and_one_facing_disruptions_merge_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        (
            "horizon",
            [
                "inputs/japan-2030.toml",
                "--vary",
                "policy.max_avg_risk=0.6,0.7,0.8",
            ],
        ),
        (
            "disruptions",
            [
                "inputs/japan-disruptions.toml",
                "--vary",
                "policy.risk_aversion=0,0.5,1",
            ],
        ),
    ] {
        let dir = dir.path().join(name);
        let shards = whole_and_shards(&args, 2, &dir);
        let merged = dir.join("merged");
        merge(&shards, &merged).code(0);
        for file in ["runs.csv", "plans.csv", "summary.csv", "report.html"] {
            assert_eq!(
                read(&dir.join("whole"), file),
                read(&merged, file),
                "{name}: {file}"
            );
        }
    }
    let dir = dir.path().join("horizon");
    assert!(read(&dir.join("merged"), "plans.csv").starts_with("run,year,"));
}
