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
        for (o, _) in scenario.offers_of(e) {
            let weight = group_weight(scenario, o, share.group, share.stage);
            if weight > 0.0 {
                in_group.add_mul(weight, ctx.vars.x[o]);
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

/// The part of offer `o`'s tonnes that a group holds at a stage.
pub(crate) fn group_weight(scenario: &Scenario, o: usize, group: usize, stage: SupplyStage) -> f64 {
    let offer = &scenario.offers[o];
    let members = &scenario.groups[group].members;
    match stage {
        SupplyStage::Processing => {
            let country = scenario.supplier_of(offer).country.as_ref();
            f64::from(u8::from(country.is_some_and(|c| members.contains(c))))
        }
        SupplyStage::Mining => scenario
            .origin_of(offer)
            .iter()
            .filter(|(c, _)| members.contains(c))
            .map(|(_, f)| f)
            .sum(),
    }
}
