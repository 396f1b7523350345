//! The HHI cap by outer approximation (models/README.md, "HHI cap"). The
//! cap `sum_c (q_ce / D_e)^2 <= H_e` is split by country: `hhi[e]` holds
//! `sum_c h[c,e] <= H_e`, `hhi_tonnes[c,e]` makes `p[c,e]` the country's
//! tonnes `q_ce`, and each tangent cut `hhi[e]#k` bounds one country's
//! term from below at a point `a`: `h[c,e] >= (2 a p[c,e] - a^2) / D_e^2`
//! (two columns, however many offers the country has). A tangent of the whole cap at a
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
    for term in &ctx.vars.hhi_terms[e] {
        terms.add_mul(scale, term.term);
    }
    rows.at_most(Family::Hhi { element: e }, terms, scale * cap);
}

/// `p[c,e] - sum_{offers of c} x - sum_{baskets of c} k b = 0` for each
/// country offering an element with an HHI cap. Never relaxed: it defines
/// a column.
pub(in crate::model) fn define_hhi_tonnes(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let scenario = ctx.scenario;
    for term in &ctx.vars.hhi_terms[e] {
        let in_country = |s: usize| scenario.suppliers[s].country.as_deref() == Some(term.country.as_str());
        let mut tonnes = Expression::from(term.tonnes);
        for (o, offer) in scenario.offers_of(e) {
            if in_country(offer.supplier) {
                tonnes.add_mul(-1.0, ctx.vars.x[o]);
            }
        }
        for (s, k) in scenario.baskets_of(e) {
            if let (true, Some(b)) = (in_country(s), ctx.vars.baskets[s]) {
                tonnes.add_mul(-k, b);
            }
        }
        let id = Family::HhiTonnes {
            country: term.country,
            element: e,
        };
        rows.equal(id, tonnes, 0.0);
    }
}

/// Every cut found so far, numbered from 1 per element, after all other
/// rows (rounds append theirs in the same order). A diagnosis never moves a
/// cut.
pub(in crate::model) fn define_hhi_cuts(ctx: &Ctx, rows: &mut Rows) {
    let mut numbers = vec![0; ctx.scenario.elements.len()];
    for cut in ctx.cuts.iter().filter(|cut| cut.year == ctx.year) {
        numbers[cut.element] += 1;
        let Some(term) = ctx.vars.hhi_terms[cut.element]
            .iter()
            .find(|t| t.country == cut.country)
        else {
            continue;
        };
        let (terms, lower) = cut_terms(ctx.scenario, cut);
        let mut tangent = Expression::with_capacity(terms.len());
        for (column, coefficient) in terms {
            match column {
                Column::HhiTerm { .. } => tangent.add_mul(coefficient, term.term),
                _ => tangent.add_mul(coefficient, term.tonnes),
            }
        }
        let id = Family::HhiCut {
            element: cut.element,
            cut: numbers[cut.element],
        };
        rows.at_least_held(id, tangent, lower);
    }
}

/// The cut's row, `S h[c,e] - (2 S a / D^2) p[c,e] >= -S a^2 / D^2` (S:
/// [`hhi_row_scale`], `a` the cut's tonnes), as columns with coefficients,
/// and its lower bound.
pub fn cut_terms(scenario: &Scenario, cut: &HhiCut) -> ([(Column, f64); 2], f64) {
    let e = cut.element;
    let demand = scenario.elements[e].demand_t;
    let squared = demand * demand;
    let scale = hhi_row_scale(scenario, e);
    let (country, element) = (cut.country, e);
    let terms = [
        (Column::HhiTerm { country, element }, scale),
        (
            Column::CountryTonnes { country, element },
            -scale * 2.0 * cut.at / squared,
        ),
    ];
    (terms, -scale * cut.at * cut.at / squared)
}
