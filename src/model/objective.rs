//! What each [`Stage`] minimises (models/README.md, "Objectives").

use super::elastic::Elastic;
use super::families::recourse::ScenarioYear;
use super::families::stock::{holding_cost, StockVars};
use super::families::Ctx;
use super::Stage;
use crate::scenario::{Pricing, KG_PER_TONNE};
use good_lp::Expression;

/// `sum_e (sum_s r_s x[s,e] + u[e]) / D_e`: the sum of the elements' mean
/// risk, unmet demand counting as risk 1.
pub(super) fn risk_sum(ctx: &Ctx) -> Expression {
    let (scenario, vars) = (ctx.scenario, ctx.vars);
    let mut e = Expression::with_capacity(vars.x.len() + vars.u.len());
    // A year without demand of an element has no mean risk of it.
    for (offer, &var) in scenario.offers.iter().zip(&vars.x) {
        let risk = scenario.supplier_of(offer).risk.unwrap_or(0.0);
        let demand = scenario.element_of(offer).demand_t;
        if risk != 0.0 && demand > 0.0 {
            e.add_mul(risk / demand, var);
        }
    }
    for (element, var) in scenario.elements.iter().zip(&vars.u) {
        if let (Some(var), true) = (var, element.demand_t > 0.0) {
            e.add_mul(1.0 / element.demand_t, *var);
        }
    }
    for (s, supplier) in scenario.suppliers.iter().enumerate() {
        let (Some(b), Some(risk)) = (vars.baskets[s], supplier.risk) else {
            continue;
        };
        for part in supplier.basket.iter().flat_map(|b| &b.parts) {
            let Some(element) = part.element else { continue };
            let demand = scenario.elements[element].demand_t;
            if demand > 0.0 {
                e.add_mul(risk * part.fraction / demand, b);
            }
        }
    }
    e
}

/// Purchases (band by band for tiered offers) plus fixed contract costs,
/// and the shortfall penalties when `with_penalty`.
pub(super) fn cost(ctx: &Ctx, with_penalty: bool) -> Expression {
    cost_in(ctx, with_penalty, None)
}

/// [`cost`] in a disruption's year (`None`: the base scenario): contracts
/// are paid on delivery (`phi` times their cost), spot purchases at their
/// spot price, and the scenario's own shortfall and resale.
pub(super) fn cost_in(ctx: &Ctx, with_penalty: bool, recourse: Option<&ScenarioYear>) -> Expression {
    let (scenario, vars) = (ctx.scenario, ctx.vars);
    let delivered = |o: usize| recourse.map_or(1.0, |r| r.offer_factor[o]);
    let mut e = Expression::with_capacity(vars.x.len() + vars.u.len() + vars.y.len());
    for (o, ((offer, &var), bands)) in scenario.offers.iter().zip(&vars.x).zip(&vars.bands).enumerate() {
        let phi = delivered(o);
        match offer.pricing {
            Pricing::Flat(price) => e.add_mul(phi * KG_PER_TONNE * price, var),
            Pricing::Tiers(_) => {
                for band in bands {
                    e.add_mul(phi * KG_PER_TONNE * band.price, band.var);
                }
            }
        }
    }
    for (supplier, var) in scenario.suppliers.iter().zip(&vars.y) {
        if let Some(var) = var {
            e.add_mul(supplier.fixed_cost, *var);
        }
    }
    // Baskets are paid by the tonne of mix delivered; resold surplus earns
    // back.
    for (s, (supplier, b)) in scenario.suppliers.iter().zip(&vars.baskets).enumerate() {
        if let (Some(basket), Some(b)) = (&supplier.basket, b) {
            let phi = recourse.map_or(1.0, |r| r.basket_factor[s]);
            e.add_mul(phi * KG_PER_TONNE * basket.price_per_kg, *b);
        }
    }
    let resold = recourse.map_or(&vars.resold[..], |r| &r.resold[..]);
    for (resale, &w) in scenario.policy.resale.iter().zip(resold) {
        e.add_mul(-KG_PER_TONNE * resale.price_per_kg, w);
    }
    if let Some(r) = recourse {
        for (&v, &price) in r.spot.iter().zip(&r.spot_price) {
            if let Some(v) = v {
                e.add_mul(KG_PER_TONNE * price, v);
            }
        }
    }
    let shortfall = recourse.map_or(&vars.u[..], |r| &r.shortfall[..]);
    if let (true, Some(p)) = (with_penalty, scenario.policy.shortfall_penalty_per_kg) {
        for var in shortfall.iter().flatten() {
            e.add_mul(KG_PER_TONNE * p, *var);
        }
    }
    e
}

/// The objective of the stage over every year (`years` holds each year's
/// context): money is discounted, `d_t = (1 + r)^-(t - first)`, and the
/// stockpile's holding cost added; risks are summed over the years.
pub(super) fn objective(years: &[Ctx], stock: &StockVars, elastic: &Elastic) -> Expression {
    let stage = years[0].stage;
    if stage.is_elastic() {
        return year_objective(&years[0], elastic);
    }
    let whole = years[0].whole;
    let mut total = Expression::default();
    for (t, ctx) in years.iter().enumerate() {
        let weight = whole.horizon.as_ref().map_or(1.0, |h| h.discount(t));
        let mut year = year_objective(ctx, elastic);
        if matches!(stage, Stage::Cost | Stage::CostWithinRisk { .. }) {
            year += holding_cost(whole, stock.closing_in(t));
        }
        total.add_mul(weight_of(stage, weight), year);
    }
    total
}

/// Money is discounted; risks and tonnes are not.
fn weight_of(stage: Stage, discount: f64) -> f64 {
    match stage {
        Stage::Cost | Stage::CostWithinRisk { .. } => discount,
        _ => 1.0,
    }
}

/// The objective of `ctx.stage` in one year.
fn year_objective(ctx: &Ctx, elastic: &Elastic) -> Expression {
    match ctx.stage {
        Stage::Risk => risk_sum(ctx),
        Stage::Cost | Stage::CostWithinRisk { .. } => cost(ctx, true),
        Stage::MaxSupply {
            element,
            year,
            with_stock,
        } => {
            let mut supply = Expression::with_capacity(ctx.scenario.elements[element].offers.len());
            if year == ctx.year {
                for term in ctx.supply(element) {
                    supply.add_mul(-term.coefficient, term.var);
                }
                // A stocked element delivers its stock too.
                if let (true, Some((_, opening, closing))) = (with_stock, ctx.stock_flow(element)) {
                    if let Ok(opening) = opening {
                        supply.add_mul(-1.0, opening);
                    }
                    supply.add_mul(1.0, closing);
                }
            }
            supply
        }
        Stage::FewestRelaxations => elastic.relaxation_count(),
        Stage::SmallestRelaxations { .. } => elastic.total_move(),
    }
}
