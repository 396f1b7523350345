//! Plan-wide rows: `budget` and the risk objective's `risk_level`.

use super::Ctx;
use crate::model::objective::{cost, risk_sum};
use crate::model::rows::Rows;
use crate::model::{Family, Stage};

/// `total cost <= budget` (fixed costs included, penalties not).
pub(in crate::model) fn define_budget(ctx: &Ctx, rows: &mut Rows) {
    if let Some(budget) = ctx.scenario.policy.budget {
        rows.at_most(Family::Budget, cost(ctx, false), budget);
    }
}

/// The second stage of the risk objective holds the first stage's optimum:
/// `sum of mean risks <= r* (1 + 1e-6) + 1e-9`.
pub(in crate::model) fn define_risk_level(ctx: &Ctx, rows: &mut Rows) {
    if let Stage::CostWithinRisk { risk_bound } = ctx.stage {
        rows.at_most(Family::RiskLevel, risk_sum(ctx), risk_bound);
    }
}
