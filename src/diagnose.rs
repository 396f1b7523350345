//! A first, per-element explanation of an infeasible scenario.
//!
//! It bounds what each element can get from the caps that concern that
//! element alone (offer and supplier capacities, supplier and country shares,
//! the recycled floor). Conflicts that couple elements (a shared supplier
//! capacity, the budget, the mean-risk caps) are named as candidates only;
//! the minimal relaxation of SPEC §5.4 is a later piece of work.

use crate::scenario::{Scenario, SupplierKind};
use std::collections::BTreeMap;

fn tonnes(t: f64) -> String {
    format!("{:.1} t", t)
}

/// One paragraph saying why no plan meets every hard constraint.
pub fn explain(scenario: &Scenario) -> String {
    let mut findings = Vec::new();
    for (e, element) in scenario.elements.iter().enumerate() {
        let demand = element.demand_t;
        let mut by_country: BTreeMap<&str, f64> = BTreeMap::new();
        let mut recyclable = 0.0;
        for (_, offer) in scenario.offers_of(e) {
            let supplier = scenario.supplier_of(offer);
            let limit = [
                offer.capacity_t,
                supplier.capacity_t,
                element.caps.max_supplier_share.map(|s| s * demand),
            ]
            .into_iter()
            .flatten()
            .fold(f64::INFINITY, f64::min);
            *by_country.entry(&supplier.country).or_default() += limit;
            if supplier.kind == SupplierKind::Recycler {
                recyclable += limit;
            }
        }
        let most: f64 = by_country
            .iter()
            .map(|(country, &q)| match scenario.country_share_cap(country, e) {
                Some(share) => q.min(share * demand),
                None => q,
            })
            .sum();
        if scenario.policy.shortfall_penalty_per_kg.is_none() && most < demand * (1.0 - 1e-9) {
            findings.push(format!(
                "{} needs {} but its offer capacities, supplier capacities and supplier and country share caps allow at most {}",
                element.symbol,
                tonnes(demand),
                tonnes(most)
            ));
        }
        if let Some(share) = element.caps.min_recycled_share {
            if recyclable < share * demand * (1.0 - 1e-9) {
                findings.push(format!(
                    "recycled_share[{}] asks for {} from recyclers but they can supply at most {}",
                    element.symbol,
                    tonnes(share * demand),
                    tonnes(recyclable)
                ));
            }
        }
    }
    let mut text = String::from("No plan meets every hard constraint. ");
    if findings.is_empty() {
        text.push_str(
            "No single element is short on its own caps, so the conflict couples elements or costs: \
             look at the budget, the avg_risk caps and supplier capacities shared between elements.",
        );
    } else {
        text.push_str(&findings.join("; "));
        text.push('.');
    }
    text.push_str(" (A minimal set of caps to relax, with amounts, is not computed by this version.)");
    text
}
