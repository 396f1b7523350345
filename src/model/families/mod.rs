//! One `define_*` function per constraint family. Each decides whether its
//! rows exist, builds their left-hand sides from the typed columns of
//! [`Vars`](super::columns::Vars), and adds them under their [`RowId`]s
//! (see [`super::ids`]); a family whose rows a diagnosis may not move as
//! its kind says states so where it adds them.

pub(super) mod baskets;
pub(super) mod budget;
pub(super) mod capacity;
pub(super) mod decisions;
pub(super) mod demand;
pub(super) mod groups;
pub(super) mod hhi;
pub(super) mod recourse;
pub(super) mod shares;
pub(super) mod stock;
pub(super) mod tiers;

use super::columns::Vars;
use super::Stage;
use crate::scenario::{Scenario, StockedElement};
use good_lp::{Expression, Variable};

/// What every family reads: the year's scenario, the stage being built,
/// and the year's columns.
pub(super) struct Ctx<'a> {
    /// The scenario as it stands in this year.
    pub scenario: &'a Scenario,
    /// The whole scenario (its horizon and stockpile).
    pub whole: &'a Scenario,
    /// The year index (0 without a horizon).
    pub year: usize,
    pub stage: Stage,
    pub vars: &'a Vars,
    /// The stock columns of every year.
    pub stock: &'a stock::StockVars,
    /// The HHI caps' tangent cuts so far (of every year).
    pub cuts: &'a [hhi::HhiCut],
}

impl Ctx<'_> {
    /// A stocked element's rule, and its stock at the start of this year
    /// (a column, or the initial tonnes) and at its end.
    pub fn stock_flow(&self, e: usize) -> Option<(&StockedElement, Result<Variable, f64>, Variable)> {
        let stocked = self.whole.stockpile()?.of(e)?;
        let (opening, closing) = self.stock.flow(self.year, e, stocked.initial_t)?;
        Some((stocked, opening, closing))
    }

    /// What can deliver element `e`: each offer's `x` (coefficient 1) and
    /// each basket's `b` (its fraction of e), with the supplier and the
    /// mining origin of what it delivers.
    pub fn supply(&self, e: usize) -> Vec<Supply<'_>> {
        let scenario = self.scenario;
        let offers = scenario.offers_of(e).map(|(o, offer)| Supply {
            supplier: offer.supplier,
            var: self.vars.x[o],
            coefficient: 1.0,
            origin: scenario.origin_of(offer),
        });
        let baskets = scenario.baskets_of(e).filter_map(|(s, k)| {
            Some(Supply {
                supplier: s,
                var: self.vars.baskets[s]?,
                coefficient: k,
                origin: &scenario.suppliers[s].origin,
            })
        });
        offers.chain(baskets).collect()
    }

    /// Whether element `e`'s floors (recycled share, group floors, supplier
    /// counts) hold in this build: not in the diagnosis's search for the
    /// most the caps allow of another element, where only caps can limit
    /// it (another element's unmeetable floor would hide the answer).
    pub fn floors_apply(&self, e: usize) -> bool {
        !matches!(self.stage, Stage::MaxSupply { element, .. } if element != e)
    }
}

/// One source of an element: tonnes `coefficient * var` from `supplier`.
pub(super) struct Supply<'a> {
    pub supplier: usize,
    pub var: Variable,
    pub coefficient: f64,
    pub origin: &'a [(String, f64)],
}

/// `sum of vars`, each with coefficient 1.
pub(super) fn sum(vars: impl IntoIterator<Item = Variable>) -> Expression {
    let vars = vars.into_iter();
    let mut total = Expression::with_capacity(vars.size_hint().0);
    for var in vars {
        total.add_mul(1.0, var);
    }
    total
}
