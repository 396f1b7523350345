//! The program described in `models/README.md`: the LP, the yes/no
//! decisions and the objectives, with every row and column named by its
//! identity ([`RowId`], [`Column`]).
//!
//! [`build`] is the recipe; each constraint family is one `define_*`
//! function under `families/`.
//!
//! Columns, in order: `x[s,e]` per offer (in [`Scenario::offers`] order);
//! `u[e]` per element when a shortfall penalty is set; `q[s,e,b]` per band of
//! a tiered offer; then the yes/no decisions: `y[s]` per supplier with a
//! fixed cost, `z[s,e]` per offer whose use is decided, `w[s,e,b]` per band
//! (after the first) of a discounted offer. Rows are added in the order they
//! appear in `constraints.csv`: for each element its demand, then per offer
//! its capacity, tiers and use decisions, then the element's country shares,
//! supplier shares, mean risk, recycled share and supplier counts; then
//! supplier capacities, the budget and, in the second stage of the risk
//! objective, the risk level.

mod columns;
mod elastic;
mod families;
pub mod ids;
mod objective;
mod rows;

pub use ids::{Column, ConstraintKind, CountryCode, Family, Relax, RowId};
pub use rows::RowInfo;

use crate::plan::Plan;
use crate::scenario::Scenario;
pub use families::hhi::{cut_terms, hhi_row_scale, HhiCut, HHI_ROW_SCALE};
use families::{baskets, budget, capacity, decisions, demand, groups, hhi, shares, tiers, Ctx};
use good_lp::solvers::highs::{highs, HighsProblem};

/// Which objective this build minimises (models/README.md, "Objectives").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// Total cost plus shortfall penalties.
    Cost,
    /// First stage of the risk objective: the sum of the elements' mean risk.
    Risk,
    /// Second stage of the risk objective: cost, with the risk sum capped.
    CostWithinRisk {
        /// Upper bound on the sum of mean risks: `r* (1 + 1e-6) + 1e-9`.
        risk_bound: f64,
    },
    /// Diagnosis: the most of one element (by index) that the caps allow,
    /// every demand row dropped.
    MaxSupply(usize),
    /// Diagnosis, elastic copy: the fewest caps to relax.
    FewestRelaxations,
    /// Diagnosis, elastic copy: the smallest moves, relaxing at most
    /// `count` caps (each move measured relative to its element's demand or
    /// its own bound).
    SmallestRelaxations {
        /// Most caps that may be relaxed.
        count: f64,
    },
}

impl Stage {
    /// Whether this is an elastic copy (a diagnosis's).
    pub fn is_elastic(self) -> bool {
        matches!(self, Stage::FewestRelaxations | Stage::SmallestRelaxations { .. })
    }
}

/// Rows, columns and non-zeros of the constraint matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ModelSize {
    /// Number of constraints.
    pub rows: usize,
    /// Number of variables.
    pub columns: usize,
    /// Number of yes/no (binary) variables; 0 for an LP.
    pub binaries: usize,
    /// Number of non-zero coefficients in the constraint matrix.
    pub nonzeros: usize,
}

/// A built model: the problem handed to [`crate::solve::solve`], and the
/// layout that reads its results back.
pub struct Model {
    /// The good_lp problem, HiGHS backend.
    pub problem: HighsProblem,
    /// Names of rows and meaning of columns.
    pub layout: Layout,
}

/// What each row and column of a built model means.
#[derive(Debug, Clone)]
pub struct Layout {
    /// One entry per row, in row order.
    pub rows: Vec<RowInfo>,
    /// One entry per column, in column order.
    pub columns: Vec<Column>,
    /// Matrix dimensions.
    pub size: ModelSize,
    /// The objective this build minimises.
    pub stage: Stage,
    /// Column indices of the yes/no decisions, in column order.
    pub decisions: Vec<usize>,
    /// Whether the decisions are fixed (the LP that prices a MIP's plan).
    pub decisions_fixed: bool,
    /// Elastic copies: the row each slack relaxes, and the slack's column.
    pub relaxable: Vec<(usize, usize)>,
    offer_count: usize,
    element_count: usize,
    supplier_count: usize,
    resale_count: usize,
}

impl Layout {
    /// Whether HiGHS must branch: yes/no decisions that are not fixed.
    pub fn is_mip(&self) -> bool {
        !self.decisions.is_empty() && !self.decisions_fixed
    }

    /// Reads a plan out of solved column values.
    pub fn plan(&self, values: &[f64]) -> Plan {
        // Simplex leaves basic variables at round-off like 1e-13 t: that is
        // no purchase, so it is cleaned before anything reads the plan.
        let clean = |v: f64| if v.abs() < 1e-9 { 0.0 } else { v };
        let mut plan = Plan {
            quantities_t: values[..self.offer_count].iter().copied().map(clean).collect(),
            shortfall_t: vec![0.0; self.element_count],
            contracts: vec![false; self.supplier_count],
            baskets_t: vec![0.0; self.supplier_count],
            resold_t: vec![0.0; self.resale_count],
        };
        for (column, &value) in self.columns.iter().zip(values) {
            match *column {
                Column::Shortfall(e) => plan.shortfall_t[e] = clean(value),
                Column::Contract(s) => plan.contracts[s] = value > 0.5,
                Column::Basket(s) => plan.baskets_t[s] = clean(value),
                Column::Resold(r) => plan.resold_t[r] = clean(value),
                _ => {}
            }
        }
        plan
    }

    /// Elastic copies: how far each relaxed row moved, by row index.
    pub fn relaxations(&self, values: &[f64]) -> Vec<(usize, f64)> {
        let count = self.relaxable.len();
        self.relaxable
            .iter()
            // The "relaxed" mark sits `count` columns after the slack; a
            // slack left at round-off size under an unmarked row (allowed
            // by the integrality tolerance times M) is no relaxation.
            .filter(|&&(_, column)| values[column + count] > 0.5)
            .map(|&(row, column)| (row, values[column]))
            .filter(|&(_, amount)| amount > 1e-9)
            .collect()
    }

    /// Elastic copies: how many rows are marked relaxed.
    pub fn relaxed_count(&self, values: &[f64]) -> usize {
        self.columns
            .iter()
            .zip(values)
            .filter(|(c, &v)| matches!(c, Column::Relaxed(_)) && v > 0.5)
            .count()
    }

    /// The yes/no decisions of a solution, rounded to 0 or 1.
    pub fn decision_values(&self, values: &[f64]) -> Vec<f64> {
        self.decisions
            .iter()
            .map(|&c| values[c].round().clamp(0.0, 1.0))
            .collect()
    }

    /// Appends HHI cut `cut`, the `number`-th of its element, as the model's
    /// last row; returns its columns, coefficients and lower bound, for the
    /// solver that adds it to a solved model.
    pub fn push_hhi_cut(
        &mut self,
        scenario: &Scenario,
        cut: &HhiCut,
        number: usize,
    ) -> (Vec<usize>, Vec<f64>, f64) {
        let (terms, lower) = cut_terms(scenario, cut);
        let (mut columns, mut values) = (Vec::with_capacity(terms.len()), Vec::with_capacity(terms.len()));
        for (column, coefficient) in terms {
            if let Some(index) = self.column_index(column) {
                columns.push(index);
                values.push(coefficient);
            }
        }
        self.rows.push(RowInfo {
            id: Family::HhiCut {
                element: cut.element,
                cut: number,
            }
            .into(),
            lower,
            upper: f64::INFINITY,
            relax: Relax::Never,
        });
        self.size.rows += 1;
        self.size.nonzeros += columns.len();
        (columns, values, lower)
    }

    /// The position of `column` in the model, if it has one (`x` columns
    /// come first, in offer order).
    pub fn column_index(&self, column: Column) -> Option<usize> {
        match column {
            Column::Quantity(o) => Some(o),
            _ => self.columns.iter().position(|c| *c == column),
        }
    }

    /// The first row identity that appears twice, if any (none should).
    pub fn duplicate_row(&self) -> Option<RowId> {
        let mut seen = std::collections::HashSet::with_capacity(self.rows.len());
        self.rows.iter().map(|r| r.id).find(|id| !seen.insert(*id))
    }
}

/// Builds the model of `scenario` for `stage`. With `fixed`, every yes/no
/// decision is held at the given value (in [`Layout::decisions`] order) and
/// the model is an LP.
///
/// The recipe: the columns; per element its demand, its offers' rows and
/// its caps (so rows come element by element, as `constraints.csv` lists
/// them); the plan-wide rows; in an elastic copy the slacks; the objective.
pub fn build(scenario: &Scenario, stage: Stage, fixed: Option<&[f64]>) -> Model {
    build_with_cuts(scenario, stage, fixed, &[])
}

/// [`build`], with the HHI caps' tangent cuts found so far.
pub fn build_with_cuts(scenario: &Scenario, stage: Stage, fixed: Option<&[f64]>, cuts: &[HhiCut]) -> Model {
    let mut cols = columns::Columns::new(fixed);
    let vars = columns::define_variables(scenario, stage, &mut cols);
    let ctx = Ctx {
        scenario,
        stage,
        vars: &vars,
        cuts,
    };
    let mut rows = rows::Rows::new();
    for e in 0..scenario.elements.len() {
        demand::define_demand(&ctx, e, &mut rows);
        for o in scenario.elements[e].offers.clone() {
            capacity::define_offer_capacity(&ctx, o, &mut rows);
            tiers::define_tiers(&ctx, o, &mut rows);
            decisions::define_use(&ctx, o, &mut rows);
        }
        shares::define_country_shares(&ctx, e, &mut rows);
        shares::define_mining_shares(&ctx, e, &mut rows);
        groups::define_group_shares(&ctx, e, &mut rows);
        hhi::define_hhi_cap(&ctx, e, &mut rows);
        shares::define_supplier_shares(&ctx, e, &mut rows);
        shares::define_avg_risk(&ctx, e, &mut rows);
        shares::define_recycled_share(&ctx, e, &mut rows);
        decisions::define_supplier_counts(&ctx, e, &mut rows);
    }
    capacity::define_supplier_capacity(&ctx, &mut rows);
    baskets::define_basket_capacity(&ctx, &mut rows);
    baskets::define_basket_contract(&ctx, &mut rows);
    baskets::define_resale(&ctx, &mut rows);
    budget::define_budget(&ctx, &mut rows);
    let elastic = elastic::Elastic::add(scenario, stage, &mut rows, &mut cols);
    budget::define_risk_level(&ctx, &mut rows);
    hhi::define_hhi_cuts(&ctx, &mut rows);
    let objective = objective::objective(&ctx, &elastic);

    let decisions_fixed = cols.decisions_fixed();
    let columns::Columns {
        variables,
        columns,
        decisions,
        binaries,
        ..
    } = cols;
    let mut problem = variables.minimise(objective).using(highs);
    let (rows, nonzeros) = rows.add_to(&mut problem);
    Model {
        problem,
        layout: Layout {
            size: ModelSize {
                rows: rows.len(),
                columns: columns.len(),
                binaries,
                nonzeros,
            },
            rows,
            columns,
            stage,
            decisions,
            decisions_fixed,
            relaxable: elastic.relaxable,
            offer_count: scenario.offers.len(),
            element_count: scenario.elements.len(),
            supplier_count: scenario.suppliers.len(),
            resale_count: scenario.policy.resale.len(),
        },
    }
}
