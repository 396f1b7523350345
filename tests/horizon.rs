//! Years and a stockpile: hand-solvable multi-year LPs with known optima
//! and shadow prices, the files a horizon writes, and the rules its
//! scenario must follow.
//!
//! Prices are per kg: one tonne at 10 $/kg costs 10,000. Every figure is
//! worked out by hand in the comment above it.

mod common;

use common::{close, row, solved};
use remopt::pipeline::Outcome;
use remopt::scenario::Scenario;

/// Every figure is exact; HiGHS meets it to round-off.
const TOLERANCE: f64 = 1e-7;

fn dual(s: &Scenario, out: &Outcome, name: &str) -> f64 {
    row(s, out, name).shadow_price
}

/// Tonnes bought in year index `t` from `supplier`'s offer of `element`.
fn bought(s: &Scenario, out: &Outcome, t: usize, supplier: &str, element: &str) -> f64 {
    let slice = &s.slices()[t];
    slice
        .offers
        .iter()
        .zip(&out.schedule.years[t].quantities_t)
        .find(|(o, _)| slice.supplier_of(o).id == supplier && slice.element_of(o).symbol == element)
        .map_or(0.0, |(_, &q)| q)
}

/// The closing stock of `element` in year index `t`.
fn stock(s: &Scenario, out: &Outcome, t: usize, element: &str) -> f64 {
    let e = s.elements.iter().position(|x| x.symbol == element).unwrap();
    out.schedule.stock_t[t][e]
}

/// Dy at 10 $/kg in 2026 and 20 $/kg in 2027, 100 t a year, held at
/// `holding` $/kg a year.
fn carry(holding: f64) -> String {
    format!(
        r#"
[horizon]
years = [2026, 2027]
[demand]
Dy = 100
[suppliers.a]
country = "AU"
kind = "mine"
offers.Dy = {{ price_per_kg = 10, price_by_year = {{ 2027 = 20 }} }}
[stockpile]
holding_cost_per_kg = {{ Dy = {holding} }}
"#
    )
}

#[test]
fn a_cheap_year_buys_for_the_next_when_holding_costs_less_than_the_price_rise() {
    // Buying 2027's 100 t in 2026 costs 10 + 2 = 12 $/kg against 20:
    // 200 t x 10,000 + 100 t held x 2,000 = 2,200,000.
    let (s, out) = solved("carry", &carry(2.0));
    close(out.objective, 2_200_000.0, TOLERANCE);
    close(bought(&s, &out, 0, "a", "Dy"), 200.0, TOLERANCE);
    close(bought(&s, &out, 1, "a", "Dy"), 0.0, TOLERANCE);
    close(stock(&s, &out, 0, "Dy"), 100.0, TOLERANCE);
    close(stock(&s, &out, 1, "Dy"), 0.0, TOLERANCE);
    // One more tonne in 2027 is bought in 2026 and held: 10,000 + 2,000.
    close(dual(&s, &out, "balance[Dy,2027]"), 12_000.0, TOLERANCE);
    close(dual(&s, &out, "balance[Dy,2026]"), 10_000.0, TOLERANCE);
    close(out.recomputed.holding_cost, 200_000.0, TOLERANCE);
}

#[test]
fn holding_dearer_than_the_price_rise_breaks_the_carry() {
    // Holding at 15 $/kg makes 2026's tonnes cost 25 in 2027, above 20.
    let (s, out) = solved("carry", &carry(15.0));
    close(out.objective, 3_000_000.0, TOLERANCE);
    close(bought(&s, &out, 0, "a", "Dy"), 100.0, TOLERANCE);
    close(bought(&s, &out, 1, "a", "Dy"), 100.0, TOLERANCE);
    close(stock(&s, &out, 0, "Dy"), 0.0, TOLERANCE);
    close(dual(&s, &out, "balance[Dy,2027]"), 20_000.0, TOLERANCE);
}

#[test]
fn a_target_of_days_keeps_that_share_of_the_year_s_demand_in_stock() {
    // 365 t a year and 30 days: 30 t at each year's end. 2026 buys 395 t,
    // 2027 buys 365 t (its opening 30 t stay); 760 t x 10,000 plus 30 t
    // held twice at 1,000 = 7,660,000.
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Dy = 365
[suppliers.a]
country = "AU"
kind = "mine"
offers.Dy = { price_per_kg = 10 }
[stockpile]
target_days = { Dy = 30 }
holding_cost_per_kg = { Dy = 1 }
"#;
    let (s, out) = solved("target", body);
    close(out.objective, 7_660_000.0, TOLERANCE);
    close(bought(&s, &out, 0, "a", "Dy"), 395.0, TOLERANCE);
    close(bought(&s, &out, 1, "a", "Dy"), 365.0, TOLERANCE);
    close(stock(&s, &out, 0, "Dy"), 30.0, TOLERANCE);
    assert!(row(&s, &out, "stock_target[Dy,2026]").is_binding());
    close(row(&s, &out, "stock_target[Dy,2027]").info.lower, 30.0, TOLERANCE);
    // One more tonne held at the end of 2026 is bought then (10,000), held
    // (1,000) and spares a tonne in 2027 (-10,000): +1,000. At the end of
    // 2027 it is bought and held: +11,000.
    close(dual(&s, &out, "stock_target[Dy,2026]"), 1_000.0, TOLERANCE);
    close(dual(&s, &out, "stock_target[Dy,2027]"), 11_000.0, TOLERANCE);
}

/// 50 t in stock at the start, 100 t a year for two years at 10 $/kg.
fn run_down(final_at_least_initial: bool) -> String {
    format!(
        r#"
[horizon]
years = [2026, 2027]
[demand]
Dy = 100
[suppliers.a]
country = "AU"
kind = "mine"
offers.Dy = {{ price_per_kg = 10 }}
[stockpile]
initial_t = {{ Dy = 50 }}
final_at_least_initial = {final_at_least_initial}
"#
    )
}

#[test]
fn the_final_stock_is_at_least_the_initial_one_unless_the_planner_allows_a_run_down() {
    // Kept: 200 t bought, 50 t left at the end; its row's price is a
    // tonne's, 10,000.
    let (s, out) = solved("final", &run_down(true));
    close(out.objective, 2_000_000.0, TOLERANCE);
    close(stock(&s, &out, 1, "Dy"), 50.0, TOLERANCE);
    close(dual(&s, &out, "stock_final[Dy]"), 10_000.0, TOLERANCE);
    // Allowed to run down: the 50 t are used, 150 t bought.
    let (s, out) = solved("final", &run_down(false));
    close(out.objective, 1_500_000.0, TOLERANCE);
    close(stock(&s, &out, 1, "Dy"), 0.0, TOLERANCE);
    assert!(out.constraints().all(|c| c.info.id.name(&s) != "stock_final[Dy]"));
}

#[test]
fn money_of_later_years_is_discounted_and_can_undo_a_price_rise() {
    // 10 $/kg in 2026, 12 in 2027 at 25% a year: 12 / 1.25 = 9.6 < 10, so
    // the stock stays empty even with no holding cost. Objective
    // 1,000,000 + 1,200,000 / 1.25 = 1,960,000; undiscounted 2,200,000.
    let body = r#"
[horizon]
years = [2026, 2027]
discount_rate = 0.25
[demand]
Dy = 100
[suppliers.a]
country = "AU"
kind = "mine"
offers.Dy = { price_per_kg = 10, price_by_year = { 2027 = 12 } }
[stockpile]
target_days = { Dy = 0 }
"#;
    let (s, out) = solved("discount", body);
    close(out.objective, 1_960_000.0, TOLERANCE);
    close(out.metrics.total.cost, 2_200_000.0, TOLERANCE);
    close(out.recomputed.discounted_objective, 1_960_000.0, TOLERANCE);
    close(stock(&s, &out, 0, "Dy"), 0.0, TOLERANCE);
    // A 2027 tonne's price in first-year money.
    close(dual(&s, &out, "balance[Dy,2027]"), 9_600.0, TOLERANCE);
    close(out.year_metrics[1].total.cost, 1_200_000.0, TOLERANCE);
}

#[test]
fn a_supplier_has_no_capacity_before_it_is_available() {
    // b (5 $/kg) opens in 2027: 2026 buys from a (10 $/kg).
    // 1,000,000 + 500,000; in 2026 b's capacity is 0 and its price 5,000
    // below a's.
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "refiner"
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "refiner"
available_from = 2027
offers.Nd = { price_per_kg = 5 }
"#;
    let (s, out) = solved("available", body);
    close(out.objective, 1_500_000.0, TOLERANCE);
    close(bought(&s, &out, 0, "a", "Nd"), 100.0, TOLERANCE);
    close(bought(&s, &out, 1, "b", "Nd"), 100.0, TOLERANCE);
    close(
        row(&s, &out, "offer_capacity[b,Nd,2026]").info.upper,
        0.0,
        TOLERANCE,
    );
    close(dual(&s, &out, "offer_capacity[b,Nd,2026]"), -5_000.0, TOLERANCE);
    assert!(out
        .constraints()
        .all(|c| c.info.id.name(&s) != "offer_capacity[b,Nd,2027]"));
}

#[test]
fn a_ramp_binds_in_its_year_and_the_years_after_that_list_none() {
    // b: 100 t in 2026, 40 t from 2027 (the ramp's 2027 value carries to
    // 2028). 2026: 100 t of b; 2027 and 2028: 40 t of b, 60 t of a.
    // 500,000 + 2 x (200,000 + 600,000) = 2,100,000.
    let body = r#"
[horizon]
years = [2026, 2027, 2028]
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "refiner"
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "refiner"
capacity_t = 100
capacity_by_year = { 2027 = 40 }
offers.Nd = { price_per_kg = 5 }
"#;
    let (s, out) = solved("ramp", body);
    close(out.objective, 2_100_000.0, TOLERANCE);
    for (t, expected) in [(0, 100.0), (1, 40.0), (2, 40.0)] {
        close(bought(&s, &out, t, "b", "Nd"), expected, TOLERANCE);
    }
    for year in [2027, 2028] {
        let name = format!("supplier_capacity[b,{year}]");
        assert!(row(&s, &out, &name).is_binding(), "{name}");
        close(dual(&s, &out, &name), -5_000.0, TOLERANCE);
    }
}

#[test]
fn demand_grows_each_year_and_an_explicit_year_wins() {
    let body = r#"
[horizon]
years = [2026, 2027, 2028]
[demand]
Nd = 100
[demand.growth]
Nd = 0.1
[demand.years.2028]
Nd = 50
Dy = 7
[suppliers.a]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 10 }
offers.Dy = { price_per_kg = 300 }
"#;
    let (s, out) = solved("growth", body);
    let demand = |t: usize, symbol: &str| {
        let slice = &s.slices()[t];
        slice
            .elements
            .iter()
            .find(|e| e.symbol == symbol)
            .unwrap()
            .demand_t
    };
    close(demand(0, "Nd"), 100.0, TOLERANCE);
    close(demand(1, "Nd"), 110.0, TOLERANCE);
    close(demand(2, "Nd"), 50.0, TOLERANCE);
    close(demand(0, "Dy"), 0.0, TOLERANCE);
    close(demand(2, "Dy"), 7.0, TOLERANCE);
    // (100 + 110 + 50) x 10,000 + 7 x 300,000.
    close(out.objective, 4_700_000.0, TOLERANCE);
}

#[test]
fn a_contract_is_one_decision_for_the_horizon_and_paid_every_year() {
    // c sells at 5 $/kg under a 600,000 contract; a at 10 without. 2026
    // alone would not sign (1,100,000 > 1,000,000), 2027's 200 t would
    // (1,600,000 < 2,000,000); one decision for both years signs:
    // 1,100,000 + 1,600,000 = 2,700,000 < 3,000,000.
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Nd = 100
[demand.years.2027]
Nd = 200
[suppliers.a]
country = "CN"
kind = "refiner"
offers.Nd = { price_per_kg = 10 }
[suppliers.c]
country = "AU"
kind = "refiner"
fixed_cost = 600000
offers.Nd = { price_per_kg = 5 }
"#;
    let (s, out) = solved("contract", body);
    close(out.objective, 2_700_000.0, TOLERANCE);
    assert!(out.schedule.years.iter().all(|p| p.contracts[1]));
    close(bought(&s, &out, 0, "c", "Nd"), 100.0, TOLERANCE);
    close(out.metrics.fixed_costs, 1_200_000.0, TOLERANCE);
    // The fixed decision is named without a year.
    assert!(out.constraints().any(|c| c.info.id.name(&s) == "y[c]"));
}

#[test]
fn budgets_cap_each_year_and_the_horizon() {
    // a (10 $/kg) would sell 100 t a year, 1,000,000 a year, within each
    // year's budget; the horizon budget of 1,900,000 buys 190 t, and the
    // other 10 t are left unmet at the 20 $/kg penalty (penalties are not
    // in a budget): 1,900,000 + 200,000.
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "refiner"
offers.Nd = { price_per_kg = 10 }
[policy]
budget = 1000000
horizon_budget = 1900000
shortfall_penalty_per_kg = 20
"#;
    let (s, out) = solved("budget", body);
    close(out.objective, 2_100_000.0, TOLERANCE);
    close(out.metrics.total.shortfall_t, 10.0, TOLERANCE);
    assert!(row(&s, &out, "horizon_budget").is_binding());
    // A unit more of budget buys 1/10,000 t, sparing 20,000 - 10,000 per t.
    close(dual(&s, &out, "horizon_budget"), -1.0, TOLERANCE);
    close(row(&s, &out, "budget[2026]").info.upper, 1_000_000.0, TOLERANCE);
}

/// A valid two-year base to break one rule at a time.
const BASE: &str = r#"
[horizon]
years = [2026, 2027]
[demand]
Dy = 100
[suppliers.a]
country = "AU"
kind = "mine"
offers.Dy = { price_per_kg = 10 }
"#;

/// The one error of `body` (a scenario named `bad`): its key path, its
/// line, and its message.
fn only_error(body: &str) -> (String, Option<usize>, String) {
    let text = format!("[scenario]\nname = \"bad\"\n{body}");
    let errors = remopt::scenario::parse(std::path::Path::new("bad.toml"), text.as_bytes())
        .err()
        .unwrap_or_else(|| panic!("expected an error in:\n{body}"))
        .errors;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    (e.key_path.clone(), e.position.map(|p| p.line), e.message.clone())
}

#[test]
fn each_rule_of_a_horizon_is_named_with_its_key_and_line() {
    let cases: [(&str, &str, &str, &str); 14] = [
        (
            "years = [2026, 2027]",
            "years = [2026, 2028]",
            "horizon.years",
            "consecutive",
        ),
        (
            "years = [2026, 2027]",
            "years = []",
            "horizon.years",
            "between 1 and 100",
        ),
        (
            "years = [2026, 2027]",
            "years = [2026, 2027]\ndiscount_rate = -1",
            "horizon.discount_rate",
            "above -1",
        ),
        (
            "[horizon]",
            "[stockpile]\nmax_t = { Dy = 5 }\ninitial_t = { Dy = 6 }\n[horizon]",
            "stockpile.max_t.Dy",
            "below the initial stock",
        ),
        (
            "[horizon]",
            "[stockpile]\ntarget_days = { Nd = 30 }\n[horizon]",
            "stockpile.target_days.Nd",
            "no demand in any year",
        ),
        (
            "Dy = 100",
            "Dy = 100\n[demand.years.2031]\nDy = 5",
            "demand.years.2031",
            "a year of the horizon, 2026 to 2027",
        ),
        (
            "Dy = 100",
            "Dy = 100\n[demand.growth]\nNd = 0.1",
            "demand.growth.Nd",
            "gives none for Nd",
        ),
        ("Dy = 100", "Dy = \"lots\"", "demand.Dy", "a number of tonnes"),
        (
            "offers.Dy = { price_per_kg = 10 }",
            "offers.Dy = { tiers = [{ price_per_kg = 10 }], price_by_year = { 2027 = 12 } }",
            "suppliers.a.offers.Dy.price_by_year",
            "give one or the other",
        ),
        (
            "offers.Dy = { price_per_kg = 10 }",
            "offers.Dy = { price_per_kg = 10, capacity_by_year = { 2031 = 5 } }",
            "suppliers.a.offers.Dy.capacity_by_year.2031",
            "after the last year planned (2027)",
        ),
        (
            "offers.Dy = { price_per_kg = 10 }",
            "offers.Dy = { price_per_kg = 10, capacity_by_year = { next = 5 } }",
            "suppliers.a.offers.Dy.capacity_by_year.next",
            "is not a year",
        ),
        (
            "kind = \"mine\"",
            "kind = \"mine\"\navailable_from = 2027\navailable_until = 2026",
            "suppliers.a.available_until",
            "must not come before available_from (2027)",
        ),
        (
            "kind = \"mine\"",
            "kind = \"mine\"\ncapacity_by_year = { 2027 = -5 }",
            "suppliers.a.capacity_by_year.2027",
            "finite number >= 0",
        ),
        (
            "[horizon]",
            "[policy]\nhorizon_budget = -1\n[horizon]",
            "policy.horizon_budget",
            ">= 0",
        ),
    ];
    for (from, to, key, message) in cases {
        let body = BASE.replacen(from, to, 1);
        let (path, line, text) = only_error(&body);
        assert_eq!(path, key, "{to}: {text}");
        assert!(text.contains(message), "{to}: {text}");
        assert!(line.is_some(), "{to}: no line for {path}");
    }
}

#[test]
fn year_features_need_a_horizon_or_a_year() {
    let one_year = BASE.replacen("[horizon]\nyears = [2026, 2027]\n", "", 1);
    let (path, _, text) = only_error(&format!("{one_year}[stockpile]\ninitial_t = {{ Dy = 5 }}\n"));
    assert_eq!(path, "stockpile");
    assert!(text.contains("needs a [horizon]"), "{text}");
    let (path, _, text) =
        only_error(&one_year.replacen("kind = \"mine\"", "kind = \"mine\"\navailable_from = 2027", 1));
    assert_eq!(path, "suppliers.a.available_from");
    assert!(text.contains("give a [horizon], or scenario.year"), "{text}");
    let (path, _, text) = only_error(&format!("[policy]\nhorizon_budget = 5\n{one_year}"));
    assert_eq!(path, "policy.horizon_budget");
    assert!(text.contains("needs a [horizon]"), "{text}");
    let (path, _, text) = only_error(&format!("year = 2025\n{BASE}"));
    assert_eq!(path, "scenario.year");
    assert!(text.contains("must be its first year, 2026"), "{text}");
}

#[test]
fn without_a_horizon_a_ramp_is_read_at_the_scenario_year() {
    // 2026 reads the 2025 value (nearest earlier), 30 t; a buys the rest.
    let body = r#"
year = 2026
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "refiner"
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "refiner"
offers.Nd = { price_per_kg = 5, capacity_t = 100, capacity_by_year = { 2025 = 30, 2027 = 60 }, price_by_year = { 2026 = 6 } }
"#;
    let (s, out) = solved("read-at-year", body);
    assert!(s.horizon.is_none());
    close(common::quantity(&s, &out, "b", "Nd"), 30.0, TOLERANCE);
    // 30 t at 6 $/kg + 70 t at 10 $/kg.
    close(out.objective, 180_000.0 + 700_000.0, TOLERANCE);
    assert!(out
        .constraints()
        .any(|c| c.info.id.name(&s) == "offer_capacity[b,Nd]"));
}

#[test]
fn overrides_reach_the_horizon_the_growth_the_stockpile_and_a_ramp() {
    use remopt::scenario::overrides::Override;
    let text = format!("[scenario]\nname = \"set\"\n{}", carry(2.0));
    let file = remopt::scenario::ScenarioFile::from_bytes(std::path::Path::new("set.toml"), text.as_bytes())
        .unwrap();
    let overrides: Vec<Override> = [
        "horizon.discount_rate=0.25",
        "demand.growth.Dy=0.1",
        "stockpile.target_days.Dy=73",
        "suppliers.a.capacity_by_year.2027=500",
    ]
    .iter()
    .map(|o| Override::parse(o).unwrap())
    .collect();
    let s = file.scenario(&overrides).unwrap_or_else(|e| panic!("{e}"));
    let horizon = s.horizon.as_ref().unwrap();
    close(horizon.discount_rate, 0.25, TOLERANCE);
    close(horizon.slices[1].elements[0].demand_t, 110.0, TOLERANCE);
    close(s.stockpile().unwrap().elements[0].target_days, 73.0, TOLERANCE);
    assert_eq!(horizon.slices[0].suppliers[0].capacity_t, None);
    assert_eq!(horizon.slices[1].suppliers[0].capacity_t, Some(500.0));
}

#[test]
fn the_diagnosis_names_the_year_a_demand_cannot_be_met() {
    // 2027's 200 t meet a's ramp of 150 t: "Nd in 2027: demand 200 t, the
    // caps allow at most 150 t", and the ramp's 2027 value must rise 50 t.
    let text = r#"[scenario]
name = "short-year"
[horizon]
years = [2026, 2027]
[demand]
Nd = 100
[demand.years.2027]
Nd = 200
[suppliers.a]
country = "AU"
kind = "mine"
capacity_by_year = { 2027 = 150 }
offers.Nd = { price_per_kg = 10 }
"#;
    let path = std::path::Path::new("short-year.toml");
    let s = remopt::scenario::parse(path, text.as_bytes()).unwrap();
    assert!(matches!(
        remopt::pipeline::optimise(&s, &Default::default()),
        Err(remopt::pipeline::Failure::Infeasible)
    ));
    let file = remopt::scenario::ScenarioFile::from_bytes(path, text.as_bytes()).unwrap();
    let d = remopt::diagnose::diagnose(&s, remopt::diagnose::confirm_in(&file, &[])).unwrap();
    assert!(d.confirmed, "{d:#?}");
    assert_eq!(d.shortages.len(), 1, "{d:#?}");
    assert_eq!(d.shortages[0].year, Some(2027));
    close(d.shortages[0].most_t.unwrap(), 150.0, 1e-6);
    assert_eq!(d.relaxations.len(), 1);
    assert_eq!(d.relaxations[0].row.name(&s), "supplier_capacity[a,2027]");
    assert_eq!(
        d.relaxations[0].settings[0].0,
        "suppliers.a.capacity_by_year.2027"
    );
    let words = remopt::report::diagnosis::text(&s, &d);
    assert!(
        words.contains("Nd in 2027: demand 200.0 t, but the caps allow at most 150.0 t"),
        "{words}"
    );
}

#[test]
fn every_cap_holds_in_every_year_and_the_risk_objective_sums_the_years() {
    // a (CN, risk 0.8, 10 $/kg) and b (AU, risk 0.2, 20 $/kg); China's
    // share at most 60% of each year's demand (100 t, then 200 t).
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Nd = 100
[demand.years.2027]
Nd = 200
[countries.CN]
max_share = 0.6
[suppliers.a]
country = "CN"
kind = "mine"
risk = 0.8
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "mine"
risk = 0.2
offers.Nd = { price_per_kg = 20 }
"#;
    let (s, out) = solved("caps", body);
    close(bought(&s, &out, 0, "a", "Nd"), 60.0, TOLERANCE);
    close(bought(&s, &out, 1, "a", "Nd"), 120.0, TOLERANCE);
    close(dual(&s, &out, "country_share[CN,Nd,2027]"), -10_000.0, TOLERANCE);
    // Least risk: all from b, mean risk 0.2 in each year, summed: 0.4.
    let (_, risky) = solved("caps", &format!("{body}[policy]\nobjective = \"risk\"\n"));
    close(risky.objective, 0.4, TOLERANCE);
    // The cost stage may spend the 1e-6 margin on the risk sum.
    close(risky.metrics.total.cost, 6_000_000.0, 1e-6);
}

#[test]
fn an_hhi_cap_holds_in_each_year_of_its_own_demand() {
    // Three countries, at most HHI 0.34: nearly an even split, every year.
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Nd = 90
[demand.years.2027]
Nd = 180
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 20 }
[suppliers.c]
country = "US"
kind = "mine"
offers.Nd = { price_per_kg = 30 }
[policy]
max_hhi = 0.34
"#;
    let (s, out) = solved("hhi-years", body);
    for (t, demand) in [(0usize, 90.0), (1, 180.0)] {
        let hhi: f64 = ["a", "b", "c"]
            .iter()
            .map(|id| (bought(&s, &out, t, id, "Nd") / demand).powi(2))
            .sum();
        assert!(hhi <= 0.34 * (1.0 + 1e-6), "year {t}: HHI {hhi}");
        assert!(hhi > 0.339, "year {t}: the cap binds, HHI {hhi}");
    }
    let hhi_2027 = row(&s, &out, "hhi[Nd,2027]");
    close(hhi_2027.info.upper, 0.34, TOLERANCE);
}

#[test]
fn a_horizon_writes_year_columns_a_stock_file_and_costs_by_year() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("[scenario]\nname = \"carry\"\n{}", carry(2.0));
    let out = common::solve_quietly(dir.path(), "carry", &text);
    let plan = common::read(&out, "plan.csv");
    assert_eq!(
        plan,
        "year,element,supplier,supplier_name,country,kind,quantity_t,share_of_demand,price_per_kg,cost,risk\n\
         2026,Dy,a,a,AU,mine,200,2,10,2000000,\n"
    );
    let summary = common::read(&out, "summary.csv");
    let lines: Vec<&str> = summary.lines().collect();
    assert!(lines[0].starts_with("year,element,demand_t"), "{summary}");
    assert!(lines[2].starts_with("2026,TOTAL,100,200,0,2200000,"), "{summary}");
    assert!(lines[4].starts_with("2027,TOTAL,100,0,0,0,"), "{summary}");
    assert!(lines[5].starts_with("ALL,TOTAL,200,200,0,2200000,"), "{summary}");
    assert_eq!(
        common::read(&out, "stock.csv"),
        "year,element,opening_t,bought_t,used_t,shortfall_t,closing_t,target_t,holding_cost\n\
         2026,Dy,0,200,100,0,100,0,200000\n\
         2027,Dy,100,0,100,0,0,0,0\n"
    );
    let constraints = common::read(&out, "constraints.csv");
    assert!(
        constraints.contains("\"balance[Dy,2027]\",balance,Dy,,"),
        "{constraints}"
    );
    let run: serde_json::Value = serde_json::from_str(&common::read(&out, "run.json")).unwrap();
    assert_eq!(run["cost_by_year"]["2026"], 2_200_000.0);
    assert_eq!(run["cost_by_year"]["2027"], 0.0);
    assert_eq!(run["discounted_cost"], 2_200_000.0);
    assert_eq!(run["total_cost"], 2_200_000.0);
    let stages = common::read(&out, "stages.csv");
    assert!(stages.starts_with("year,element,stage,country"), "{stages}");
}

#[test]
fn a_capacity_needed_before_a_supplier_opens_moves_its_opening_year() {
    // Only b sells Dy, and it opens in 2027: 2026's demand cannot be met
    // until it opens a year earlier (with its capacity, unlimited).
    let text = r#"[scenario]
name = "opens-late"
[horizon]
years = [2026, 2027]
[demand]
Dy = 10
[suppliers.b]
country = "AU"
kind = "mine"
available_from = 2027
offers.Dy = { price_per_kg = 300 }
"#;
    let path = std::path::Path::new("opens-late.toml");
    let s = remopt::scenario::parse(path, text.as_bytes()).unwrap();
    let file = remopt::scenario::ScenarioFile::from_bytes(path, text.as_bytes()).unwrap();
    let d = remopt::diagnose::diagnose(&s, remopt::diagnose::confirm_in(&file, &[])).unwrap();
    assert!(d.confirmed, "{d:#?}");
    let settings = d.settings();
    assert!(
        settings.contains(&("suppliers.b.available_from".to_string(), 2026.0)),
        "{settings:?}"
    );
}

#[test]
fn a_stock_that_covers_a_year_is_no_shortage_and_its_target_is_what_moves() {
    // a sells 90 t a year; 30 t in stock at the start; 100 t of demand a
    // year and a 73-day target (20 t). 2026: 90 + 30 = 100 + 20 left.
    // 2027: 90 + 20 = 110 delivers the 100 t but leaves 10 t, not 20:
    // nothing is short, the 2027 target must come down 10 t (36.5 days).
    let text = r#"[scenario]
name = "stock-covers"
[horizon]
years = [2026, 2027]
[demand]
Dy = 100
[suppliers.a]
country = "AU"
kind = "mine"
offers.Dy = { price_per_kg = 300, capacity_t = 90 }
[stockpile]
initial_t = { Dy = 30 }
target_days = { Dy = 73 }
final_at_least_initial = false
"#;
    let path = std::path::Path::new("stock-covers.toml");
    let s = remopt::scenario::parse(path, text.as_bytes()).unwrap();
    let file = remopt::scenario::ScenarioFile::from_bytes(path, text.as_bytes()).unwrap();
    let d = remopt::diagnose::diagnose(&s, remopt::diagnose::confirm_in(&file, &[])).unwrap();
    assert!(d.confirmed, "{d:#?}");
    assert!(d.shortages.is_empty(), "{d:#?}");
    assert_eq!(d.relaxations.len(), 1, "{d:#?}");
    assert_eq!(d.relaxations[0].row.name(&s), "stock_target[Dy,2027]");
    close(d.relaxations[0].relaxed_bound, 10.0, 1e-4);
    assert_eq!(d.relaxations[0].settings[0].0, "stockpile.target_days.Dy");
    close(d.relaxations[0].settings[0].1, 36.5, 1e-4);
}

#[test]
fn a_comparison_reads_a_horizon_run_over_all_its_years() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("[scenario]\nname = \"carry\"\n{}", carry(15.0));
    let out = common::solve_quietly(dir.path(), "carry", &text);
    let run = remopt::compare::from_files("out", |name| std::fs::read(out.join(name)).ok()).unwrap();
    // 100 t a year at 10 then 20 $/kg, no carry.
    assert_eq!(run.elements.len(), 1);
    close(run.elements[0].cost, 3_000_000.0, TOLERANCE);
    close(run.elements[0].supplied_t, 200.0, TOLERANCE);
    close(run.elements[0].by_country["AU"], 200.0, TOLERANCE);
    close(run.elements[0].hhi.unwrap(), 1.0, TOLERANCE);
    close(run.total_cost, 3_000_000.0, TOLERANCE);
}

#[test]
fn a_sweep_of_a_horizon_varies_its_holding_cost_and_writes_each_plan_s_years() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("carry.toml");
    std::fs::write(&scenario, format!("[scenario]\nname = \"carry\"\n{}", carry(2.0))).unwrap();
    let out = dir.path().join("sweep");
    common::remopt()
        .args([
            "sweep",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--vary", "stockpile.holding_cost_per_kg.Dy=2,15", "--quiet"])
        .assert()
        .success();
    let runs = common::read(&out, "runs.csv");
    let objectives: Vec<f64> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
        .collect();
    // The carry at 2 $/kg (2,200,000); none at 15 (3,000,000).
    assert_eq!(objectives.len(), 2, "{runs}");
    close(objectives[0], 2_200_000.0, TOLERANCE);
    close(objectives[1], 3_000_000.0, TOLERANCE);
    let plans = common::read(&out, "plans.csv");
    assert!(plans.starts_with("run,year,element,supplier"), "{plans}");
    // Run 0 buys both years' tonnes in 2026; run 1 buys in each year.
    assert!(plans.contains("\n0,2026,Dy,a,a,AU,mine,200,"), "{plans}");
    assert!(plans.contains("\n1,2027,Dy,a,a,AU,mine,100,"), "{plans}");
}

#[test]
fn what_a_basket_puts_into_the_stock_is_used_not_surplus() {
    // A half-Nd, half-Ce mix is the only source; Nd is stocked to 73 days
    // (10 t of 50 t). 2026 buys 120 t of mix (60 t of Nd: 50 used, 10
    // stored), 2027 100 t (50 t of Nd, the stock kept): Ce, undemanded, is
    // all surplus; Nd has none.
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Nd = 50
[suppliers.m]
country = "AU"
kind = "refiner"
basket = { price_per_kg = 10, composition = { Nd = 0.5, Ce = 0.5 } }
[stockpile]
target_days = { Nd = 73 }
"#;
    let (s, out) = solved("stored", body);
    close(out.objective, 2_200_000.0, TOLERANCE);
    let surplus = String::from_utf8(remopt::report::baskets::surplus_csv(&s, &out.schedule)).unwrap();
    assert_eq!(
        surplus,
        "year,element,surplus_t,resold_t,revenue\n2026,Ce,60,0,\n2027,Ce,50,0,\n"
    );
}

#[test]
fn a_comparison_keeps_the_mean_risk_of_an_element_demanded_only_later() {
    let dir = tempfile::tempdir().unwrap();
    let body = r#"[scenario]
name = "later"
[horizon]
years = [2026, 2027]
[demand]
Dy = 100
[demand.years.2027]
Tb = 10
[suppliers.a]
country = "AU"
kind = "refiner"
risk = 0.3
offers.Dy = { price_per_kg = 300 }
[suppliers.b]
country = "CN"
kind = "refiner"
risk = 0.8
offers.Tb = { price_per_kg = 300 }
"#;
    let out = common::solve_quietly(dir.path(), "later", body);
    let run = remopt::compare::from_files("out", |name| std::fs::read(out.join(name)).ok()).unwrap();
    let tb = run.elements.iter().find(|e| e.symbol == "Tb").unwrap();
    close(tb.mean_risk.unwrap(), 0.8, TOLERANCE);
    close(run.worst_mean_risk().unwrap(), 0.8, TOLERANCE);
}

#[test]
fn columns_added_after_the_years_belong_to_no_year() {
    use remopt::model::{build, Column, Stage};
    // The diagnosis's slack columns come after every year's block: each
    // relaxes one row, whatever its year, and belongs to none.
    let (scenario, _) = common::shipped("japan-2030");
    let model = build(&scenario, Stage::FewestRelaxations, None);
    let slacks: Vec<_> = model
        .layout
        .columns
        .iter()
        .filter(|c| matches!(c.column, Column::Slack(_) | Column::Relaxed(_)))
        .collect();
    assert!(!slacks.is_empty());
    assert!(slacks.iter().all(|c| c.year.is_none()), "{:?}", slacks.first());
    // The horizon's own rows too.
    let horizon_rows: Vec<_> = model
        .layout
        .rows
        .iter()
        .filter(|r| r.id.name(&scenario).starts_with("stock_final"))
        .collect();
    assert!(!horizon_rows.is_empty());
    assert!(horizon_rows.iter().all(|r| r.id.year.is_none()));
}
