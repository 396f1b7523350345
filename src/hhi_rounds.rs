//! The HHI caps' cut rounds (models/README.md, "HHI cap"): which tangent
//! cuts to add after a solve, the first cuts before any, and the `hhi[e]`
//! rows as `constraints.csv` reports them. The loop that adds them to the
//! solved model is the pipeline's.

use crate::model::{self, Column, ColumnId, CountryCode, Family, HhiCut, Layout, RowInfo};
use crate::plan::{Plan, Schedule};
use crate::scenario::Scenario;
use crate::solve::Solved;

/// How close to its cap the cuts bring an element's HHI: cuts are added
/// until every HHI is at most `H (1 + HHI_TOLERANCE)`.
pub const HHI_TOLERANCE: f64 = 1e-7;

/// Relative error of the objective the HHI cuts aim for besides
/// [`HHI_TOLERANCE`] on the cap (the promise is 1e-5).
const OBJECTIVE_TOLERANCE: f64 = 1e-6;

/// Where a round cuts an under-estimated term, as multiples of the plan's
/// tonnes: at them, and close on either side, where the next plans land.
const NEAR_CUTS: [f64; 5] = [0.99, 0.998, 1.0, 1.002, 1.01];

/// For each element whose HHI, `sum_c (q_ce / D_e)^2` over the tonnes
/// bought per processing country, is above its cap by more than
/// [`HHI_TOLERANCE`] (or whose excess is still worth more than
/// [`OBJECTIVE_TOLERANCE`] of the objective): tangent cuts at and near the
/// plan's tonnes for each country whose term `h[c,e]` the cuts so far put
/// below `(q_ce / D_e)^2`.
pub(crate) fn cuts_for(
    whole: &Scenario,
    schedule: &Schedule,
    layout: &Layout,
    solved: &Solved,
) -> Vec<HhiCut> {
    let mut cuts = Vec::new();
    for (t, (scenario, plan)) in whole.slices().iter().zip(&schedule.years).enumerate() {
        let year = whole.year_label(t).map(|y| y as u16);
        year_cuts(scenario, plan, layout, solved, (t, year), &mut cuts);
    }
    cuts
}

/// [`cuts_for`] in year `t` (index, label).
fn year_cuts(
    scenario: &Scenario,
    plan: &Plan,
    layout: &Layout,
    solved: &Solved,
    (t, year): (usize, Option<u16>),
    cuts: &mut Vec<HhiCut>,
) {
    let columns = &solved.columns;
    for (e, element) in scenario.elements.iter().enumerate() {
        let Some(cap) = element.caps.max_hhi else { continue };
        let demand = element.demand_t;
        if demand <= 0.0 {
            continue;
        }
        let by_country = tonnes_by_country(scenario, plan, e);
        let excess = hhi_of(&by_country, demand) - cap;
        // The cut model's optimum is at most the true one; the true one at
        // the cap is at most this plan's cost plus the cap's price times the
        // excess. Near the least HHI the element can reach, that price is
        // steep, and an excess within the tolerance can still be worth more
        // than 1e-6 of the objective: cut on.
        let price = hhi_price(scenario, layout, &solved.row_duals, e, year).abs();
        let close_enough = excess <= cap * HHI_TOLERANCE
            && price * excess.max(0.0) <= OBJECTIVE_TOLERANCE * solved.objective.abs().max(1.0);
        if close_enough {
            continue;
        }
        let term = |country: CountryCode| {
            let column = Column::HhiTerm { country, element: e };
            layout
                .column_index(ColumnId::new(column, year))
                .map_or(0.0, |i| columns[i])
        };
        for &(country, q) in &by_country {
            let country = CountryCode::new(country);
            if (q / demand).powi(2) > term(country) {
                for factor in NEAR_CUTS {
                    cuts.push(HhiCut {
                        year: t,
                        element: e,
                        country,
                        at: factor * q,
                    });
                }
            }
        }
    }
}

/// Where the first cuts of a country's term lie, as multiples of an even
/// spread of the demand: dense near it, where a tight cap puts the plan,
/// so that the first solve is already close (a term's cut misses it by
/// `(q - p)^2 / D^2`).
const INITIAL_CUTS: [f64; 13] = [
    0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.1, 1.2, 1.5, 2.0,
];

/// The first cuts of every HHI cap, before any solve: each country's term
/// linearised around the even spread of the element's demand over the
/// countries offering it.
pub(crate) fn initial_cuts(whole: &Scenario) -> Vec<HhiCut> {
    let mut cuts = Vec::new();
    for (t, scenario) in whole.slices().iter().enumerate() {
        for (e, element) in scenario.elements.iter().enumerate() {
            if element.caps.max_hhi.is_none() || element.demand_t <= 0.0 {
                continue;
            }
            let countries = scenario.countries_offering(e);
            let even = element.demand_t / countries.len() as f64;
            for country in countries {
                cuts.extend(INITIAL_CUTS.iter().map(|m| HhiCut {
                    year: t,
                    element: e,
                    country: CountryCode::new(country),
                    at: m * even,
                }));
            }
        }
    }
    cuts
}

/// Tonnes of element `e` bought per processing country (substitutes
/// belong to none).
fn tonnes_by_country<'a>(scenario: &'a Scenario, plan: &Plan, e: usize) -> Vec<(&'a str, f64)> {
    let mut by_country: std::collections::BTreeMap<&str, f64> = Default::default();
    for (o, offer) in scenario.offers_of(e) {
        if let Some(country) = scenario.supplier_of(offer).country.as_deref() {
            *by_country.entry(country).or_default() += plan.quantities_t[o];
        }
    }
    for (s, k) in scenario.baskets_of(e) {
        if let Some(country) = scenario.suppliers[s].country.as_deref() {
            *by_country.entry(country).or_default() += k * plan.baskets_t[s];
        }
    }
    by_country.into_iter().filter(|(_, q)| *q > 0.0).collect()
}

/// How much the objective moves per unit of element `e`'s HHI cap, from
/// the duals of the solve (0 for a MIP, whose duals HiGHS does not give).
fn hhi_price(scenario: &Scenario, layout: &Layout, duals: &[f64], e: usize, year: Option<u16>) -> f64 {
    layout
        .rows
        .iter()
        .zip(duals)
        .find(|(row, _)| row.id.family == Family::Hhi { element: e } && row.id.year == year)
        .map_or(0.0, |(_, dual)| dual * model::hhi_row_scale(scenario, e))
}

/// `sum_c (q_c / D)^2`.
fn hhi_of(by_country: &[(&str, f64)], demand: f64) -> f64 {
    by_country.iter().map(|(_, q)| (q / demand).powi(2)).sum()
}

/// The `hhi[e]` rows as `constraints.csv` reports them: the HHI at the
/// plan as the activity (the model's row holds the sum of the terms, which
/// the cuts bound from below), the cap in HHI units, and the dual per unit
/// of the cap.
pub(crate) fn report_rows(
    whole: &Scenario,
    schedule: &Schedule,
    rows: &mut [RowInfo],
    activity: &mut [f64],
    duals: &mut [f64],
) {
    let first = whole.year_label(0).unwrap_or(0);
    for ((row, activity), dual) in rows.iter_mut().zip(activity).zip(duals) {
        let Family::Hhi { element } = row.id.family else {
            continue;
        };
        let t = row.id.year.map_or(0, |y| (i64::from(y) - first) as usize);
        let (scenario, plan) = (&whole.slices()[t], &schedule.years[t]);
        let element_data = &scenario.elements[element];
        *activity = hhi_of(&tonnes_by_country(scenario, plan, element), element_data.demand_t);
        let scale = model::hhi_row_scale(scenario, element);
        row.upper /= scale;
        *dual *= scale;
    }
}
