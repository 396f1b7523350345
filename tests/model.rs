//! Row identities: unique in every model remopt builds, and rendered with
//! the scenario first, the family's indices, then the year.

mod common;

use remopt::model::{build, CountryCode, Family, RowId, Stage};
use remopt::scenario::load;
use std::path::Path;

#[test]
fn no_two_rows_share_an_identity_in_any_stage_of_any_shipped_model() {
    for name in [
        "japan",
        "eu",
        "usa",
        "japan-contracts",
        "eu-crma",
        "japan-2030",
        "japan-disruptions",
    ] {
        let scenario = load(&Path::new(common::ROOT).join(format!("inputs/{name}.toml"))).unwrap();
        let stages = [
            Stage::Cost,
            Stage::Risk,
            Stage::CostWithinRisk { risk_bound: 1.0 },
            Stage::MaxSupply {
                element: 0,
                year: 0,
                with_stock: true,
            },
            Stage::FewestRelaxations,
            Stage::SmallestRelaxations { count: 1.0 },
        ];
        for stage in stages {
            let layout = build(&scenario, stage, None).layout;
            assert_eq!(layout.duplicate_row(), None, "{name} {stage:?}");
            let names: std::collections::HashSet<String> =
                layout.rows.iter().map(|r| r.id.name(&scenario)).collect();
            assert_eq!(
                names.len(),
                layout.rows.len(),
                "{name} {stage:?}: two rows share a name"
            );
        }
    }
}

#[test]
fn names_put_the_scenario_first_and_the_year_last() {
    let scenario = common::scenario("n", "[demand]\nNd = 1\n[suppliers.a]\ncountry = \"CN\"\nkind = \"mine\"\noffers.Nd = { price_per_kg = 1 }\n");
    let share = Family::CountryShare {
        country: CountryCode::new("CN"),
        element: 0,
    };
    assert_eq!(RowId::from(share).name(&scenario), "country_share[CN,Nd]");
    let in_year = RowId {
        year: Some(2027),
        ..RowId::from(share)
    };
    assert_eq!(in_year.name(&scenario), "country_share[CN,Nd,2027]");
    // A disruption's rows carry its name first.
    let disrupted = common::scenario(
        "n",
        "[demand]\nNd = 1\n[suppliers.a]\ncountry = \"CN\"\nkind = \"mine\"\noffers.Nd = { price_per_kg = 1 }\n[policy]\nshortfall_penalty_per_kg = 5\n[[disruptions]]\nname = \"embargo\"\nprobability = 0.1\n",
    );
    let budget = RowId {
        year: Some(2027),
        scenario: Some(1),
        ..RowId::from(Family::Budget)
    };
    assert_eq!(budget.name(&disrupted), "budget[embargo,2027]");
    assert_eq!(RowId::from(Family::Budget).name(&scenario), "budget");
    let offer = RowId::from(Family::TierOrder { offer: 0, band: 2 });
    assert_eq!(offer.name(&scenario), "tier_order[a,Nd,2]");
    assert_eq!(
        offer.csv_fields(&scenario),
        ["tier_order[a,Nd,2]", "tier_order", "Nd", "a"].map(String::from)
    );
}
