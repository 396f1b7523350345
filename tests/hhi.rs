//! The HHI cap by outer approximation: a two-country case solved in closed
//! form, a MIP, random small scenarios, and the cuts in the exported model.

mod common;

use common::{close, quantity, relative, row};
use proptest::prelude::*;
use remopt::pipeline::{optimise, Failure, Outcome, SolveSettings};
use remopt::scenario::{parse, Scenario};
use std::path::Path;

fn solve(body: &str) -> (Scenario, Outcome) {
    common::solved("hhi", body)
}

/// a (CN) at 10 and b (AU) at 20 for 100 t of Nd, HHI at most 0.68: with
/// shares α and 1-α, α² + (1-α)² <= 0.68 gives α <= 0.8. So a 80, b 20,
/// cost 800,000 + 400,000. On the cap α(H) = (1 + sqrt(2H - 1)) / 2, so
/// d cost / dH = -1,000,000 / (2 sqrt(0.36)) = -833,333.3.
const TWO_COUNTRIES: &str = r#"
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 20 }
[policy]
max_hhi = 0.68
"#;

#[test]
fn two_countries_meet_the_closed_form_optimum() {
    let (s, out) = solve(TWO_COUNTRIES);
    relative(out.objective, 1_200_000.0, 1e-5);
    // Tonnes move with the square root of the gap on a curved cap.
    close(quantity(&s, &out, "a", "Nd"), 80.0, 1e-3);
    let hhi = row(&s, &out, "hhi[Nd]");
    assert!(hhi.activity <= 0.68 * (1.0 + 1e-6), "{}", hhi.activity);
    assert!(hhi.is_binding());
    relative(hhi.shadow_price, -1_000_000.0 / 1.2, 1e-3);
    assert!(
        (1..=10).contains(&out.hhi_cut_rounds),
        "{} rounds",
        out.hhi_cut_rounds
    );
    // constraints.csv holds the cap once, not its cuts.
    let csv = String::from_utf8(remopt::report::csv::constraints(&s, &out)).unwrap();
    assert_eq!(csv.matches("hhi[Nd]").count(), 1, "{csv}");
    assert!(!csv.contains('#'), "{csv}");
    // A cap the plan does not reach (a sells 90 t at most: HHI 0.82): no
    // cut, not binding.
    let (s, out) = solve(
        &TWO_COUNTRIES
            .replace("0.68", "0.9")
            .replace("price_per_kg = 10 }", "price_per_kg = 10, capacity_t = 90 }"),
    );
    assert_eq!(out.hhi_cut_rounds, 0);
    assert!(!row(&s, &out, "hhi[Nd]").is_binding());
    close(row(&s, &out, "hhi[Nd]").activity, 0.82, 1e-12);
}

/// The same with a third source c (US, 30) behind a contract of 20,000:
/// the MIP's optimum is the better of the LPs with and without c.
#[test]
fn a_mip_gets_its_cuts_between_solves() {
    let with_c = format!(
        "{}[suppliers.c]\ncountry = \"US\"\nkind = \"mine\"\nfixed_cost = 20000\noffers.Nd = {{ price_per_kg = 30 }}\n",
        TWO_COUNTRIES.replace("0.68", "0.4")
    );
    let (s, out) = solve(&with_c);
    assert!(out.mip.is_some());
    assert!(row(&s, &out, "hhi[Nd]").activity <= 0.4 * (1.0 + 1e-6));
    // Without c two countries cannot reach an HHI below 0.5.
    let without_c = common::scenario("hhi", &TWO_COUNTRIES.replace("0.68", "0.4"));
    assert!(matches!(
        optimise(&without_c, &SolveSettings::default()),
        Err(Failure::Infeasible)
    ));
    let free_c = common::solve(&common::scenario(
        "hhi",
        &with_c.replace("fixed_cost = 20000\n", ""),
    ));
    relative(out.objective, free_c.objective + 20_000.0, 1e-5);
}

#[test]
fn an_hhi_cap_must_be_above_zero() {
    let text = format!("[scenario]\nname = \"h\"\n{}", TWO_COUNTRIES.replace("0.68", "0"));
    let err = parse(Path::new("h.toml"), text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("policy.max_hhi") && err.contains("above 0"), "{err}");
}

#[test]
fn the_exported_model_holds_the_final_cuts() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = common::scenario("hhi", TWO_COUNTRIES);
    let path = dir.path().join("h.lp");
    remopt::export::export(&scenario, &path).unwrap();
    let lp = std::fs::read_to_string(&path).unwrap();
    assert!(lp.contains("hhi(Nd)#1:"), "{lp}");
    // Each country's tonnes are one column, defined once, and every cut is
    // written in it and the country's term alone (the cut at 0 t has no
    // tonnes term: its slope is 0).
    assert!(
        lp.contains("hhi_tonnes(CN,Nd): -1 x(a,Nd) +1 p(CN,Nd) = +0"),
        "{lp}"
    );
    let cuts: Vec<&str> = lp.lines().filter(|l| l.contains("hhi(Nd)#")).collect();
    assert!(cuts.len() > 10, "{lp}");
    for cut in cuts {
        let terms = cut
            .split_whitespace()
            .filter(|w| w.starts_with("h(") || w.starts_with("p("))
            .count();
        assert_eq!(terms, if cut.contains(" p(") { 2 } else { 1 }, "{cut}");
        assert_eq!(cut.matches("x(").count(), 0, "{cut}");
    }
    // Read back, the cuts give the same optimum as the solve.
    let optimum = remopt::solve::solve_file(&path).unwrap();
    relative(optimum, common::solve(&scenario).objective, 1e-9);
}

/// A random small scenario: 1 or 2 elements, 2 to 4 countries with one
/// supplier each (random price and capacity), and an HHI cap.
fn random_scenario() -> impl Strategy<Value = String> {
    let supplier = (1.0..100.0f64, 20.0..200.0f64);
    (
        prop::collection::vec(supplier, 2..=4),
        prop::collection::vec(30.0..150.0f64, 1..=2),
        0.26..0.9f64,
    )
        .prop_map(|(suppliers, demands, cap)| {
            const COUNTRIES: [&str; 4] = ["CN", "AU", "US", "VN"];
            const ELEMENTS: [&str; 2] = ["Nd", "Dy"];
            let mut text = String::from("[demand]\n");
            for (e, d) in demands.iter().enumerate() {
                text.push_str(&format!("{} = {d:.3}\n", ELEMENTS[e]));
            }
            for (i, (price, capacity)) in suppliers.iter().enumerate() {
                text.push_str(&format!(
                    "[suppliers.s{i}]\ncountry = \"{}\"\nkind = \"mine\"\n",
                    COUNTRIES[i]
                ));
                for (e, _) in demands.iter().enumerate() {
                    let price = price * (1.0 + e as f64);
                    text.push_str(&format!(
                        "offers.{} = {{ price_per_kg = {price:.3}, capacity_t = {capacity:.3} }}\n",
                        ELEMENTS[e]
                    ));
                }
            }
            text.push_str(&format!("[policy]\nmax_hhi = {cap:.4}\n"));
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whenever a plan exists, each element's HHI `sum_c (q_ce / D_e)^2` is
    /// at most the cap times (1 + 1e-6); the verifier has checked the rest.
    #[test]
    fn the_capped_hhi_holds_on_random_scenarios(body in random_scenario()) {
        let scenario = common::scenario("random", &body);
        match optimise(&scenario, &SolveSettings::default()) {
            Ok(out) => {
                for (e, element) in scenario.elements.iter().enumerate() {
                    let cap = element.caps.max_hhi.unwrap();
                    let mut by_country = std::collections::BTreeMap::new();
                    for (o, offer) in scenario.offers_of(e) {
                        let country = scenario.supplier_of(offer).country.clone().unwrap();
                        *by_country.entry(country).or_insert(0.0) += out.plan().quantities_t[o];
                    }
                    let hhi: f64 = by_country.values().map(|q| (q / element.demand_t).powi(2)).sum();
                    prop_assert!(hhi <= cap * (1.0 + 1e-6), "HHI {} > {} in\n{}", hhi, cap, body);
                }
            }
            Err(Failure::Infeasible) => {}
            Err(e) => prop_assert!(false, "{} in\n{}", e, body),
        }
    }
}

/// Two countries cannot bring the HHI below 0.5: a cap of 0.4 has no plan.
/// The smallest-moves search does not see HHI caps, so the diagnosis lifts
/// them as a last resort, and confirms that this solves.
#[test]
fn an_unreachable_hhi_cap_is_diagnosed_by_lifting_it() {
    let body = TWO_COUNTRIES.replace("0.68", "0.4");
    let text = format!("[scenario]\nname = \"hhi\"\n{body}");
    let scenario = parse(Path::new("h.toml"), text.as_bytes()).unwrap();
    assert!(matches!(
        optimise(&scenario, &SolveSettings::default()),
        Err(Failure::Infeasible)
    ));
    let file = remopt::scenario::ScenarioFile::from_bytes(Path::new("h.toml"), text.as_bytes()).unwrap();
    let d = remopt::diagnose::diagnose(&scenario, remopt::diagnose::confirm_in(&file, &[])).unwrap();
    assert!(d.confirmed, "{d:#?}");
    assert_eq!(d.relaxations.len(), 1);
    assert_eq!(d.relaxations[0].row.name(&scenario), "hhi[Nd]");
    assert_eq!(d.settings(), [("policy.elements.Nd.max_hhi".to_string(), 1.0)]);
}

/// The cap at the least HHI two countries can reach (0.5): the only plan
/// is 50 t each, 500,000 + 5,000,000. Near that point the tonnes move with
/// the square root of the HHI's excess, so the cuts go on until the
/// objective is within the promise, not only the HHI.
#[test]
fn a_cap_at_the_least_reachable_hhi_still_meets_the_objective_promise() {
    let body = TWO_COUNTRIES
        .replace("0.68", "0.5")
        .replace("price_per_kg = 20 }", "price_per_kg = 100 }");
    let (s, out) = solve(&body);
    relative(out.objective, 5_500_000.0, 1e-5);
    assert!(row(&s, &out, "hhi[Nd]").activity <= 0.5 * (1.0 + 1e-6));
}

/// A tiny cap (1e-8) on one country and a substitute: the rows are scaled
/// by the cap, so the cuts reach it (0.01 t from CN, the rest substituted).
#[test]
fn a_tiny_cap_is_met() {
    let body = r#"
[demand]
Nd = 100
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10, capacity_t = 200 }
[suppliers.s]
kind = "substitute"
offers.Nd = { price_per_kg = 50, capacity_t = 100 }
[policy]
max_hhi = 1e-8
"#;
    let (_, out) = solve(body);
    relative(out.objective, 4_999_600.0, 1e-5);
}

#[test]
fn a_cap_just_below_the_least_hhi_is_infeasible_not_a_solver_failure() {
    // Three countries can spread Nd no thinner than HHI 1/3: a cap of
    // 0.3295 is infeasible. The cut model is badly scaled there, and
    // HiGHS's dual simplex once ended without a status (found by the
    // random test above): remopt must say "infeasible", by interior point
    // if need be.
    let text = r#"[scenario]
name = "hhi-case"
[demand]
Nd = 90.669
[suppliers.s0]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 90.931, capacity_t = 151.064 }
[suppliers.s1]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 85.523, capacity_t = 165.463 }
[suppliers.s2]
country = "US"
kind = "mine"
offers.Nd = { price_per_kg = 87.815, capacity_t = 143.573 }
[policy]
max_hhi = 0.3295
"#;
    let scenario = remopt::scenario::parse(std::path::Path::new("hhi-case.toml"), text.as_bytes()).unwrap();
    let result = remopt::pipeline::optimise(&scenario, &remopt::pipeline::SolveSettings::default());
    assert!(
        matches!(result, Err(remopt::pipeline::Failure::Infeasible)),
        "{:?}",
        result.err()
    );
}
