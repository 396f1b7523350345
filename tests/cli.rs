//! The command line end to end: every exit code of docs/outputs.md, the output files
//! and their columns, and the guarantee that a failed run keeps the previous
//! outputs.

mod common;

use common::{fixture, read, remopt};
use predicates::prelude::*;
use std::fs;

#[test]
fn solve_writes_the_files_with_the_spec_columns_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("small");
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("optimal LP"))
        .stdout(predicate::str::contains("country_share[CN]"));
    let plan = read(&out, "plan.csv");
    assert_eq!(
        plan,
        "element,supplier,supplier_name,country,kind,quantity_t,share_of_demand,price_per_kg,cost,risk\n\
         Nd,a,Supplier A,CN,mine,50,0.5,10,500000,0.8\n\
         Nd,b,\"Supplier B, \"\"quoted\"\"\",AU,refiner,50,0.5,20,1000000,0.2\n"
    );
    let summary = read(&out, "summary.csv");
    let mut lines = summary.lines();
    assert_eq!(
        lines.next().unwrap(),
        "element,demand_t,supplied_t,shortfall_t,cost,mean_price_per_kg,mean_risk,hhi,top_country,top_country_share,suppliers_used"
    );
    assert_eq!(lines.next().unwrap(), "Nd,100,100,0,1500000,15,0.5,0.5,AU,0.5,2");
    assert_eq!(
        lines.next().unwrap(),
        "TOTAL,100,100,0,1500000,15,0.5,0.5,AU,0.5,2"
    );
    let constraints = read(&out, "constraints.csv");
    assert!(constraints
        .starts_with("name,kind,element,subject,activity,lower,upper,slack,binding,shadow_price\n"));
    assert!(
        constraints.contains("\ndemand[Nd],demand,Nd,,100,100,,0,true,20000\n"),
        "{constraints}"
    );
    // Names with a comma are quoted, as CSV requires.
    assert!(
        constraints.contains("\n\"country_share[CN,Nd]\",country_share,Nd,CN,50,,50,0,true,-10000\n"),
        "{constraints}"
    );
    assert!(
        constraints.contains("\n\"offer_capacity[a,Nd]\",offer_capacity,Nd,a,50,,60,10,false,0\n"),
        "{constraints}"
    );
    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["status"], "optimal");
    assert_eq!(run["problem_type"], "LP");
    assert_eq!(run["objective"], 1_500_000.0);
    assert_eq!(run["total_cost"], 1_500_000.0);
    assert_eq!(run["penalty_cost"], 0.0);
    assert_eq!(run["total_shortfall_t"], 0.0);
    assert_eq!(run["mip_gap"], serde_json::Value::Null);
    assert_eq!(run["solver"]["name"], "HiGHS");
    assert_eq!(run["model"]["columns"], 2);
    assert_eq!(run["scenario"]["sha256"].as_str().unwrap().len(), 64);
    // The four core files (plan, summary, constraints, run.json), plus
    // sensitivity.csv, security.csv, stages.csv and report.html; plan.xlsx
    // only with --xlsx (tests/xlsx.rs).
    assert_eq!(fs::read_dir(&out).unwrap().count(), 8);
    assert!(!out.join("plan.xlsx").exists());
    assert_eq!(
        read(&out, "stages.csv"),
        "element,stage,country,quantity_t,share_of_supplied\n\
         Nd,mining,AU,50,0.5\nNd,mining,CN,50,0.5\n\
         Nd,processing,AU,50,0.5\nNd,processing,CN,50,0.5\n"
    );
    assert!(read(&out, "sensitivity.csv")
        .starts_with("name,kind,element,subject,current,marginal,range_low,range_high\n"));
    assert!(read(&out, "security.csv")
        .contains("tightening CN's share of Nd from 50.0% to 49.0% costs 10000 USD per year"));
}

#[test]
fn json_flag_prints_a_machine_readable_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--json",
            "--out",
        ])
        .arg(dir.path().join("o"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], 1_500_000.0);
    assert_eq!(v["elements"][0]["symbol"], "Nd");
    assert_eq!(v["binding"][0], "country_share[CN,Nd]");
}

#[test]
fn check_validates_without_writing() {
    remopt()
        .args(["check", fixture("small.toml").to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "valid scenario \"small\": 1 elements, 2 suppliers, 2 offers",
        ));
}

#[test]
fn a_typo_exits_2_naming_line_and_key_path() {
    let path = fixture("typo.toml");
    remopt()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "typo.toml:13:1: policy.max_contry_share: unknown field `max_contry_share`",
        ));
}

#[test]
fn bad_invocations_exit_2() {
    remopt().args(["solve"]).assert().code(2);
    remopt().args(["frobnicate"]).assert().code(2);
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--time-limit=-3",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a number of seconds >= 0"));
    remopt()
        .args(["solve", "no-such-scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no-such-scenario.toml: cannot read the scenario file",
        ));
    // An output path below a file can never be a folder: refused before solving.
    remopt()
        .args(["solve", fixture("small.toml").to_str().unwrap(), "--out"])
        .arg(fixture("small.toml").join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file, not a folder"));
}

#[test]
fn an_infeasible_scenario_exits_3_and_writes_its_diagnosis() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    remopt()
        .args(["solve", fixture("infeasible.toml").to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("Nd: demand 100.0 t, but the caps allow at most 50.0 t")
                .and(predicate::str::contains(
                    "country_share[CN,Nd]: raise from 50 to 100.00005 (+50.00005)",
                ))
                .and(predicate::str::contains(
                    "policy.elements.Nd.country_share.CN = 1",
                )),
        );
    assert!(read(&out, "diagnosis.txt").contains("smallest set of caps"));
    assert_eq!(
        read(&out, "diagnosis.csv"),
        "constraint,kind,element,subject,bound,relaxed_bound,change,settings\n\
         demand[Nd],demand,Nd,,100,50,-50,\n\
         \"country_share[CN,Nd]\",country_share,Nd,CN,50,100.00005,50.00005,policy.elements.Nd.country_share.CN = 1\n"
    );
    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["status"], "infeasible");
    assert!(!out.join("plan.csv").exists(), "no plan from an infeasible run");
}

#[test]
fn a_time_limit_exits_4_and_keeps_the_previous_outputs_when_no_plan_was_found() {
    // Large enough that HiGHS's presolve cannot finish it within 0 seconds.
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("big.toml");
    fs::write(&scenario, remopt::synthetic::scenario_toml(5, 400)).unwrap();
    let out = dir.path().join("o");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("plan.csv"), "previous").unwrap();
    remopt()
        .arg("solve")
        .arg(&scenario)
        .args(["--time-limit", "0", "--out"])
        .arg(&out)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("stopped by the time limit"));
    assert_eq!(read(&out, "plan.csv"), "previous");
}

#[test]
fn outputs_that_cannot_be_written_exit_1_without_claiming_a_result() {
    // /proc accepts no new folders, even from root.
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--out",
            "/proc/remopt-test-out",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("could not write the outputs"));
}

#[test]
fn a_failing_run_keeps_the_previous_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let solve = |scenario: &str| {
        remopt()
            .args(["solve", fixture(scenario).to_str().unwrap(), "--out"])
            .arg(&out)
            .assert()
    };
    let files = ["plan.csv", "summary.csv", "constraints.csv", "run.json"];
    solve("small.toml").code(0);
    let before: Vec<_> = files.iter().map(|f| read(&out, f)).collect();
    solve("typo.toml").code(2);
    let after: Vec<_> = files.iter().map(|f| read(&out, f)).collect();
    assert_eq!(before, after);
    // An infeasible run is a completed run: its diagnosis replaces the
    // folder whole, so no stale plan sits beside it.
    solve("infeasible.toml").code(3);
    assert!(out.join("diagnosis.txt").exists() && !out.join("plan.csv").exists());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no staging folder left behind"
    );
}

#[test]
fn help_explains_every_flag_with_an_example() {
    remopt()
        .args(["solve", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--time-limit").and(predicate::str::contains("Example")));
}

#[test]
fn a_mip_reports_its_gap_and_dual_bound() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("mip.toml");
    fs::write(&scenario, remopt::synthetic::contracts_toml(3, 50)).unwrap();
    let out = dir.path().join("o");
    remopt()
        .arg("solve")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("optimal MIP"));
    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["problem_type"], "MIP");
    assert!(run["mip_gap"].as_f64().unwrap() <= 1e-6);
    let objective = run["objective"].as_f64().unwrap();
    let bound = run["mip_dual_bound"].as_f64().unwrap();
    assert!(
        bound <= objective * (1.0 + 1e-9) && bound >= objective * (1.0 - 1e-6),
        "{bound} vs {objective}"
    );
    assert!(run["shadow_prices"]
        .as_str()
        .unwrap()
        .contains("fixed at its optimal value"));
    let constraints = read(&out, "constraints.csv");
    assert!(
        constraints.contains(",fixed_decision,"),
        "the file says how its shadow prices were priced"
    );
}

#[test]
fn a_mip_stopped_by_the_time_limit_exits_4_and_marks_its_plan() {
    // Takes HiGHS several seconds to prove; an incumbent comes within a
    // fraction of a second, so usually a plan is written and marked.
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("mip.toml");
    fs::write(&scenario, remopt::synthetic::contracts_toml(5, 200)).unwrap();
    let out = dir.path().join("o");
    let assert = remopt()
        .arg("solve")
        .arg(&scenario)
        .args(["--time-limit", "1", "--out"])
        .arg(&out)
        .assert()
        .code(4);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    if out.join("run.json").exists() {
        let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
        assert_eq!(run["status"], "time_limit");
        assert!(
            run["mip_gap"].as_f64().unwrap() > 1e-6,
            "not proven within the gap"
        );
        assert!(stderr.contains("NOT proven optimal"), "{stderr}");
        assert!(String::from_utf8_lossy(&assert.get_output().stdout).contains("NOT PROVEN OPTIMAL"));
    } else {
        assert!(stderr.contains("before any feasible plan"), "{stderr}");
    }
}

#[test]
fn a_bad_mip_gap_is_refused() {
    remopt()
        .args(["solve", fixture("small.toml").to_str().unwrap(), "--mip-gap", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("relative gap in [0, 1)"));
}

#[test]
fn set_overrides_values_before_validation_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    // Lifting China's cap to 60% lets a take 60 t: 600k + 800k.
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--set",
            "countries.CN.max_share=0.6",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["objective"], 1_400_000.0);
    assert_eq!(run["scenario"]["overrides"][0], "countries.CN.max_share=0.6");
    // Doubling every Nd price doubles the cost.
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--set",
            "suppliers.*.offers.Nd.price_per_kg*=2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["objective"], 3_000_000.0);
    // An invalid value is named with its origin; a path that matches nothing is refused.
    remopt()
        .args(["check", fixture("small.toml").to_str().unwrap()])
        .assert()
        .code(0);
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--set",
            "countries.CN.max_share=5",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("countries.CN.max_share = 5")
                .and(predicate::str::contains("comes from --set")),
        );
    remopt()
        .args([
            "solve",
            fixture("small.toml").to_str().unwrap(),
            "--set",
            "suppliers.*.offers.Dy.price_per_kg=1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("matches no value"));
    // A misspelt supplier creates a new one, whose missing fields are
    // blamed on the misspelling.
    remopt()
        .args([
            "solve",
            "inputs/japan.toml",
            "--set",
            "suppliers.lynas-m.offers.Nd.price_per_kg=80",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing field `kind` (after applying --set suppliers.lynas-m.offers.Nd.price_per_kg=80; \
             it created suppliers.lynas-m: did you mean lynas? known: cn-heavy cn-light jogmec-stockpile lynas)",
        ));
}

#[test]
fn the_summary_fits_100_columns_and_quiet_prints_nothing_but_errors() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "japan",
        "eu",
        "usa",
        "japan-contracts",
        "japan-2030",
        "japan-disruptions",
    ] {
        let out = remopt()
            .current_dir(common::ROOT)
            .args(["solve", &format!("inputs/{name}.toml"), "--out"])
            .arg(dir.path().join(name))
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        for line in text.lines() {
            assert!(
                line.chars().count() <= 100,
                "{name}: {} columns: {line}",
                line.chars().count()
            );
        }
    }
    remopt()
        .current_dir(common::ROOT)
        .args(["solve", "inputs/japan.toml", "--quiet", "--out"])
        .arg(dir.path().join("quiet"))
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
    assert!(dir.path().join("quiet/plan.csv").exists());
    remopt()
        .args(["--quiet", "check", "no-such-file.toml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no-such-file.toml"));
}

/// Every command's output folder holds only files remopt knows it writes,
/// so that it can be written again; a folder holding anything else (the
/// scenario itself, say) is refused before any solve, and left as it was.
#[test]
fn output_folders_are_replaced_only_when_remopt_wrote_them() {
    use remopt::report::write::foreign_entries;
    let dir = tempfile::tempdir().unwrap();
    let basket = dir.path().join("basket.toml");
    fs::write(
        &basket,
        "[scenario]\nname = \"basket\"\n[demand]\nNd = 100\n[suppliers.a]\ncountry = \"AU\"\nkind = \"mine\"\n\
         offers.Nd = { price_per_kg = 60 }\n[suppliers.m]\ncountry = \"MY\"\nkind = \"mine\"\norigin = { AU = 1 }\n\
         basket = { price_per_kg = 10, capacity_t = 400, composition = { Nd = 0.2, Ce = 0.5 } }\n\
         [policy.resale.Ce]\nprice_per_kg = 2\ncapacity_t = 100\n",
    )
    .unwrap();
    let basket = basket.to_str().unwrap().to_string();
    let infeasible = fixture("infeasible.toml").to_str().unwrap().to_string();
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let runs: Vec<(Vec<String>, i32)> = vec![
        (
            vec![
                "solve",
                "inputs/japan.toml",
                "--xlsx",
                "--baseline",
                "inputs/japan-status-quo.toml",
            ],
            0,
        ),
        (vec!["solve", "inputs/japan-2030.toml"], 0),
        (vec!["solve", "inputs/japan-disruptions.toml"], 0),
        (vec!["solve", &basket], 0),
        (vec!["solve", &infeasible], 3),
        (
            vec![
                "sweep",
                "inputs/japan.toml",
                "--vary",
                "countries.CN.max_share~uniform(0.5,0.9)",
                "--samples",
                "3",
            ],
            0,
        ),
        (
            vec![
                "sweep",
                "inputs/japan.toml",
                "--vary",
                "countries.CN.max_share=0.5,0.9",
                "--shard",
                "1/1",
            ],
            0,
        ),
        (vec!["frontier", "inputs/japan.toml", "--points", "3"], 0),
        (
            vec!["compare", "inputs/japan-status-quo.toml", "inputs/japan.toml"],
            0,
        ),
    ]
    .into_iter()
    .map(|(args, code)| (args.into_iter().map(String::from).collect(), code))
    .collect();
    for (k, (args, code)) in runs.iter().enumerate() {
        let folder = out(&format!("o{k}"));
        // Twice: the second run replaces what the first wrote.
        for _ in 0..2 {
            remopt()
                .args(args)
                .args(["--quiet", "--out", &folder])
                .assert()
                .code(*code);
        }
        assert_eq!(
            foreign_entries(folder.as_ref()).unwrap(),
            Vec::<String>::new(),
            "{args:?}"
        );
    }
    remopt()
        .args(["merge", &out("o6"), "--out", &out("merged"), "--quiet"])
        .assert()
        .code(0);
    assert!(foreign_entries(out("merged").as_ref()).unwrap().is_empty());

    let inputs = dir.path().join("inputs");
    fs::create_dir(&inputs).unwrap();
    fs::copy("inputs/japan.toml", inputs.join("japan.toml")).unwrap();
    remopt()
        .args(["solve", &out("inputs/japan.toml"), "--out", &out("inputs")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the folder holds japan.toml, which remopt did not write; it replaces its output folder whole",
        ));
    assert!(inputs.join("japan.toml").is_file());
}
