//! Co-production baskets (models/README.md, "Baskets"): `basket_capacity[s]`,
//! `basket_contract[s]`, and the resale of surplus, `resale_capacity[e]`
//! and `resale_source[e]`.

use super::Ctx;
use crate::model::rows::Rows;
use crate::model::Family;
use good_lp::Expression;

/// `b_s <= capacity_t` for each basket with a capacity.
pub(in crate::model) fn define_basket_capacity(ctx: &Ctx, rows: &mut Rows) {
    for (s, supplier) in ctx.scenario.suppliers.iter().enumerate() {
        let (Some(b), Some(capacity)) = (
            ctx.vars.baskets[s],
            supplier.basket.as_ref().and_then(|b| b.capacity_t),
        ) else {
            continue;
        };
        rows.at_most(
            Family::BasketCapacity { supplier: s },
            Expression::from(b),
            capacity,
        );
    }
}

/// `b_s <= M y_s`: a basket needs its supplier's contract. M is the most
/// mix worth buying: its capacity or its supplier's, else enough to cover
/// the demand and the resale capacity of one of its elements.
pub(in crate::model) fn define_basket_contract(ctx: &Ctx, rows: &mut Rows) {
    let scenario = ctx.scenario;
    for (s, supplier) in scenario.suppliers.iter().enumerate() {
        let (Some(b), Some(y), Some(basket)) = (ctx.vars.baskets[s], ctx.vars.y[s], supplier.basket.as_ref())
        else {
            continue;
        };
        let worth = basket
            .parts
            .iter()
            .filter(|p| p.fraction > 0.0)
            .map(|p| {
                // A stocked element's basket may also fill the stock.
                let demand = p
                    .element
                    .map_or(0.0, |e| scenario.elements[e].demand_t + ctx.vars.stock_room[e]);
                let resale: f64 = scenario
                    .policy
                    .resale
                    .iter()
                    .filter(|r| r.symbol == p.symbol)
                    .map(|r| r.capacity_t)
                    .sum();
                (demand + resale) / p.fraction
            })
            .fold(0.0, f64::max);
        let mut big_m = [basket.capacity_t, supplier.capacity_t]
            .into_iter()
            .flatten()
            .fold(worth, f64::min)
            .max(1.0);
        // Pricing a MIP's plan: the link must not bind, or it would take a
        // capacity's shadow price (see `OfferBounds::link`).
        if ctx.vars.decisions_fixed {
            big_m = 2.0 * big_m.max(worth);
        }
        let mut link = Expression::from(b);
        link.add_mul(-big_m, y);
        rows.at_most(Family::BasketContract { supplier: s }, link, 0.0);
    }
}

/// `w_e <= capacity` and `w_e <= sum_s k_se b_s` for each resale entry:
/// only a basket's output is resold, and the market takes so much.
pub(in crate::model) fn define_resale(ctx: &Ctx, rows: &mut Rows) {
    let scenario = ctx.scenario;
    for (r, resale) in scenario.policy.resale.iter().enumerate() {
        let w = ctx.vars.resold[r];
        rows.at_most(
            Family::ResaleCapacity { resale: r },
            Expression::from(w),
            resale.capacity_t,
        );
        let mut source = Expression::from(w);
        for (s, supplier) in scenario.suppliers.iter().enumerate() {
            let (Some(b), Some(basket)) = (ctx.vars.baskets[s], supplier.basket.as_ref()) else {
                continue;
            };
            for part in basket.parts.iter().filter(|p| p.symbol == resale.symbol) {
                source.add_mul(-part.fraction, b);
            }
        }
        rows.at_most(Family::ResaleSource { resale: r }, source, 0.0);
    }
}
