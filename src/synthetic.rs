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
    generate(elements, suppliers, false)
}

/// The same scenario with yes/no decisions: a yearly contract cost per
/// supplier and a minimum lot per offer, so that HiGHS has to branch.
pub fn contracts_toml(elements: usize, suppliers: usize) -> String {
    generate(elements, suppliers, true)
}

fn generate(elements: usize, suppliers: usize, contracts: bool) -> String {
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
        "[scenario]\nname = \"{kind}-{}x{suppliers}\"\n\n[demand]",
        elements.len()
    );
    for symbol in elements {
        // Demand at about a third of what all suppliers could sell.
        let _ = writeln!(
            text,
            "{symbol} = {:.0}",
            per_element_capacity * suppliers as f64 * (0.25 + 0.1 * next())
        );
    }
    text.push('\n');
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
        for symbol in elements {
            let (price, capacity) = (20.0 + 80.0 * next(), per_element_capacity * (0.5 + next()));
            if contracts {
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
    }
}
