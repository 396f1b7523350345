//! Disruptions: hand-solvable two-scenario programs with known optima, the
//! CVaR and the value of the stochastic solution, non-anticipativity, the
//! files a plan facing disruptions writes, and the rules of the inputs.
//!
//! One element, Dy, 100 t a year. China sells at 10 $/kg, Australia at 20;
//! an embargo (probability 0.2) cuts China to nothing, and spot tonnes
//! cost (1 + premium) x price. Unmet demand costs 100 $/kg.

mod common;

use common::{close, solved};

const TOLERANCE: f64 = 1e-7;

/// The two-supplier case with `premium` and `policy` lines added.
fn embargo(premium: f64, policy: &str) -> String {
    format!(
        r#"
[demand]
Dy = 100
[suppliers.cn]
country = "CN"
kind = "refiner"
offers.Dy = {{ price_per_kg = 10, capacity_t = 200 }}
[suppliers.au]
country = "AU"
kind = "refiner"
offers.Dy = {{ price_per_kg = 20, capacity_t = 200 }}
[policy]
shortfall_penalty_per_kg = 100
spot_premium = {premium}
{policy}
[[disruptions]]
name = "embargo"
probability = 0.2
[[disruptions.effects]]
countries = ["CN"]
capacity_factor = 0.0
"#
    )
}

/// The embargo case (premium 0.5) as a scenario file in `dir`.
fn embargo_file(dir: &std::path::Path) -> std::path::PathBuf {
    let scenario = dir.join("embargo.toml");
    let text = format!("[scenario]\nname = \"embargo\"\n{}", embargo(0.5, ""));
    std::fs::write(&scenario, text).unwrap();
    scenario
}

fn costs(out: &remopt::pipeline::Outcome) -> Vec<f64> {
    out.stochastic.as_ref().unwrap().costs.clone()
}

#[test]
fn at_zero_risk_aversion_the_expected_cost_is_minimised() {
    // Contracting China: 1,000,000 in calm; in the embargo nothing is
    // delivered (nor paid) and 100 t are bought spot from Australia at
    // 1.5 x 20: 3,000,000. Expected 0.8 x 1 M + 0.2 x 3 M = 1,400,000,
    // below Australia's 2,000,000 in both.
    let (_, out) = solved("lambda0", &embargo(0.5, ""));
    close(out.objective, 1_400_000.0, TOLERANCE);
    let c = costs(&out);
    close(c[0], 1_000_000.0, TOLERANCE);
    close(c[1], 3_000_000.0, TOLERANCE);
    let stochastic = out.stochastic.as_ref().unwrap();
    close(stochastic.expected_cost, 1_400_000.0, TOLERANCE);
    // The worst 5% is the embargo: its cost.
    close(stochastic.cvar, 3_000_000.0, TOLERANCE);
    // China's plan is also the calm plan: hedging is worth nothing here.
    close(stochastic.vss(out.objective).unwrap(), 0.0, 1e-6);
    close(stochastic.recourse[0].spot_t[0][0], 100.0, TOLERANCE);
}

#[test]
fn at_full_risk_aversion_the_worst_tail_is_minimised() {
    // Lambda 1: the CVaR of the worst 5% (the embargo) alone. Australia
    // costs 2,000,000 whatever happens; China 3,000,000 in the embargo.
    let (s, out) = solved("lambda1", &embargo(0.5, "risk_aversion = 1"));
    close(out.objective, 2_000_000.0, TOLERANCE);
    close(common::quantity(&s, &out, "au", "Dy"), 100.0, TOLERANCE);
    close(out.stochastic.as_ref().unwrap().cvar, 2_000_000.0, TOLERANCE);
}

#[test]
fn a_dear_spot_market_makes_hedging_worth_its_calm_cost() {
    // Spot at 4 x 20: China's plan costs 8,000,000 in the embargo,
    // expected 2,400,000; Australia's 2,000,000: the value of the
    // stochastic solution is 400,000.
    let (_, out) = solved("vss", &embargo(3.0, ""));
    close(out.objective, 2_000_000.0, TOLERANCE);
    let stochastic = out.stochastic.as_ref().unwrap();
    close(stochastic.vss(out.objective).unwrap(), 400_000.0, 1e-6);
    let ignoring = stochastic.ignoring.as_ref().unwrap();
    close(ignoring.base_cost, 1_000_000.0, TOLERANCE);
    close(ignoring.expected_cost, 2_400_000.0, TOLERANCE);
    close(ignoring.cvar, 8_000_000.0, TOLERANCE);
}

#[test]
fn the_cvar_is_the_mean_of_the_worst_tail_computed_directly() {
    // Alpha 0.7: the worst 30% is the embargo's 20% and 10% of the base.
    // With lambda 0.5 the plan may mix; whatever it is, the reported CVaR
    // is (0.2 C_embargo + 0.1 C_base) / 0.3 and the objective
    // 0.5 E + 0.5 CVaR.
    let (_, out) = solved("tail", &embargo(0.5, "risk_aversion = 0.5\ncvar_alpha = 0.7"));
    let stochastic = out.stochastic.as_ref().unwrap();
    let c = costs(&out);
    let (worst, other) = if c[1] >= c[0] { (c[1], c[0]) } else { (c[0], c[1]) };
    let direct = if c[1] >= c[0] {
        (0.2 * worst + 0.1 * other) / 0.3
    } else {
        (0.3 * worst) / 0.3
    };
    close(stochastic.cvar, direct, 1e-9);
    close(
        out.objective,
        0.5 * stochastic.expected_cost + 0.5 * stochastic.cvar,
        1e-7,
    );
    assert!(stochastic.vss(out.objective).unwrap() >= -1e-6);
}

#[test]
fn a_disruption_in_the_second_year_leaves_the_first_untouched() {
    // Over 2026-2027 the embargo hits 2027 only: its scenario's 2026 is
    // the base's (nothing is known yet), no spot tonne is bought in 2026.
    let body = embargo(3.0, "")
        .replace("[demand]", "[horizon]\nyears = [2026, 2027]\n[demand]")
        .replace("probability = 0.2", "probability = 0.2\nyears = [2027]");
    let (_, out) = solved("second-year", &body);
    let stochastic = out.stochastic.as_ref().unwrap();
    let recourse = &stochastic.recourse[0];
    close(recourse.spot_t[0][0], 0.0, TOLERANCE);
    // 2026: China in every scenario (1,000,000); 2027: Australia
    // (2,000,000) against spot at 80 $/kg: 1 M + 2 M in both scenarios.
    close(out.objective, 3_000_000.0, TOLERANCE);
    close(out.schedule.years[0].quantities_t[1], 100.0, TOLERANCE);
    close(out.schedule.years[1].quantities_t[0], 100.0, TOLERANCE);
    assert!(stochastic.vss(out.objective).unwrap() >= -1e-6);
}

#[test]
fn a_mining_origin_cut_hits_offers_in_proportion_to_their_ore() {
    // China's offer is half Myanmar ore: closing Myanmar leaves half its
    // contracted tonnes; the other 50 t come spot from Australia at 30.
    let body = embargo(0.5, "")
        .replace("countries = [\"CN\"]", "origin_countries = [\"MM\"]")
        .replace(
            "kind = \"refiner\"\noffers.Dy = { price_per_kg = 10",
            "kind = \"refiner\"\norigin = { CN = 0.5, MM = 0.5 }\noffers.Dy = { price_per_kg = 10",
        );
    let (_, out) = solved("origin", &body);
    // Calm: 1,000,000. Myanmar shut: 50 t delivered (500,000), and China
    // keeps half its 200 t, 50 t of which are left to buy spot at 1.5 x
    // 10 (750,000): 1,250,000. Expected 0.8 x 1 M + 0.2 x 1.25 M.
    let c = costs(&out);
    close(c[0], 1_000_000.0, TOLERANCE);
    close(c[1], 1_250_000.0, TOLERANCE);
    close(out.objective, 1_050_000.0, TOLERANCE);
}

#[test]
fn a_plan_facing_disruptions_writes_its_scenarios_and_recourse() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = embargo_file(dir.path());
    let out = dir.path().join("out");
    let shown = common::remopt()
        .args([
            "solve",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let shown = String::from_utf8(shown).unwrap();
    assert!(shown.contains("hedging does not pay here"), "{shown}");
    // With spot at 4 x the price, hedging with Australia pays.
    let dear = dir.path().join("dear.toml");
    std::fs::write(
        &dear,
        format!("[scenario]\nname = \"dear\"\n{}", embargo(3.0, "")),
    )
    .unwrap();
    let told = common::remopt()
        .args(["solve", dear.to_str().unwrap(), "--out"])
        .arg(dir.path().join("dear"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let told = String::from_utf8(told).unwrap();
    assert!(
        told.contains("this plan costs 1.00 M USD more in a calm year\nand saves 0.40 M in expectation, 6.00 M in the worst 5%\n"),
        "{told}"
    );
    assert_eq!(
        common::read(&out, "scenarios.csv"),
        "scenario,probability,cost,shortfall_t,spot_t,spot_cost,stock_drawn_t\n\
         base,0.8,1000000,0,0,0,0\n\
         embargo,0.2,3000000,0,100,3000000,0\n"
    );
    assert_eq!(
        common::read(&out, "recourse.csv"),
        "scenario,year,element,supplier,delivered_t,spot_t,shortfall_t\n\
         base,,Dy,cn,100,0,\n\
         embargo,,Dy,au,0,100,\n"
    );
    let run: serde_json::Value = serde_json::from_str(&common::read(&out, "run.json")).unwrap();
    close(run["expected_cost"].as_f64().unwrap(), 1_400_000.0, TOLERANCE);
    close(run["cvar"].as_f64().unwrap(), 3_000_000.0, TOLERANCE);
    assert_eq!(run["cvar_alpha"], 0.95);
    assert_eq!(run["risk_aversion"], 0.0);
    assert!(run["vss"].as_f64().unwrap().abs() < 1e-6);
    let constraints = common::read(&out, "constraints.csv");
    assert!(
        constraints.contains("\"spot_capacity[embargo,cn,Dy]\",spot_capacity,Dy,cn,"),
        "{constraints}"
    );
    assert!(
        constraints.contains("\"demand[embargo,Dy]\",demand,Dy,,"),
        "{constraints}"
    );
}

#[test]
fn the_rules_of_disruptions_are_named_with_their_key() {
    let cases: [(&str, &str, &str, &str); 9] = [
        (
            "probability = 0.2",
            "probability = 1.2",
            "disruptions.0.probability",
            "between 0 and 1",
        ),
        (
            "name = \"embargo\"",
            "name = \"base\"",
            "disruptions.0.name",
            "not `base`",
        ),
        (
            "countries = [\"CN\"]",
            "countries = [\"CN\"]\nsuppliers = [\"cn\"]",
            "disruptions.0.effects.0",
            "exactly one of",
        ),
        (
            "countries = [\"CN\"]",
            "suppliers = [\"nobody\"]",
            "disruptions.0.effects.0.suppliers",
            "no supplier is called",
        ),
        (
            "countries = [\"CN\"]",
            "suppliers = [\"CN\"]",
            "disruptions.0.effects.0.suppliers",
            "no supplier is called \"CN\"; did you mean cn? known: au cn",
        ),
        (
            "capacity_factor = 0.0",
            "capacity_factor = 1.5",
            "disruptions.0.effects.0.capacity_factor",
            "between 0 (cut off) and 1",
        ),
        (
            "spot_premium = 0.5",
            "spot_premium = -1",
            "policy.spot_premium",
            "between 0 and 10",
        ),
        (
            "shortfall_penalty_per_kg = 100",
            "risk_aversion = 2",
            "policy.risk_aversion",
            "between 0",
        ),
        (
            "probability = 0.2",
            "probability = 0.2\nyears = [2027]",
            "disruptions.0.years",
            "does not have",
        ),
    ];
    for (from, to, key, message) in cases {
        let body = embargo(0.5, "").replacen(from, to, 1);
        let text = format!("[scenario]\nname = \"bad\"\n{body}");
        let errors = remopt::scenario::parse(std::path::Path::new("bad.toml"), text.as_bytes())
            .err()
            .unwrap_or_else(|| panic!("{to}: no error"))
            .errors;
        assert!(
            errors
                .iter()
                .any(|e| e.key_path == key && e.message.contains(message)),
            "{to}: {errors:#?}"
        );
    }
}

#[test]
fn the_frontier_over_risk_aversion_trades_expected_cost_for_cvar() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = embargo_file(dir.path());
    let out = dir.path().join("frontier");
    common::remopt()
        .args([
            "frontier",
            scenario.to_str().unwrap(),
            "--points",
            "3",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let csv = common::read(&out, "frontier.csv");
    let rows: Vec<Vec<f64>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 3, "{csv}");
    // lambda 0: China, expected 1.4 M, CVaR 3 M; lambda 1: Australia, 2 M.
    close(rows[0][3], 1_400_000.0, TOLERANCE);
    close(rows[0][4], 3_000_000.0, TOLERANCE);
    close(rows[2][3], 2_000_000.0, TOLERANCE);
    close(rows[2][4], 2_000_000.0, TOLERANCE);
    for pair in rows.windows(2) {
        assert!(
            pair[1][3] >= pair[0][3] - 1e-6 && pair[1][4] <= pair[0][4] + 1e-6,
            "{csv}"
        );
    }
    // The sum of mean risks is not the trade-off here.
    common::remopt()
        .args(["frontier", scenario.to_str().unwrap(), "--over", "risk", "--out"])
        .arg(dir.path().join("no"))
        .assert()
        .code(2);
}

#[test]
fn a_sweep_of_disruptions_reports_expected_cost_and_cvar_per_run() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = embargo_file(dir.path());
    let out = dir.path().join("sweep");
    common::remopt()
        .args([
            "sweep",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .args(["--vary", "disruptions.0.probability=0.2,0.5"])
        .assert()
        .success();
    let runs = common::read(&out, "runs.csv");
    let mut lines = runs.lines();
    assert_eq!(
        lines.next().unwrap(),
        "run,disruptions.0.probability,status,objective,total_cost,total_shortfall_t,worst_mean_risk,worst_hhi,expected_cost,cvar,error"
    );
    // At 0.5 China's plan expects 0.5 x 1 M + 0.5 x 3 M = 2 M, a tie with
    // Australia's: the expected cost is 2 M either way.
    let second: Vec<&str> = lines.nth(1).unwrap().split(',').collect();
    close(second[8].parse().unwrap(), 2_000_000.0, TOLERANCE);
}

#[test]
fn a_stock_built_before_a_disruption_is_drawn_during_it() {
    // 50 t in stock that must be there again at the end (in calm); the
    // embargo shuts China in 2027 and no one else sells. Buying 50 t more
    // in 2026 costs nothing in calm (2027 buys 50 t less) and spares the
    // embargo 50 t unmet at 100 $/kg: calm 2,000,000, embargo 1,500,000
    // (2026's 150 t, then the stock), objective 0.8 x 2 M + 0.2 x 1.5 M.
    let body = r#"
[horizon]
years = [2026, 2027]
[demand]
Dy = 100
[suppliers.cn]
country = "CN"
kind = "refiner"
offers.Dy = { price_per_kg = 10, capacity_t = 200 }
[stockpile]
initial_t = { Dy = 50 }
[policy]
shortfall_penalty_per_kg = 100
[[disruptions]]
name = "embargo"
probability = 0.2
years = [2027]
[[disruptions.effects]]
countries = ["CN"]
capacity_factor = 0.0
"#;
    let (_, out) = solved("stocked", body);
    close(out.objective, 1_900_000.0, TOLERANCE);
    let c = costs(&out);
    close(c[0], 2_000_000.0, TOLERANCE);
    close(c[1], 1_500_000.0, TOLERANCE);
    let recourse = &out.stochastic.as_ref().unwrap().recourse[0];
    close(recourse.shortfall_t[1][0], 0.0, TOLERANCE);
    assert!(out.schedule.stock_t[0][0] >= 100.0 - 1e-6);
}

#[test]
fn a_contract_worth_signing_only_against_the_disruption_is_signed() {
    // Spot at 4 x 20: China alone expects 2,400,000; Australia under a
    // 300,000 contract costs 2,300,000 whatever happens: signed (a MIP).
    let body = embargo(3.0, "").replace(
        "country = \"AU\"\nkind = \"refiner\"",
        "country = \"AU\"\nkind = \"refiner\"\nfixed_cost = 300000",
    );
    let (s, out) = solved("contract", &body);
    assert!(out.mip.is_some());
    close(out.objective, 2_300_000.0, TOLERANCE);
    let au = s.suppliers.iter().position(|x| x.id == "au").unwrap();
    assert!(out.plan().contracts[au]);
}

#[test]
fn a_basket_delivers_what_the_disruption_leaves_of_it() {
    // China's basket (all Dy, 10 $/kg) loses half in the embargo: 50 t
    // delivered and paid (500,000), 50 t spot from Australia at 30
    // (1,500,000): 2,000,000; calm 1,000,000; expected 1,200,000.
    let body = embargo(0.5, "")
        .replace(
            "offers.Dy = { price_per_kg = 10, capacity_t = 200 }",
            "basket = { price_per_kg = 10, capacity_t = 200, composition = { Dy = 1.0 } }",
        )
        .replace("capacity_factor = 0.0", "capacity_factor = 0.5");
    let (_, out) = solved("basket", &body);
    let c = costs(&out);
    close(c[0], 1_000_000.0, TOLERANCE);
    close(c[1], 2_000_000.0, TOLERANCE);
    close(out.objective, 1_200_000.0, TOLERANCE);
}

#[test]
fn overrides_reach_every_disruption_s_effects_and_the_risk_aversion() {
    use remopt::scenario::overrides::Override;
    let text = format!("[scenario]\nname = \"set\"\n{}", embargo(0.5, ""))
        + "[[disruptions]]\nname = \"outage\"\nprobability = 0.1\n[[disruptions.effects]]\nsuppliers = [\"au\"]\ncapacity_factor = 0.2\n";
    let file = remopt::scenario::ScenarioFile::from_bytes(std::path::Path::new("set.toml"), text.as_bytes())
        .unwrap();
    let overrides: Vec<Override> = [
        "disruptions.*.effects.0.capacity_factor=0.5",
        "disruptions.0.probability=0.3",
        "policy.risk_aversion=0.25",
    ]
    .iter()
    .map(|o| Override::parse(o).unwrap())
    .collect();
    let s = file.scenario(&overrides).unwrap_or_else(|e| panic!("{e}"));
    let d = s.disruptions.as_ref().unwrap();
    assert!(d.list.iter().all(|x| x.effects[0].capacity_factor == 0.5));
    close(d.list[0].probability, 0.3, TOLERANCE);
    close(d.risk_aversion, 0.25, TOLERANCE);
    close(d.base_probability(), 0.6, 1e-12);
}
