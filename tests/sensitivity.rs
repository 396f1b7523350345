//! Ranging and the price of security against finite differences on a
//! hand-solvable LP (tests/fixtures/small.toml: a (CN) 60 t at 10, capped
//! by China's 50%; b (AU) 100 t at 20; demand 100 t).

use remopt::pipeline::{optimise, Outcome, SolveSettings};
use remopt::report::sensitivity::{security_prices, sensitivity_csv};
use remopt::scenario::{parse, Scenario};
use std::path::Path;

const SMALL: &str = include_str!("fixtures/small.toml");

fn solve(text: &str) -> Option<(Scenario, Outcome)> {
    let s = parse(Path::new("small.toml"), text.as_bytes()).unwrap();
    let out = optimise(&s, &SolveSettings::default()).ok()?;
    Some((s, out))
}

fn objective(text: &str) -> f64 {
    solve(text).expect("feasible").1.objective
}

fn with(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "{from}");
    SMALL.replace(from, to)
}

fn row<'a>(csv: &'a str, name: &str) -> Vec<&'a str> {
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("\"{name}\"")) || l.starts_with(&format!("{name},")));
    let line = line.unwrap_or_else(|| panic!("no {name} in\n{csv}"));
    line.rsplitn(5, ',')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}

#[test]
fn the_demand_range_is_where_its_marginal_price_holds() {
    let (s, out) = solve(SMALL).unwrap();
    let csv = String::from_utf8(sensitivity_csv(&s, &out).unwrap()).unwrap();
    // name,kind,element,subject | current, marginal, low, high
    assert_eq!(&row(&csv, "demand[Nd]")[1..], ["100", "20000", "50", "150"]);
    // Inside the range each extra tonne costs exactly the shadow price (a
    // change of demand in the file also moves China's 50% cap; near 150 t
    // a's capacity binds instead, so only b answers).
    let step = objective(&with("Nd = 100", "Nd = 149")) - objective(&with("Nd = 100", "Nd = 148"));
    assert!((step - 20_000.0).abs() < 1e-6, "{step}");
}

#[test]
fn the_country_cap_range_ends_where_the_offer_capacity_takes_over() {
    let (s, out) = solve(SMALL).unwrap();
    let csv = String::from_utf8(sensitivity_csv(&s, &out).unwrap()).unwrap();
    assert_eq!(
        &row(&csv, "country_share[CN,Nd]")[1..],
        ["50", "-10000", "0", "60"]
    );
    let objective_at = |share: &str| objective(&with("max_share = 0.5", &format!("max_share = {share}")));
    assert!((objective_at("0.59") - objective_at("0.58") + 10_000.0).abs() < 1e-6);
    // Past 60 t the cap no longer binds: the next tonne of cap is worth 0.
    assert!((objective_at("0.62") - objective_at("0.61")).abs() < 1e-6);
}

#[test]
fn an_offer_price_range_is_where_the_plan_stays_the_same() {
    let (s, out) = solve(SMALL).unwrap();
    let csv = String::from_utf8(sensitivity_csv(&s, &out).unwrap()).unwrap();
    // Any price below 20 keeps the plan: the low end is unbounded, an empty
    // cell (never `-inf` text).
    assert_eq!(&row(&csv, "x[a,Nd]")[1..], ["10", "0", "", "20"]);
    let bought_from_a = |price: &str| {
        let (_, out) = solve(&with("price_per_kg = 10,", &format!("price_per_kg = {price},"))).unwrap();
        out.plan().quantities_t[0]
    };
    assert_eq!(bought_from_a("19.9"), 50.0);
    assert_eq!(bought_from_a("20.1"), 0.0);
}

#[test]
fn the_price_of_security_is_money_per_point_of_the_cap() {
    let (s, out) = solve(SMALL).unwrap();
    let prices = security_prices(&s, &out);
    assert_eq!(prices.len(), 1);
    let p = &prices[0];
    assert_eq!(p.constraint, "country_share[CN,Nd]");
    // One point of 100 t is 1 t, which costs 20 - 10 = 10 $/kg more.
    assert!((p.cost_per_point - 10_000.0).abs() < 1e-6);
    let tightened = objective(&with("max_share = 0.5", "max_share = 0.49"));
    assert!((tightened - out.objective - p.cost_per_point).abs() < 1e-6);
    // The price holds all the way down to 0%: 50 points.
    assert_eq!(p.points_valid, Some(50.0));
    assert_eq!(
        p.statement("USD"),
        "tightening CN's share of Nd from 50.0% to 49.0% costs 10000 USD per year"
    );
}

#[test]
fn a_mip_has_no_ranging() {
    let text = with(
        "offers.Nd = { price_per_kg = 20, capacity_t = 100 }",
        "offers.Nd = { price_per_kg = 20, capacity_t = 100, min_order_t = 5 }",
    );
    let (s, out) = solve(&text).unwrap();
    assert!(out.mip.is_some());
    assert!(sensitivity_csv(&s, &out).is_none());
}
