//! `stages.csv` (docs/outputs.md): where each element's tonnes were
//! processed and mined.

use super::csv::by_year;
use super::number;
use crate::plan::{Plan, Schedule};
use crate::scenario::{Scenario, SupplyStage};
use std::collections::BTreeMap;

/// Header of `stages.csv`.
pub const STAGES_COLUMNS: [&str; 5] = ["element", "stage", "country", "quantity_t", "share_of_supplied"];

/// The country cell of tonnes that belong to no country at a stage: a
/// substitute's at both, secondary material's at the mining stage.
pub const NO_COUNTRY: &str = "--";

/// One row per element, stage and country with tonnes above 0, sorted by
/// element, stage and country; each stage sums to the element's supplied
/// tonnes.
pub fn stages_csv(scenario: &Scenario, schedule: &Schedule) -> Vec<u8> {
    by_year(scenario, schedule, STAGES_COLUMNS, |_, slice, plan| {
        stage_rows(slice, plan)
    })
}

/// The rows of one year.
fn stage_rows(scenario: &Scenario, plan: &Plan) -> Vec<[String; 5]> {
    let mut rows = Vec::new();
    for (e, element) in scenario.elements.iter().enumerate() {
        let mut tonnes: BTreeMap<(SupplyStage, &str), f64> = BTreeMap::new();
        let mut supplied = 0.0;
        let offers = scenario
            .offers_of(e)
            .map(|(o, offer)| (offer.supplier, plan.quantities_t[o], scenario.origin_of(offer)));
        let baskets = scenario
            .baskets_of(e)
            .map(|(s, k)| (s, k * plan.baskets_t[s], &scenario.suppliers[s].origin[..]));
        for (s, q, origin) in offers.chain(baskets) {
            if q <= 0.0 {
                continue;
            }
            supplied += q;
            let country = scenario.suppliers[s].country.as_deref();
            *tonnes
                .entry((SupplyStage::Processing, country.unwrap_or(NO_COUNTRY)))
                .or_default() += q;
            if origin.is_empty() {
                *tonnes.entry((SupplyStage::Mining, NO_COUNTRY)).or_default() += q;
            }
            for (country, fraction) in origin {
                *tonnes.entry((SupplyStage::Mining, country.as_str())).or_default() += fraction * q;
            }
        }
        for ((stage, country), q) in tonnes {
            if q > 0.0 {
                rows.push([
                    element.symbol.clone(),
                    stage.as_str().to_string(),
                    country.to_string(),
                    number(q),
                    number(q / supplied),
                ]);
            }
        }
    }
    rows
}
