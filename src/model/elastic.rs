//! The elastic copy behind a diagnosis: every row whose definition lets a
//! diagnosis move it gets a slack `v[k] >= 0` that moves its bound, and a
//! yes/no mark `r[k]` that pays for using it (`v <= M r`, row `relax[k]`).

use super::columns::Columns;
use super::rows::{RowInfo, Rows};
use super::{Column, Family, Relax, Stage};
use crate::scenario::Scenario;
use good_lp::{variable, Expression, Variable};

/// Extra weight of relaxing a physical capacity: breaks ties between sets
/// of equal size without ever preferring a larger set.
const CAPACITY_TIE_BREAK: f64 = 1e-3;

/// How far an elastic slack may move its row, and what a unit of move
/// weighs.
struct Slack {
    /// What one unit of move is measured against (the element's demand, or
    /// the row's own bound).
    scale: f64,
    /// No minimal relaxation ever needs to move the row further.
    big_m: f64,
    relax: Relax,
}

impl Slack {
    /// Sizes the slack of `row` generously.
    fn for_row(scenario: &Scenario, row: &RowInfo) -> Slack {
        let bound = row.bound().abs();
        let total_demand: f64 = scenario.elements.iter().map(|e| e.demand_t).sum();
        let (scale, big_m) = match (row.id.family, row.id.element(scenario)) {
            (Family::MinSuppliers { .. } | Family::MaxSuppliers { .. }, Some(e)) => {
                (1.0, bound + scenario.elements[e].offers.len() as f64)
            }
            (_, Some(e)) => {
                let demand = scenario.elements[e].demand_t;
                let largest_order = scenario
                    .offers_of(e)
                    .map(|(_, o)| o.min_order_t)
                    .fold(0.0, f64::max);
                (demand, 2.0 * (demand + bound + largest_order))
            }
            (Family::Budget, None) => {
                // Dearer than any plan that buys no offer beyond the larger
                // of its element's demand and its minimum order.
                let purchases: f64 = scenario
                    .offers
                    .iter()
                    .map(|o| o.cost_of(scenario.element_of(o).demand_t.max(o.min_order_t)))
                    .sum();
                let fixed: f64 = scenario.suppliers.iter().map(|s| s.fixed_cost).sum();
                (bound.max(1.0), 2.0 * (purchases + fixed + bound))
            }
            _ => (bound.max(total_demand).max(1.0), 2.0 * (total_demand + bound)),
        };
        Slack {
            scale,
            big_m,
            relax: row.relax,
        }
    }
}

/// The slacks and marks of an elastic copy (empty in every other stage).
#[derive(Default)]
pub(super) struct Elastic {
    slacks: Vec<Slack>,
    v: Vec<Variable>,
    r: Vec<Variable>,
    /// The row each slack relaxes, and the slack's column.
    pub relaxable: Vec<(usize, usize)>,
}

impl Elastic {
    /// In an elastic stage, adds a slack and a mark to every relaxable row
    /// of `rows`, then the rows linking them.
    pub fn add(scenario: &Scenario, stage: Stage, rows: &mut Rows, cols: &mut Columns) -> Elastic {
        if !stage.is_elastic() {
            return Elastic::default();
        }
        let relaxed_rows: Vec<usize> = (0..rows.info.len())
            .filter(|&i| rows.info[i].relax != Relax::Never)
            .collect();
        let slacks: Vec<Slack> = relaxed_rows
            .iter()
            .map(|&i| Slack::for_row(scenario, &rows.info[i]))
            .collect();
        let first_slack_column = cols.columns.len();
        let v: Vec<Variable> = (0..slacks.len())
            .map(|k| cols.add(Column::Slack(k), variable().min(0.0)))
            .collect();
        let r: Vec<Variable> = (0..slacks.len())
            .map(|k| cols.binary(Column::Relaxed(k)))
            .collect();
        for (&i, &slack) in relaxed_rows.iter().zip(&v) {
            // A cap's bound moves up, a floor's down.
            let sign = if rows.info[i].upper.is_finite() { -1.0 } else { 1.0 };
            rows.lhs[i].add_mul(sign, slack);
        }
        for (k, slack) in slacks.iter().enumerate() {
            let mut link = Expression::from(v[k]);
            link.add_mul(-slack.big_m, r[k]);
            rows.at_most(Family::RelaxLink { slack: k }, link, 0.0);
        }
        if let Stage::SmallestRelaxations { count } = stage {
            let mut relaxed = Expression::with_capacity(r.len());
            for &var in &r {
                relaxed.add_mul(1.0, var);
            }
            rows.at_most(Family::RelaxationCount, relaxed, count);
        }
        let relaxable = relaxed_rows
            .into_iter()
            .enumerate()
            .map(|(k, row)| (row, first_slack_column + k))
            .collect();
        Elastic {
            slacks,
            v,
            r,
            relaxable,
        }
    }

    /// The fewest-caps objective: each relaxed row counts 1, a physical
    /// capacity a little more (so policy wins ties).
    pub fn relaxation_count(&self) -> Expression {
        let mut count = Expression::with_capacity(self.r.len());
        for (&var, slack) in self.r.iter().zip(&self.slacks) {
            let weight = match slack.relax {
                Relax::Physical => 1.0 + CAPACITY_TIE_BREAK,
                Relax::Policy | Relax::Never => 1.0,
            };
            count.add_mul(weight, var);
        }
        count
    }

    /// The smallest-moves objective: each move relative to its scale;
    /// physical capacities weigh far more, moved only when no set of policy
    /// caps of the same size will do.
    pub fn total_move(&self) -> Expression {
        let mut moves = Expression::with_capacity(self.v.len());
        for (&var, slack) in self.v.iter().zip(&self.slacks) {
            let weight = match slack.relax {
                Relax::Physical => 1e3,
                Relax::Policy | Relax::Never => 1.0,
            };
            moves.add_mul(weight / slack.scale, var);
        }
        moves
    }
}
