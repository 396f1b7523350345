//! One `define_*` function per constraint family. Each decides whether its
//! rows exist, builds their left-hand sides from the typed columns of
//! [`Vars`](super::columns::Vars), and adds them under their [`RowId`]s
//! (see [`super::ids`]); a family whose rows a diagnosis may not move as
//! its kind says states so where it adds them.

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
    /// Whether element `e`'s floors (recycled share, group floors, supplier
    /// counts) hold in this build: not in the diagnosis's search for the
    /// most the caps allow of another element, where only caps can limit
    /// it (another element's unmeetable floor would hide the answer).
    pub fn floors_apply(&self, e: usize) -> bool {
        !matches!(self.stage, Stage::MaxSupply(target) if target != e)
    }
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
