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
mod lp;
mod objective;
mod rows;

pub use ids::{Column, ColumnId, ConstraintKind, CountryCode, Family, Relax, RowId};
pub use lp::{Lp, Structure};
pub use rows::RowInfo;

use crate::plan::{Plan, ScenarioPlan, Schedule};
use crate::scenario::Scenario;
pub use families::hhi::{cut_terms, hhi_row_scale, HhiCut, HHI_ROW_SCALE};
use families::{
    baskets, budget, capacity, decisions, demand, groups, hhi, recourse, shares, stock, tiers, Ctx,
};

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
    /// Diagnosis: the most of one element (by index) that the caps allow
    /// in one year (by index; 0 without a horizon), every demand row
    /// dropped.
    MaxSupply {
        /// Element index.
        element: usize,
        /// Year index.
        year: usize,
        /// Whether a stocked element's stock counts, bought in the years
        /// before (which then balance); else only the year's purchases.
        with_stock: bool,
    },
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

/// A built model: the arrays handed to [`crate::solve::solve`], and the
/// layout that reads its results back.
pub struct Model {
    /// Costs, bounds and matrix, as HiGHS takes them.
    pub lp: Lp,
    /// Names of rows and meaning of columns.
    pub layout: Layout,
}

/// What each row and column of a built model means.
#[derive(Debug, Clone)]
pub struct Layout {
    /// One entry per row, in row order.
    pub rows: Vec<RowInfo>,
    /// One entry per column, in column order.
    pub columns: Vec<ColumnId>,
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
    /// The first column of each year's block (`x` first, in offer order).
    year_starts: Vec<usize>,
    /// The label of the first year, with a horizon.
    first_year: Option<i64>,
    /// Each column's position, built on the first lookup of a column other
    /// than an `x` (the HHI rounds look up every cut's terms).
    positions: std::sync::OnceLock<rustc_hash::FxHashMap<ColumnId, usize>>,
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

    /// The year index of a column's year label.
    fn year_index(&self, year: Option<u16>) -> usize {
        match (year, self.first_year) {
            (Some(year), Some(first)) => (i64::from(year) - first) as usize,
            _ => 0,
        }
    }

    /// Reads the plan of every year out of solved column values.
    pub fn schedule(&self, values: &[f64]) -> Schedule {
        // Simplex leaves basic variables at round-off like 1e-13 t: that is
        // no purchase, so it is cleaned before anything reads the plan.
        let clean = |v: f64| if v.abs() < 1e-9 { 0.0 } else { v };
        let empty = Plan {
            quantities_t: vec![0.0; self.offer_count],
            shortfall_t: vec![0.0; self.element_count],
            contracts: vec![false; self.supplier_count],
            baskets_t: vec![0.0; self.supplier_count],
            resold_t: vec![0.0; self.resale_count],
        };
        let mut schedule = Schedule {
            years: vec![empty; self.year_starts.len()],
            stock_t: vec![vec![0.0; self.element_count]; self.year_starts.len()],
        };
        let mut signed = vec![false; self.supplier_count];
        for (id, &value) in self.columns.iter().zip(values) {
            if id.scenario.is_some() {
                continue;
            }
            let t = self.year_index(id.year);
            let plan = &mut schedule.years[t];
            match id.column {
                Column::Quantity(o) => plan.quantities_t[o] = clean(value),
                Column::Shortfall(e) => plan.shortfall_t[e] = clean(value),
                Column::Contract(s) => signed[s] = value > 0.5,
                Column::Basket(s) => plan.baskets_t[s] = clean(value),
                Column::Resold(r) => plan.resold_t[r] = clean(value),
                Column::Stock(e) => schedule.stock_t[t][e] = clean(value),
                _ => {}
            }
        }
        for plan in &mut schedule.years {
            plan.contracts.clone_from(&signed);
        }
        schedule
    }

    /// Each disruption's second stage out of solved column values (the
    /// base scenario's, `schedule`, before a disruption's first year).
    pub fn recourse(&self, values: &[f64], schedule: &Schedule, disruptions: usize) -> Vec<ScenarioPlan> {
        let clean = |v: f64| if v.abs() < 1e-9 { 0.0 } else { v };
        let mut plans = vec![ScenarioPlan::of_base(schedule); disruptions];
        for (id, &value) in self.columns.iter().zip(values) {
            let Some(w) = id.scenario else { continue };
            let (plan, t) = (&mut plans[usize::from(w) - 1], self.year_index(id.year));
            match id.column {
                Column::Spot(o) => plan.spot_t[t][o] = clean(value),
                Column::Shortfall(e) => plan.shortfall_t[t][e] = clean(value),
                Column::Stock(e) => plan.stock_t[t][e] = clean(value),
                Column::Resold(r) => plan.resold_t[t][r] = clean(value),
                _ => {}
            }
        }
        plans
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
            .filter(|(c, &v)| matches!(c.column, Column::Relaxed(_)) && v > 0.5)
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
        let slice = &scenario.slices()[cut.year];
        let (terms, lower) = cut_terms(slice, cut);
        let year = scenario.year_label(cut.year).map(|y| y as u16);
        let (mut columns, mut values) = (Vec::with_capacity(terms.len()), Vec::with_capacity(terms.len()));
        for (column, coefficient) in terms {
            if let Some(index) = self.column_index(ColumnId::new(column, year)) {
                columns.push(index);
                values.push(coefficient);
            }
        }
        self.rows.push(RowInfo {
            id: RowId {
                family: Family::HhiCut {
                    element: cut.element,
                    cut: number,
                },
                year,
                scenario: None,
            },
            lower,
            upper: f64::INFINITY,
            relax: Relax::Never,
        });
        self.size.rows += 1;
        self.size.nonzeros += columns.len();
        (columns, values, lower)
    }

    /// The position of `column` in the model, if it has one (`x` columns
    /// come first in each year's block, in offer order).
    pub fn column_index(&self, column: ColumnId) -> Option<usize> {
        match column.column {
            Column::Quantity(o) => Some(self.year_starts[self.year_index(column.year)] + o),
            _ => {
                let positions = self.positions.get_or_init(|| {
                    self.columns
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(i, &c)| (c, i))
                        .collect()
                });
                positions.get(&column).copied()
            }
        }
    }

    /// The first row identity that appears twice, if any (none should).
    pub fn duplicate_row(&self) -> Option<RowId> {
        let mut seen = std::collections::HashSet::with_capacity(self.rows.len());
        self.rows.iter().map(|r| r.id).find(|id| !seen.insert(*id))
    }
}

/// One year's rows: per element its demand, its offers' rows and its caps
/// (so rows come element by element, as `constraints.csv` lists them), its
/// stock's bounds; then the year's plan-wide rows.
fn define_year(ctx: &Ctx, rows: &mut rows::Rows) {
    let scenario = ctx.scenario;
    for e in 0..scenario.elements.len() {
        demand::define_demand(ctx, e, rows);
        for o in scenario.elements[e].offers.clone() {
            capacity::define_offer_capacity(ctx, o, rows);
            tiers::define_tiers(ctx, o, rows);
            decisions::define_use(ctx, o, rows);
        }
        shares::define_country_shares(ctx, e, rows);
        shares::define_mining_shares(ctx, e, rows);
        groups::define_group_shares(ctx, e, rows);
        hhi::define_hhi_tonnes(ctx, e, rows);
        hhi::define_hhi_cap(ctx, e, rows);
        shares::define_supplier_shares(ctx, e, rows);
        shares::define_avg_risk(ctx, e, rows);
        shares::define_recycled_share(ctx, e, rows);
        decisions::define_supplier_counts(ctx, e, rows);
        stock::define_stock_bounds(ctx, e, rows);
    }
    capacity::define_supplier_capacity(ctx, rows);
    baskets::define_basket_capacity(ctx, rows);
    baskets::define_basket_contract(ctx, rows);
    baskets::define_resale(ctx, rows);
    budget::define_budget(ctx, rows);
}

/// Runs `add` on `builder` with its `slot` (the year or disruption that
/// what it adds belongs to) set to `value`, then puts back what the slot
/// held: no family can leave the next family's rows in its year.
fn scoped<B, V, T>(
    builder: &mut B,
    slot: fn(&mut B) -> &mut V,
    value: V,
    add: impl FnOnce(&mut B) -> T,
) -> T {
    let outer = std::mem::replace(slot(builder), value);
    let result = add(builder);
    *slot(builder) = outer;
    result
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
///
/// With a horizon each year's columns and rows come in turn (a contract's
/// `y[s]` once, in the first year), then the stock columns; the rows that
/// span years (`stock_final`, `horizon_budget`, `risk_level`, the cuts)
/// come last.
pub fn build_with_cuts(scenario: &Scenario, stage: Stage, fixed: Option<&[f64]>, cuts: &[HhiCut]) -> Model {
    build_given(scenario, stage, fixed, cuts, None)
}

/// [`build_with_cuts`], with the contracted quantities and baskets of
/// `first_stage` held (a disruption's recourse still free): the plan that
/// ignores disruptions, priced against them.
pub fn build_given(
    scenario: &Scenario,
    stage: Stage,
    fixed: Option<&[f64]>,
    cuts: &[HhiCut],
    first_stage: Option<&Schedule>,
) -> Model {
    let slices = scenario.slices();
    let mut cols = columns::Columns::new(fixed, first_stage);
    let mut years: Vec<columns::Vars> = Vec::with_capacity(slices.len());
    let mut year_starts = Vec::with_capacity(slices.len());
    for (t, slice) in slices.iter().enumerate() {
        year_starts.push(cols.columns.len());
        let room = (0..scenario.elements.len())
            .map(|e| {
                scenario
                    .stockpile()
                    .and_then(|p| p.of(e))
                    .map_or(0.0, |stocked| stock::stock_room(scenario, stocked))
            })
            .collect();
        let contracts = years.first().map(|first| first.y.as_slice());
        let vars = cols.in_year(stock::year_u16(scenario, t), t, |cols| {
            columns::define_variables(slice, stage, cols, contracts, room)
        });
        years.push(vars);
    }
    let stock_vars = stock::define_stock_columns(scenario, &mut cols);
    let recourse_vars = recourse::define_recourse_columns(scenario, stage, &mut cols);
    let ctxs: Vec<Ctx> = slices
        .iter()
        .zip(&years)
        .enumerate()
        .map(|(t, (slice, vars))| Ctx {
            scenario: slice,
            whole: scenario,
            year: t,
            stage,
            vars,
            stock: &stock_vars,
            cuts,
        })
        .collect();
    let mut rows = rows::Rows::new();
    for ctx in &ctxs {
        rows.in_year(stock::year_u16(scenario, ctx.year), |rows| define_year(ctx, rows));
    }
    stock::define_stock_final(scenario, stage, &stock_vars, &mut rows);
    budget::define_horizon_budget(&ctxs, &mut rows);
    let elastic = elastic::Elastic::add(scenario, stage, &mut rows, &mut cols);
    budget::define_risk_level(&ctxs, &mut rows);
    for ctx in &ctxs {
        rows.in_year(stock::year_u16(scenario, ctx.year), |rows| {
            hhi::define_hhi_cuts(ctx, rows)
        });
    }
    recourse::define_recourse_rows(&ctxs, &recourse_vars, &mut rows);
    let objective = match recourse_vars.years.is_empty() {
        true => objective::objective(&ctxs, &stock_vars, &elastic),
        false => {
            let costs = recourse::scenario_costs(&ctxs, &stock_vars, &recourse_vars);
            recourse::define_cvar(&costs, &recourse_vars, &mut rows);
            recourse::objective(scenario, costs, &recourse_vars)
        }
    };
    drop(ctxs);

    let decisions_fixed = cols.decisions_fixed();
    let columns::Columns {
        variables,
        columns,
        decisions,
        binaries,
        ..
    } = cols;
    let lp = Lp::new(&variables, &objective, &rows.info, &rows.lhs);
    Model {
        layout: Layout {
            size: ModelSize {
                rows: lp.rows(),
                columns: lp.columns(),
                binaries,
                nonzeros: lp.nonzeros(),
            },
            rows: rows.info,
            columns,
            stage,
            decisions,
            decisions_fixed,
            relaxable: elastic.relaxable,
            year_starts,
            first_year: scenario.year_label(0),
            positions: std::sync::OnceLock::new(),
            offer_count: scenario.offers.len(),
            element_count: scenario.elements.len(),
            supplier_count: scenario.suppliers.len(),
            resale_count: scenario.policy.resale.len(),
        },
        lp,
    }
}
