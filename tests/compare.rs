//! `remopt compare` and `remopt solve --baseline`: scenario files and
//! output folders compared, real numbers checked against each run's
//! `run.json`, and the invocations that exit 2.

mod common;

use common::{fixture, read, remopt, ROOT};
use predicates::prelude::*;
use std::path::Path;

fn input(name: &str) -> String {
    Path::new(ROOT).join("inputs").join(name).display().to_string()
}

fn total_cost(dir: &Path) -> f64 {
    let run: serde_json::Value = serde_json::from_str(&read(dir, "run.json")).unwrap();
    run["total_cost"].as_f64().unwrap()
}

/// The `value` and `change` of `figure,element,subject` for `run`.
fn cell(csv: &str, figure: &str, element: &str, subject: &str, run: usize) -> (String, String) {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["figure", "element", "subject", "run", "scenario", "value", "change"]
    );
    reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| r[0] == *figure && r[1] == *element && r[2] == *subject && r[3] == run.to_string())
        .map(|r| (r[5].to_string(), r[6].to_string()))
        .unwrap_or_else(|| panic!("no row {figure},{element},{subject},{run}"))
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

#[test]
fn two_scenario_files_are_solved_in_memory_and_compared() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let (sq, jp) = (dir.path().join("sq"), dir.path().join("jp"));
    for (file, folder) in [("japan-status-quo.toml", &sq), ("japan.toml", &jp)] {
        remopt()
            .args(["solve", &input(file), "--quiet", "--out"])
            .arg(folder)
            .assert()
            .code(0);
    }
    remopt()
        .args([
            "compare",
            &input("japan-status-quo.toml"),
            &input("japan.toml"),
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("reference: japan-status-quo-2026"))
        .stdout(predicate::str::contains("+16.39 M"))
        .stdout(predicate::str::contains("binds (appears)"))
        .stdout(predicate::function(|s: &str| {
            s.lines().all(|l| l.chars().count() <= 100)
        }));
    // Only the two comparison files: a scenario is solved in memory.
    let mut written: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, ["compare.csv", "compare.html"]);

    let csv = read(&out, "compare.csv");
    let (reference, none) = cell(&csv, "total_cost", "", "", 0);
    assert_eq!(none, "");
    assert_eq!(number(&reference), total_cost(&sq));
    let (value, change) = cell(&csv, "total_cost", "", "", 1);
    assert_eq!(number(&value), total_cost(&jp));
    common::relative(number(&change), total_cost(&jp) - total_cost(&sq), 1e-12);
    // 864,605,719.51 - 848,215,992.50, both totals matched by an
    // independent scipy (HiGHS) model of each file (inputs/README.md).
    assert!((number(&change) - 16_389_727.01).abs() < 0.01, "{change}");
    // China's Dy falls from 71% to 60% of 162.5 t: the 17.9 t come from the
    // stockpile release (16.25 t) and more of Lynas's 48.75 t.
    let (value, change) = cell(&csv, "supplied_by_country_t", "Dy", "CN", 1);
    common::close(number(&value), 0.60 * 162.5, 1e-9);
    common::close(number(&change), -0.11 * 162.5, 1e-9);
    // A cap that appears (Y's mean risk), one that disappears (China's
    // uncapped Y share: the risk cap now holds China below it), one that
    // binds in both (China's share of Dy).
    assert_eq!(
        cell(&csv, "binding_cap", "Y", "avg_risk[Y]", 1),
        ("1".into(), "1".into())
    );
    assert_eq!(
        cell(&csv, "binding_cap", "Y", "avg_risk[Y]", 0),
        ("0".into(), "".into())
    );
    assert_eq!(
        cell(&csv, "binding_cap", "Y", "country_share[CN,Y]", 1),
        ("0".into(), "-1".into())
    );
    assert_eq!(
        cell(&csv, "binding_cap", "Dy", "country_share[CN,Dy]", 1),
        ("1".into(), "0".into())
    );
    assert_eq!(cell(&csv, "status", "", "", 1), ("optimal".into(), "".into()));
    let (risk, change) = cell(&csv, "worst_mean_risk", "", "", 1);
    // Y's mean risk: China's 0.694 in the status quo, the 0.69 cap in japan.toml.
    common::close(number(&risk), 0.69, 1e-9);
    common::close(number(&change), -0.004, 1e-9);

    let html = read(&out, "compare.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<td>Y binds avg_risk[Y]</td>"), "{html}");
    assert!(!html.contains("http") && !html.contains("<script") && !html.contains("<link"));
}

#[test]
fn an_output_folder_is_compared_with_a_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, out) = (dir.path().join("small"), dir.path().join("cmp"));
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--quiet",
            "--out",
        ])
        .arg(&folder)
        .assert()
        .code(0);
    let doubled = dir.path().join("doubled.toml");
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    std::fs::write(
        &doubled,
        text.replace("name = \"small\"", "name = \"small-again\""),
    )
    .unwrap();
    remopt()
        .arg("compare")
        .arg(&folder)
        .arg(&doubled)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("small-again"));
    // Writing the comparison over a run it compares would destroy that run.
    remopt()
        .arg("compare")
        .arg(&folder)
        .arg(&doubled)
        .arg("--out")
        .arg(&folder)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "that is the run folder {} itself",
            folder.display()
        )));
    assert!(folder.join("plan.csv").is_file());
    let csv = read(&out, "compare.csv");
    let (value, change) = cell(&csv, "total_cost", "", "", 1);
    assert_eq!(number(&value), total_cost(&folder));
    assert_eq!(change, "0");
    assert_eq!(cell(&csv, "supplied_by_country_t", "Nd", "AU", 0).0, "50");
    assert_eq!(
        cell(&csv, "binding_cap", "Nd", "country_share[CN,Nd]", 1),
        ("1".into(), "0".into())
    );
}

#[test]
fn solve_with_a_baseline_writes_the_comparison_beside_its_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (out, sq) = (dir.path().join("jp"), dir.path().join("sq"));
    remopt()
        .args(["solve", &input("japan-status-quo.toml"), "--quiet", "--out"])
        .arg(&sq)
        .assert()
        .code(0);
    remopt()
        .args([
            "solve",
            &input("japan.toml"),
            "--baseline",
            &input("japan-status-quo.toml"),
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("against the baseline"))
        .stdout(predicate::str::contains("864.61 M (+16.39 M)"));
    // The usual files are unchanged by the baseline (the golden outputs).
    let golden = Path::new(ROOT).join("tests/golden/japan-2026");
    for file in ["plan.csv", "summary.csv", "constraints.csv", "stages.csv"] {
        assert_eq!(read(&out, file), read(&golden, file), "{file}");
    }
    let csv = read(&out, "compare.csv");
    assert!(csv.contains(",0,japan-status-quo-2026,"), "the baseline is run 0");
    let (value, change) = cell(&csv, "total_cost", "", "", 1);
    assert_eq!(number(&value), total_cost(&out));
    common::relative(number(&change), total_cost(&out) - total_cost(&sq), 1e-12);
    assert!(read(&out, "compare.html").contains("japan-status-quo-2026"));
}

#[test]
fn bad_comparisons_exit_2_naming_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let small = fixture("small.toml");
    let small = small.to_str().unwrap();
    let out = dir.path().join("cmp");
    let out = out.to_str().unwrap();
    remopt()
        .args(["compare", small, "--out", out])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least two runs"));
    remopt().args(["compare", "--out", out]).assert().code(2);
    remopt()
        .args(["compare", small, "no/such/run", "--out", out])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/run: no such scenario file or output folder",
        ));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("summary.csv"), "element\n").unwrap();
    remopt()
        .args(["compare", small])
        .arg(&empty)
        .args(["--out", out])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}: not the output folder of a solved `remopt solve` run: plan.csv, constraints.csv, run.json missing",
            empty.display()
        )));
    let infeasible = dir.path().join("infeasible");
    remopt()
        .args([
            "solve",
            fixture("infeasible.toml").to_str().unwrap(),
            "--quiet",
            "--out",
        ])
        .arg(&infeasible)
        .assert()
        .code(3);
    remopt()
        .args(["compare", small])
        .arg(&infeasible)
        .args(["--out", out])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("diagnosis of an infeasible run"));
    remopt()
        .args([
            "compare",
            small,
            fixture("typo.toml").to_str().unwrap(),
            "--out",
            out,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("typo.toml:13:1"));
    assert!(!Path::new(out).exists(), "nothing written");
    // --baseline: a missing file exits 2 and writes nothing.
    let solved = dir.path().join("solved");
    remopt()
        .args(["solve", small, "--baseline", "no/such.toml", "--out"])
        .arg(&solved)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--baseline no/such.toml: no such scenario file",
        ));
    assert!(!solved.exists());
}
