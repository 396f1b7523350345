//! The cost-versus-risk frontier: its ends are the least-cost and the
//! least-risk plans, and cost never falls as the risk bound tightens.

mod common;

use assert_cmd::Command;
use common::ROOT;
use predicates::prelude::*;
use remopt::frontier::trace;
use remopt::pipeline::{optimise, SolveSettings};
use remopt::scenario::load;
use std::path::Path;

#[test]
fn japan_frontier_is_monotone_between_its_two_ends() {
    let scenario = load(&Path::new(ROOT).join("inputs/japan.toml")).unwrap();
    let points = trace(&scenario, 9, &SolveSettings::default(), |_| {}).unwrap();
    assert_eq!(points.len(), 9);
    let cheapest = optimise(&scenario, &SolveSettings::default()).unwrap();
    assert!((points[0].outcome.metrics.total.cost - cheapest.objective).abs() < 1e-6 * cheapest.objective);
    for pair in points.windows(2) {
        let (looser, tighter) = (&pair[0], &pair[1]);
        assert!(
            tighter.risk_sum <= looser.risk_sum + 1e-9,
            "risk falls along the frontier"
        );
        assert!(
            tighter.outcome.metrics.total.cost >= looser.outcome.metrics.total.cost * (1.0 - 1e-9),
            "cost never falls as the risk bound tightens: {} then {}",
            looser.outcome.metrics.total.cost,
            tighter.outcome.metrics.total.cost
        );
        assert!(
            tighter.risk_sum <= tighter.level + 1e-6,
            "each plan respects its level"
        );
    }
    // The last point is the least-risk plan of models/README.md ("Objectives").
    let text = std::fs::read_to_string(Path::new(ROOT).join("inputs/japan.toml")).unwrap();
    let risky = remopt::scenario::parse(
        Path::new("j.toml"),
        text.replace("objective = \"cost\"", "objective = \"risk\"")
            .as_bytes(),
    )
    .unwrap();
    let safest = optimise(&risky, &SolveSettings::default()).unwrap();
    // Within the 1e-6 relative room the second stage of models/README.md ("Objectives") allows.
    assert!((points[8].risk_sum - safest.objective).abs() <= 2e-6 * safest.objective);
}

#[test]
fn the_cli_writes_frontier_and_plans_and_refuses_what_it_cannot_trace() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f");
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .args(["frontier", "inputs/eu.toml", "--points", "4", "--out"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("cost versus risk, 4 plans"));
    let frontier = std::fs::read_to_string(out.join("frontier.csv")).unwrap();
    assert_eq!(frontier.lines().count(), 5);
    assert!(frontier.starts_with(
        "point,risk_level,risk_sum,total_cost,penalty_cost,total_shortfall_t,hhi,mean_risk_Ce,"
    ));
    let plans = std::fs::read_to_string(out.join("plans.csv")).unwrap();
    assert!(plans.starts_with("point,element,supplier,"));
    // small.toml leaves supplier a's risk to China's, which it does give;
    // without risks a frontier cannot be measured.
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .args(["frontier", "tests/fixtures/small.toml", "--points", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs 2 to 10,000 points"));
    // Too many plans is refused at once, not traced for hours.
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .args(["frontier", "tests/fixtures/small.toml", "--points", "100000000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not 100000000"));
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .args(["frontier", "tests/fixtures/infeasible.toml", "--out"])
        .arg(dir.path().join("g"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("every supplier needs one"));
}
