//! Physical sense of the shipped data: every scenario of `inputs/` is held
//! to three rules against the world and country figures below, so that an
//! edit cannot make a buyer take half the world's dysprosium, or a plant sell
//! more of an element than its feed holds, without a test failing.
//!
//! 1. A buyer's demand for an element is at most [`MAX_BUYER_SHARE`] of the
//!    world's yearly output of it ([`WORLD`]).
//! 2. A supplier's capacity for an element, summed over the entries that sell
//!    one plant's output, is at most that plant's feed times the element's
//!    share of it ([`FEED`]).
//! 3. No single offer exceeds its processing country's yearly output of the
//!    element ([`COUNTRY`]).
//!
//! Every figure is the one `inputs/README.md` cites, with its source number
//! there ("Physical sense" section). A stockpile release is not production
//! and is exempt from rules 2 and 3; China's offers are checked against
//! China's output (rule 3), which is their feed.

mod common;

use common::ROOT;
use remopt::scenario::{load, parse, Scenario, SupplierKind};
use std::path::Path;

/// Every shipped scenario, feasible or not. In `japan-disruptions` China's
/// offers are capped at Japan's demand for the element each year (what a
/// disruption's `capacity_factor` scales), well below China's output.
const SHIPPED: [&str; 8] = [
    "japan",
    "japan-status-quo",
    "japan-contracts",
    "japan-2030",
    "japan-disruptions",
    "eu",
    "eu-crma",
    "usa",
];

/// The largest share of the world's output of an element one buyer may
/// demand. Japan, the largest magnet maker outside China, made 19.3% of the
/// world's sintered NdFeB magnets in 2010 [77]; no buyer in these files is
/// larger, and the figures these rules were written against took 46-49% of
/// the world's Dy and Tb.
const MAX_BUYER_SHARE: f64 = 0.20;

/// NdPr oxide made in a year: China 7,325 t a month x 12 (Jun 2024 [64]),
/// Lynas 6,558 t (FY25 [9]), MP Materials 1,300 t (2024 [1]).
const WORLD_NDPR_T: f64 = 7_325.0 * 12.0 + 6_558.0 + 1_300.0;

/// World output of each element, tonnes of oxide a year.
const WORLD: [(&str, f64); 6] = [
    // 390,000 t mined in 2024 [1] x 45% Ce (light ores hold 47-50% Ce [51];
    // less for the heavy clays).
    ("Ce", 390_000.0 * 0.45),
    // NdPr split 3:1 (the files' assumption).
    ("Nd", WORLD_NDPR_T * 0.75),
    ("Pr", WORLD_NDPR_T * 0.25),
    // China, 214 t a month x 12 (Jun 2024 [64]); Lynas, the only separator
    // outside China, started in May 2025 [33].
    ("Dy", 214.0 * 12.0),
    // China, 40.8 t a month x 12 (Jun 2024 [64]).
    ("Tb", 40.8 * 12.0),
    // The low end of 7,000-9,000 t (2025 [68], a weak source).
    ("Y", 7_000.0),
];

/// Oxide per tonne of metal: Nd2O3/2Nd, Pr2O3/2Pr, Dy2O3/2Dy.
const ND_OXIDE: f64 = 1.166;
const PR_OXIDE: f64 = 1.170;
const DY_OXIDE: f64 = 1.148;

/// Lynas's FY25 output, t of oxide [9]: all of it, its NdPr, and the La+Ce
/// left once the heavy circuit's 1,500 t of feed is taken out [28].
const LYNAS_REO_T: f64 = 10_462.0;
const LYNAS_NDPR_T: f64 = 6_558.0;
const LYNAS_LA_CE_T: f64 = LYNAS_REO_T - LYNAS_NDPR_T - 1_500.0;

/// The plant an entry sells from: two entries of one plant share its feed.
fn plant(supplier: &str) -> &str {
    match supplier {
        "lynas-second-tranche" => "lynas",
        other => other,
    }
}

/// Rule 2: `(plant, element, first year, tonnes)`, the most a plant's feed
/// can yield of an element from that year on: feed x the element's share of
/// it (for magnets, the metal's share x its oxide factor).
fn feed_bound(plant: &str, element: &str, year: i64) -> Option<f64> {
    let after = |from: i64| year >= from;
    let bound = match (plant, element) {
        // La:Ce 1:2 of what is left [9][28]; NdPr 3:1 [9].
        ("lynas", "Ce") => LYNAS_LA_CE_T * 2.0 / 3.0,
        ("lynas", "Nd") => LYNAS_NDPR_T * 0.75,
        ("lynas", "Pr") => LYNAS_NDPR_T * 0.25,
        // Heavy feed 1,500 t/yr [28][33], 5,000 t/yr from 2028 [62]; about
        // 5% Dy and 1% Tb of the feed processed [62].
        ("lynas", "Dy") => (if after(2028) { 5_000.0 } else { 1_500.0 }) * 0.05,
        ("lynas", "Tb") => (if after(2028) { 5_000.0 } else { 1_500.0 }) * 0.01,
        // 2,000 t/yr of magnets [69] at most 30% Nd and 7% Pr [27].
        ("caremag-recycling", "Nd") => 2_000.0 * 0.30 * ND_OXIDE,
        ("caremag-recycling", "Pr") => 2_000.0 * 0.07 * PR_OXIDE,
        // 5,000 t/yr of concentrate [69], at most 15% Sm-Dy (ionic clays
        // [52]), plus 2,000 t of magnets at most 6% Dy [27].
        ("caremag-refining", "Dy") => 5_000.0 * 0.15 + 2_000.0 * 0.06 * DY_OXIDE,
        ("caremag-refining", "Tb") => 5_000.0 * 0.15,
        // 200 t/yr of magnets (mid of 100-300+ [47]); 100 t/yr [48].
        ("hypromag", "Nd") => 200.0 * 0.30 * ND_OXIDE,
        ("hypromag", "Pr") => 200.0 * 0.07 * PR_OXIDE,
        ("cyclic-materials", "Nd") => 100.0 * 0.30 * ND_OXIDE,
        ("cyclic-materials", "Pr") => 100.0 * 0.07 * PR_OXIDE,
        // Russia's whole mine output, 2,500 t [1]: light ore, Ce 50% [51],
        // Nd 15% and Pr 5% [54].
        ("silmet", "Ce") => 2_500.0 * 0.50,
        ("silmet", "Nd") => 2_500.0 * 0.15,
        ("silmet", "Pr") => 2_500.0 * 0.05,
        // 17,500 t/yr of oxides from 2027 [35], at the world's resource
        // shares Nd 15%, Pr 5%, Dy 0.52% [54], Tb at Dy x 45/250 [24].
        ("iluka-eneabba", e) if after(2027) => {
            17_500.0
                * match e {
                    "Nd" => 0.15,
                    "Pr" => 0.05,
                    "Dy" => 0.0052,
                    "Tb" => 0.0052 * 45.0 / 250.0,
                    _ => return None,
                }
        }
        ("iluka-eneabba", _) => 0.0,
        // 45,000 t of oxide in concentrate mined in 2024 [1] at Nd 15%,
        // Pr 5% [54].
        ("mp-materials", "Nd") => 45_000.0 * 0.15,
        ("mp-materials", "Pr") => 45_000.0 * 0.05,
        _ => return None,
    };
    Some(bound)
}

/// Rule 3: a country's output of an element in `year`, tonnes of oxide: the
/// separation (or recycling) plants the data knows there.
fn country_output(country: &str, element: &str, year: i64) -> Option<f64> {
    let after = |from: i64| year >= from;
    let china_ndpr = 7_325.0 * 12.0;
    let output = match (country, element) {
        // China's 2024 mine quota, 270,000 t [1], x 45% Ce; SMM's monthly
        // output x 12 [64]; yttrium as the world's [68].
        ("CN", "Ce") => 270_000.0 * 0.45,
        ("CN", "Nd") => china_ndpr * 0.75,
        ("CN", "Pr") => china_ndpr * 0.25,
        ("CN", "Dy") => 214.0 * 12.0,
        ("CN", "Tb") => 40.8 * 12.0,
        ("CN", "Y") => 7_000.0,
        // Lynas at Kuantan, the only separator in Malaysia [28][32].
        ("MY", "Ce" | "Nd" | "Pr") => feed_bound("lynas", element, year)?,
        ("MY", "Dy" | "Tb") => feed_bound("lynas", element, year)?,
        // Iluka's Eneabba refinery, from 2027 [35]; nothing is separated in
        // Australia before it (Lynas separates in Malaysia).
        ("AU", "Nd" | "Pr" | "Dy" | "Tb") => feed_bound("iluka-eneabba", element, year)?,
        // Caremag at Lacq, from its start-up at the end of 2026 [69]:
        // 650 t Nd, 150 t Pr, 500 t Dy, 90 t Tb at run rate.
        ("FR", e) => match e {
            _ if !after(2027) => 0.0,
            "Nd" => 650.0,
            "Pr" => 150.0,
            "Dy" => 500.0,
            "Tb" => 90.0,
            _ => return None,
        },
        // MP Materials: 721 t NdPr in Q3 2025 x 4 [42], split 3:1.
        ("US", "Nd") => 721.0 * 4.0 * 0.75,
        ("US", "Pr") => 721.0 * 4.0 * 0.25,
        // HyProMag at its top rate, 300 t/yr of magnets [47], at the mid
        // contents 25% Nd and 3.75% Pr [27].
        ("GB", "Nd") => 300.0 * 0.25 * ND_OXIDE,
        ("GB", "Pr") => 300.0 * 0.0375 * PR_OXIDE,
        // Cyclic Materials, 100 t/yr of magnets [48].
        ("CA", "Nd") => 100.0 * 0.25 * ND_OXIDE,
        ("CA", "Pr") => 100.0 * 0.0375 * PR_OXIDE,
        // Silmet, about 3,000 t/yr of oxides [74], light ore shares.
        ("EE", "Ce") => 3_000.0 * 0.50,
        ("EE", "Nd") => 3_000.0 * 0.15,
        ("EE", "Pr") => 3_000.0 * 0.05,
        _ => return None,
    };
    Some(output)
}

fn world(element: &str) -> f64 {
    WORLD
        .iter()
        .find(|(e, _)| *e == element)
        .unwrap_or_else(|| panic!("no world output for {element}: add it to WORLD"))
        .1
}

/// The years of `scenario`, each with its scenario.
fn years(scenario: &Scenario) -> Vec<(i64, &Scenario)> {
    scenario
        .slices()
        .iter()
        .enumerate()
        .map(|(t, slice)| {
            let year = scenario
                .year_label(t)
                .or(scenario.year)
                .expect("every shipped scenario has a year");
            (year, slice)
        })
        .collect()
}

/// Rule 1's violations.
fn demand_beyond_world_share(scenario: &Scenario) -> Vec<String> {
    let mut broken = Vec::new();
    for (year, slice) in years(scenario) {
        for element in &slice.elements {
            let share = element.demand_t / world(&element.symbol);
            if share > MAX_BUYER_SHARE {
                broken.push(format!(
                    "{} {year}: demand for {} is {} t, {:.0}% of world output",
                    scenario.name,
                    element.symbol,
                    element.demand_t,
                    100.0 * share
                ));
            }
        }
    }
    broken
}

fn is_stockpile(scenario: &Scenario, supplier: usize) -> bool {
    scenario.suppliers[supplier].kind == SupplierKind::Stockpile
}

/// Rule 2's violations.
fn capacity_beyond_feed(scenario: &Scenario) -> Vec<String> {
    let mut broken = Vec::new();
    for (year, slice) in years(scenario) {
        let mut by_plant: std::collections::BTreeMap<(&str, &str), f64> = Default::default();
        for offer in &slice.offers {
            let supplier = &slice.suppliers[offer.supplier];
            if is_stockpile(slice, offer.supplier) || supplier.country.as_deref() == Some("CN") {
                continue;
            }
            let capacity = offer.capacity_t.unwrap_or_else(|| {
                panic!(
                    "{} {year}: {}'s offer has no capacity",
                    scenario.name, supplier.id
                )
            });
            let element = slice.elements[offer.element].symbol.as_str();
            *by_plant.entry((plant(&supplier.id), element)).or_default() += capacity;
        }
        for ((plant, element), capacity) in by_plant {
            let bound = feed_bound(plant, element, year)
                .unwrap_or_else(|| panic!("no feed for {plant}'s {element}: add it to feed_bound"));
            if capacity > bound * (1.0 + 1e-9) {
                broken.push(format!(
                    "{} {year}: {plant} offers {capacity} t of {element}, its feed holds {bound:.1} t",
                    scenario.name
                ));
            }
        }
    }
    broken
}

/// Rule 3's violations.
fn offer_beyond_country_output(scenario: &Scenario) -> Vec<String> {
    let mut broken = Vec::new();
    for (year, slice) in years(scenario) {
        for offer in &slice.offers {
            if is_stockpile(slice, offer.supplier) {
                continue;
            }
            let supplier = &slice.suppliers[offer.supplier];
            let country = supplier.country.as_deref().expect("no substitute is shipped");
            let element = slice.elements[offer.element].symbol.as_str();
            let capacity = offer.capacity_t.unwrap_or(f64::INFINITY);
            let output = country_output(country, element, year)
                .unwrap_or_else(|| panic!("no output of {element} in {country}: add it to country_output"));
            if capacity > output * (1.0 + 1e-9) {
                broken.push(format!(
                    "{} {year}: {} offers {capacity} t of {element}, {country} makes {output:.1} t",
                    scenario.name, supplier.id
                ));
            }
        }
    }
    broken
}

fn shipped(name: &str) -> Scenario {
    load(&Path::new(ROOT).join("inputs").join(format!("{name}.toml"))).unwrap()
}

/// `inputs/<name>.toml` with `from` replaced by `to` (once, and it must be there).
fn edited(name: &str, from: &str, to: &str) -> Scenario {
    let path = Path::new(ROOT).join("inputs").join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {name}.toml");
    parse(&path, text.replace(from, to).as_bytes()).unwrap()
}

#[test]
fn no_buyer_demands_more_than_a_fifth_of_the_world_s_output_of_an_element() {
    for name in SHIPPED {
        let broken = demand_beyond_world_share(&shipped(name));
        assert!(broken.is_empty(), "{broken:#?}");
    }
    // Japan's largest share is yttrium's, 1,160 of about 7,000 t.
    let japan = shipped("japan");
    let y = japan.elements.iter().find(|e| e.symbol == "Y").unwrap();
    assert!((y.demand_t / world("Y") - 0.1657).abs() < 1e-3);
}

#[test]
fn no_plant_offers_more_of_an_element_than_its_feed_holds() {
    for name in SHIPPED {
        let broken = capacity_beyond_feed(&shipped(name));
        assert!(broken.is_empty(), "{broken:#?}");
    }
}

#[test]
fn no_offer_exceeds_its_country_s_output_of_the_element() {
    for name in SHIPPED {
        let broken = offer_beyond_country_output(&shipped(name));
        assert!(broken.is_empty(), "{broken:#?}");
    }
}

/// The rules catch the figures they were written against (inputs/README.md,
/// "What changed"): each old number, put back alone, breaks one.
#[test]
fn the_rules_reject_the_figures_they_replaced() {
    // Japan's Dy read from "about 20%" of Iwatani's 250 t: 49% of the world's.
    let old_demand = edited("japan", "Dy = 162.5 ", "Dy = 1250 ");
    assert_eq!(demand_beyond_world_share(&old_demand).len(), 1);
    // Lynas's Dy to Japan as 30% of that demand: 375 t from a circuit whose
    // feed holds 75 t.
    let old_lynas = edited(
        "japan",
        "offers.Dy = { price_per_kg = 850, capacity_t = 48.75 }",
        "offers.Dy = { price_per_kg = 850, capacity_t = 375 }",
    );
    assert_eq!(capacity_beyond_feed(&old_lynas).len(), 1);
    // Cyclic Materials' 100 t read as oxide: 75 t of Nd from 100 t of magnets.
    let old_cyclic = edited(
        "usa",
        "offers.Nd = { price_per_kg = 94, capacity_t = 29.15 }",
        "offers.Nd = { price_per_kg = 94, capacity_t = 75 }",
    );
    assert_eq!(capacity_beyond_feed(&old_cyclic).len(), 1);
    // China's Tb capped at its whole mine quota.
    let old_china = edited(
        "eu",
        "offers.Tb = { price_per_kg = 2000, capacity_t = 103 }",
        "offers.Tb = { price_per_kg = 2000, capacity_t = 270000 }",
    );
    assert_eq!(offer_beyond_country_output(&old_china).len(), 1);
    // China's yttrium to Japan without any capacity, as japan-disruptions had
    // it: an offer no country's output bounds, in each of the five years.
    let uncapped = edited(
        "japan-disruptions",
        "offers.Y = { price_per_kg = 150, capacity_t = 1160 }",
        "offers.Y = { price_per_kg = 150 }",
    );
    assert_eq!(offer_beyond_country_output(&uncapped).len(), 5);
}
