//! Co-production baskets: the balance problem worked out by hand. Buying Nd
//! through a mixed concentrate brings Ce that nobody demanded; it is resold
//! up to what the market takes, and the rest is held.

mod common;

use common::{close, row};
use remopt::pipeline::Outcome;
use remopt::plan::Plan;
use remopt::scenario::Scenario;
use remopt::verify::verify;

const TOLERANCE: f64 = 1e-7;

fn solve(body: &str) -> (Scenario, Outcome) {
    common::solved("baskets", body)
}

/// 100 t of Nd: an offer `a` (AU) at 60 $/kg, or a basket `m` (processed in
/// MY from AU ore) at 10 $/kg of mix holding 20% Nd and 50% Ce, at most
/// 400 t; Ce resells at 2 $/kg, at most 100 t.
///
/// Through the basket a tonne of Nd costs 10,000 / 0.2 = 50,000 < 60,000:
/// all 400 t of mix (80 t Nd, 200 t Ce), 20 t from `a`. Resale takes 100 t
/// of the 200 t of Ce. Cost 4,000,000 + 1,200,000 - 200,000 = 5,000,000.
/// Duals: a tonne of Nd costs 60,000 (from `a`); a tonne more of mix saves
/// 0.2 x 60,000 - 10,000 = 2,000; a tonne more of resale earns 2,000.
const BALANCE: &str = r#"
[demand]
Nd = 100
[suppliers.a]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 60 }
[suppliers.m]
country = "MY"
kind = "mine"
origin = { AU = 1 }
basket = { price_per_kg = 10, capacity_t = 400, composition = { Nd = 0.2, Ce = 0.5 } }
[policy.resale.Ce]
price_per_kg = 2
capacity_t = 100
"#;

#[test]
fn a_basket_s_surplus_is_resold_up_to_the_market_s_capacity() {
    let (s, out) = solve(BALANCE);
    close(out.objective, 5_000_000.0, TOLERANCE);
    close(out.plan().baskets_t[1], 400.0, TOLERANCE);
    close(out.plan().resold_t[0], 100.0, TOLERANCE);
    close(row(&s, &out, "demand[Nd]").shadow_price, 60_000.0, TOLERANCE);
    close(
        row(&s, &out, "basket_capacity[m]").shadow_price,
        -2_000.0,
        TOLERANCE,
    );
    close(
        row(&s, &out, "resale_capacity[Ce]").shadow_price,
        -2_000.0,
        TOLERANCE,
    );
    let plan = String::from_utf8(remopt::report::csv::plan(&s, &out)).unwrap();
    assert_eq!(
        plan.lines().skip(1).collect::<Vec<_>>(),
        [
            "Ce,m,m,MY,mine,200,,,,",
            "Nd,a,a,AU,mine,20,0.2,60,1200000,",
            "Nd,m,m,MY,mine,80,0.8,,,",
        ]
    );
    let baskets = String::from_utf8(remopt::report::baskets::baskets_csv(&s, &out.schedule)).unwrap();
    assert_eq!(baskets, "supplier,basket_t,price_per_kg,cost\nm,400,10,4000000\n");
    let surplus = String::from_utf8(remopt::report::baskets::surplus_csv(&s, &out.schedule)).unwrap();
    assert_eq!(surplus, "element,surplus_t,resold_t,revenue\nCe,200,100,200000\n");
    // summary.csv: Nd's cost covers the offer only; the TOTAL is net of
    // resale and counts both suppliers.
    let nd = &out.metrics.elements[0];
    close(nd.supplied_t, 100.0, TOLERANCE);
    close(nd.cost, 1_200_000.0, TOLERANCE);
    close(nd.mean_price_per_kg.unwrap(), 60.0, TOLERANCE);
    assert_eq!(nd.suppliers_used, 2);
    close(out.metrics.total.cost, 5_000_000.0, TOLERANCE);
    // Mined in AU either way; processed in AU (20 t) and MY (80 t).
    let stages = String::from_utf8(remopt::report::stages::stages_csv(&s, &out.schedule)).unwrap();
    assert_eq!(
        stages,
        "element,stage,country,quantity_t,share_of_supplied\nNd,mining,AU,100,1\nNd,processing,AU,20,0.2\nNd,processing,MY,80,0.8\n"
    );
}

/// A 70% supplier share cap counts the basket's part: m's Nd <= 70 t, so
/// 350 t of mix; a 30 t. Cost 3,500,000 + 1,800,000 - 200,000.
#[test]
fn the_supplier_share_counts_the_basket_part() {
    let (s, out) = solve(&format!("{BALANCE}[policy]\nmax_supplier_share = 0.7\n"));
    close(out.objective, 5_100_000.0, TOLERANCE);
    close(out.plan().baskets_t[1], 350.0, TOLERANCE);
    assert!(row(&s, &out, "supplier_share[m,Nd]").is_binding());
    // And the basket's supplier needs its contract: at 100,000 a year it
    // still pays.
    let (s, out) = solve(&BALANCE.replace("origin = { AU = 1 }", "origin = { AU = 1 }\nfixed_cost = 100000"));
    assert!(out.mip.is_some());
    close(out.objective, 5_100_000.0, 1e-6);
    assert!(out.plan().contracts[1]);
    assert!(out
        .constraints()
        .any(|c| c.info.id.name(&s) == "basket_contract[m]"));
}

#[test]
fn the_verifier_names_each_basket_row() {
    let s = common::scenario("baskets", BALANCE);
    let good = Plan {
        quantities_t: vec![20.0],
        shortfall_t: vec![0.0],
        contracts: vec![false; 2],
        baskets_t: vec![0.0, 400.0],
        resold_t: vec![100.0],
    };
    verify(&s, &good).unwrap();
    let cases: [(&str, [f64; 3]); 4] = [
        ("basket_capacity[m]", [20.0, 401.0, 100.0]),
        ("resale_capacity[Ce]", [20.0, 400.0, 101.0]),
        ("resale_source[Ce]", [80.0, 100.0, 60.0]),
        ("demand[Nd]", [19.0, 400.0, 100.0]),
    ];
    for (expected, [a, b, w]) in cases {
        let plan = Plan {
            quantities_t: vec![a],
            baskets_t: vec![0.0, b],
            resold_t: vec![w],
            ..good.clone()
        };
        assert_eq!(verify(&s, &plan).unwrap_err().constraint, expected);
    }
}

#[test]
fn baskets_and_resale_are_checked() {
    let base = format!("[scenario]\nname = \"b\"\n{BALANCE}");
    let cases = [
        (
            base.replace("Nd = 0.2, Ce = 0.5", "Nd = 0.6, Ce = 0.5"),
            "sum to 1.1, more than 1",
        ),
        (
            base.replace("Ce = 0.5 }", "Xx = 0.5 }"),
            "not a rare earth element",
        ),
        (
            base.replace("[policy.resale.Ce]", "[policy.resale.La]"),
            "no basket holds La",
        ),
        (
            base.replace("capacity_t = 100\n", ""),
            "missing field `capacity_t`",
        ),
        (
            base.replace(
                "price_per_kg = 10, capacity_t = 400",
                "price_per_kg = -1, capacity_t = 400",
            ),
            "basket.price_per_kg",
        ),
    ];
    for (text, expected) in cases {
        let err = remopt::scenario::parse(std::path::Path::new("b.toml"), text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
    // A basket alone is a source: Nd needs no offer.
    let only_basket = base
        .replace(
            "offers.Nd = { price_per_kg = 60 }\n",
            "offers.Dy = { price_per_kg = 60 }\n",
        )
        .replace("capacity_t = 400", "capacity_t = 600");
    let s = remopt::scenario::parse(std::path::Path::new("b.toml"), only_basket.as_bytes()).unwrap();
    let out = common::solve(&s);
    close(out.plan().baskets_t[1], 500.0, TOLERANCE);
    assert!(
        s.warnings.iter().all(|w| !w.contains("suppliers.m")),
        "{:?}",
        s.warnings
    );
}

/// `--set` and sweeps reach the new keys: a group's members, a group
/// rule's floor, the HHI cap and a basket's price.
#[test]
fn overrides_reach_groups_rules_hhi_and_baskets() {
    use remopt::scenario::overrides::Override;
    let text = format!(
        "[scenario]\nname = \"b\"\n{BALANCE}[groups]\nEU = [\"FR\"]\n[[policy.group_share]]\ngroup = \"EU\"\nmax = 0.9\n"
    );
    let file =
        remopt::scenario::ScenarioFile::from_bytes(std::path::Path::new("b.toml"), text.as_bytes()).unwrap();
    let overrides: Vec<Override> = [
        "groups.EU=[\"FR\",\"MY\"]",
        "policy.group_share.0.max=0.5",
        "policy.max_hhi=0.9",
        "suppliers.m.basket.price_per_kg=11",
    ]
    .iter()
    .map(|o| Override::parse(o).unwrap())
    .collect();
    let s = file.scenario(&overrides).unwrap();
    assert!(s.groups[0].members.contains("MY"));
    assert_eq!(s.policy.group_shares[0].max, Some(0.5));
    assert_eq!(s.elements[0].caps.max_hhi, Some(0.9));
    assert_eq!(s.suppliers[1].basket.as_ref().unwrap().price_per_kg, 11.0);
    // MY (the basket) may now hold at most half of Nd: 250 t of mix.
    let out = common::solve(&s);
    close(out.plan().baskets_t[1], 250.0, 1e-6);
}

/// Without a basket capacity, a contract's big-M must still allow the mix
/// that resale makes worth buying: with a contract of 1 the plan is the
/// free plan's, plus 1. A zero fraction is no source of its element.
#[test]
fn a_contract_allows_the_mix_resale_makes_worth_buying() {
    let body = BALANCE
        .replace("price_per_kg = 10, capacity_t = 400,", "price_per_kg = 10,")
        .replace("origin = { AU = 1 }", "origin = { AU = 1 }\nfixed_cost = 1");
    let (_, free) = solve(&body.replace("fixed_cost = 1", "fixed_cost = 0"));
    let (_, mip) = solve(&body);
    close(mip.objective, free.objective + 1.0, 1e-6);
    let zero = format!(
        "[scenario]\nname = \"z\"\n{}",
        body.replace("Ce = 0.5 }", "Ce = 0.5, Dy = 0 }")
            .replace("Nd = 100\n", "Nd = 100\nDy = 1\n")
    );
    let err = remopt::scenario::parse(std::path::Path::new("z.toml"), zero.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("Dy is demanded but no supplier offers it"), "{err}");
}
