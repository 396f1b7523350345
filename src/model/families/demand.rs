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
    let stock = match ctx.stage {
        Stage::MaxSupply {
            with_stock: false, ..
        } => None,
        _ => ctx.stock_flow(e),
    };
    let mut demand = element.demand_t;
    let family = match stock {
        Some((_, opening, closing)) => {
            match opening {
                Ok(var) => supply.add_mul(1.0, var),
                Err(initial) => demand -= initial,
            }
            supply.add_mul(-1.0, closing);
            Family::Balance { element: e }
        }
        None => Family::Demand { element: e },
    };
    match ctx.stage {
        // What is delivered in the target year, its stock included, up to
        // the demand; a stocked element's earlier years still balance, so
        // that the stock it opens with was really bought.
        Stage::MaxSupply { element, year, .. } if element == e => {
            if ctx.year == year {
                rows.at_most(family, supply, demand);
            } else if ctx.year < year && stock.is_some() {
                rows.at_least(family, supply, demand);
            }
        }
        Stage::MaxSupply { .. } => {}
        _ => rows.at_least(family, supply, demand),
    }
}
