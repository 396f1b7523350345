//! Physical capacities: `offer_capacity[s,e]` and `supplier_capacity[s]`.

use super::{sum, Ctx};
use crate::model::rows::Rows;
use crate::model::Family;
use good_lp::Expression;

/// `x[s,e] <= C_se` for an offer with a capacity.
pub(in crate::model) fn define_offer_capacity(ctx: &Ctx, o: usize, rows: &mut Rows) {
    if let Some(capacity) = ctx.scenario.offers[o].capacity_t {
        rows.at_most(
            Family::OfferCapacity { offer: o },
            Expression::from(ctx.vars.x[o]),
            capacity,
        );
    }
}

/// `sum_e x[s,e] <= capacity_t(s)` for each supplier with a capacity and
/// at least one offer.
pub(in crate::model) fn define_supplier_capacity(ctx: &Ctx, rows: &mut Rows) {
    let scenario = ctx.scenario;
    let mut offers_by_supplier: Vec<Vec<usize>> = vec![Vec::new(); scenario.suppliers.len()];
    for (o, offer) in scenario.offers.iter().enumerate() {
        offers_by_supplier[offer.supplier].push(o);
    }
    for (s, (supplier, offers)) in scenario.suppliers.iter().zip(&offers_by_supplier).enumerate() {
        let basket = ctx.vars.baskets[s];
        if let (Some(capacity), false) = (supplier.capacity_t, offers.is_empty() && basket.is_none()) {
            // A basket counts with its own tonnes, not its element parts.
            let total = sum(offers.iter().map(|&o| ctx.vars.x[o]).chain(basket));
            rows.at_most(Family::SupplierCapacity { supplier: s }, total, capacity);
        }
    }
}
