//! Plan-wide rows: `budget` and the risk objective's `risk_level`.

use super::Ctx;
use crate::model::objective::{cost, risk_sum};
use crate::model::rows::Rows;
use crate::model::{Family, Stage};
use good_lp::Expression;

/// `total cost <= budget` (fixed costs included, penalties not).
pub(in crate::model) fn define_budget(ctx: &Ctx, rows: &mut Rows) {
    if let Some(budget) = ctx.scenario.policy.budget {
        rows.at_most(Family::Budget, cost(ctx, false), budget);
    }
}

/// `sum_t total cost_t <= horizon_budget`: undiscounted, fixed costs
/// included, penalties and holding costs not (`years` holds each year's
/// context).
pub(in crate::model) fn define_horizon_budget(years: &[Ctx], rows: &mut Rows) {
    let Some(budget) = years[0].whole.horizon.as_ref().and_then(|h| h.budget) else {
        return;
    };
    let mut total = Expression::default();
    for ctx in years {
        total += cost(ctx, false);
    }
    rows.at_most(Family::HorizonBudget, total, budget);
}

/// The second stage of the risk objective holds the first stage's optimum:
/// `sum of mean risks <= r* (1 + 1e-6) + 1e-9`, summed over the years.
pub(in crate::model) fn define_risk_level(years: &[Ctx], rows: &mut Rows) {
    if let Stage::CostWithinRisk { risk_bound } = years[0].stage {
        let mut total = Expression::default();
        for ctx in years {
            total += risk_sum(ctx);
        }
        rows.at_most(Family::RiskLevel, total, risk_bound);
    }
}
