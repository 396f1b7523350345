//! `demand[e]`: what is bought plus what is left unmet covers the demand.

use super::{sum, Ctx};
use crate::model::rows::Rows;
use crate::model::{Family, Stage};

/// `sum_s x[s,e] + u[e] >= D_e`. The diagnosis's "most the caps allow"
/// stage keeps only its own element's row, as a cap: counted up to the
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
    let id = Family::Demand { element: e };
    match ctx.stage {
        Stage::MaxSupply(target) if target == e => rows.at_most(id, supply, element.demand_t),
        Stage::MaxSupply(_) => {}
        _ => rows.at_least(id, supply, element.demand_t),
    }
}
