//! `demand[e]`: what is bought plus what is left unmet covers the demand;
//! for a stocked element, `balance[e,t]`: last year's stock, what is
//! bought and what is left unmet cover the demand and this year's stock.

use super::{sum, Ctx};
use crate::model::rows::Rows;
use crate::model::{Family, Stage};

/// `sum_s x[s,e] + u[e] >= D_e`, or for a stocked element
/// `s[e,t-1] + sum_s x[s,e] + u[e] - s[e,t] >= D_e` (the first year's
/// opening stock is a number: it moves to the right-hand side). The
/// diagnosis's "most the caps allow" stage keeps only its own element's
/// row of its own year, as a cap on what is bought: counted up to the
/// demand, since beyond it an uncapped offer would make the maximum
/// unbounded.
pub(in crate::model) fn define_demand(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let element = &ctx.scenario.elements[e];
    let mut supply = sum(ctx
        .scenario
        .offers_of(e)
        .map(|(o, _)| ctx.vars.x[o])
        .chain(ctx.vars.u[e]));
    // Basket parts count; resold surplus does not.
    for (s, k) in ctx.scenario.baskets_of(e) {
        if let Some(b) = ctx.vars.baskets[s] {
            supply.add_mul(k, b);
        }
    }
    for (r, resale) in ctx.scenario.policy.resale.iter().enumerate() {
        if resale.element == Some(e) {
            supply.add_mul(-1.0, ctx.vars.resold[r]);
        }
    }
    if ctx.is_max_supply_target(e) {
        rows.at_most(Family::Demand { element: e }, supply, element.demand_t);
        return;
    }
    if matches!(ctx.stage, Stage::MaxSupply { .. }) {
        return;
    }
    let Some((_, opening, closing)) = ctx.stock_flow(e) else {
        rows.at_least(Family::Demand { element: e }, supply, element.demand_t);
        return;
    };
    let mut demand = element.demand_t;
    match opening {
        Ok(var) => supply.add_mul(1.0, var),
        Err(initial) => demand -= initial,
    }
    supply.add_mul(-1.0, closing);
    rows.at_least(Family::Balance { element: e }, supply, demand);
}
