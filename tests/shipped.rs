//! The shipped scenarios: the Japan golden outputs reproduced byte for byte,
//! runs that repeat exactly, and each scenario's key figures.

mod common;

use assert_cmd::Command;
use common::{relative, row, shipped, ROOT};
use remopt::model::ConstraintKind;
use remopt::pipeline::Outcome;
use remopt::scenario::Scenario;
use std::fs;
use std::path::Path;

const CSV_FILES: [&str; 6] = [
    "plan.csv",
    "summary.csv",
    "constraints.csv",
    "sensitivity.csv",
    "security.csv",
    "stages.csv",
];

/// Solves `inputs/<name>.toml` through the binary, from the repository root
/// so that `run.json` records the same relative path as the golden file.
fn solve_cli(name: &str, out: &Path) {
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .args(["solve", &format!("inputs/{name}.toml"), "--out"])
        .arg(out)
        .assert()
        .code(0);
}

fn run_json_without_timing(dir: &Path) -> serde_json::Value {
    let mut run: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("run.json")).unwrap()).unwrap();
    run.as_object_mut()
        .unwrap()
        .remove("timing")
        .expect("run.json has timing");
    run
}

#[test]
fn japan_reproduces_the_golden_outputs_byte_for_byte() {
    let golden = Path::new(ROOT).join("tests/golden/japan-2026");
    let dir = tempfile::tempdir().unwrap();
    solve_cli("japan", dir.path());
    for file in CSV_FILES {
        let expected = fs::read_to_string(golden.join(file)).unwrap();
        let actual = fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(
            expected == actual,
            "{file} differs from tests/golden/japan-2026/{file}"
        );
    }
    assert_eq!(
        run_json_without_timing(dir.path()),
        run_json_without_timing(&golden)
    );
}

#[test]
fn two_runs_of_each_shipped_scenario_are_byte_identical() {
    for name in [
        "japan",
        "eu",
        "usa",
        "japan-contracts",
        "japan-2030",
        "japan-disruptions",
    ] {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        solve_cli(name, a.path());
        solve_cli(name, b.path());
        let csv_files: Vec<_> = fs::read_dir(a.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|f| f.to_string_lossy().ends_with(".csv"))
            .collect();
        assert!(csv_files.len() >= 4, "{name}: {csv_files:?}");
        for file in csv_files {
            assert_eq!(
                fs::read(a.path().join(&file)).unwrap(),
                fs::read(b.path().join(&file)).unwrap(),
                "{name} {file:?}"
            );
        }
        assert_eq!(
            run_json_without_timing(a.path()),
            run_json_without_timing(b.path()),
            "{name} run.json"
        );
    }
}

fn binding(scenario: &Scenario, outcome: &Outcome, kind: ConstraintKind) -> Vec<String> {
    outcome
        .constraints()
        .filter(|c| c.info.id.kind() == kind && c.is_binding())
        .map(|c| c.info.id.name(scenario))
        .collect()
}

#[test]
fn japan_is_diversified_with_binding_risk_caps_that_have_a_price() {
    let (scenario, out) = shipped("japan");
    assert!(scenario.warnings.is_empty(), "{:?}", scenario.warnings);
    // Cross-checked with an independent LP (scipy's HiGHS on a separately
    // written model) when the scenario was built.
    relative(out.objective, 1_579_502_815.0, 1e-9);
    assert_eq!(out.metrics.total.shortfall_t, 0.0);
    let used: Vec<(&str, usize)> = out
        .metrics
        .elements
        .iter()
        .map(|m| (m.symbol.as_str(), m.suppliers_used))
        .collect();
    assert_eq!(
        used,
        [("Ce", 3), ("Dy", 3), ("Nd", 4), ("Pr", 4), ("Tb", 3), ("Y", 2)]
    );
    assert_eq!(
        binding(&scenario, &out, ConstraintKind::CountryShare),
        [
            "country_share[CN,Dy]",
            "country_share[CN,Nd]",
            "country_share[CN,Pr]"
        ]
    );
    assert_eq!(
        binding(&scenario, &out, ConstraintKind::AvgRisk),
        ["avg_risk[Dy]", "avg_risk[Tb]", "avg_risk[Y]"]
    );
    // Every binding cap has a non-positive shadow price, and the China cap on
    // Dy is worth about 204.7 USD per kg (per 1,000 kg here: money per tonne).
    for c in out
        .constraints()
        .filter(|c| c.info.id.kind() != ConstraintKind::Demand && c.info.upper.is_finite())
    {
        assert!(
            c.shadow_price <= 1e-9,
            "{} has shadow price {}",
            c.info.id.name(&scenario),
            c.shadow_price
        );
    }
    let dy_cap = row(&scenario, &out, "country_share[CN,Dy]");
    relative(dy_cap.shadow_price, -204_700.0, 1e-3);
    for demand in out
        .constraints()
        .filter(|c| c.info.id.kind() == ConstraintKind::Demand)
    {
        assert!(
            demand.shadow_price > 0.0,
            "{} has shadow price {}",
            demand.info.id.name(&scenario),
            demand.shadow_price
        );
    }
}

#[test]
fn the_eu_plan_meets_the_crma_benchmark() {
    let (scenario, out) = shipped("eu");
    relative(out.objective, 1_067_331_536.0, 1e-9);
    assert_eq!(out.metrics.total.shortfall_t, 0.0);
    assert_eq!(
        binding(&scenario, &out, ConstraintKind::CountryShare),
        [
            "country_share[CN,Dy]",
            "country_share[CN,Nd]",
            "country_share[CN,Pr]"
        ]
    );
    for m in out.metrics.elements.iter().filter(|m| m.symbol != "Ce") {
        assert!(
            m.top_country_share.unwrap() <= 0.65 + 1e-9,
            "{}: {:?}",
            m.symbol,
            m.top_country_share
        );
    }
}

#[test]
fn the_us_plan_leaves_heavy_rare_earths_short_at_the_penalty() {
    let (scenario, out) = shipped("usa");
    relative(out.objective, 960_760_400.0, 1e-9);
    relative(out.metrics.penalty_cost, 402_000_000.0, 1e-9);
    let short: Vec<(&str, f64)> = out
        .metrics
        .elements
        .iter()
        .filter(|m| m.shortfall_t > 0.0)
        .map(|m| (m.symbol.as_str(), m.shortfall_t))
        .collect();
    assert_eq!(short.len(), 2);
    assert_eq!(short[0].0, "Dy");
    relative(short[0].1, 17.0, 1e-9);
    assert_eq!(short[1].0, "Tb");
    relative(short[1].1, 3.1, 1e-9);
    // Unmet demand is priced at the penalty: 20,000 USD/kg = 2e7 per tonne.
    let dy = row(&scenario, &out, "demand[Dy]");
    relative(dy.shadow_price, 2e7, 1e-9);
}

#[test]
fn japan_contracts_signs_the_contracts_that_pay() {
    // Checked against scipy's MILP on a separately written model: Lynas and
    // Caremag are signed; the second Lynas tranche saves 7.285 M a year of
    // purchases, less than its 13 M fixed cost, so it is not.
    let (scenario, out) = shipped("japan-contracts");
    assert!(out.mip.is_some());
    relative(out.objective, 1_627_310_427.0, 1e-6);
    relative(out.metrics.fixed_costs, 38_763_333.0, 1e-6);
    let signed: Vec<&str> = scenario
        .suppliers
        .iter()
        .zip(&out.plan().contracts)
        .filter(|(_, &s)| s)
        .map(|(s, _)| s.id.as_str())
        .collect();
    assert_eq!(signed, ["caremag-refining", "lynas"]);
    assert_eq!(
        binding(&scenario, &out, ConstraintKind::MinSuppliers),
        ["min_suppliers[Y]"]
    );
    let y = out.metrics.elements.iter().find(|m| m.symbol == "Y").unwrap();
    assert_eq!(y.suppliers_used, 2);
}

#[test]
fn the_quick_start_outputs_are_ignored_by_git() {
    // `remopt solve inputs/japan.toml` writes outputs/japan-2026/ (and
    // staging folders beside it): running the quick start must leave a
    // clone clean. Only checkable inside a git checkout.
    let inside = std::process::Command::new("git")
        .current_dir(ROOT)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output();
    if !inside.is_ok_and(|o| o.status.success()) {
        eprintln!("not a git checkout: skipped");
        return;
    }
    for path in [
        "outputs/japan-2026/run.json",
        "outputs/japan-2026-sweep/runs.csv",
        "outputs/japan-2026-sweep.partial/runs-000001.csv",
        "outputs/.japan-2026.new-abc123/plan.csv",
    ] {
        let status = std::process::Command::new("git")
            .current_dir(ROOT)
            .args(["check-ignore", "--quiet", "--no-index", path])
            .status()
            .unwrap();
        assert!(status.success(), "{path} is not ignored by .gitignore");
    }
    // The golden files themselves are not ignored.
    let status = std::process::Command::new("git")
        .current_dir(ROOT)
        .args([
            "check-ignore",
            "--quiet",
            "--no-index",
            "tests/golden/japan-2026/run.json",
        ])
        .status()
        .unwrap();
    assert!(!status.success(), "the golden files must stay tracked");
}

/// The EU against its 2030 CRMA benchmarks with today's capacities has no
/// plan: the diagnosis is the finding (inputs/README.md, eu-crma.toml).
#[test]
fn eu_crma_is_infeasible_and_its_diagnosis_measures_the_gap() {
    use remopt::pipeline::{optimise, Failure, SolveSettings};
    let path = std::path::Path::new(ROOT).join("inputs/eu-crma.toml");
    let scenario = remopt::scenario::load(&path).unwrap();
    assert!(matches!(
        optimise(&scenario, &SolveSettings::default()),
        Err(Failure::Infeasible)
    ));
    let file = remopt::scenario::ScenarioFile::read(&path).unwrap();
    let d = remopt::diagnose::diagnose(&scenario, remopt::diagnose::confirm_in(&file, &[])).unwrap();
    assert!(d.confirmed, "{d:#?}");
    let moves: Vec<(String, f64, f64)> = d
        .relaxations
        .iter()
        .map(|r| (r.row.name(&scenario), r.bound, r.relaxed_bound))
        .collect();
    let find = |name: &str| {
        moves
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{name} not in {moves:#?}"))
    };
    // 40% of Dy demand (856 t) is 342.4 t; EU processing (Caremag) holds 258 t.
    let dy = find("group_min[EU,processing,Dy]");
    relative(dy.1, 342.4, 1e-9);
    relative(dy.2, 258.0, 1e-5);
    // No EU processing and no recycling of Ce at all: both floors go to 0.
    assert_eq!(find("group_min[EU,processing,Ce]").2, 0.0);
    assert_eq!(find("recycled_share[Ce]").2, 0.0);
    // Nd's recycled floor (25% of 2,825 t) and its EU floor (40%) are met
    // by one move of Caremag's recycling capacity, from 305 to 1,130 t.
    relative(find("offer_capacity[caremag-recycling,Nd]").2, 1130.0, 1e-5);
    assert_eq!(moves.len(), 9, "{moves:#?}");
}

#[test]
fn japan_2030_builds_and_draws_its_stockpile_and_ends_where_it_began() {
    // Checked against scipy's LP on a separately written five-year model
    // (inputs/README.md, "japan-2030.toml"): 3,646,637,944 USD over
    // 2026-2030, undiscounted.
    let (scenario, out) = shipped("japan-2030");
    relative(out.objective, 3_646_637_944.0, 1e-6);
    relative(out.metrics.total.cost, 3_646_637_944.0, 1e-6);
    let horizon = scenario.horizon.as_ref().unwrap();
    assert_eq!(horizon.years, [2026, 2027, 2028, 2029, 2030]);
    let dy = scenario.elements.iter().position(|e| e.symbol == "Dy").unwrap();
    let tb = scenario.elements.iter().position(|e| e.symbol == "Tb").unwrap();
    // 2026: China's 60% (97.5 t) and Lynas's 48.75 t of the 162.5 t; the
    // other 16.25 t come out of the 53.42 t stock, which ends 2026 at 37.17 t.
    relative(out.year_metrics[0].elements[dy].supplied_t, 146.25, 1e-9);
    relative(out.schedule.stock_t[0][dy], 37.17, 1e-9);
    relative(out.schedule.stock_t[0][tb], 7.43, 1e-9);
    // The stock never falls below its 60-day target and ends where it began.
    let stockpile = scenario.stockpile().unwrap();
    for (t, slice) in scenario.slices().iter().enumerate() {
        for stocked in &stockpile.elements {
            let e = stocked.element;
            let target = stocked.target_t(slice.elements[e].demand_t);
            assert!(out.schedule.stock_t[t][e] >= target * (1.0 - 1e-9), "{t} {e}");
        }
    }
    relative(out.schedule.stock_t[4][dy], 53.42, 1e-9);
    relative(out.schedule.stock_t[4][tb], 10.68, 1e-9);
    // Dy demand grows 5% a year from 162.5 t.
    relative(
        scenario.slices()[4].elements[dy].demand_t,
        162.5 * 1.05f64.powi(4),
        1e-12,
    );
    // China's 60% cap binds on Dy in every year.
    for year in 2026..=2030 {
        let cap = row(&scenario, &out, &format!("country_share[CN,Dy,{year}]"));
        assert!(cap.is_binding(), "{year}");
    }
}

#[test]
fn japan_disruptions_hedges_and_the_hedge_is_worth_something() {
    // japan-2030 facing four disruptions at the least expected cost
    // (inputs/README.md, "japan-disruptions.toml").
    let (scenario, out) = shipped("japan-disruptions");
    let disruptions = scenario.disruptions.as_ref().unwrap();
    assert_eq!(disruptions.scenario_count(), 5);
    let names: Vec<&str> = (0..5).map(|w| disruptions.name(w)).collect();
    assert_eq!(
        names,
        [
            "base",
            "cn-heavy-licensing",
            "japan-embargo",
            "myanmar-closure",
            "malaysia-outage"
        ]
    );
    // 1 - 0.10 - 0.10 - 0.15 - 0.08.
    relative(disruptions.base_probability(), 0.57, 1e-12);
    let stochastic = out.stochastic.as_ref().unwrap();
    relative(out.objective, 5_115_532_249.0, 1e-6);
    relative(stochastic.expected_cost, out.objective, 1e-9);
    let costs = &stochastic.costs;
    relative(costs[0], 3_649_602_144.0, 1e-6);
    // The worst 5% lies inside the licensing halt (10%): the CVaR is its cost.
    relative(costs[1], 10_960_472_298.0, 1e-6);
    relative(stochastic.cvar, costs[1], 1e-9);
    // The plan that ignores disruptions is japan-2030's: 3,646,637,944 USD
    // in a calm horizon. Hedging costs 2.96 M more there and saves 1.43 M
    // in expectation: the value of the stochastic solution.
    let ignoring = stochastic.ignoring.as_ref().unwrap();
    relative(ignoring.base_cost, 3_646_637_944.0, 1e-6);
    relative(costs[0] - ignoring.base_cost, 2_964_200.0, 1e-3);
    let vss = stochastic.vss(out.objective).unwrap();
    assert!(vss > 0.0, "{vss}");
    relative(vss, 1_427_829.0, 1e-3);

    let element = |symbol: &str| scenario.elements.iter().position(|e| e.symbol == symbol).unwrap();
    let offer = |supplier: &str, symbol: &str| {
        scenario
            .offers
            .iter()
            .position(|o| scenario.supplier_of(o).id == supplier && scenario.element_of(o).symbol == symbol)
            .unwrap()
    };
    let (dy, y) = (element("Dy"), element("Y"));
    // Hedge 1, the stock: 2027 ends with 44.69 t of Dy (japan-2030: 39.12),
    // 37.17 + 178.1454 bought - 170.625 used. In the Myanmar closure (2028)
    // cn-heavy delivers half its 107.49375 t; with Iluka's 30.33 and Lynas's
    // 48.8148, 179.15625 - 53.746875 - 30.33 - 48.8148 = 46.2647 t are
    // missing: the whole stock, 44.6904 t, and 1.5742 t spot from China at
    // 1.5 x 1.70 x 226 = 576.3 USD/kg.
    relative(out.schedule.stock_t[1][dy], 44.690_435, 1e-6);
    let myanmar = &stochastic.recourse[2];
    assert!(myanmar.stock_t[2][dy].abs() < 1e-6, "{}", myanmar.stock_t[2][dy]);
    relative(myanmar.spot_t[2][offer("cn-heavy", "Dy")], 1.574_185, 1e-5);
    // Hedge 2, free Lynas capacity: in 2027 the plan contracts 35.43 t of
    // Lynas's 48.75 t of Dy (japan-2030 takes all of it) and more of
    // Caremag's, dearer but of lower risk; in the licensing halt it buys
    // the other 48.75 - 35.4279 = 13.3221 t spot from Lynas.
    let lynas_dy = offer("lynas", "Dy");
    relative(out.schedule.years[1].quantities_t[lynas_dy], 35.427_935, 1e-6);
    relative(stochastic.recourse[0].spot_t[1][lynas_dy], 13.322_065, 1e-5);
    // What goes unmet is yttrium, which has no ex-China source but the
    // JOGMEC release (133 t): 1,160 t less China's share less 133 t.
    // Licensing 2027: 1160 - 0.26 x 1160 - 133 = 725.4; embargo 2028:
    // 1160 - 0.836 x 1160 - 133 = 57.24; Myanmar 2028: 1160 - 580 - 133 = 447.
    for (w, t, unmet) in [(0, 1, 725.4), (1, 2, 57.24), (2, 2, 447.0)] {
        relative(stochastic.recourse[w].shortfall_t[t][y], unmet, 1e-9);
        let total: f64 = stochastic.recourse[w].shortfall_t.iter().flatten().sum();
        relative(total, unmet, 1e-9);
    }
    let outage: f64 = stochastic.recourse[3].shortfall_t.iter().flatten().sum();
    assert!(outage.abs() < 1e-9, "{outage}");
    assert_eq!(out.metrics.total.shortfall_t, 0.0);
}
