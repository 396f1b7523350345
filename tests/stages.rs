//! Supply-chain stages, country groups and substitutes, on hand-solvable
//! scenarios: the optimum and the shadow price of each new cap are worked
//! out in the comment above each test (prices per kg: one tonne at 10 $/kg
//! costs 10,000).

mod common;

use common::{close, quantity, row};
use remopt::pipeline::{optimise, Failure, Outcome, SolveSettings};
use remopt::report::stages::stages_csv;
use remopt::scenario::{parse, Scenario};
use std::path::Path;

const TOLERANCE: f64 = 1e-7;

fn solve(body: &str) -> (Scenario, Outcome) {
    common::solved("stages", body)
}

/// `a` processes in MY what was mined in AU, at 10; `b` processes and mines
/// in CN, at 20; demand 100 t of Nd.
const MY_AND_CN: &str = r#"
[demand]
Nd = 100
[suppliers.a]
country = "MY"
kind = "refiner"
origin = { AU = 1 }
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "CN"
kind = "refiner"
offers.Nd = { price_per_kg = 20 }
"#;

/// Australia may mine at most 30% of Nd: a takes 30 t, b 70 t, cost
/// 300,000 + 1,400,000. One more tonne of the AU cap saves 20,000 - 10,000.
#[test]
fn a_mining_cap_binds_on_the_origin_not_the_processing_country() {
    let body = format!("{MY_AND_CN}[policy.elements.Nd]\nmining_share = {{ AU = 0.3 }}\n");
    let (s, out) = solve(&body);
    close(quantity(&s, &out, "a", "Nd"), 30.0, TOLERANCE);
    close(out.objective, 1_700_000.0, TOLERANCE);
    close(
        row(&s, &out, "mining_share[AU,Nd]").shadow_price,
        -10_000.0,
        TOLERANCE,
    );
    // A processing-stage cap on AU does not touch `a`, which processes in MY.
    let body = format!("{MY_AND_CN}[policy.elements.Nd]\ncountry_share = {{ AU = 0.3 }}\n");
    assert!(solve(&body).1.objective <= 1_000_000.0 + 1e-3);
}

/// Half of a's feed is Australian: 0.5 x_a <= 30, so a takes 60 t, b 40 t,
/// cost 600,000 + 800,000; the cap's tonne is worth two tonnes of a:
/// -2 x 10,000.
#[test]
fn a_mixed_origin_counts_its_fraction() {
    let mixed = MY_AND_CN.replace("origin = { AU = 1 }", "origin = { AU = 0.5, MY = 0.5 }");
    let (s, out) = solve(&format!(
        "{mixed}[policy.elements.Nd]\nmining_share = {{ AU = 0.3 }}\n"
    ));
    close(quantity(&s, &out, "a", "Nd"), 60.0, TOLERANCE);
    close(out.objective, 1_400_000.0, TOLERANCE);
    close(
        row(&s, &out, "mining_share[AU,Nd]").shadow_price,
        -20_000.0,
        TOLERANCE,
    );
    // A default cap of 40% holds AU and MY (half of a each) and CN (b):
    // a <= 80 and b <= 40, so a = 80 and b = 20.
    let (s, out) = solve(&format!("{mixed}[policy]\nmax_mining_share = 0.4\n"));
    close(quantity(&s, &out, "a", "Nd"), 80.0, TOLERANCE);
    assert!(row(&s, &out, "mining_share[AU,Nd]").is_binding());
    assert!(row(&s, &out, "mining_share[MY,Nd]").is_binding());
    assert!(!row(&s, &out, "mining_share[CN,Nd]").is_binding());
}

/// At least 40% processed in the EU (b, FR, at 20; a in CN at 10): b 40 t,
/// a 60 t, cost 600,000 + 800,000; raising the floor one tonne costs
/// 20,000 - 10,000.
#[test]
fn a_group_floor_at_the_processing_stage() {
    let body = r#"
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
offers.Nd = { price_per_kg = 20 }
[[policy.group_share]]
group = "EU"
min = 0.4
"#;
    let (s, out) = solve(body);
    close(quantity(&s, &out, "b", "Nd"), 40.0, TOLERANCE);
    close(out.objective, 1_400_000.0, TOLERANCE);
    close(
        row(&s, &out, "group_min[EU,processing,Nd]").shadow_price,
        10_000.0,
        TOLERANCE,
    );
    // The same floor at the mining stage: nothing is mined in the EU.
    let mining = body.replace("min = 0.4", "stage = \"mining\"\nmin = 0.4");
    let scenario = common::scenario("stages", &mining);
    assert!(matches!(
        optimise(&scenario, &SolveSettings::default()),
        Err(Failure::Infeasible)
    ));
}

/// Allies (AU) may mine at most half: a (MY, mined in AU, 10) takes 50 t.
#[test]
fn a_group_cap_at_the_mining_stage() {
    let body = format!(
        "{MY_AND_CN}[groups]\nallies = [\"AU\", \"US\"]\n[[policy.group_share]]\ngroup = \"allies\"\nstage = \"mining\"\nmax = 0.5\n"
    );
    let (s, out) = solve(&body);
    close(quantity(&s, &out, "a", "Nd"), 50.0, TOLERANCE);
    close(
        row(&s, &out, "group_max[allies,mining,Nd]").shadow_price,
        -10_000.0,
        TOLERANCE,
    );
}

/// A substitute (grain-boundary diffusion, 15 $/kg avoided, 10 t) belongs
/// to no country: China's 50% cap counts a (CN, 10) only, so the plan is
/// a 50, s 10, b (AU, 20) 40: 500,000 + 150,000 + 800,000.
#[test]
fn a_substitute_counts_toward_demand_but_no_country() {
    let body = r#"
[demand]
Nd = 100
[countries.CN]
max_share = 0.5
[suppliers.a]
country = "CN"
kind = "mine"
risk = 0.5
offers.Nd = { price_per_kg = 10 }
[suppliers.b]
country = "AU"
kind = "mine"
risk = 0.5
offers.Nd = { price_per_kg = 20 }
[suppliers.s]
kind = "substitute"
offers.Nd = { price_per_kg = 15, capacity_t = 10 }
[policy]
max_avg_risk = 0.9
"#;
    let (s, out) = solve(body);
    close(quantity(&s, &out, "s", "Nd"), 10.0, TOLERANCE);
    close(quantity(&s, &out, "a", "Nd"), 50.0, TOLERANCE);
    close(out.objective, 1_450_000.0, TOLERANCE);
    // Its risk defaults to 0 (the mean-risk cap needs every risk known).
    assert_eq!(s.suppliers[2].risk, Some(0.0));
    let stages = String::from_utf8(stages_csv(&s, &out.schedule)).unwrap();
    assert_eq!(
        stages,
        "element,stage,country,quantity_t,share_of_supplied\n\
         Nd,mining,--,10,0.1\nNd,mining,AU,40,0.4\nNd,mining,CN,50,0.5\n\
         Nd,processing,--,10,0.1\nNd,processing,AU,40,0.4\nNd,processing,CN,50,0.5\n"
    );
    let plan = String::from_utf8(remopt::report::csv::plan(&s, &out)).unwrap();
    assert!(
        plan.contains("\nNd,s,s,,substitute,10,0.1,15,150000,0\n"),
        "{plan}"
    );
}

/// Recyclers and stockpiles have no mining country by default; mines and
/// refiners were mined where they process.
#[test]
fn origins_default_by_kind_and_are_checked() {
    let body = r#"
[demand]
Nd = 10
[suppliers.m]
country = "AU"
kind = "mine"
offers.Nd = { price_per_kg = 10, capacity_t = 4 }
[suppliers.r]
country = "FR"
kind = "recycler"
offers.Nd = { price_per_kg = 20 }
"#;
    let (s, out) = solve(body);
    let stages = String::from_utf8(stages_csv(&s, &out.schedule)).unwrap();
    assert!(
        stages.contains("Nd,mining,--,6,0.6\nNd,mining,AU,4,0.4\n"),
        "{stages}"
    );
    let bad = [
        (
            body.replace(
                "kind = \"mine\"",
                "kind = \"mine\"\norigin = { AU = 0.5, CN = 0.4 }",
            ),
            "the origin fractions sum to 0.9, not 1",
        ),
        (
            body.replace("kind = \"mine\"", "kind = \"substitute\""),
            "a substitute (demand avoided by substitution or thrift) belongs to no country",
        ),
        (body.replace("country = \"AU\"\n", ""), "needs `country"),
        (
            body.replace("capacity_t = 4 }", "capacity_t = 4, origin = { au = 1 } }"),
            "two upper-case letters",
        ),
    ];
    for (text, expected) in bad {
        let text = format!("[scenario]\nname = \"o\"\n{text}");
        let err = parse(Path::new("o.toml"), text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
}

#[test]
fn group_rules_name_known_groups_and_sensible_shares() {
    let base = format!("[scenario]\nname = \"g\"\n{MY_AND_CN}[groups]\nEU = [\"FR\"]\n");
    let cases = [
        (
            "[[policy.group_share]]\ngroup = \"EUR\"\nmin = 0.4\n",
            "no group \"EUR\" in [groups]; known groups: EU",
        ),
        (
            "[[policy.group_share]]\ngroup = \"EU\"\n",
            "give `min` and/or `max`",
        ),
        (
            "[[policy.group_share]]\ngroup = \"EU\"\nmin = 0.5\nmax = 0.4\n",
            "min (0.5) must not exceed max (0.4)",
        ),
        (
            "[[policy.group_share]]\ngroup = \"EU\"\nmax = 1.5\n",
            "between 0 and 1",
        ),
        (
            "[[policy.group_share]]\ngroup = \"EU\"\nstage = \"refining\"\nmax = 0.5\n",
            "mining",
        ),
    ];
    for (rule, expected) in cases {
        let text = format!("{base}{rule}");
        let err = parse(Path::new("g.toml"), text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
}

/// `*` matches every index of an array of tables, as it matches every key
/// of a table: doubling every tier's price doubles the cost, and every
/// group rule's floor can be set at once.
#[test]
fn a_wildcard_matches_every_index_of_an_array_of_tables() {
    use remopt::scenario::overrides::Override;
    let text = r#"[scenario]
name = "w"
[demand]
Nd = 100
[groups]
EU = ["FR"]
[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { tiers = [ { up_to_t = 50, price_per_kg = 10 }, { price_per_kg = 12 } ] }
[suppliers.f]
country = "FR"
kind = "mine"
offers.Nd = { price_per_kg = 30 }
[[policy.group_share]]
group = "EU"
min = 0.1
[[policy.group_share]]
group = "EU"
stage = "mining"
min = 0.2
"#;
    let file = remopt::scenario::ScenarioFile::from_bytes(Path::new("w.toml"), text.as_bytes()).unwrap();
    let overrides: Vec<Override> = [
        "suppliers.a.offers.Nd.tiers.*.price_per_kg*=2",
        "policy.group_share.*.min=0",
    ]
    .iter()
    .map(|o| Override::parse(o).unwrap())
    .collect();
    let s = file.scenario(&overrides).unwrap();
    assert!(s.policy.group_shares.iter().all(|g| g.min == Some(0.0)));
    // 50 t at 20 and 50 t at 24; no EU floor left.
    close(common::solve(&s).objective, 2_200_000.0, TOLERANCE);
}
