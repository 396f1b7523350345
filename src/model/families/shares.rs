//! An element's diversification caps and floors: `country_share[c,e]`,
//! `supplier_share[s,e]`, `avg_risk[e]` and `recycled_share[e]`.

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
    for country in scenario.countries_offering(e) {
        let Some(share) = scenario.country_share_cap(country, e) else {
            continue;
        };
        let mut from_country = Expression::default();
        for (o, offer) in scenario.offers_of(e) {
            if scenario.supplier_of(offer).country.as_deref() == Some(country) {
                from_country.add_mul(1.0, ctx.vars.x[o]);
            }
        }
        let id = Family::CountryShare {
            country: CountryCode::new(country),
            element: e,
        };
        rows.at_most(id, from_country, share * scenario.elements[e].demand_t);
    }
}

/// `x[s,e] <= b_e D_e` for each offer of the element.
pub(in crate::model) fn define_supplier_shares(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let element = &ctx.scenario.elements[e];
    let Some(share) = element.caps.max_supplier_share else {
        return;
    };
    for (o, _) in ctx.scenario.offers_of(e) {
        let id = Family::SupplierShare { offer: o };
        rows.at_most(id, Expression::from(ctx.vars.x[o]), share * element.demand_t);
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
    for (o, offer) in scenario.offers_of(e) {
        let risk_score = scenario.supplier_of(offer).risk.unwrap_or(0.0);
        if risk_score != 0.0 {
            risk.add_mul(risk_score, ctx.vars.x[o]);
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
    for (o, offer) in scenario.offers_of(e) {
        if scenario.supplier_of(offer).kind == SupplierKind::Recycler {
            recycled.add_mul(1.0, ctx.vars.x[o]);
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
    for country in scenario.countries_mining(e) {
        let Some(share) = scenario.mining_share_cap(country, e) else {
            continue;
        };
        let mut mined = Expression::default();
        for (o, offer) in scenario.offers_of(e) {
            let fraction: f64 = scenario
                .origin_of(offer)
                .iter()
                .filter(|(c, _)| c == country)
                .map(|(_, f)| f)
                .sum();
            if fraction > 0.0 {
                mined.add_mul(fraction, ctx.vars.x[o]);
            }
        }
        let id = Family::MiningShare {
            country: CountryCode::new(country),
            element: e,
        };
        rows.at_most(id, mined, share * scenario.elements[e].demand_t);
    }
}
