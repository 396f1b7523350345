//! Synthetic scenarios of any size, for benchmarks and tests.
//!
//! The text is a real scenario file (docs/scenario.md), so it goes through the same
//! loader as a planner's. Numbers come from a fixed linear congruential
//! sequence: the same arguments always give the same file.

use crate::elements::RARE_EARTHS;
use std::fmt::Write;

const COUNTRIES: [&str; 12] = [
    "CN", "AU", "US", "MM", "MY", "VN", "FR", "EE", "BR", "IN", "CA", "UA",
];

/// A scenario with the first `elements` rare earths (at most 17), each
/// offered by every one of `suppliers` suppliers, with every kind of LP cap
/// set so that each constraint family appears.
pub fn scenario_toml(elements: usize, suppliers: usize) -> String {
    generate(elements, suppliers, false, 1, None)
}

/// The same scenario with its offers in a price list (the scenario file
/// and the list, to be saved as `offers.csv` beside it): how a planner
/// keeps thousands of offers.
pub fn scenario_with_price_list(elements: usize, suppliers: usize) -> (String, String) {
    let mut list = String::from("supplier,element,price_per_kg,capacity_t,min_order_t\n");
    let text = generate(elements, suppliers, false, 1, Some(&mut list));
    (text, list)
}

/// The same scenario over `years` years from 2026 (at least 2): demand
/// growing 3% a year, every tenth supplier opening in the second year and
/// every tenth (from the fifth) ramping its capacity up by half from the
/// third, and a stockpile of the first two elements held to 30 days.
pub fn horizon_toml(elements: usize, suppliers: usize, years: usize) -> String {
    generate(elements, suppliers, false, years.max(2), None)
}

/// The same scenario with yes/no decisions: a yearly contract cost per
/// supplier and a minimum lot per offer, so that HiGHS has to branch.
pub fn contracts_toml(elements: usize, suppliers: usize) -> String {
    generate(elements, suppliers, true, 1, None)
}

const FIRST_YEAR: usize = 2026;

/// The scenario's text; with `price_list`, its offers go there as CSV rows.
fn generate(
    elements: usize,
    suppliers: usize,
    contracts: bool,
    years: usize,
    mut price_list: Option<&mut String>,
) -> String {
    let elements = &RARE_EARTHS[..elements.min(RARE_EARTHS.len())];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut text = String::with_capacity(200 * elements.len() * suppliers);
    let per_element_capacity = 40.0;
    let kind = if contracts {
        "synthetic-contracts"
    } else {
        "synthetic"
    };
    let _ = writeln!(
        text,
        "[scenario]\nname = \"{kind}-{}x{suppliers}\"\n",
        elements.len()
    );
    if price_list.is_some() {
        text.push_str("[data]\noffers_csv = \"offers.csv\"\n\n");
    }
    if years > 1 {
        let list: Vec<String> = (0..years).map(|t| (FIRST_YEAR + t).to_string()).collect();
        let _ = writeln!(
            text,
            "[horizon]\nyears = [{}]\ndiscount_rate = 0.05\n",
            list.join(", ")
        );
    }
    text.push_str("[demand]\n");
    for symbol in elements {
        // Demand at about a third of what all suppliers could sell.
        let _ = writeln!(
            text,
            "{symbol} = {:.0}",
            per_element_capacity * suppliers as f64 * (0.25 + 0.1 * next())
        );
    }
    text.push('\n');
    if years > 1 {
        text.push_str("[demand.growth]\n");
        for symbol in elements {
            let _ = writeln!(text, "{symbol} = 0.03");
        }
        text.push_str("\n[stockpile]\n");
        let stocked = &elements[..elements.len().min(2)];
        let table = |value: &str| {
            let entries: Vec<String> = stocked.iter().map(|e| format!("{e} = {value}")).collect();
            format!("{{ {} }}", entries.join(", "))
        };
        let _ = writeln!(
            text,
            "target_days = {}\nholding_cost_per_kg = {}\n",
            table("30"),
            table("1.5")
        );
    }
    for (i, code) in COUNTRIES.iter().enumerate() {
        let _ = writeln!(text, "[countries.{code}]\nrisk = {:.3}", 0.15 + 0.07 * i as f64);
    }
    for s in 0..suppliers {
        let country = COUNTRIES[s % COUNTRIES.len()];
        let kind = if s % 10 == 9 { "recycler" } else { "mine" };
        let _ = writeln!(
            text,
            "\n[suppliers.s{s}]\ncountry = \"{country}\"\nkind = \"{kind}\"\ncapacity_t = {:.0}",
            per_element_capacity * elements.len() as f64 * 0.6
        );
        if contracts {
            let _ = writeln!(text, "fixed_cost = {:.0}", 2e5 + 2e6 * next());
        }
        if years > 1 && s % 10 == 0 {
            let _ = writeln!(text, "available_from = {}", FIRST_YEAR + 1);
        }
        if years > 2 && s % 10 == 5 {
            let _ = writeln!(
                text,
                "capacity_by_year = {{ {} = {:.0} }}",
                FIRST_YEAR + 2,
                per_element_capacity * elements.len() as f64 * 0.9
            );
        }
        for symbol in elements {
            let (price, capacity) = (20.0 + 80.0 * next(), per_element_capacity * (0.5 + next()));
            if let Some(list) = price_list.as_deref_mut() {
                let _ = writeln!(list, "s{s},{symbol},{price:.2},{capacity:.0},");
            } else if contracts {
                let _ = writeln!(
                    text,
                    "offers.{symbol} = {{ price_per_kg = {price:.2}, capacity_t = {capacity:.0}, min_order_t = {:.0} }}",
                    capacity * 0.3
                );
            } else {
                let _ = writeln!(
                    text,
                    "offers.{symbol} = {{ price_per_kg = {price:.2}, capacity_t = {capacity:.0} }}"
                );
            }
        }
    }
    let _ = writeln!(
        text,
        "\n[policy]\nmax_country_share = 0.3\nmax_supplier_share = 0.05\nmax_avg_risk = 0.5\nmin_recycled_share = 0.02\nshortfall_penalty_per_kg = 500"
    );
    text
}

/// `count` disruptions to append to a scenario's text: each cuts one of
/// `countries` (in turn) to a pseudo-random share of its capacity and
/// raises everyone's spot price, with probabilities summing to 0.8; with
/// `years` (a horizon's), each lasts two consecutive of them.
pub fn disruptions_toml(count: usize, countries: &[&str], years: Option<&[i64]>) -> String {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut text = String::with_capacity(200 * count);
    for i in 0..count {
        let _ = writeln!(
            text,
            "\n[[disruptions]]\nname = \"d{i}\"\nprobability = {}",
            0.8 / count as f64
        );
        if let Some(years) = years.filter(|y| y.len() > 1) {
            let start = i % (years.len() - 1);
            let _ = writeln!(text, "years = [{}, {}]", years[start], years[start + 1]);
        }
        let _ = writeln!(
            text,
            "[[disruptions.effects]]\ncountries = [\"{}\"]\ncapacity_factor = {:.2}\n[[disruptions.effects]]\ncountries = [{}]\nprice_factor = {:.2}",
            countries[i % countries.len()],
            0.5 * next(),
            countries.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
            1.0 + next()
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_valid_deterministic_scenario() {
        let text = scenario_toml(3, 25);
        assert_eq!(text, scenario_toml(3, 25));
        let s = crate::scenario::parse(std::path::Path::new("synthetic.toml"), text.as_bytes()).unwrap();
        assert_eq!(s.elements.len(), 3);
        assert_eq!(s.offers.len(), 75);
        assert!(!s.is_mip());
        let c =
            crate::scenario::parse(std::path::Path::new("c.toml"), contracts_toml(3, 25).as_bytes()).unwrap();
        assert!(c.is_mip());
        let h = crate::scenario::parse(std::path::Path::new("h.toml"), horizon_toml(3, 25, 4).as_bytes())
            .unwrap();
        let horizon = h.horizon.as_ref().unwrap();
        assert_eq!(horizon.years, [2026, 2027, 2028, 2029]);
        assert_eq!(h.stockpile().unwrap().elements.len(), 2);
        assert_eq!(horizon.slices[0].suppliers[0].capacity_t, Some(0.0));
        assert_eq!(horizon.slices[1].suppliers[0].capacity_t, Some(72.0));
        let years = [2026, 2027, 2028, 2029];
        let d = horizon_toml(3, 25, 4) + &disruptions_toml(6, &COUNTRIES, Some(&years));
        let d = crate::scenario::parse(std::path::Path::new("d.toml"), d.as_bytes()).unwrap();
        let disruptions = d.disruptions.as_ref().unwrap();
        assert_eq!(disruptions.list.len(), 6);
        assert!((disruptions.base_probability() - 0.2).abs() < 1e-12);
        assert_eq!(disruptions.list[5].years, [2, 3]);
    }
}
