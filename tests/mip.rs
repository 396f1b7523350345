//! Hand-solvable yes/no decisions (models/README.md): the optimum and which
//! contracts are signed are worked out by hand above each test.

mod common;

use common::bought;
use remopt::model::ConstraintKind;
use remopt::pipeline::{optimise, Failure, Outcome, SolveSettings};
use remopt::scenario::Scenario;

/// The MIP gap is 1e-6 relative.
const TOLERANCE: f64 = 1e-6;

fn scenario(body: &str) -> Scenario {
    common::scenario("mip", body)
}

fn solve(body: &str) -> (Scenario, Outcome) {
    common::solved("mip", body)
}

fn signed(s: &Scenario, out: &Outcome) -> Vec<String> {
    s.suppliers
        .iter()
        .zip(&out.plan().contracts)
        .filter(|(_, &c)| c)
        .map(|(s, _)| s.id.clone())
        .collect()
}

/// a: 10 $/kg up to 150 t behind a contract of `fixed`; b: 20 $/kg, no contract.
fn contract(fixed: f64) -> String {
    format!(
        r#"
[demand]
Nd = 100
[suppliers.a]
country = "AU"
kind = "refiner"
fixed_cost = {fixed}
offers.Nd = {{ price_per_kg = 10, capacity_t = 150 }}
[suppliers.b]
country = "CN"
kind = "mine"
offers.Nd = {{ price_per_kg = 20 }}
"#
    )
}

#[test]
fn a_contract_is_signed_when_its_savings_exceed_its_fixed_cost() {
    // a: 1,000,000 + 500,000 < b: 2,000,000.
    let (s, out) = solve(&contract(500_000.0));
    assert!(out.mip.is_some(), "a fixed cost makes a MIP");
    common::close(out.objective, 1_500_000.0, TOLERANCE);
    common::close(out.metrics.total.cost, 1_500_000.0, TOLERANCE);
    common::close(out.metrics.fixed_costs, 500_000.0, TOLERANCE);
    assert_eq!(signed(&s, &out), ["a"]);
    common::close(bought(&s, &out, "a"), 100.0, TOLERANCE);
    // The element's cost excludes the fixed cost; the total includes it.
    common::close(out.metrics.elements[0].cost, 1_000_000.0, TOLERANCE);
    // Shadow prices come from the LP with y[a] fixed at 1: one more tonne
    // comes from a (10,000); the decision itself is worth its fixed cost.
    common::close(
        common::row(&s, &out, "demand[Nd]").shadow_price,
        10_000.0,
        TOLERANCE,
    );
    let decision = common::row(&s, &out, "y[a]");
    assert_eq!(decision.info.id.kind(), ConstraintKind::FixedDecision);
    common::close(decision.activity, 1.0, TOLERANCE);
    common::close(decision.shadow_price, 500_000.0, TOLERANCE);
}

#[test]
fn a_contract_is_left_unsigned_when_it_does_not_pay() {
    // a: 1,000,000 + 1,500,000 > b: 2,000,000.
    let (s, out) = solve(&contract(1_500_000.0));
    common::close(out.objective, 2_000_000.0, TOLERANCE);
    assert!(signed(&s, &out).is_empty());
    common::close(bought(&s, &out, "a"), 0.0, TOLERANCE);
    common::close(out.metrics.fixed_costs, 0.0, TOLERANCE);
    common::close(common::row(&s, &out, "y[a]").activity, 0.0, TOLERANCE);
}

#[test]
fn the_budget_counts_fixed_costs() {
    // Signing a would cost 1,500,000 in all: over a budget of 1,400,000, so
    // the cheaper-looking contract is out and b supplies everything... which
    // costs 2,000,000, also over budget: infeasible.
    let body = contract(500_000.0) + "[policy]\nbudget = 1400000\n";
    assert!(matches!(
        optimise(&scenario(&body), &SolveSettings::default()),
        Err(Failure::Infeasible)
    ));
    let body = contract(500_000.0) + "[policy]\nbudget = 1500000\n";
    let (_, out) = solve(&body);
    common::close(out.objective, 1_500_000.0, TOLERANCE);
}

#[test]
fn a_minimum_order_that_the_caps_cannot_reach_rules_an_offer_out() {
    // China may supply 70 t, but a's minimum lot is 80 t: a is unused and
    // b supplies all 100 t at 20. Without the minimum: a 70, b 30.
    let body = |min_order: u32| {
        format!(
            r#"
[demand]
Nd = 100
[countries.CN]
max_share = 0.7
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = {{ price_per_kg = 10, capacity_t = 100, min_order_t = {min_order} }}
[suppliers.b]
country = "AU"
kind = "mine"
offers.Nd = {{ price_per_kg = 20 }}
"#
        )
    };
    let (s, out) = solve(&body(80));
    common::close(out.objective, 2_000_000.0, TOLERANCE);
    common::close(bought(&s, &out, "a"), 0.0, TOLERANCE);
    let (_, out) = solve(&body(0));
    assert!(out.mip.is_none(), "an explicit zero keeps an LP");
    common::close(out.objective, 1_300_000.0, TOLERANCE);
}

const THREE_DY: &str = r#"
[demand]
Dy = 10
[suppliers.a]
country = "CN"
kind = "refiner"
offers.Dy = { price_per_kg = 100, capacity_t = 6 }
[suppliers.b]
country = "AU"
kind = "refiner"
offers.Dy = { price_per_kg = 200, capacity_t = 20 }
[suppliers.c]
country = "FR"
kind = "recycler"
offers.Dy = { price_per_kg = 300, capacity_t = 20 }
"#;

#[test]
fn at_least_two_suppliers_each_with_a_real_share() {
    // Cheapest is a 6 + b 4 anyway (two suppliers); demand three, each with
    // at least 2 t: a 6, b 2, c 2 = 600k + 400k + 600k.
    let body = format!("{THREE_DY}[policy.elements.Dy]\nmin_suppliers = 3\nmin_share_if_used = 0.2\n");
    let (s, out) = solve(&body);
    common::close(out.objective, 1_600_000.0, TOLERANCE);
    common::close(bought(&s, &out, "b"), 2.0, TOLERANCE);
    common::close(bought(&s, &out, "c"), 2.0, TOLERANCE);
    assert_eq!(out.metrics.elements[0].suppliers_used, 3);
}

#[test]
fn at_most_one_supplier_picks_the_one_that_can_cover_everything() {
    // a cannot cover 10 t alone: b alone, 2,000,000.
    let body = format!("{THREE_DY}[policy]\nmax_suppliers = 1\n");
    let (s, out) = solve(&body);
    common::close(out.objective, 2_000_000.0, TOLERANCE);
    common::close(bought(&s, &out, "b"), 10.0, TOLERANCE);
    assert_eq!(out.metrics.elements[0].suppliers_used, 1);
}

/// a sells the first 50 t at 30 and every tonne above at 10 (a discount);
/// b sells at 25 flat.
fn discount(demand: u32, a_capacity: u32) -> String {
    format!(
        r#"
[demand]
Nd = {demand}
[suppliers.a]
country = "AU"
kind = "mine"
offers.Nd = {{ tiers = [ {{ up_to_t = 50, price_per_kg = 30 }}, {{ price_per_kg = 10 }} ], capacity_t = {a_capacity} }}
[suppliers.b]
country = "CN"
kind = "mine"
offers.Nd = {{ price_per_kg = 25 }}
"#
    )
}

#[test]
fn discount_bands_fill_in_order() {
    // 40 t: a would cost 40 x 30 (the cheap band is not reached), b 40 x 25.
    let (s, out) = solve(&discount(40, 200));
    assert!(out.mip.is_some(), "a discount needs yes/no decisions");
    common::close(out.objective, 1_000_000.0, TOLERANCE);
    common::close(bought(&s, &out, "b"), 40.0, TOLERANCE);
    // 100 t: a = 50 x 30 + 50 x 10 = 2,000 k < b's 2,500 k.
    let (s, out) = solve(&discount(100, 200));
    common::close(out.objective, 2_000_000.0, TOLERANCE);
    common::close(bought(&s, &out, "a"), 100.0, TOLERANCE);
    // 120 t with a capped at 100: cost(q) = 4,000 - 15 q (k) on [50, 100],
    // 3,000 + 5 q below 50: a 100 + b 20 = 2,500 k.
    let (s, out) = solve(&discount(120, 100));
    common::close(out.objective, 2_500_000.0, TOLERANCE);
    common::close(bought(&s, &out, "a"), 100.0, TOLERANCE);
    // plan.csv reports a's mean price: 2,000,000 / 100,000 kg = 20.
    let plan = remopt::report::csv::plan(&s, &out);
    assert!(String::from_utf8(plan)
        .unwrap()
        .contains("\nNd,a,a,AU,mine,100,0.8333333333333334,20,2000000,\n"));
}

#[test]
fn increasing_tiers_stay_an_lp() {
    // First 50 t at 10, the rest at 30; b at 20: a 50 + b 50 = 500k + 1,000k.
    let body = r#"
[demand]
Nd = 100
[suppliers.a]
country = "AU"
kind = "mine"
offers.Nd = { tiers = [ { up_to_t = 50, price_per_kg = 10 }, { price_per_kg = 30 } ] }
[suppliers.b]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 20 }
"#;
    let (s, out) = solve(body);
    assert!(out.mip.is_none());
    common::close(out.objective, 1_500_000.0, TOLERANCE);
    common::close(bought(&s, &out, "a"), 50.0, TOLERANCE);
    // One more tonne comes from b at 20.
    common::close(
        common::row(&s, &out, "demand[Nd]").shadow_price,
        20_000.0,
        TOLERANCE,
    );
}

#[test]
fn contracts_with_minimum_orders_and_supplier_counts_combine() {
    // Dy 100 t, at least 2 suppliers with >= 10% each. a (cheap, contract
    // 2,000,000) and b (contract 500,000) and c (no contract, dear).
    // Options: {a, c}: a 90 x 100k... see below; the optimum signs b only:
    //   {b, c}: b 90 x 150k + c 10 x 400k = 13.5M + 4.0M + 0.5M = 18.0M
    //   {a, c}: a 90 x 120k + c 10 x 400k + 2.0M = 10.8 + 4.0 + 2.0 = 16.8M
    //   {a, b}: a 90 x 120k + b 10 x 150k + 2.5M = 10.8 + 1.5 + 2.5 = 14.8M
    // so both contracts are signed, a 90 t, b 10 t.
    let body = r#"
[demand]
Dy = 100
[suppliers.a]
country = "CN"
kind = "refiner"
fixed_cost = 2000000
offers.Dy = { price_per_kg = 120 }
[suppliers.b]
country = "AU"
kind = "refiner"
fixed_cost = 500000
offers.Dy = { price_per_kg = 150 }
[suppliers.c]
country = "FR"
kind = "recycler"
offers.Dy = { price_per_kg = 400 }
[policy.elements.Dy]
min_suppliers = 2
min_share_if_used = 0.1
"#;
    let (s, out) = solve(body);
    common::close(out.objective, 14_800_000.0, TOLERANCE);
    assert_eq!(signed(&s, &out), ["a", "b"]);
    common::close(bought(&s, &out, "a"), 90.0, TOLERANCE);
    common::close(bought(&s, &out, "b"), 10.0, TOLERANCE);
}

/// Pricing a MIP's plan with its decisions fixed: a contract's link
/// `x <= M y` must not take the shadow price of the cap its M was sized
/// from. a (contract of 1,000, supplier capacity 60 t) at 50 $/kg, b at 80:
/// a 60 t, b 40 t; one tonne more of a's capacity saves 30,000 (found by an
/// independent cross-check, where the dual sat on `contract[a,Nd]`).
#[test]
fn a_contract_link_leaves_the_shadow_price_on_the_cap() {
    let (s, out) = solve(
        r#"
[demand]
Nd = 100
[suppliers.a]
country = "AU"
kind = "mine"
fixed_cost = 1000
capacity_t = 60
offers.Nd = { price_per_kg = 50, capacity_t = 100 }
[suppliers.b]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 80 }
"#,
    );
    common::close(out.objective, 3_000_000.0 + 3_200_000.0 + 1_000.0, TOLERANCE);
    common::close(
        common::row(&s, &out, "supplier_capacity[a]").shadow_price,
        -30_000.0,
        TOLERANCE,
    );
    common::close(
        common::row(&s, &out, "contract[a,Nd]").shadow_price,
        0.0,
        TOLERANCE,
    );
}
