//! The HHI cap by outer approximation (models/README.md, "HHI cap"). The
//! cap `sum_c (q_ce / D_e)^2 <= H_e` is split by country: `hhi[e]` holds
//! `sum_c h[c,e] <= H_e`, and each tangent cut `hhi[e]#k` bounds one
//! country's term from below at a point `p`:
//! `h[c,e] >= (2 p q_ce - p^2) / D_e^2`. A tangent of the whole cap at a
//! point is the sum of its countries' cuts there, so these cuts are at
//! least as tight, and they combine country by country: the rounds
//! converge in a few steps where whole-cap cuts would surround the optimum
//! one by one in as many dimensions as there are countries.

use super::Ctx;
use crate::model::rows::Rows;
use crate::model::{Column, CountryCode, Family};
use crate::scenario::Scenario;
use good_lp::Expression;

/// Every `hhi` row of element e is written in units of a millionth of its
/// cap, i.e. multiplied by `HHI_ROW_SCALE / H_e`: HiGHS meets a row to
/// about 1e-7 absolute, which in HHI units (caps below 1, down to 1e-8)
/// would let the HHI exceed its cap by more than the 1e-7 relative
/// tolerance the cuts aim for, round after round.
pub const HHI_ROW_SCALE: f64 = 1e6;

/// The factor element `e`'s `hhi` rows are multiplied by (see
/// [`HHI_ROW_SCALE`]); multiply a row's dual by it for d objective / d H.
pub fn hhi_row_scale(scenario: &Scenario, e: usize) -> f64 {
    HHI_ROW_SCALE / scenario.elements[e].caps.max_hhi.unwrap_or(1.0)
}

/// One tangent cut of country `country`'s term of element `element`'s HHI,
/// at `at` tonnes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HhiCut {
    /// Year index (0 without a horizon).
    pub year: usize,
    /// Element index.
    pub element: usize,
    /// The processing country.
    pub country: CountryCode,
    /// Tonnes from the country at which the term is linearised.
    pub at: f64,
}

/// `sum_c h[c,e] <= H_e`, for an element with an HHI cap (and demand in
/// the year: shares of no demand are no concentration).
pub(in crate::model) fn define_hhi_cap(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let Some(cap) = ctx.scenario.elements[e].caps.max_hhi else {
        return;
    };
    if ctx.scenario.elements[e].demand_t <= 0.0 {
        return;
    }
    let scale = hhi_row_scale(ctx.scenario, e);
    let mut terms = Expression::with_capacity(ctx.vars.hhi_terms[e].len());
    for &(_, h) in &ctx.vars.hhi_terms[e] {
        terms.add_mul(scale, h);
    }
    rows.at_most(Family::Hhi { element: e }, terms, scale * cap);
}

/// Every cut found so far, numbered from 1 per element, after all other
/// rows (rounds append theirs in the same order). A diagnosis never moves a
/// cut.
pub(in crate::model) fn define_hhi_cuts(ctx: &Ctx, rows: &mut Rows) {
    let mut numbers = vec![0; ctx.scenario.elements.len()];
    for cut in ctx.cuts.iter().filter(|cut| cut.year == ctx.year) {
        numbers[cut.element] += 1;
        let Some(&(_, h)) = ctx.vars.hhi_terms[cut.element]
            .iter()
            .find(|(c, _)| *c == cut.country)
        else {
            continue;
        };
        let (terms, lower) = cut_terms(ctx.scenario, cut);
        let mut tangent = Expression::with_capacity(terms.len());
        for (column, coefficient) in terms {
            let var = match column {
                Column::Quantity(o) => Some(ctx.vars.x[o]),
                Column::Basket(s) => ctx.vars.baskets[s],
                Column::HhiTerm { .. } => Some(h),
                _ => None,
            };
            if let Some(var) = var {
                tangent.add_mul(coefficient, var);
            }
        }
        let id = Family::HhiCut {
            element: cut.element,
            cut: numbers[cut.element],
        };
        rows.at_least_held(id, tangent, lower);
    }
}

/// The cut's row, `S h - sum_{o in c} (2 S p / D^2) (x_o or k b_s) >=
/// -S p^2 / D^2` (S: [`hhi_row_scale`]), as columns with coefficients, and its lower bound.
pub fn cut_terms(scenario: &Scenario, cut: &HhiCut) -> (Vec<(Column, f64)>, f64) {
    let e = cut.element;
    let demand = scenario.elements[e].demand_t;
    let squared = demand * demand;
    let scale = hhi_row_scale(scenario, e);
    let slope = -scale * 2.0 * cut.at / squared;
    let in_country = |s: usize| scenario.suppliers[s].country.as_deref() == Some(cut.country.as_str());
    let mut terms = vec![(
        Column::HhiTerm {
            country: cut.country,
            element: e,
        },
        scale,
    )];
    terms.extend(
        scenario
            .offers_of(e)
            .filter(|(_, offer)| in_country(offer.supplier))
            .map(|(o, _)| (Column::Quantity(o), slope)),
    );
    terms.extend(
        scenario
            .baskets_of(e)
            .filter(|&(s, _)| in_country(s))
            .map(|(s, k)| (Column::Basket(s), slope * k)),
    );
    (terms, -scale * cut.at * cut.at / squared)
}
