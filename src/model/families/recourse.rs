//! Disruptions' recourse (models/README.md, "Disruptions"): the second
//! stage of each disruption `w` — deliveries of the contracted plan at
//! what the disruption leaves, spot purchases, its own shortfall, stock and
//! resale — with `demand[w,e,t]` (or `balance[w,e,t]`),
//! `spot_capacity[w,s,e,t]`, `stock_capacity[w,e,t]`, its resale rows, and
//! `cvar[w]` for the risk-averse objective.
//!
//! Before a disruption's first year nothing is known yet: its scenario
//! uses the base scenario's own variables, which is non-anticipativity.

use super::Ctx;
use crate::model::columns::Columns;
use crate::model::families::stock::{holding_cost, year_u16, StockVars};
use crate::model::objective::cost_in;
use crate::model::rows::Rows;
use crate::model::{Column, Family, Stage};
use crate::scenario::disruptions::{Disruption, Disruptions};
use crate::scenario::{Scenario, Stockpile};
use good_lp::{variable, Expression, Variable};

/// Disruption `w`'s second stage in one year.
pub(in crate::model) struct ScenarioYear {
    /// `phi` per offer: the share of the contracted tonnes delivered.
    pub offer_factor: Vec<f64>,
    /// `phi` per supplier's basket.
    pub basket_factor: Vec<f64>,
    /// `v[w,s,e,t]` per offer, in the disruption's years.
    pub spot: Vec<Option<Variable>>,
    /// A tonne's spot price per offer, per kg.
    pub spot_price: Vec<f64>,
    /// `u[w,e,t]` per element.
    pub shortfall: Vec<Option<Variable>>,
    /// `w[w,e,t]` per resale entry.
    pub resold: Vec<Variable>,
    /// `s[w,e,t]` per stocked element.
    pub closing: Vec<Option<Variable>>,
}

/// Every disruption's second stage: `years[w - 1][t]`, `None` before its
/// first year; and the CVaR's columns when the objective weighs it.
#[derive(Default)]
pub(in crate::model) struct Recourse {
    pub years: Vec<Vec<Option<ScenarioYear>>>,
    /// `eta` and `z[w]` (the base first), with `risk_aversion > 0`.
    pub cvar: Option<(Variable, Vec<Variable>)>,
}

/// The recourse columns (a cost stage of a scenario with disruptions only:
/// a diagnosis looks at the contracted plan in the base scenario).
pub(in crate::model) fn define_recourse_columns(
    whole: &Scenario,
    stage: Stage,
    cols: &mut Columns,
) -> Recourse {
    let Some(disruptions) = whole.disruptions.as_ref().filter(|_| stage == Stage::Cost) else {
        return Recourse::default();
    };
    let slices = whole.slices();
    let stockpile = whole.stockpile();
    let years = disruptions
        .list
        .iter()
        .enumerate()
        .map(|(i, d)| {
            cols.in_scenario(Some((i + 1) as u16), |cols| {
                slices
                    .iter()
                    .enumerate()
                    .map(|(t, slice)| {
                        if t < d.first_year() {
                            return None;
                        }
                        Some(cols.in_year(year_u16(whole, t), t, |cols| {
                            scenario_year(disruptions, d, slice, t, stockpile, cols)
                        }))
                    })
                    .collect()
            })
        })
        .collect();
    let cvar = (disruptions.risk_aversion > 0.0).then(|| {
        let eta = cols.add(Column::CvarThreshold, variable());
        let excess = (0..disruptions.scenario_count())
            .map(|w| {
                cols.in_scenario((w > 0).then_some(w as u16), |cols| {
                    cols.add(Column::CvarExcess, variable().min(0.0))
                })
            })
            .collect();
        (eta, excess)
    });
    Recourse { years, cvar }
}

/// Disruption `d`'s recourse columns in year index `t` (`slice`), on or
/// after its first year.
fn scenario_year(
    disruptions: &Disruptions,
    d: &Disruption,
    slice: &Scenario,
    t: usize,
    stockpile: Option<&Stockpile>,
    cols: &mut Columns,
) -> ScenarioYear {
    let lasts = d.in_year(t);
    let factors: Vec<(f64, f64)> = (0..slice.offers.len())
        .map(|o| {
            if lasts {
                d.offer_factors(slice, o)
            } else {
                (1.0, 1.0)
            }
        })
        .collect();
    let spot = (0..slice.offers.len())
        .map(|o| lasts.then(|| cols.add(Column::Spot(o), variable().min(0.0))))
        .collect();
    let spot_price = slice
        .offers
        .iter()
        .zip(&factors)
        .map(|(offer, &(_, price_factor))| disruptions.spot_price_per_kg(offer, price_factor))
        .collect();
    let shortfall = slice
        .elements
        .iter()
        .enumerate()
        .map(|(e, element)| {
            let bound = variable().min(0.0).max(element.demand_t);
            Some(cols.add(Column::Shortfall(e), bound))
        })
        .collect();
    let resold = (0..slice.policy.resale.len())
        .map(|r| cols.add(Column::Resold(r), variable().min(0.0)))
        .collect();
    let closing = (0..slice.elements.len())
        .map(|e| {
            stockpile
                .and_then(|p| p.of(e))
                .map(|_| cols.add(Column::Stock(e), variable().min(0.0)))
        })
        .collect();
    let basket_factor = (0..slice.suppliers.len())
        .map(|s| if lasts { d.basket_factor(slice, s) } else { 1.0 })
        .collect();
    ScenarioYear {
        offer_factor: factors.iter().map(|&(phi, _)| phi).collect(),
        basket_factor,
        spot,
        spot_price,
        shortfall,
        resold,
        closing,
    }
}

/// Disruption `w`'s rows in year `ctx.year`.
fn define_year(ctx: &Ctx, w: usize, recourse: &Recourse, rows: &mut Rows) {
    let Some(year) = &recourse.years[w - 1][ctx.year] else {
        return;
    };
    let scenario = ctx.scenario;
    let vars = ctx.vars;
    let (first, previous) = (
        recourse.years[w - 1].iter().position(Option::is_some),
        ctx.year.checked_sub(1),
    );
    for (e, element) in scenario.elements.iter().enumerate() {
        let mut supply = Expression::default();
        for (o, _) in scenario.offers_of(e) {
            supply.add_mul(year.offer_factor[o], vars.x[o]);
            if let Some(v) = year.spot[o] {
                supply.add_mul(1.0, v);
            }
        }
        for (s, k) in scenario.baskets_of(e) {
            if let Some(b) = vars.baskets[s] {
                supply.add_mul(year.basket_factor[s] * k, b);
            }
        }
        if let Some(u) = year.shortfall[e] {
            supply.add_mul(1.0, u);
        }
        for (r, resale) in scenario.policy.resale.iter().enumerate() {
            if resale.element == Some(e) {
                supply.add_mul(-1.0, year.resold[r]);
            }
        }
        let mut demand = element.demand_t;
        let family = match (ctx.stock_flow(e), year.closing[e]) {
            (Some((stocked, base_opening, _)), Some(closing)) => {
                // The stock this scenario opens the year with: the base's
                // in its first year (nothing was known before), its own after.
                let own = previous
                    .filter(|_| Some(ctx.year) != first)
                    .and_then(|t| recourse.years[w - 1][t].as_ref())
                    .and_then(|y| y.closing[e]);
                match (own, base_opening) {
                    (Some(var), _) | (None, Ok(var)) => supply.add_mul(1.0, var),
                    (None, Err(initial)) => demand -= initial,
                }
                supply.add_mul(-1.0, closing);
                if let Some(max) = stocked.max_t {
                    rows.at_most(
                        Family::StockCapacity { element: e },
                        Expression::from(closing),
                        max,
                    );
                }
                Family::Balance { element: e }
            }
            _ => Family::Demand { element: e },
        };
        rows.at_least(family, supply, demand);
    }
    for (o, offer) in scenario.offers.iter().enumerate() {
        let Some(v) = year.spot[o] else { continue };
        let phi = year.offer_factor[o];
        let capacity = offer
            .capacity_t
            .unwrap_or(scenario.elements[offer.element].demand_t);
        let mut used = Expression::from(v);
        used.add_mul(phi, vars.x[o]);
        rows.at_most(Family::SpotCapacity { offer: o }, used, phi * capacity);
    }
    for (r, resale) in scenario.policy.resale.iter().enumerate() {
        let sold = year.resold[r];
        rows.at_most(
            Family::ResaleCapacity { resale: r },
            Expression::from(sold),
            resale.capacity_t,
        );
        let mut source = Expression::from(sold);
        for (s, supplier) in scenario.suppliers.iter().enumerate() {
            let (Some(b), Some(basket)) = (vars.baskets[s], supplier.basket.as_ref()) else {
                continue;
            };
            for part in basket.parts.iter().filter(|p| p.symbol == resale.symbol) {
                source.add_mul(-year.basket_factor[s] * part.fraction, b);
            }
        }
        rows.at_most(Family::ResaleSource { resale: r }, source, 0.0);
    }
}

/// Every disruption's rows, year by year.
pub(in crate::model) fn define_recourse_rows(years: &[Ctx], recourse: &Recourse, rows: &mut Rows) {
    for w in 1..=recourse.years.len() {
        rows.in_scenario(Some(w as u16), |rows| {
            for ctx in years {
                rows.in_year(year_u16(ctx.whole, ctx.year), |rows| {
                    define_year(ctx, w, recourse, rows)
                });
            }
        });
    }
}

/// `C_w` of every scenario, the base first: each year's payments,
/// penalties, holding and fixed costs, discounted.
pub(in crate::model) fn scenario_costs(
    years: &[Ctx],
    stock: &StockVars,
    recourse: &Recourse,
) -> Vec<Expression> {
    let whole = years[0].whole;
    let discount = |t: usize| whole.horizon.as_ref().map_or(1.0, |h| h.discount(t));
    let base: Vec<Expression> = years
        .iter()
        .map(|ctx| {
            let mut year = cost_in(ctx, true, None);
            year += holding_cost(whole, stock.closing_in(ctx.year));
            year
        })
        .collect();
    let mut costs = Vec::with_capacity(recourse.years.len() + 1);
    let total = |each: &dyn Fn(usize) -> Expression| {
        let mut sum = Expression::default();
        for t in 0..years.len() {
            sum.add_mul(discount(t), each(t));
        }
        sum
    };
    costs.push(total(&|t| base[t].clone()));
    for scenario in &recourse.years {
        costs.push(total(&|t| match &scenario[t] {
            None => base[t].clone(),
            Some(year) => {
                let mut cost = cost_in(&years[t], true, Some(year));
                cost += holding_cost(whole, &year.closing);
                cost
            }
        }));
    }
    costs
}

/// `cvar[w]`: `z_w >= C_w - eta`, for each scenario (the base first).
pub(in crate::model) fn define_cvar(costs: &[Expression], recourse: &Recourse, rows: &mut Rows) {
    let Some((eta, excess)) = &recourse.cvar else {
        return;
    };
    for (w, (cost, &z)) in costs.iter().zip(excess).enumerate() {
        let mut lhs = Expression::from(z);
        lhs.add_mul(1.0, *eta);
        lhs.add_mul(-1.0, cost.clone());
        rows.in_scenario((w > 0).then_some(w as u16), |rows| {
            rows.at_least(Family::Cvar, lhs, 0.0)
        });
    }
}

/// `(1 - lambda) sum_w P_w C_w + lambda (eta + sum_w P_w z_w / (1 - alpha))`.
pub(in crate::model) fn objective(
    whole: &Scenario,
    costs: Vec<Expression>,
    recourse: &Recourse,
) -> Expression {
    let disruptions = whole.disruptions.as_ref().expect("recourse needs disruptions");
    let lambda = disruptions.risk_aversion;
    let mut total = Expression::default();
    for (w, cost) in costs.into_iter().enumerate() {
        total.add_mul((1.0 - lambda) * disruptions.probability(w), cost);
    }
    if let Some((eta, excess)) = &recourse.cvar {
        total.add_mul(lambda, *eta);
        let tail = lambda / (1.0 - disruptions.cvar_alpha);
        for (w, &z) in excess.iter().enumerate() {
            total.add_mul(tail * disruptions.probability(w), z);
        }
    }
    total
}
