//! Country groups: `group_min[G,stage,e]` and `group_max[G,stage,e]`.

use super::Ctx;
use crate::model::rows::Rows;
use crate::model::Family;
use crate::scenario::{Scenario, SupplyStage};
use good_lp::Expression;

/// For each `[[policy.group_share]]` rule that covers element `e`:
/// `sum_s w_sGe x[s,e] >= min D_e` and/or `<= max D_e`, where `w_sGe` is 1
/// when the supplier processes in the group (processing stage) or the
/// fraction of its feed mined in the group (mining stage).
pub(in crate::model) fn define_group_shares(ctx: &Ctx, e: usize, rows: &mut Rows) {
    let scenario = ctx.scenario;
    let demand = scenario.elements[e].demand_t;
    for (rule, share) in scenario.policy.group_shares.iter().enumerate() {
        if share.elements.binary_search(&e).is_err() {
            continue;
        }
        let mut in_group = Expression::default();
        for term in ctx.supply(e) {
            let weight = group_weight(scenario, term.supplier, term.origin, share.group, share.stage);
            if weight > 0.0 {
                in_group.add_mul(weight * term.coefficient, term.var);
            }
        }
        if let (Some(min), true) = (share.min, ctx.floors_apply(e)) {
            rows.at_least(
                Family::GroupMin { rule, element: e },
                in_group.clone(),
                min * demand,
            );
        }
        if let Some(max) = share.max {
            rows.at_most(Family::GroupMax { rule, element: e }, in_group, max * demand);
        }
    }
}

/// The part of supplier `s`'s tonnes (mined as `origin` says) that a
/// group holds at a stage.
fn group_weight(
    scenario: &Scenario,
    s: usize,
    origin: &[(String, f64)],
    group: usize,
    stage: SupplyStage,
) -> f64 {
    let members = &scenario.groups[group].members;
    match stage {
        SupplyStage::Processing => {
            let country = scenario.suppliers[s].country.as_ref();
            f64::from(u8::from(country.is_some_and(|c| members.contains(c))))
        }
        SupplyStage::Mining => origin
            .iter()
            .filter(|(c, _)| members.contains(c))
            .map(|(_, f)| f)
            .sum(),
    }
}
