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
    // Checked against an independent LP (scipy's HiGHS on a separately
    // written model of inputs/japan.toml), which finds the same cost and the
    // same plan, unique over the optimal face.
    relative(out.objective, 864_605_719.51, 1e-9);
    assert_eq!(out.metrics.total.shortfall_t, 0.0);
    let used: Vec<(&str, usize)> = out
        .metrics
        .elements
        .iter()
        .map(|m| (m.symbol.as_str(), m.suppliers_used))
        .collect();
    assert_eq!(
        used,
        [("Ce", 2), ("Dy", 3), ("Nd", 2), ("Pr", 2), ("Tb", 3), ("Y", 2)]
    );
    // China's 60% binds on Dy and Tb, its 85% on Ce (Lynas's tonnes, capped
    // at Japan's non-Chinese imports, go to Nd and Pr first); Lynas's NdPr is
    // cheaper than China's, so no cap holds China back on Nd or Pr.
    assert_eq!(
        binding(&scenario, &out, ConstraintKind::CountryShare),
        [
            "country_share[CN,Ce]",
            "country_share[CN,Dy]",
            "country_share[CN,Tb]"
        ]
    );
    assert_eq!(binding(&scenario, &out, ConstraintKind::AvgRisk), ["avg_risk[Y]"]);
    // Every binding cap has a non-positive shadow price, and the China cap on
    // Dy is worth 300 USD per kg (per 1,000 kg here: money per tonne): the
    // tonne China may not sell at 700 comes from the stockpile at 1,000.
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
    relative(dy_cap.shadow_price, -300_000.0, 1e-9);
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
    // Checked against an independent LP (scipy's HiGHS).
    relative(out.objective, 262_591_931.90, 1e-9);
    assert_eq!(out.metrics.total.shortfall_t, 0.0);
    // The 65% binds on China for Dy and Tb, and on Malaysia (Lynas, the
    // cheapest NdPr) for Nd and Pr.
    assert_eq!(
        binding(&scenario, &out, ConstraintKind::CountryShare),
        [
            "country_share[CN,Dy]",
            "country_share[MY,Nd]",
            "country_share[MY,Pr]",
            "country_share[CN,Tb]"
        ]
    );
    // With Silmet (Estonia) in the data, Ce meets the benchmark too.
    for m in &out.metrics.elements {
        assert!(
            m.top_country_share.unwrap() <= 0.65 + 1e-9,
            "{}: {:?}",
            m.symbol,
            m.top_country_share
        );
    }
}

#[test]
fn the_us_plan_covers_its_small_magnet_demand_and_the_risk_cap_holds_china_below_half() {
    let (scenario, out) = shipped("usa");
    // Checked against an independent LP (scipy's HiGHS). US demand is now
    // mostly cerium (catalysts, glass, polishing); its Dy (9.8 t) and Tb
    // (1.87 t) are within Lynas's reach, so nothing is left unmet.
    relative(out.objective, 44_133_016.69, 1e-9);
    assert_eq!(out.metrics.penalty_cost, 0.0);
    assert_eq!(out.metrics.total.shortfall_t, 0.0);
    assert!(binding(&scenario, &out, ConstraintKind::CountryShare).is_empty());
    assert_eq!(
        binding(&scenario, &out, ConstraintKind::AvgRisk),
        ["avg_risk[Dy]", "avg_risk[Tb]"]
    );
    // By hand: China (0.694) and Lynas (0.414) at a mean of 0.55 gives China
    // (0.55 - 0.414) / (0.694 - 0.414) = 17/35 of Dy, below its 50% cap.
    let dy = out.metrics.elements.iter().find(|m| m.symbol == "Dy").unwrap();
    assert_eq!(dy.top_country.as_deref(), Some("MY"));
    relative(dy.top_country_share.unwrap(), 18.0 / 35.0, 1e-9);
    assert!(row(&scenario, &out, "supplier_capacity[lynas]").is_binding());
}

#[test]
fn japan_contracts_signs_the_contracts_that_pay() {
    // Checked against scipy's MILP on a separately written model: Lynas is
    // signed (no plan meets China's Ce cap without it); the second Lynas
    // tranche would replace the stockpile's Dy (16.25 t at 150 USD/kg less)
    // and Tb (3.25 t at 1,000 less), 5.69 M a year, less than its 13 M
    // fixed cost, so it is not.
    let (scenario, out) = shipped("japan-contracts");
    assert!(out.mip.is_some());
    relative(out.objective, 893_344_383.0, 1e-6);
    relative(out.metrics.fixed_costs, 26_333_333.0, 1e-6);
    let signed: Vec<&str> = scenario
        .suppliers
        .iter()
        .zip(&out.plan().contracts)
        .filter(|(_, &s)| s)
        .map(|(s, _)| s.id.as_str())
        .collect();
    assert_eq!(signed, ["lynas"]);
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
    // Recycling is the gap. No recycler offers Ce, Dy or Tb: their floors
    // (25% of 2,219.8, 63.8 and 12.8 t) go to 0.
    assert_eq!(find("recycled_share[Ce]").2, 0.0);
    let dy = find("recycled_share[Dy]");
    relative(dy.1, 15.95, 1e-9);
    assert_eq!(dy.2, 0.0);
    assert_eq!(find("recycled_share[Tb]").2, 0.0);
    // Nd's floor, 405.2 t, falls to what Caremag (325 t) and HyProMag
    // (58.3 t) recycle.
    let nd = find("recycled_share[Nd]");
    relative(nd.1, 405.175, 1e-9);
    relative(nd.2, 383.3, 1e-5);
    // One move of Caremag's Pr, 75 -> 126.28 t, meets both Pr floors: the
    // 25% recycled (135.05 t, less HyProMag's 8.77) and the 40% processed
    // in the EU (216.08 t, with Silmet's 125).
    relative(find("offer_capacity[caremag-recycling,Pr]").2, 126.28, 1e-5);
    assert_eq!(moves.len(), 5, "{moves:#?}");
}

#[test]
fn japan_2030_builds_and_draws_its_stockpile_and_ends_where_it_began() {
    // Checked against scipy's LP on a separately written five-year model
    // (inputs/README.md, "japan-2030.toml"): 4,666,333,782 USD over
    // 2026-2030, undiscounted.
    let (scenario, out) = shipped("japan-2030");
    relative(out.objective, 4_666_333_782.28, 1e-6);
    relative(out.metrics.total.cost, 4_666_333_782.28, 1e-6);
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
    relative(out.objective, 6_100_951_351.0, 1e-6);
    relative(stochastic.expected_cost, out.objective, 1e-9);
    let costs = &stochastic.costs;
    relative(costs[0], 4_672_557_814.0, 1e-6);
    // The worst 5% lies inside the licensing halt (10%): the CVaR is its cost.
    relative(costs[1], 11_832_366_628.0, 1e-6);
    relative(stochastic.cvar, costs[1], 1e-9);
    // The plan that ignores disruptions is japan-2030's: 4,666,333,782 USD
    // in a calm horizon (China's capacity here, Japan's demand, never binds
    // without a disruption). Hedging costs 6.22 M more there and saves
    // 3.84 M in expectation: the value of the stochastic solution. By
    // scenario, the hedge saves 39.51 M in the licensing halt and 30.02 M in
    // the Myanmar closure, and costs 5.95 M in the embargo and the outage:
    // 0.10 x 39.51 + 0.15 x 30.02 - 0.57 x 6.22 - 0.18 x 5.95 = 3.84 M.
    // Most of it rests on the model's stock rule: a disrupted path has no
    // stock target, so the 24.31 M of Lynas tonnes the ignoring plan
    // contracted for 2029-2030 count for nothing in the halt and the
    // closure; credited at cost, 3.84 - 0.25 x 24.31 = -2.24 M
    // (inputs/README.md, "What hedging buys").
    let ignoring = stochastic.ignoring.as_ref().unwrap();
    relative(ignoring.base_cost, 4_666_333_782.0, 1e-6);
    relative(costs[0] - ignoring.base_cost, 6_224_032.0, 1e-3);
    let vss = stochastic.vss(out.objective).unwrap();
    assert!(vss > 0.0, "{vss}");
    relative(vss, 3_836_026.0, 1e-3);

    let element = |symbol: &str| scenario.elements.iter().position(|e| e.symbol == symbol).unwrap();
    let offer = |supplier: &str, symbol: &str| {
        scenario
            .offers
            .iter()
            .position(|o| scenario.supplier_of(o).id == supplier && scenario.element_of(o).symbol == symbol)
            .unwrap()
    };
    let offers_of = |symbol: &str| -> Vec<usize> {
        (0..scenario.offers.len())
            .filter(|&o| scenario.element_of(&scenario.offers[o]).symbol == symbol)
            .collect()
    };
    let (dy, tb, y) = (element("Dy"), element("Tb"), element("Y"));
    // The hedge: the stock is rebuilt to its opening 53.42 t by the end of
    // 2028, not 2030. 2028 buys China's 60%, 0.6 x 179.15625 = 107.49375 t,
    // and Lynas up to the Dy risk cap, (0.60 - 0.6 x 0.694) x 179.15625 /
    // 0.414 = 79.451902 t; so 2027 must end with 53.42 - (107.49375 +
    // 79.451902 - 179.15625) = 45.630598 t (japan-2030: 28.86). Tb likewise:
    // 10.68 - (21.49875 + 15.890380 - 35.83125) = 9.122120 t.
    relative(out.schedule.stock_t[1][dy], 45.630_598, 1e-6);
    relative(out.schedule.stock_t[1][tb], 9.122_120, 1e-6);
    relative(out.schedule.stock_t[2][dy], 53.42, 1e-9);
    relative(
        out.schedule.years[2].quantities_t[offer("lynas", "Dy")],
        79.451_902,
        1e-6,
    );
    // The extra 2027 tonnes come from Caremag or Iluka (same price, not
    // unique which): 2027 buys 45.630598 - 37.17 + 170.625 = 179.085598 t,
    // of which China 102.375 and Lynas 48.75, so 27.960598 t from the two
    // (japan-2030: 11.19).
    let newcomers = out.schedule.years[1].quantities_t[offer("caremag-refining", "Dy")]
        + out.schedule.years[1].quantities_t[offer("iluka-eneabba", "Dy")];
    relative(newcomers, 27.960_598, 1e-6);
    // In the licensing halt (2027) China delivers 0.26 x 102.375 =
    // 26.6175 t; with Lynas's 48.75, the 27.960598 contracted and the
    // opening stock 37.17, 170.625 - 26.6175 - 48.75 - 27.960598 - 37.17 =
    // 30.126902 t are bought spot, at 1.5 x 1,000 from Caremag or Iluka
    // (China's spot, 1.5 x 1.43 x 700 = 1,501.5, is dearer); the stock is
    // emptied.
    let halt = &stochastic.recourse[0];
    let dy_spot: f64 = offers_of("Dy").iter().map(|&o| halt.spot_t[1][o]).sum();
    relative(dy_spot, 30.126_902, 1e-6);
    assert!(halt.spot_t[1][offer("cn-heavy", "Dy")].abs() < 1e-9);
    assert!(halt.stock_t[1][dy].abs() < 1e-6, "{}", halt.stock_t[1][dy]);
    // In the Myanmar closure (2028) cn-heavy delivers half its 107.49375 t
    // and the whole stock goes: 179.15625 - 53.746875 - 79.451902 -
    // 45.630598 = 0.326875 t (= 53.746875 - 53.42: Lynas's risk-capped tonnes
    // cancel) are bought spot from Lynas at 1.5 x 850 = 1,275 USD/kg,
    // cheaper than China's 1.5 x 1.70 x 700 = 1,785.
    let myanmar = &stochastic.recourse[2];
    assert!(myanmar.stock_t[2][dy].abs() < 1e-6, "{}", myanmar.stock_t[2][dy]);
    relative(myanmar.spot_t[2][offer("lynas", "Dy")], 0.326_875, 1e-5);
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
