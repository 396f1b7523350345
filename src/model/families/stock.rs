//! The stockpile (models/README.md, "Years and a stockpile"): its closing
//! stock per year enters the element's `balance[e,t]` (see
//! [`super::demand`]), and is held to `stock_target[e,t]`,
//! `stock_capacity[e,t]` and `stock_final[e]`.

use super::Ctx;
use crate::model::columns::Columns;
use crate::model::rows::Rows;
use crate::model::{Column, Family, Stage};
use crate::scenario::{Scenario, StockedElement};
use good_lp::{variable, Expression, Variable};

/// `s[e,t] >= 0` per year and stocked element: `closing[t][e]`.
#[derive(Default)]
pub(in crate::model) struct StockVars {
    pub closing: Vec<Vec<Option<Variable>>>,
}

impl StockVars {
    /// Year `t`'s closing stock columns (none without a stockpile).
    pub fn closing_in(&self, t: usize) -> &[Option<Variable>] {
        self.closing.get(t).map_or(&[], Vec::as_slice)
    }

    /// Element `e`'s stock: at the start of year `t` (a column, or the
    /// initial tonnes in the first year) and at its end.
    pub fn flow(&self, t: usize, e: usize, initial_t: f64) -> Option<(Result<Variable, f64>, Variable)> {
        let closing = self.closing.get(t)?.get(e).copied().flatten()?;
        let opening = match t {
            0 => Err(initial_t),
            _ => self.closing[t - 1][e].ok_or(initial_t),
        };
        Some((opening, closing))
    }
}

/// The stock columns, after every year's other columns.
pub(in crate::model) fn define_stock_columns(scenario: &Scenario, cols: &mut Columns) -> StockVars {
    let Some(stockpile) = scenario.stockpile() else {
        return StockVars::default();
    };
    let closing = (0..scenario.slices().len())
        .map(|t| {
            cols.in_year(year_u16(scenario, t), t, |cols| {
                (0..scenario.elements.len())
                    .map(|e| {
                        stockpile
                            .of(e)
                            .map(|_| cols.add(Column::Stock(e), variable().min(0.0)))
                    })
                    .collect()
            })
        })
        .collect();
    StockVars { closing }
}

/// The label of year index `t` as row and column identities hold it.
pub(in crate::model) fn year_u16(scenario: &Scenario, t: usize) -> Option<u16> {
    scenario.year_label(t).map(|y| y as u16)
}

/// `stock_target[e,t]`: `s[e,t] >= days / 365 * D_e,t`, and
/// `stock_capacity[e,t]`: `s[e,t] <= max_t`, for year `ctx.year`.
pub(in crate::model) fn define_stock_bounds(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let Some((stocked, _, closing)) = ctx.stock_flow(e) else {
        return;
    };
    let demand = ctx.scenario.elements[e].demand_t;
    let target = stocked.target_t(demand);
    // A diagnosis looking for the most the caps allow drops this floor:
    // a target is a planner's cap to relax, not part of what an element's
    // supply can reach.
    if target > 0.0 && !matches!(ctx.stage, Stage::MaxSupply { .. }) {
        rows.at_least(
            Family::StockTarget { element: e },
            Expression::from(closing),
            target,
        );
    }
    if let Some(max) = stocked.max_t {
        rows.at_most(
            Family::StockCapacity { element: e },
            Expression::from(closing),
            max,
        );
    }
}

/// `stock_final[e]`: `s[e,last] >= initial_t`, when the stockpile may not
/// be run down and holds something at the start.
pub(in crate::model) fn define_stock_final(
    scenario: &Scenario,
    stage: Stage,
    stock: &StockVars,
    rows: &mut Rows,
) {
    let Some(stockpile) = scenario.stockpile() else {
        return;
    };
    if !stockpile.final_at_least_initial {
        return;
    }
    let last = scenario.slices().len() - 1;
    for stocked in &stockpile.elements {
        let e = stocked.element;
        // A diagnosis's search for the most an element's year allows looks
        // no further than that year.
        let floors_apply = !matches!(stage, Stage::MaxSupply { .. });
        let Some(closing) = stock.closing[last][e] else {
            continue;
        };
        if stocked.initial_t > 0.0 && floors_apply {
            rows.at_least(
                Family::StockFinal { element: e },
                Expression::from(closing),
                stocked.initial_t,
            );
        }
    }
}

/// The holding cost of year `t`'s closing stocks.
pub(in crate::model) fn holding_cost(scenario: &Scenario, closing: &[Option<Variable>]) -> Expression {
    let mut cost = Expression::default();
    let Some(stockpile) = scenario.stockpile() else {
        return cost;
    };
    for stocked in &stockpile.elements {
        if let (Some(s), true) = (closing[stocked.element], stocked.holding_cost_per_kg > 0.0) {
            cost.add_mul(crate::scenario::KG_PER_TONNE * stocked.holding_cost_per_kg, s);
        }
    }
    cost
}

/// What a stocked element's stockpile may take beyond a year's demand: a
/// plan never needs to hold more than the storage limit, nor more than
/// every year's demand with the initial stock and the largest target.
pub(in crate::model) fn stock_room(scenario: &Scenario, stocked: &StockedElement) -> f64 {
    let e = stocked.element;
    let demands = scenario.slices().iter().map(|s| s.elements[e].demand_t);
    let total: f64 = demands.clone().sum();
    let target = demands.map(|d| stocked.target_t(d)).fold(0.0, f64::max);
    let unlimited = total + stocked.initial_t + target;
    stocked
        .max_t
        .map_or(unlimited, |m| m.min(unlimited))
        .max(stocked.initial_t)
        + stocked.initial_t
}
