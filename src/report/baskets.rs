//! `baskets.csv` and `surplus.csv` (docs/outputs.md): what each basket
//! bought cost, and what the baskets delivered beyond the demand.

use super::csv::by_year;
use super::{number, optional};
use crate::plan::{Plan, Schedule};
use crate::scenario::{Scenario, KG_PER_TONNE};
use std::collections::BTreeMap;

/// Header of `baskets.csv`.
pub const BASKETS_COLUMNS: [&str; 4] = ["supplier", "basket_t", "price_per_kg", "cost"];

/// Header of `surplus.csv`.
pub const SURPLUS_COLUMNS: [&str; 4] = ["element", "surplus_t", "resold_t", "revenue"];

/// One row per basket bought (b > 0), by supplier id.
pub fn baskets_csv(scenario: &Scenario, schedule: &Schedule) -> Vec<u8> {
    by_year(scenario, schedule, BASKETS_COLUMNS, |_, slice, plan| {
        basket_rows(slice, plan)
    })
}

fn basket_rows(scenario: &Scenario, plan: &Plan) -> Vec<[String; 4]> {
    scenario
        .suppliers
        .iter()
        .zip(&plan.baskets_t)
        .filter(|(_, &b)| b > 0.0)
        .filter_map(|(supplier, &b)| {
            let basket = supplier.basket.as_ref()?;
            Some([
                supplier.id.clone(),
                number(b),
                number(basket.price_per_kg),
                number(KG_PER_TONNE * basket.price_per_kg * b),
            ])
        })
        .collect()
}

/// One row per element the baskets delivered beyond what was used (all of
/// an element with no demand), with what was resold and its revenue,
/// sorted by element.
/// With a stockpile, what goes into the stock is used, not surplus.
pub fn surplus_csv(scenario: &Scenario, schedule: &Schedule) -> Vec<u8> {
    let stored = |t: usize, e: usize| -> f64 {
        let Some(stocked) = scenario.stockpile().and_then(|p| p.of(e)) else {
            return 0.0;
        };
        let opening = if t == 0 {
            stocked.initial_t
        } else {
            schedule.stock_t[t - 1][e]
        };
        schedule.stock_t[t][e] - opening
    };
    by_year(scenario, schedule, SURPLUS_COLUMNS, |t, slice, plan| {
        surplus_rows(slice, plan, |e| stored(t, e))
    })
}

fn surplus_rows(scenario: &Scenario, plan: &Plan, stored: impl Fn(usize) -> f64) -> Vec<[String; 4]> {
    let mut delivered: BTreeMap<&str, (f64, Option<usize>)> = BTreeMap::new();
    for (supplier, &b) in scenario.suppliers.iter().zip(&plan.baskets_t) {
        for part in supplier.basket.iter().flat_map(|k| &k.parts) {
            let entry = delivered
                .entry(part.symbol.as_str())
                .or_insert((0.0, part.element));
            entry.0 += part.fraction * b;
        }
    }
    delivered
        .into_iter()
        .filter_map(|(symbol, (from_baskets, element))| {
            let surplus = match element {
                Some(e) => {
                    let offered: f64 = scenario.offers_of(e).map(|(o, _)| plan.quantities_t[o]).sum();
                    let used = scenario.elements[e].demand_t - plan.shortfall_t[e] + stored(e);
                    (offered + from_baskets - used).max(0.0)
                }
                None => from_baskets,
            };
            let resale = scenario.policy.resale.iter().position(|r| r.symbol == symbol);
            let resold = resale.map_or(0.0, |r| plan.resold_t[r]);
            let revenue = resale.map(|r| KG_PER_TONNE * scenario.policy.resale[r].price_per_kg * resold);
            (surplus > 1e-9 || resold > 0.0).then(|| {
                [
                    symbol.to_string(),
                    number(surplus),
                    number(resold),
                    optional(revenue),
                ]
            })
        })
        .collect()
}
