//! `stock.csv` (docs/outputs.md, "stock.csv"): a horizon's stockpile year
//! by year.

use super::csv::render;
use super::number;
use crate::plan::Schedule;
use crate::scenario::{Scenario, KG_PER_TONNE};

/// Header of `stock.csv`.
pub const STOCK_COLUMNS: [&str; 9] = [
    "year",
    "element",
    "opening_t",
    "bought_t",
    "used_t",
    "shortfall_t",
    "closing_t",
    "target_t",
    "holding_cost",
];

/// One row per year and stocked element (no rows without a stockpile):
/// `bought_t` counts offers and basket parts less what is resold, `used_t`
/// is the demand less the shortfall.
pub fn stock_csv(scenario: &Scenario, schedule: &Schedule) -> Vec<u8> {
    let mut rows = Vec::new();
    if let Some(stockpile) = scenario.stockpile() {
        let years = scenario.slices().iter().zip(&schedule.years).enumerate();
        for (t, (slice, plan)) in years {
            for stocked in &stockpile.elements {
                let e = stocked.element;
                let offers: f64 = slice.offers_of(e).map(|(o, _)| plan.quantities_t[o]).sum();
                let baskets: f64 = slice.baskets_of(e).map(|(s, k)| k * plan.baskets_t[s]).sum();
                let resold: f64 = slice
                    .policy
                    .resale
                    .iter()
                    .zip(&plan.resold_t)
                    .filter(|(r, _)| r.element == Some(e))
                    .map(|(_, w)| w)
                    .sum();
                let opening = match t {
                    0 => stocked.initial_t,
                    _ => schedule.stock_t[t - 1][e],
                };
                let demand = slice.elements[e].demand_t;
                let closing = schedule.stock_t[t][e];
                rows.push([
                    slice.year.map(|y| y.to_string()).unwrap_or_default(),
                    slice.elements[e].symbol.clone(),
                    number(opening),
                    number(offers + baskets - resold),
                    number(demand - plan.shortfall_t[e]),
                    number(plan.shortfall_t[e]),
                    number(closing),
                    number(stocked.target_t(demand)),
                    number(KG_PER_TONNE * stocked.holding_cost_per_kg * closing),
                ]);
            }
        }
    }
    render(STOCK_COLUMNS, rows)
}
