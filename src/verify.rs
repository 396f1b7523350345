//! The independent plan check of SPEC §4.4.
//!
//! Every cap is recomputed from the plan and the scenario alone, by plain
//! sums over offers: nothing here reads the model builder's rows. A
//! violation beyond 1e-6 relative means remopt has a bug (exit 1).

use crate::plan::Plan;
use crate::scenario::{ObjectiveKind, Scenario, SupplierKind};
use std::collections::BTreeMap;

/// Relative tolerance of every check.
pub const TOLERANCE: f64 = 1e-6;

/// A plan that breaks the scenario: the constraint, and by how much.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the plan violates {constraint}: {detail}")]
pub struct Violation {
    /// Constraint name as in `constraints.csv`, e.g. `country_share[CN,Dy]`.
    pub constraint: String,
    /// The recomputed value against the bound.
    pub detail: String,
}

/// What the check recomputed from the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recomputed {
    /// Purchases (bands filled in order) plus the fixed costs of signed contracts.
    pub total_cost: f64,
    /// `sum 1000 penalty u`.
    pub penalty_cost: f64,
    /// `sum_e (sum_s r_s x_se + u_e) / D_e`, when every risk is known.
    pub risk_sum: Option<f64>,
}

fn exceeds(value: f64, upper: f64) -> bool {
    value - upper > TOLERANCE * upper.abs().max(1.0)
}

/// Checks `plan` against every constraint of `scenario`; returns the
/// recomputed cost on success.
pub fn verify(scenario: &Scenario, plan: &Plan) -> Result<Recomputed, Violation> {
    let fail = |constraint: String, detail: String| Err(Violation { constraint, detail });
    if plan.quantities_t.len() != scenario.offers.len()
        || plan.shortfall_t.len() != scenario.elements.len()
        || plan.contracts.len() != scenario.suppliers.len()
    {
        return fail(
            "plan".into(),
            "the plan does not match the scenario's offers".into(),
        );
    }
    for (offer, &q) in scenario.offers.iter().zip(&plan.quantities_t) {
        if !q.is_finite() || q < -TOLERANCE {
            let name = format!(
                "x[{},{}]",
                scenario.supplier_of(offer).id,
                scenario.element_of(offer).symbol
            );
            return fail(name, format!("bought {q} t, which is not a quantity >= 0"));
        }
    }

    let mut total_cost = 0.0;
    let mut penalty_cost = 0.0;
    let mut risk_sum = Some(0.0);
    let mut bought_from_supplier = vec![0.0; scenario.suppliers.len()];

    for (e, element) in scenario.elements.iter().enumerate() {
        let symbol = &element.symbol;
        let demand = element.demand_t;
        let unmet = plan.shortfall_t[e];
        match scenario.policy.shortfall_penalty_per_kg {
            None if unmet.abs() > TOLERANCE * demand.max(1.0) => {
                return fail(
                    format!("demand[{symbol}]"),
                    format!("{unmet} t unmet, but no shortfall penalty allows unmet demand"),
                );
            }
            _ if !unmet.is_finite() || unmet < -TOLERANCE => {
                return fail(
                    format!("demand[{symbol}]"),
                    format!("shortfall {unmet} t is not a quantity >= 0"),
                );
            }
            penalty => penalty_cost += 1000.0 * penalty.unwrap_or(0.0) * unmet,
        }

        let mut supplied = 0.0;
        let mut risk_weighted = Some(unmet);
        let mut recycled = 0.0;
        let mut by_country: BTreeMap<&str, f64> = BTreeMap::new();
        for (offer, &q) in scenario
            .offers
            .iter()
            .zip(&plan.quantities_t)
            .filter(|(o, _)| o.element == e)
        {
            let supplier = scenario.supplier_of(offer);
            supplied += q;
            total_cost += offer.cost_of(q);
            bought_from_supplier[offer.supplier] += q;
            *by_country.entry(&supplier.country).or_default() += q;
            if supplier.kind == SupplierKind::Recycler {
                recycled += q;
            }
            risk_weighted = match (risk_weighted, supplier.risk) {
                (Some(sum), Some(r)) => Some(sum + r * q),
                _ => None,
            };
            if let Some(capacity) = offer.capacity_t {
                if exceeds(q, capacity) {
                    return fail(
                        format!("offer_capacity[{},{symbol}]", supplier.id),
                        format!("{q} t bought > capacity {capacity} t"),
                    );
                }
            }
            if let Some(share) = element.caps.max_supplier_share {
                if exceeds(q, share * demand) {
                    return fail(
                        format!("supplier_share[{},{symbol}]", supplier.id),
                        format!("{q} t > {share} x {demand} t"),
                    );
                }
            }
        }
        if exceeds(demand, supplied + unmet) {
            return fail(
                format!("demand[{symbol}]"),
                format!("{supplied} t supplied + {unmet} t unmet < demand {demand} t"),
            );
        }
        for (country, &q) in &by_country {
            if let Some(share) = scenario.country_share_cap(country, e) {
                if exceeds(q, share * demand) {
                    return fail(
                        format!("country_share[{country},{symbol}]"),
                        format!("{q} t > {share} x {demand} t"),
                    );
                }
            }
        }
        if let Some(max_risk) = element.caps.max_avg_risk {
            match risk_weighted {
                Some(r) if exceeds(r, max_risk * demand) => {
                    return fail(
                        format!("avg_risk[{symbol}]"),
                        format!("mean risk {} > cap {max_risk}", r / demand),
                    );
                }
                None => {
                    return fail(
                        format!("avg_risk[{symbol}]"),
                        "a supplier's risk is unknown".into(),
                    )
                }
                _ => {}
            }
        }
        if let Some(share) = element.caps.min_recycled_share {
            if exceeds(share * demand, recycled) {
                return fail(
                    format!("recycled_share[{symbol}]"),
                    format!("{recycled} t recycled < {share} x {demand} t"),
                );
            }
        }
        risk_sum = match (risk_sum, risk_weighted) {
            (Some(sum), Some(r)) => Some(sum + r / demand),
            _ => None,
        };

        // Yes/no rules (SPEC §4.2): a used offer buys at least its least
        // purchase; the number of offers used stays within the counts.
        let mut used = 0;
        for (o, offer) in scenario.offers_of(e) {
            let q = plan.quantities_t[o];
            if q <= 0.0 {
                continue;
            }
            used += 1;
            let least = offer.min_order_t.max(element.caps.min_share_if_used * demand);
            if exceeds(least, q) {
                let id = &scenario.supplier_of(offer).id;
                return fail(
                    format!("min_order[{id},{symbol}]"),
                    format!("{q} t bought, but a used offer must take at least {least} t"),
                );
            }
        }
        if used < element.caps.min_suppliers {
            return fail(
                format!("min_suppliers[{symbol}]"),
                format!("{used} offers used < {}", element.caps.min_suppliers),
            );
        }
        if let Some(most) = element.caps.max_suppliers.filter(|&most| used > most) {
            return fail(
                format!("max_suppliers[{symbol}]"),
                format!("{used} offers used > {most}"),
            );
        }
    }

    // A supplier with a fixed cost sells only under a signed contract, and
    // each signed contract is paid.
    for (s, supplier) in scenario.suppliers.iter().enumerate() {
        let signed = plan.contracts.get(s).copied().unwrap_or(false);
        if supplier.fixed_cost > 0.0 {
            if bought_from_supplier[s] > 0.0 && !signed {
                return fail(
                    format!("contract[{}]", supplier.id),
                    format!(
                        "{} t bought without the contract (fixed cost {})",
                        bought_from_supplier[s], supplier.fixed_cost
                    ),
                );
            }
            if signed {
                total_cost += supplier.fixed_cost;
            }
        }
    }

    for (supplier, &bought) in scenario.suppliers.iter().zip(&bought_from_supplier) {
        if let Some(capacity) = supplier.capacity_t {
            if exceeds(bought, capacity) {
                return fail(
                    format!("supplier_capacity[{}]", supplier.id),
                    format!("{bought} t > capacity {capacity} t"),
                );
            }
        }
    }
    if let Some(budget) = scenario.policy.budget {
        if exceeds(total_cost, budget) {
            return fail(
                "budget".into(),
                format!("total cost {total_cost} > budget {budget}"),
            );
        }
    }
    if scenario.policy.objective == ObjectiveKind::Risk && risk_sum.is_none() {
        return fail("risk_level".into(), "a supplier's risk is unknown".into());
    }
    Ok(Recomputed {
        total_cost,
        penalty_cost,
        risk_sum,
    })
}

/// Checks that the solver's objective matches the value recomputed from the
/// plan, within [`TOLERANCE`] relative.
pub fn check_objective(name: &str, reported: f64, recomputed: f64) -> Result<(), Violation> {
    if (reported - recomputed).abs() > TOLERANCE * recomputed.abs().max(1.0) {
        return Err(Violation {
            constraint: name.to_string(),
            detail: format!("HiGHS reports {reported}, the plan recomputes to {recomputed}"),
        });
    }
    Ok(())
}
