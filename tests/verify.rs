//! The independent verifier catches deliberately corrupted plans, naming the
//! constraint each one breaks.

use remopt::pipeline::{optimise, SolveSettings};
use remopt::plan::Plan;
use remopt::scenario::{parse, Scenario};
use remopt::verify::{check_objective, verify};
use std::path::Path;

/// Offers in order: Dy/a, Dy/r, Nd/a, Nd/b, Nd/r (element, then supplier).
const SCENARIO: &str = r#"
[scenario]
name = "v"
[demand]
Nd = 100
Dy = 10
[countries.CN]
risk = 0.8
max_share = 0.6
[suppliers.a]
country = "CN"
kind = "mine"
capacity_t = 65
offers.Nd = { price_per_kg = 10, capacity_t = 60 }
offers.Dy = { price_per_kg = 300 }
[suppliers.b]
country = "AU"
kind = "mine"
risk = 0.2
offers.Nd = { price_per_kg = 20 }
[suppliers.r]
country = "FR"
kind = "recycler"
risk = 0.3
offers.Nd = { price_per_kg = 30 }
offers.Dy = { price_per_kg = 500 }
[policy]
max_supplier_share = 0.7
max_avg_risk = 0.6
min_recycled_share = 0.05
budget = 6000000
"#;

fn scenario() -> Scenario {
    parse(Path::new("v.toml"), SCENARIO.as_bytes()).unwrap()
}

fn good_plan() -> Plan {
    // Dy: a 6, r 4 (CN 60%, recycled 40%, risk (4.8 + 1.2) / 10 = 0.6).
    // Nd: a 55, b 40, r 5 (risk (44 + 8 + 1.5) / 100 = 0.535).
    Plan {
        quantities_t: vec![6.0, 4.0, 55.0, 40.0, 5.0],
        shortfall_t: vec![0.0, 0.0],
        contracts: vec![false; 3],
        baskets_t: vec![0.0; 3],
        resold_t: Vec::new(),
    }
}

fn violated(plan: &Plan) -> String {
    verify(&scenario(), plan)
        .expect_err("the corrupted plan must be rejected")
        .constraint
}

#[test]
fn a_feasible_plan_passes_and_its_cost_is_recomputed() {
    let checked = verify(&scenario(), &good_plan()).unwrap();
    let cost = 1000.0 * (6.0 * 300.0 + 4.0 * 500.0 + 55.0 * 10.0 + 40.0 * 20.0 + 5.0 * 30.0);
    assert_eq!(checked.total_cost, cost);
    assert_eq!(checked.penalty_cost, 0.0);
}

#[test]
fn each_corruption_is_named() {
    type Corruption = fn(&mut Plan);
    let cases: [(&str, Corruption); 8] = [
        ("demand[Nd]", |p| p.quantities_t[3] = 39.0),
        ("demand[Dy]", |p| p.shortfall_t[0] = 0.5),
        ("offer_capacity[a,Nd]", |p| {
            p.quantities_t[2] = 61.0;
            p.quantities_t[3] = 34.0
        }),
        ("supplier_capacity[a]", |p| {
            p.quantities_t[0] = 6.0;
            p.quantities_t[2] = 60.0;
            p.quantities_t[3] = 35.0
        }),
        ("country_share[CN,Dy]", |p| {
            p.quantities_t[0] = 7.0;
            p.quantities_t[1] = 3.0
        }),
        ("supplier_share[b,Nd]", |p| {
            p.quantities_t[3] = 71.0;
            p.quantities_t[2] = 24.0
        }),
        ("recycled_share[Nd]", |p| {
            p.quantities_t[4] = 4.0;
            p.quantities_t[3] = 41.0
        }),
        ("x[b,Nd]", |p| p.quantities_t[3] = -1.0),
    ];
    for (expected, corrupt) in cases {
        let mut plan = good_plan();
        corrupt(&mut plan);
        assert_eq!(violated(&plan), expected);
    }
}

#[test]
fn a_mean_risk_above_its_cap_is_named() {
    let tight = format!("{SCENARIO}[policy.elements.Nd]\nmax_avg_risk = 0.5\n");
    let scenario = parse(Path::new("v.toml"), tight.as_bytes()).unwrap();
    let err = verify(&scenario, &good_plan()).unwrap_err();
    assert_eq!(err.constraint, "avg_risk[Nd]");
    assert!(err.detail.contains("mean risk 0.535"), "{}", err.detail);
}

#[test]
fn a_plan_over_budget_is_named() {
    // The good plan costs 5,300,000.
    let tight = SCENARIO.replace("budget = 6000000", "budget = 5000000");
    let scenario = parse(Path::new("v.toml"), tight.as_bytes()).unwrap();
    let err = verify(&scenario, &good_plan()).unwrap_err();
    assert_eq!(err.constraint, "budget");
    assert_eq!(err.detail, "total cost 5300000 > budget 5000000");
}

#[test]
fn unmet_demand_without_a_penalty_is_a_violation() {
    let mut plan = good_plan();
    plan.quantities_t[3] = 30.0;
    plan.shortfall_t[1] = 10.0;
    let err = verify(&scenario(), &plan).unwrap_err();
    assert_eq!(err.constraint, "demand[Nd]");
    assert!(err.detail.contains("no shortfall penalty"), "{}", err.detail);
}

#[test]
fn a_misreported_objective_is_caught() {
    assert!(check_objective("objective", 100.0, 100.00001).is_ok());
    let err = check_objective("objective", 100.0, 101.0).unwrap_err();
    assert!(err.detail.contains("HiGHS reports 100"), "{}", err.detail);
}

#[test]
fn the_solved_plan_of_the_same_scenario_passes() {
    let outcome = optimise(&scenario(), &SolveSettings::default()).unwrap();
    let checked = verify(&scenario(), outcome.plan()).unwrap();
    assert!((checked.total_cost - outcome.objective).abs() <= 1e-6 * outcome.objective);
}

/// A MIP with a row of every family the verifier recomputes. Offers in
/// order: Dy/c, Dy/r, Nd/a, Nd/c, Nd/r, Pr/r, Pr/t, Pr/v. `c` has a contract; Nd
/// needs 2 or 3 offers of at least 5 t (so its use is decided:
/// `contract_offer[c,Nd]`), Dy's use is not (`contract[c,Dy]`); Pr allows 2
/// offers and `t` sells Pr in closed tiers up to 20 t.
const EVERY_FAMILY: &str = r#"
[scenario]
name = "families"
[demand]
Dy = 1
Nd = 100
Pr = 10
[countries.CN]
max_share = 0.5
[suppliers.a]
country = "AU"
kind = "mine"
risk = 0.2
capacity_t = 78
offers.Nd = { price_per_kg = 10, capacity_t = 80 }
[suppliers.c]
country = "CN"
kind = "refiner"
risk = 0.9
fixed_cost = 1000
offers.Dy = { price_per_kg = 300 }
offers.Nd = { price_per_kg = 12, min_order_t = 10 }
[suppliers.r]
country = "FR"
kind = "recycler"
risk = 0.1
offers.Dy = { price_per_kg = 500 }
offers.Nd = { price_per_kg = 30 }
offers.Pr = { price_per_kg = 90 }
[suppliers.t]
country = "VN"
kind = "mine"
risk = 0.3
offers.Pr = { tiers = [ { up_to_t = 5, price_per_kg = 50 }, { up_to_t = 20, price_per_kg = 55 } ] }
[suppliers.v]
country = "VN"
kind = "mine"
risk = 0.3
offers.Pr = { price_per_kg = 60 }
[policy]
max_avg_risk = 0.5
min_recycled_share = 0.05
budget = 2300000
[policy.elements.Nd]
min_suppliers = 2
max_suppliers = 3
min_share_if_used = 0.05
[policy.elements.Pr]
max_supplier_share = 0.8
max_suppliers = 2
"#;

/// Dy: c 0.4, r 0.6. Nd: a 75, c 20, r 5 (mean risk 0.345). Pr: r 5, t 5.
/// Cost 120k + 300k + 750k + 240k + 150k + 450k + 250k + 1k = 2,261,000.
fn every_family_plan() -> Plan {
    Plan {
        quantities_t: vec![0.4, 0.6, 75.0, 20.0, 5.0, 5.0, 5.0, 0.0],
        shortfall_t: vec![0.0; 3],
        contracts: vec![false, true, false, false, false],
        baskets_t: vec![0.0; 5],
        resold_t: Vec::new(),
    }
}

#[test]
fn every_family_is_reported_under_the_name_constraints_csv_uses() {
    let scenario = parse(Path::new("families.toml"), EVERY_FAMILY.as_bytes()).unwrap();
    let checked = verify(&scenario, &every_family_plan()).unwrap();
    assert!((checked.total_cost - 2_261_000.0).abs() < 1e-6);
    let outcome = optimise(&scenario, &SolveSettings::default()).unwrap();
    let names: Vec<String> = outcome.constraints().map(|c| c.info.id.name(&scenario)).collect();

    type Corruption = fn(&mut Plan);
    let cases: [(&str, Corruption); 17] = [
        ("demand[Nd]", |p| p.quantities_t[2] = 70.0),
        ("demand[Pr]", |p| p.quantities_t[6] = 4.0),
        ("offer_capacity[a,Nd]", |p| {
            p.quantities_t[2] = 81.0;
            p.quantities_t[3] = 14.0
        }),
        ("supplier_capacity[a]", |p| p.quantities_t[2] = 79.0),
        ("tier_end[t,Pr]", |p| p.quantities_t[6] = 21.0),
        ("supplier_share[t,Pr]", |p| p.quantities_t[6] = 8.5),
        ("country_share[CN,Nd]", |p| {
            p.quantities_t[3] = 51.0;
            p.quantities_t[2] = 44.0
        }),
        ("avg_risk[Nd]", |p| {
            p.quantities_t[3] = 50.0;
            p.quantities_t[2] = 45.0
        }),
        ("recycled_share[Nd]", |p| {
            p.quantities_t[2] = 80.0;
            p.quantities_t[4] = 0.0
        }),
        ("min_order[c,Nd]", |p| {
            p.quantities_t[2] = 78.0;
            p.quantities_t[3] = 5.0;
            p.quantities_t[4] = 17.0
        }),
        ("min_suppliers[Nd]", |p| {
            p.quantities_t[2] = 0.0;
            p.quantities_t[3] = 0.0;
            p.quantities_t[4] = 100.0
        }),
        ("max_suppliers[Pr]", |p| p.quantities_t[7] = 1.0),
        ("contract[c,Dy]", |p| p.contracts[1] = false),
        ("contract_offer[c,Nd]", |p| {
            p.contracts[1] = false;
            p.quantities_t[0] = 0.0;
            p.quantities_t[1] = 1.0
        }),
        ("budget", |p| p.quantities_t[4] = 7.0),
        ("x[r,Pr]", |p| p.quantities_t[5] = f64::NAN),
        ("demand[Dy]", |p| p.shortfall_t[0] = 0.1),
    ];
    for (expected, corrupt) in cases {
        let mut plan = every_family_plan();
        corrupt(&mut plan);
        let violation = verify(&scenario, &plan).expect_err(expected);
        assert_eq!(violation.constraint, expected, "{violation}");
        if !expected.starts_with("x[") {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} is not a row of the model"
            );
        }
    }
}

/// Stages and groups: a (MY, mined in AU), f (FR), s (a substitute); AU
/// may mine 60% of Nd, the EU must process 30% and mine at most 35%.
/// Offers in order: a, f, s; the good plan is a 60, f 30, s 10.
const STAGES: &str = r#"
[scenario]
name = "stages"
[demand]
Nd = 100
[groups]
EU = ["FR", "DE"]
[suppliers.a]
country = "MY"
kind = "refiner"
origin = { AU = 1 }
offers.Nd = { price_per_kg = 10 }
[suppliers.f]
country = "FR"
kind = "refiner"
offers.Nd = { price_per_kg = 20 }
[suppliers.s]
kind = "substitute"
offers.Nd = { price_per_kg = 30 }
[policy.elements.Nd]
mining_share = { AU = 0.6 }
[[policy.group_share]]
group = "EU"
min = 0.3
[[policy.group_share]]
group = "EU"
stage = "mining"
max = 0.35
"#;

#[test]
fn stage_and_group_caps_are_reported_under_their_row_names() {
    let scenario = parse(Path::new("stages.toml"), STAGES.as_bytes()).unwrap();
    let good = Plan {
        quantities_t: vec![60.0, 30.0, 10.0],
        shortfall_t: vec![0.0],
        contracts: vec![false; 3],
        baskets_t: vec![0.0; 3],
        resold_t: Vec::new(),
    };
    verify(&scenario, &good).unwrap();
    let outcome = optimise(&scenario, &SolveSettings::default()).unwrap();
    let names: Vec<String> = outcome.constraints().map(|c| c.info.id.name(&scenario)).collect();
    let cases: [(&str, [f64; 3]); 3] = [
        ("mining_share[AU,Nd]", [61.0, 30.0, 9.0]),
        ("group_min[EU,processing,Nd]", [60.0, 29.0, 11.0]),
        ("group_max[EU,mining,Nd]", [60.0, 36.0, 4.0]),
    ];
    for (expected, quantities) in cases {
        let plan = Plan {
            quantities_t: quantities.to_vec(),
            ..good.clone()
        };
        assert_eq!(verify(&scenario, &plan).unwrap_err().constraint, expected);
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} is not a row of the model"
        );
    }
}
