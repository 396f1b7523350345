//! Hand-solvable LPs with known optima and known shadow prices.
//!
//! Every figure below is worked out by hand in the comment above it; prices
//! are per kg, so one tonne at 10 $/kg costs 10,000.

mod common;

use common::{quantity, row};
use remopt::pipeline::{optimise, Failure, Outcome, SolveSettings};
use remopt::scenario::Scenario;

/// Every figure is exact; HiGHS meets it to round-off.
const TOLERANCE: f64 = 1e-7;

fn scenario(body: &str) -> Scenario {
    common::scenario("hand", body)
}

fn solve(body: &str) -> (Scenario, Outcome) {
    common::solved("hand", body)
}

fn dual(s: &Scenario, out: &Outcome, name: &str) -> f64 {
    row(s, out, name).shadow_price
}

/// Two suppliers of Nd: cheap `a` (CN, 10 $/kg, 60 t, risk 0.8) and dear `b`
/// (AU, 20 $/kg, 100 t, risk 0.2); demand 100 t.
const TWO_SUPPLIERS: &str = r#"
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "mine"
risk = 0.8
offers.Nd = { price_per_kg = 10, capacity_t = 60 }
[suppliers.b]
country = "AU"
kind = "mine"
risk = 0.2
offers.Nd = { price_per_kg = 20, capacity_t = 100 }
"#;

#[test]
fn cheapest_first_and_the_demand_dual_is_the_marginal_price() {
    // a at its 60 t capacity, b the other 40 t: 600,000 + 800,000.
    let (s, out) = solve(TWO_SUPPLIERS);
    common::close(out.objective, 1_400_000.0, TOLERANCE);
    common::close(quantity(&s, &out, "a", "Nd"), 60.0, TOLERANCE);
    common::close(quantity(&s, &out, "b", "Nd"), 40.0, TOLERANCE);
    // One more tonne of demand comes from b: +20,000. A `>=` demand row's
    // shadow price is positive.
    common::close(dual(&s, &out, "demand[Nd]"), 20_000.0, TOLERANCE);
    // One more tonne of a's capacity displaces b: saves 10,000.
    common::close(dual(&s, &out, "offer_capacity[a,Nd]"), -10_000.0, TOLERANCE);
    common::close(dual(&s, &out, "offer_capacity[b,Nd]"), 0.0, TOLERANCE);
    common::close(out.metrics.total.cost, 1_400_000.0, TOLERANCE);
}

#[test]
fn a_country_cap_binds_with_its_marginal_saving() {
    // CN may supply at most 50% of 100 t: a 50 t, b 50 t.
    let body = format!("{TWO_SUPPLIERS}\n[countries.CN]\nmax_share = 0.5\n");
    let (s, out) = solve(&body);
    common::close(out.objective, 1_500_000.0, TOLERANCE);
    common::close(quantity(&s, &out, "a", "Nd"), 50.0, TOLERANCE);
    common::close(dual(&s, &out, "country_share[CN,Nd]"), -10_000.0, TOLERANCE);
    common::close(dual(&s, &out, "offer_capacity[a,Nd]"), 0.0, TOLERANCE);
    common::close(dual(&s, &out, "demand[Nd]"), 20_000.0, TOLERANCE);
}

#[test]
fn a_mean_risk_cap_couples_the_suppliers() {
    // 0.8 a + 0.2 b <= 0.5 * 100 with a + b = 100 gives a <= 50.
    // Loosening the cap by one unit of risk-tonnes lets a grow by 1/0.6 t:
    // saves 10,000 / 0.6. One more tonne of demand, with the cap fixed, is
    // -1/3 t of a and +4/3 t of b: 1000 * (-10/3 + 80/3) = 23,333.33.
    let body = format!("{TWO_SUPPLIERS}\n[policy]\nmax_avg_risk = 0.5\n");
    let (s, out) = solve(&body);
    common::close(out.objective, 1_500_000.0, TOLERANCE);
    common::close(dual(&s, &out, "avg_risk[Nd]"), -10_000.0 / 0.6, TOLERANCE);
    common::close(dual(&s, &out, "demand[Nd]"), 70_000.0 / 3.0, TOLERANCE);
    common::close(out.metrics.elements[0].mean_risk.unwrap(), 0.5, TOLERANCE);
}

#[test]
fn a_supplier_share_cap_binds() {
    let body = format!("{TWO_SUPPLIERS}\n[policy]\nmax_supplier_share = 0.5\n");
    let (s, out) = solve(&body);
    common::close(out.objective, 1_500_000.0, TOLERANCE);
    common::close(dual(&s, &out, "supplier_share[a,Nd]"), -10_000.0, TOLERANCE);
    common::close(dual(&s, &out, "supplier_share[b,Nd]"), 0.0, TOLERANCE);
}

#[test]
fn a_recycled_floor_has_a_positive_shadow_price() {
    // 10 t must come from the recycler at 30 $/kg, displacing b at 20.
    let body = format!(
        "{TWO_SUPPLIERS}\n[suppliers.r]\ncountry = \"FR\"\nkind = \"recycler\"\nrisk = 0.3\noffers.Nd = {{ price_per_kg = 30 }}\n[policy]\nmin_recycled_share = 0.1\n"
    );
    let (s, out) = solve(&body);
    common::close(out.objective, 300_000.0 + 600_000.0 + 600_000.0, TOLERANCE);
    common::close(quantity(&s, &out, "r", "Nd"), 10.0, TOLERANCE);
    common::close(dual(&s, &out, "recycled_share[Nd]"), 10_000.0, TOLERANCE);
}

#[test]
fn a_shared_supplier_capacity_goes_where_it_saves_most() {
    // a sells Nd and Pr at 10 within 100 t in all; b sells Nd at 20, Pr at 30.
    // a's tonnes save 20/kg on Pr and 10/kg on Nd: Pr 80 t, Nd 20 t; b Nd 60 t.
    let body = r#"
[demand]
Nd = 80
Pr = 80
[suppliers.a]
country = "CN"
kind = "refiner"
capacity_t = 100
offers.Nd = { price_per_kg = 10 }
offers.Pr = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 20 }
offers.Pr = { price_per_kg = 30 }
"#;
    let (s, out) = solve(body);
    common::close(out.objective, 2_200_000.0, TOLERANCE);
    common::close(quantity(&s, &out, "a", "Pr"), 80.0, TOLERANCE);
    common::close(quantity(&s, &out, "a", "Nd"), 20.0, TOLERANCE);
    common::close(dual(&s, &out, "supplier_capacity[a]"), -10_000.0, TOLERANCE);
    common::close(dual(&s, &out, "demand[Nd]"), 20_000.0, TOLERANCE);
    // One more tonne of Pr: a shifts a tonne from Nd to Pr, b covers Nd.
    common::close(dual(&s, &out, "demand[Pr]"), 20_000.0, TOLERANCE);
}

#[test]
fn unmet_demand_costs_the_penalty_when_it_is_cheaper_than_buying() {
    // Penalty 15 $/kg < b's 20: buy a's 60 t, leave 40 t unmet.
    let body = TWO_SUPPLIERS.to_string() + "\n[policy]\nshortfall_penalty_per_kg = 15\n";
    let (s, out) = solve(&body);
    common::close(out.objective, 600_000.0 + 600_000.0, TOLERANCE);
    common::close(quantity(&s, &out, "b", "Nd"), 0.0, TOLERANCE);
    common::close(out.plan().shortfall_t[0], 40.0, TOLERANCE);
    common::close(out.metrics.penalty_cost, 600_000.0, TOLERANCE);
    common::close(out.metrics.total.cost, 600_000.0, TOLERANCE);
    common::close(dual(&s, &out, "demand[Nd]"), 15_000.0, TOLERANCE);
}

#[test]
fn a_binding_budget_trades_purchases_against_penalties() {
    // Budget 1,000,000: a 60 t (600,000), then 20 t of b (400,000); 20 t
    // unmet at 50 $/kg. One more unit of budget buys 1/20,000 t of b: +1 of
    // cost, -2.5 of penalty: shadow price -1.5.
    let body = TWO_SUPPLIERS.to_string() + "\n[policy]\nshortfall_penalty_per_kg = 50\nbudget = 1000000\n";
    let (s, out) = solve(&body);
    common::close(out.objective, 2_000_000.0, TOLERANCE);
    common::close(out.plan().shortfall_t[0], 20.0, TOLERANCE);
    common::close(dual(&s, &out, "budget"), -1.5, TOLERANCE);
    common::close(dual(&s, &out, "demand[Nd]"), 50_000.0, TOLERANCE);
}

#[test]
fn the_risk_objective_is_lexicographic() {
    // Least risk: b's 100 t... capped at 80 here, so 80 t b + 20 t a:
    // risk sum (0.2 * 80 + 0.8 * 20) / 100 = 0.32; then the cheapest plan at
    // that risk, which is unique: 1,600,000 + 200,000.
    let body = TWO_SUPPLIERS.replace(
        "price_per_kg = 20, capacity_t = 100",
        "price_per_kg = 20, capacity_t = 80",
    ) + "\n[policy]\nobjective = \"risk\"\n";
    let (s, out) = solve(&body);
    common::close(out.objective, 0.32, TOLERANCE);
    // The second stage may use the 1e-6 relative slack on the risk level:
    // about 5e-5 t more of the cheap, risky supplier, worth about 0.53.
    let cost = out.metrics.total.cost;
    assert!(cost <= 1_800_000.0 && cost > 1_800_000.0 * (1.0 - 1e-6), "{cost}");
    let level = row(&s, &out, "risk_level");
    common::close(level.info.upper, 0.32 * (1.0 + 1e-6) + 1e-9, TOLERANCE);
}

#[test]
fn the_risk_objective_breaks_ties_by_cost() {
    // Two equally safe suppliers: the risk stage cannot tell them apart, the
    // cost stage picks the cheaper one.
    let body = r#"
[demand]
Dy = 10
[suppliers.cheap]
country = "AU"
kind = "refiner"
risk = 0.2
offers.Dy = { price_per_kg = 300 }
[suppliers.dear]
country = "AU"
kind = "refiner"
risk = 0.2
offers.Dy = { price_per_kg = 900 }
[policy]
objective = "risk"
"#;
    let (s, out) = solve(body);
    common::close(out.objective, 0.2, TOLERANCE);
    common::close(quantity(&s, &out, "cheap", "Dy"), 10.0, TOLERANCE);
    common::close(out.metrics.total.cost, 3_000_000.0, TOLERANCE);
}

#[test]
fn an_impossible_cap_is_reported_infeasible() {
    let body = format!("{TWO_SUPPLIERS}\n[countries.AU]\nmax_share = 0\n[countries.CN]\nmax_share = 0.5\n");
    assert!(matches!(
        optimise(&scenario(&body), &SolveSettings::default()),
        Err(Failure::Infeasible)
    ));
}

#[test]
fn the_plan_metrics_follow_the_spec_definitions() {
    // a 60 t (CN), b 40 t (AU): HHI 0.6^2 + 0.4^2 = 0.52; mean risk
    // (0.8 * 60 + 0.2 * 40) / 100 = 0.56; mean price 1,400,000 / 100,000 kg.
    let (_, out) = solve(TWO_SUPPLIERS);
    let nd = &out.metrics.elements[0];
    common::close(nd.hhi.unwrap(), 0.52, TOLERANCE);
    common::close(nd.mean_risk.unwrap(), 0.56, TOLERANCE);
    common::close(nd.mean_price_per_kg.unwrap(), 14.0, TOLERANCE);
    assert_eq!(nd.top_country.as_deref(), Some("CN"));
    common::close(nd.top_country_share.unwrap(), 0.6, TOLERANCE);
    assert_eq!(nd.suppliers_used, 2);
}
