//! Yes/no decisions: an offer's use and its supplier's contract
//! (`contract[s,e]`, `offer_used[s,e]`, `min_order[s,e]`,
//! `contract_offer[s,e]`) and the supplier counts `min_suppliers[e]` and
//! `max_suppliers[e]`.

use super::Ctx;
use crate::model::rows::Rows;
use crate::model::Family;
use good_lp::Expression;

/// Links offer `o`'s tonnes to its use decision `z` and its supplier's
/// contract `y`: `x <= M y` when only the contract is decided; otherwise
/// `x <= M z`, `x >= L z` and `z <= y`.
pub(in crate::model) fn define_use(ctx: &Ctx, o: usize, rows: &mut Rows) {
    let vars = ctx.vars;
    let offer = &ctx.scenario.offers[o];
    let (x, bounds) = (vars.x[o], &vars.bounds[o]);
    match (vars.z[o], vars.y[offer.supplier]) {
        (None, None) => {}
        (None, Some(y)) => {
            let mut link = Expression::from(x);
            link.add_mul(-bounds.link, y);
            rows.at_most(Family::Contract { offer: o }, link, 0.0);
        }
        (Some(z), y) => {
            let mut link = Expression::from(x);
            link.add_mul(-bounds.link, z);
            rows.at_most(Family::OfferUsed { offer: o }, link, 0.0);
            if bounds.least > 0.0 {
                let mut least = Expression::from(x);
                least.add_mul(-bounds.least, z);
                let id = Family::MinOrder { offer: o };
                // Where the element needs a supplier count, a lower minimum
                // lot could let an offer count while delivering nothing: a
                // diagnosis moves the count instead.
                if ctx.scenario.element_of(offer).caps.min_suppliers == 0 {
                    rows.at_least(id, least, 0.0);
                } else {
                    rows.at_least_held(id, least, 0.0);
                }
            }
            if let Some(y) = y {
                let mut within = Expression::from(z);
                within.add_mul(-1.0, y);
                rows.at_most(Family::ContractOffer { offer: o }, within, 0.0);
            }
        }
    }
}

/// `min_suppliers_e <= sum_s z[s,e] <= max_suppliers_e`.
pub(in crate::model) fn define_supplier_counts(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let caps = &ctx.scenario.elements[e].caps;
    let mut used = Expression::default();
    for (o, _) in ctx.scenario.offers_of(e) {
        if let Some(var) = ctx.vars.z[o] {
            used.add_mul(1.0, var);
        }
    }
    if caps.min_suppliers > 0 && ctx.floors_apply(e) {
        let least = f64::from(caps.min_suppliers);
        rows.at_least(Family::MinSuppliers { element: e }, used.clone(), least);
    }
    if let Some(most) = caps.max_suppliers {
        rows.at_most(Family::MaxSuppliers { element: e }, used, f64::from(most));
    }
}
