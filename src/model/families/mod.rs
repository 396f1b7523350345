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
pub(super) mod shares;
pub(super) mod tiers;

use super::columns::Vars;
use super::Stage;
use crate::scenario::Scenario;
use good_lp::{Expression, Variable};

/// What every family reads: the scenario, the stage being built, and the
/// columns.
pub(super) struct Ctx<'a> {
    pub scenario: &'a Scenario,
    pub stage: Stage,
    pub vars: &'a Vars,
    /// The HHI caps' tangent cuts so far.
    pub cuts: &'a [hhi::HhiCut],
}

impl Ctx<'_> {
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
        !matches!(self.stage, Stage::MaxSupply(target) if target != e)
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
