//! Infeasible scenarios whose minimal relaxation is known by construction:
//! the diagnosis names exactly those caps and amounts, and applying its
//! settings to the scenario file makes it solve.

mod common;

use remopt::diagnose::{diagnose, Diagnosis};
use remopt::pipeline::{optimise, Failure, SolveSettings};
use remopt::scenario::{parse, Scenario};
use std::path::Path;

fn header(body: &str) -> String {
    format!("[scenario]\nname = \"diag\"\n{body}")
}

fn diagnosis_of(text: &str) -> (Scenario, Diagnosis) {
    let scenario = parse(Path::new("d.toml"), text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        optimise(&scenario, &SolveSettings::default()),
        Err(Failure::Infeasible)
    ));
    let file = remopt::scenario::ScenarioFile::from_bytes(Path::new("d.toml"), text.as_bytes()).unwrap();
    let d = diagnose(&scenario, remopt::diagnose::confirm_in(&file, &[])).unwrap();
    assert!(d.confirmed, "remopt confirms its own settings: {d:#?}");
    (scenario, d)
}

/// Sets every `key = value` of the diagnosis in the scenario text, as a
/// planner would, and checks that the result solves.
fn apply_and_solve(text: &str, diagnosis: &Diagnosis) -> f64 {
    let mut document: toml::Table = text.parse().unwrap();
    for relaxation in &diagnosis.relaxations {
        assert!(
            !relaxation.settings.is_empty(),
            "{:?} has no setting",
            relaxation.row
        );
    }
    {
        for (key, value) in &diagnosis.settings() {
            let literal: toml::Table = format!("v = {}", remopt::report::number(*value)).parse().unwrap();
            // Walk tables, and arrays by index (tiers.0.up_to_t).
            let parts: Vec<&str> = key.split('.').collect();
            let mut slot = document
                .entry(parts[0].to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            for part in &parts[1..] {
                slot = match slot {
                    toml::Value::Array(items) => &mut items[part.parse::<usize>().unwrap()],
                    toml::Value::Table(table) => table
                        .entry(part.to_string())
                        .or_insert_with(|| toml::Value::Table(toml::Table::new())),
                    other => panic!("{key}: {other} is not a table"),
                };
            }
            *slot = literal["v"].clone();
        }
    }
    let relaxed = toml::to_string(&document).unwrap();
    let scenario =
        parse(Path::new("relaxed.toml"), relaxed.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{relaxed}"));
    optimise(&scenario, &SolveSettings::default())
        .unwrap_or_else(|e| panic!("still {e}:\n{relaxed}"))
        .objective
}

/// Moves carry a 1e-6 margin, so relaxed bounds are close, not equal.
const TOLERANCE: f64 = 1e-5;

#[test]
fn a_country_cap_is_the_single_cap_to_move() {
    // a (CN) could sell 100 t, b (AU) is held to 30 t by both its offer and
    // its supplier capacity: moving b needs two caps, moving China's 50%
    // cap needs one. The caps allow 80 t of the 100 t demanded.
    let text = header(
        r#"
[demand]
Nd = 100
[countries.CN]
max_share = 0.5
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10, capacity_t = 100 }
[suppliers.b]
country = "AU"
kind = "mine"
capacity_t = 30
offers.Nd = { price_per_kg = 20, capacity_t = 30 }
"#,
    );
    let (s, d) = diagnosis_of(&text);
    assert_eq!(d.shortages.len(), 1);
    assert_eq!(s.elements[d.shortages[0].element].symbol, "Nd");
    common::close(d.shortages[0].most_t.unwrap(), 80.0, TOLERANCE);
    assert_eq!(d.relaxations.len(), 1, "{d:#?}");
    let r = &d.relaxations[0];
    assert_eq!(r.row.name(&s), "country_share[CN,Nd]");
    common::close(r.bound, 50.0, TOLERANCE);
    common::close(r.relaxed_bound, 70.0, TOLERANCE);
    assert_eq!(r.settings[0].0, "policy.elements.Nd.country_share.CN");
    common::close(r.settings[0].1, 0.7, TOLERANCE);
    // China 70 t at 10 + b 30 t at 20.
    common::close(apply_and_solve(&text, &d), 1_300_000.0, TOLERANCE);
}

#[test]
fn a_budget_below_the_cheapest_plan_moves_to_that_plan_s_cost() {
    let text = header(
        r#"
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10 }
[policy]
budget = 500000
"#,
    );
    let (s, d) = diagnosis_of(&text);
    // The budget is a cap too: it buys 50 t.
    common::close(d.shortages[0].most_t.unwrap(), 50.0, TOLERANCE);
    assert_eq!(d.relaxations.len(), 1);
    assert_eq!(d.relaxations[0].row.name(&s), "budget");
    common::close(d.relaxations[0].relaxed_bound, 1_000_000.0, TOLERANCE);
    common::close(apply_and_solve(&text, &d), 1_000_000.0, TOLERANCE);
}

#[test]
fn a_recycled_floor_moves_down_to_what_recyclers_can_deliver() {
    // Lowering the floor from 50 t to 20 t and raising the recycler's
    // capacity from 20 t to 50 t are equal moves; the policy cap is the one
    // a planner can change.
    let text = header(
        r#"
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10 }
[suppliers.r]
country = "FR"
kind = "recycler"
offers.Nd = { price_per_kg = 30, capacity_t = 20 }
[policy.elements.Nd]
min_recycled_share = 0.5
"#,
    );
    let (s, d) = diagnosis_of(&text);
    assert_eq!(d.relaxations.len(), 1, "{d:#?}");
    let r = &d.relaxations[0];
    assert_eq!(r.row.name(&s), "recycled_share[Nd]");
    common::close(r.bound, 50.0, TOLERANCE);
    common::close(r.relaxed_bound, 20.0, TOLERANCE);
    common::close(r.settings[0].1, 0.2, TOLERANCE);
    common::close(
        apply_and_solve(&text, &d),
        20.0 * 30_000.0 + 80.0 * 10_000.0,
        TOLERANCE,
    );
}

#[test]
fn two_independent_conflicts_need_two_moves() {
    // Nd: China capped at 50% with no one else; Dy: one supplier, but two
    // are required.
    let text = header(
        r#"
[demand]
Nd = 100
Dy = 10
[countries.CN]
max_share = 0.5
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "refiner"
offers.Dy = { price_per_kg = 300 }
[policy.elements.Dy]
min_suppliers = 2
min_share_if_used = 0.1
"#,
    );
    let (s, d) = diagnosis_of(&text);
    let names: Vec<String> = d.relaxations.iter().map(|r| r.row.name(&s)).collect();
    // In row order: elements alphabetically.
    assert_eq!(names, ["min_suppliers[Dy]", "country_share[CN,Nd]"], "{d:#?}");
    common::close(d.relaxations[0].relaxed_bound, 1.0, TOLERANCE);
    assert_eq!(
        d.relaxations[0].settings,
        [("policy.elements.Dy.min_suppliers".to_string(), 1.0)]
    );
    // Dy's two-supplier floor fails before any demand is counted.
    assert_eq!(s.elements[d.shortages[0].element].symbol, "Dy");
    assert_eq!(d.shortages[0].most_t, None);
    common::close(apply_and_solve(&text, &d), 1_000_000.0 + 3_000_000.0, TOLERANCE);
}

#[test]
fn the_end_of_a_closed_price_schedule_is_a_cap_to_move() {
    // a sells only its listed 60 t (a closed last band); nobody else sells.
    let text = header(
        r#"
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { tiers = [ { up_to_t = 20, price_per_kg = 12 }, { up_to_t = 60, price_per_kg = 10 } ] }
"#,
    );
    let (s, d) = diagnosis_of(&text);
    assert_eq!(d.relaxations.len(), 1, "{d:#?}");
    assert_eq!(d.relaxations[0].row.name(&s), "tier_end[a,Nd]");
    common::close(d.relaxations[0].relaxed_bound, 100.0, TOLERANCE);
    assert_eq!(
        d.relaxations[0].settings[0].0,
        "suppliers.a.offers.Nd.tiers.1.up_to_t"
    );
    // 20 t at 12, then 80 t at 10 (the discount makes it a MIP).
    common::close(apply_and_solve(&text, &d), 240_000.0 + 800_000.0, TOLERANCE);
}

#[test]
fn an_unreachable_group_floor_moves_to_what_the_group_can_process() {
    // The EU must process 40 t of Nd; its one processor (b, FR) has 30 t.
    // Moving the floor to 30% is the one move; a mining cap on AU (b's
    // origin) binds nothing and stays.
    let text = header(
        r#"
[demand]
Nd = 100
[groups]
EU = ["FR", "DE"]
[suppliers.a]
country = "CN"
kind = "refiner"
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "FR"
kind = "refiner"
origin = { AU = 1 }
offers.Nd = { price_per_kg = 20, capacity_t = 30 }
[policy.elements.Nd]
mining_share = { AU = 0.9 }
[[policy.group_share]]
group = "EU"
min = 0.4
"#,
    );
    let (s, d) = diagnosis_of(&text);
    assert_eq!(d.relaxations.len(), 1, "{d:#?}");
    assert_eq!(d.relaxations[0].row.name(&s), "group_min[EU,processing,Nd]");
    common::close(d.relaxations[0].relaxed_bound, 30.0, TOLERANCE);
    assert_eq!(d.settings()[0].0, "policy.group_share.0.min");
    common::close(d.settings()[0].1, 0.3, TOLERANCE);
    let words = remopt::report::diagnosis::text(&s, &d);
    assert!(
        words.contains("processing in EU is 10.0 t short of 40% of Nd demand (40.0 t)"),
        "{words}"
    );
    common::close(apply_and_solve(&text, &d), 700_000.0 + 600_000.0, TOLERANCE);
}

#[test]
fn another_element_s_unmeetable_floor_does_not_hide_what_the_caps_allow() {
    // Dy must be 10% recycled and no recycler sells Dy; Nd's supply is
    // capped only by its offer (80 t of 100 t) and its own floor is met.
    let text = header(
        r#"
[demand]
Nd = 100
Dy = 10
[suppliers.a]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 10, capacity_t = 80 }
offers.Dy = { price_per_kg = 300 }
[suppliers.r]
country = "FR"
kind = "recycler"
offers.Nd = { price_per_kg = 30, capacity_t = 5 }
[policy.elements.Dy]
min_recycled_share = 0.1
"#,
    );
    let (s, d) = diagnosis_of(&text);
    let short: Vec<(&str, Option<f64>)> = d
        .shortages
        .iter()
        .map(|sh| (s.elements[sh.element].symbol.as_str(), sh.most_t))
        .collect();
    // Nd: 80 t from a and 5 t from r, whatever Dy's floor; Dy's own floor
    // cannot be met at all.
    assert_eq!(short, [("Dy", None), ("Nd", Some(85.0))]);
}
