//! An element's diversification caps and floors: `country_share[c,e]`,
//! `mining_share[c,e]`, `supplier_share[s,e]`, `avg_risk[e]` and
//! `recycled_share[e]`. Each counts offers and basket parts alike.

use super::Ctx;
use crate::model::ids::CountryCode;
use crate::model::rows::Rows;
use crate::model::Family;
use crate::scenario::SupplierKind;
use good_lp::Expression;

/// `sum_{s in c} x[s,e] <= a_ce D_e` for each country offering the element
/// under a cap (the most specific cap given).
pub(in crate::model) fn define_country_shares(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let scenario = ctx.scenario;
    let supply = ctx.supply(e);
    for country in scenario.countries_offering(e) {
        let Some(share) = scenario.country_share_cap(country, e) else {
            continue;
        };
        let mut from_country = Expression::default();
        for term in &supply {
            if scenario.suppliers[term.supplier].country.as_deref() == Some(country) {
                from_country.add_mul(term.coefficient, term.var);
            }
        }
        let id = Family::CountryShare {
            country: CountryCode::new(country),
            element: e,
        };
        rows.at_most(id, from_country, share * scenario.elements[e].demand_t);
    }
}

/// `x[s,e] + k_se b_s <= b_e D_e` for each supplier of the element.
pub(in crate::model) fn define_supplier_shares(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let element = &ctx.scenario.elements[e];
    let Some(share) = element.caps.max_supplier_share else {
        return;
    };
    let mut by_supplier: std::collections::BTreeMap<usize, Expression> = Default::default();
    for term in ctx.supply(e) {
        by_supplier
            .entry(term.supplier)
            .or_default()
            .add_mul(term.coefficient, term.var);
    }
    for (supplier, lhs) in by_supplier {
        let id = Family::SupplierShare { supplier, element: e };
        rows.at_most(id, lhs, share * element.demand_t);
    }
}

/// `sum_s r_s x[s,e] + u[e] <= rho_e D_e`: unmet demand counts as risk 1.
pub(in crate::model) fn define_avg_risk(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let scenario = ctx.scenario;
    let element = &scenario.elements[e];
    let Some(max_risk) = element.caps.max_avg_risk else {
        return;
    };
    let mut risk = Expression::with_capacity(element.offers.len() + 1);
    for term in ctx.supply(e) {
        let risk_score = scenario.suppliers[term.supplier].risk.unwrap_or(0.0);
        if risk_score != 0.0 {
            risk.add_mul(risk_score * term.coefficient, term.var);
        }
    }
    if let Some(var) = ctx.vars.u[e] {
        risk.add_mul(1.0, var);
    }
    rows.at_most(Family::AvgRisk { element: e }, risk, max_risk * element.demand_t);
}

/// `sum_{s recycler} x[s,e] >= g_e D_e`.
pub(in crate::model) fn define_recycled_share(ctx: &Ctx, e: usize, rows: &mut Rows) {
    if !ctx.floors_apply(e) {
        return;
    }
    let scenario = ctx.scenario;
    let element = &scenario.elements[e];
    let Some(share) = element.caps.min_recycled_share else {
        return;
    };
    let mut recycled = Expression::default();
    for term in ctx.supply(e) {
        if scenario.suppliers[term.supplier].kind == SupplierKind::Recycler {
            recycled.add_mul(term.coefficient, term.var);
        }
    }
    rows.at_least(
        Family::RecycledShare { element: e },
        recycled,
        share * element.demand_t,
    );
}

/// `sum_s o_sec x[s,e] <= m_ce D_e` for each country the element's offers
/// were mined in, under a cap (the most specific cap given).
pub(in crate::model) fn define_mining_shares(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let scenario = ctx.scenario;
    let supply = ctx.supply(e);
    for country in scenario.countries_mining(e) {
        let Some(share) = scenario.mining_share_cap(country, e) else {
            continue;
        };
        let mut mined = Expression::default();
        for term in &supply {
            let fraction: f64 = term
                .origin
                .iter()
                .filter(|(c, _)| c == country)
                .map(|(_, f)| f)
                .sum();
            if fraction > 0.0 {
                mined.add_mul(fraction * term.coefficient, term.var);
            }
        }
        let id = Family::MiningShare {
            country: CountryCode::new(country),
            element: e,
        };
        rows.at_most(id, mined, share * scenario.elements[e].demand_t);
    }
}
