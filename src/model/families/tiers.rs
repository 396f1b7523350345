//! Volume tiers: `tiers[s,e]`, `tier_end[s,e]`, and for discounts
//! `tier_order[s,e,b]` and `tier_open[s,e,b]` (models/README.md, "Volume
//! tiers").

use super::Ctx;
use crate::model::rows::Rows;
use crate::model::Family;
use crate::scenario::Pricing;
use good_lp::Expression;

/// `x = sum of bands`; a closed last band caps the offer at its end; for a
/// discount, band `b` opens only when band `b-1` is full.
pub(in crate::model) fn define_tiers(ctx: &Ctx, o: usize, rows: &mut Rows) {
    let bands = &ctx.vars.bands[o];
    if bands.is_empty() {
        return;
    }
    let x = ctx.vars.x[o];
    if let Pricing::Tiers(tiers) = &ctx.scenario.offers[o].pricing {
        if let Some(end) = tiers.last().and_then(|t| t.up_to_t) {
            rows.at_most(Family::TierEnd { offer: o }, Expression::from(x), end);
        }
    }
    let mut total = Expression::with_capacity(bands.len() + 1);
    total.add_mul(1.0, x);
    for band in bands {
        total.add_mul(-1.0, band.var);
    }
    rows.equal(Family::Tiers { offer: o }, total, 0.0);
    for (b, reached) in ctx.vars.w[o].iter().enumerate() {
        let Some(reached) = *reached else { continue };
        let previous = &bands[b - 1];
        let mut full = Expression::from(previous.var);
        full.add_mul(-previous.width, reached);
        rows.at_least(Family::TierOrder { offer: o, band: b }, full, 0.0);
        let mut open = Expression::from(bands[b].var);
        open.add_mul(-bands[b].width, reached);
        rows.at_most(Family::TierOpen { offer: o, band: b }, open, 0.0);
    }
}
