//! `scenarios.csv` and `recourse.csv` (docs/outputs.md, "Disruptions"):
//! what each scenario costs, and how its demand is met.

use super::csv::CellWriter;
use crate::pipeline::{Outcome, Stochastic};
use crate::plan::ScenarioPlan;
use crate::scenario::{Disruptions, Scenario, KG_PER_TONNE};

/// Header of `scenarios.csv`.
pub const SCENARIO_COLUMNS: [&str; 7] = [
    "scenario",
    "probability",
    "cost",
    "shortfall_t",
    "spot_t",
    "spot_cost",
    "stock_drawn_t",
];

/// Header of `recourse.csv`.
pub const RECOURSE_COLUMNS: [&str; 7] = [
    "scenario",
    "year",
    "element",
    "supplier",
    "delivered_t",
    "spot_t",
    "shortfall_t",
];

/// The supplier cell of an element's unmet demand.
pub const UNMET: &str = "--";

/// One scenario's figures: `C_w`, and its tonnes summed over the years.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioFigures {
    /// Its name (`base` first).
    pub name: String,
    /// Its probability.
    pub probability: f64,
    /// `C_w`, discounted.
    pub cost: f64,
    /// Unmet tonnes.
    pub shortfall_t: f64,
    /// Tonnes bought spot.
    pub spot_t: f64,
    /// What the spot purchases cost, undiscounted.
    pub spot_cost: f64,
    /// The decreases of its stock, summed over the years.
    pub stock_drawn_t: f64,
}

/// Every scenario's figures, the base first.
pub fn figures(scenario: &Scenario, outcome: &Outcome) -> Vec<ScenarioFigures> {
    let (Some(disruptions), Some(stochastic)) = (&scenario.disruptions, &outcome.stochastic) else {
        return Vec::new();
    };
    let base = ScenarioPlan::of_base(&outcome.schedule);
    let plans = std::iter::once(&base).chain(&stochastic.recourse);
    plans
        .enumerate()
        .map(|(w, plan)| one(scenario, disruptions, stochastic, w, plan))
        .collect()
}

fn one(
    scenario: &Scenario,
    disruptions: &Disruptions,
    stochastic: &Stochastic,
    w: usize,
    plan: &ScenarioPlan,
) -> ScenarioFigures {
    let (mut spot_t, mut spot_cost, mut drawn) = (0.0, 0.0, 0.0);
    for (t, slice) in scenario.slices().iter().enumerate() {
        for (o, offer) in slice.offers.iter().enumerate() {
            let v = plan.spot_t[t][o];
            if v <= 0.0 {
                continue;
            }
            let price_factor = disruptions.list[w - 1].offer_factors(slice, o).1;
            spot_t += v;
            spot_cost += KG_PER_TONNE * disruptions.spot_price_per_kg(offer, price_factor) * v;
        }
        if let Some(stockpile) = scenario.stockpile() {
            for stocked in &stockpile.elements {
                let e = stocked.element;
                let opening = if t == 0 {
                    stocked.initial_t
                } else {
                    plan.stock_t[t - 1][e]
                };
                drawn += (opening - plan.stock_t[t][e]).max(0.0);
            }
        }
    }
    ScenarioFigures {
        name: disruptions.name(w).to_string(),
        probability: disruptions.probability(w),
        cost: stochastic.costs[w],
        shortfall_t: plan.shortfall_t.iter().flatten().sum(),
        spot_t,
        spot_cost,
        stock_drawn_t: drawn,
    }
}

/// `scenarios.csv`: one row per scenario, the base first.
pub fn scenarios_csv(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    let rows = figures(scenario, outcome);
    let mut file = CellWriter::new(&SCENARIO_COLUMNS, rows.len());
    for f in &rows {
        file.text(&f.name)
            .number(f.probability)
            .number(f.cost)
            .number(f.shortfall_t)
            .number(f.spot_t)
            .number(f.spot_cost)
            .number(f.stock_drawn_t)
            .end_row();
    }
    file.finish()
}

/// `recourse.csv`: per scenario (the base first), year and element, each
/// offer that delivers or sells spot, then the element's unmet demand
/// (supplier `--`) when there is any.
pub fn recourse_csv(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    let mut file = CellWriter::new(&RECOURSE_COLUMNS, 64);
    let (Some(disruptions), Some(stochastic)) = (&scenario.disruptions, &outcome.stochastic) else {
        return file.finish();
    };
    let base = ScenarioPlan::of_base(&outcome.schedule);
    let plans = std::iter::once(&base).chain(&stochastic.recourse);
    for (w, plan) in plans.enumerate() {
        let name = disruptions.name(w);
        for (t, (slice, contracted)) in scenario.slices().iter().zip(&outcome.schedule.years).enumerate() {
            let year = scenario.year_label(t).map(|y| y.to_string()).unwrap_or_default();
            let lasts = w > 0 && disruptions.list[w - 1].in_year(t);
            for (e, element) in slice.elements.iter().enumerate() {
                for (o, offer) in slice.offers_of(e) {
                    let phi = match lasts {
                        true => disruptions.list[w - 1].offer_factors(slice, o).0,
                        false => 1.0,
                    };
                    let (delivered, spot) = (phi * contracted.quantities_t[o], plan.spot_t[t][o]);
                    if delivered <= 0.0 && spot <= 0.0 {
                        continue;
                    }
                    file.text(name)
                        .text(&year)
                        .text(&element.symbol)
                        .text(&slice.supplier_of(offer).id)
                        .number(delivered)
                        .number(spot)
                        .text("")
                        .end_row();
                }
                let unmet = plan.shortfall_t[t][e];
                if unmet > 0.0 {
                    file.text(name)
                        .text(&year)
                        .text(&element.symbol)
                        .text(UNMET)
                        .number(0.0)
                        .number(0.0)
                        .number(unmet)
                        .end_row();
                }
            }
        }
    }
    file.finish()
}
