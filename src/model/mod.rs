//! The program of SPEC §4: the LP of §4.1, the yes/no decisions of §4.2 and
//! the objectives of §4.3, with every row and column named.
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

mod names;

pub use names::{Column, ConstraintKind};

use crate::plan::Plan;
use crate::scenario::{Pricing, Scenario, SupplierKind};
use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{
    constraint, variable, Expression, IntoAffineExpression, ProblemVariables, SolverModel, Variable,
};

/// Which objective this build minimises (SPEC §4.3).
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
    fn is_elastic(self) -> bool {
        matches!(self, Stage::FewestRelaxations | Stage::SmallestRelaxations { .. })
    }
}

/// One named row: `lower <= activity <= upper`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintInfo {
    /// Stable name, e.g. `country_share[CN,Dy]`.
    pub name: String,
    /// Its family.
    pub kind: ConstraintKind,
    /// The element it concerns, if any.
    pub element: Option<String>,
    /// The supplier id or country code it concerns, if any.
    pub subject: Option<String>,
    /// Lower bound (`-inf` for a cap).
    pub lower: f64,
    /// Upper bound (`+inf` for a floor).
    pub upper: f64,
    /// Whether a diagnosis may move it (see [`ConstraintKind::is_relaxable`];
    /// a minimum order is held where the element needs a supplier count).
    pub relaxable: bool,
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
    pub constraints: Vec<ConstraintInfo>,
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
        };
        for (column, &value) in self.columns.iter().zip(values) {
            match *column {
                Column::Shortfall(e) => plan.shortfall_t[e] = clean(value),
                Column::Contract(s) => plan.contracts[s] = value > 0.5,
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
}

/// Kilograms per tonne: an offer's cost is `1000 * price_per_kg * tonnes`.
pub const KG_PER_TONNE: f64 = 1000.0;

/// Builds the model of `scenario` for `stage`. With `fixed`, every yes/no
/// decision is held at the given value (in [`Layout::decisions`] order) and
/// the model is an LP.
///
/// The elastic stages give every relaxable row (see
/// [`ConstraintKind::is_relaxable`]) a slack `v[row] >= 0` that moves its
/// bound, and a yes/no `r[row]` that pays for using it: `v <= M r`.
pub fn build(scenario: &Scenario, stage: Stage, fixed: Option<&[f64]>) -> Model {
    if !stage.is_elastic() {
        return assemble(scenario, stage, fixed, None);
    }
    let probe = assemble(scenario, Stage::Cost, fixed, None).layout;
    let slacks: Vec<Slack> = probe
        .constraints
        .iter()
        .filter(|c| c.relaxable)
        .map(|c| Slack::for_row(scenario, c))
        .collect();
    assemble(scenario, stage, fixed, Some(&slacks))
}

/// How far an elastic slack may move its row, what one unit of move weighs
/// in the smallest-moves objective, and what relaxing it at all weighs in the
/// fewest-caps objective.
struct Slack {
    scale: f64,
    big_m: f64,
    /// 1 for a policy cap; a little more for a physical capacity, so that
    /// between two sets of the same size the one that moves policy wins (a
    /// planner can change a cap, not a mine's output).
    weight: f64,
}

/// Extra weight of relaxing a physical capacity: breaks ties between sets
/// of equal size without ever preferring a larger set.
const CAPACITY_TIE_BREAK: f64 = 1e-3;

impl Slack {
    /// Sizes the slack of `row` generously: no minimal relaxation ever
    /// needs to move a row by more than `big_m`.
    fn for_row(scenario: &Scenario, row: &ConstraintInfo) -> Slack {
        let physical = matches!(
            row.kind,
            ConstraintKind::OfferCapacity | ConstraintKind::SupplierCapacity
        );
        let weight = if physical { 1.0 + CAPACITY_TIE_BREAK } else { 1.0 };
        let bound = if row.upper.is_finite() {
            row.upper
        } else {
            row.lower
        }
        .abs();
        let element = row
            .element
            .as_deref()
            .and_then(|symbol| scenario.elements.iter().position(|e| e.symbol == symbol));
        let total_demand: f64 = scenario.elements.iter().map(|e| e.demand_t).sum();
        let (scale, big_m) = match (row.kind, element) {
            (ConstraintKind::MinSuppliers | ConstraintKind::MaxSuppliers, Some(e)) => {
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
            (ConstraintKind::Budget, None) => {
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
        Slack { scale, big_m, weight }
    }
}

fn assemble(scenario: &Scenario, stage: Stage, fixed: Option<&[f64]>, slacks: Option<&[Slack]>) -> Model {
    let mut vars = Columns::new(fixed);

    let x: Vec<Variable> = (0..scenario.offers.len())
        .map(|o| vars.add(Column::Quantity(o), variable().min(0.0)))
        .collect();
    let penalty = scenario.policy.shortfall_penalty_per_kg;
    let u: Vec<Option<Variable>> = (0..scenario.elements.len())
        .map(|e| penalty.map(|_| vars.add(Column::Shortfall(e), variable().min(0.0))))
        .collect();

    // Upper bound of each offer (for bands and "used" links) and the least
    // purchase when it is used.
    let bounds: Vec<OfferBounds> = (0..scenario.offers.len())
        .map(|o| OfferBounds::of(scenario, o, stage.is_elastic()))
        .collect();

    let bands: Vec<Vec<Band>> = scenario
        .offers
        .iter()
        .enumerate()
        .map(|(o, offer)| match &offer.pricing {
            Pricing::Flat(_) => Vec::new(),
            Pricing::Tiers(tiers) => {
                let mut start = 0.0;
                tiers
                    .iter()
                    .enumerate()
                    .map(|(b, tier)| {
                        // In an elastic copy a closed last band stays open:
                        // its end is the relaxable `tier_end` row instead.
                        let last = b + 1 == tiers.len();
                        let written_end = match (last && stage.is_elastic(), tier.up_to_t) {
                            (true, _) | (false, None) => f64::INFINITY,
                            (false, Some(end)) => end,
                        };
                        let end = written_end.min(bounds[o].upper.max(start));
                        let width = (end - start).max(0.0);
                        start = tier.up_to_t.unwrap_or(f64::INFINITY);
                        let var =
                            vars.add(Column::Band { offer: o, band: b }, variable().min(0.0).max(width));
                        Band {
                            var,
                            width,
                            price: tier.price_per_kg,
                        }
                    })
                    .collect()
            }
        })
        .collect();

    let mut supplier_has_offers = vec![false; scenario.suppliers.len()];
    for offer in &scenario.offers {
        supplier_has_offers[offer.supplier] = true;
    }
    let y: Vec<Option<Variable>> = scenario
        .suppliers
        .iter()
        .enumerate()
        .map(|(s, supplier)| {
            (supplier.fixed_cost > 0.0 && supplier_has_offers[s]).then(|| vars.decision(Column::Contract(s)))
        })
        .collect();
    let z: Vec<Option<Variable>> = scenario
        .offers
        .iter()
        .enumerate()
        .map(|(o, offer)| {
            let decided = offer.min_order_t > 0.0 || scenario.element_of(offer).caps.needs_offer_decisions();
            decided.then(|| vars.decision(Column::OfferUsed(o)))
        })
        .collect();
    let w: Vec<Vec<Option<Variable>>> = scenario
        .offers
        .iter()
        .enumerate()
        .map(|(o, offer)| {
            let discounted = offer.has_discount();
            (0..bands[o].len())
                .map(|b| {
                    (discounted && b > 0).then(|| vars.decision(Column::BandReached { offer: o, band: b }))
                })
                .collect()
        })
        .collect();

    let risk_sum = || {
        let mut e = Expression::with_capacity(x.len() + u.len());
        for (offer, &var) in scenario.offers.iter().zip(&x) {
            let risk = scenario.supplier_of(offer).risk.unwrap_or(0.0);
            if risk != 0.0 {
                e.add_mul(risk / scenario.element_of(offer).demand_t, var);
            }
        }
        for (element, var) in scenario.elements.iter().zip(&u) {
            if let Some(var) = var {
                e.add_mul(1.0 / element.demand_t, *var);
            }
        }
        e
    };
    let cost = |with_penalty: bool| {
        let mut e = Expression::with_capacity(x.len() + u.len() + y.len());
        for ((offer, &var), offer_bands) in scenario.offers.iter().zip(&x).zip(&bands) {
            match offer.pricing {
                Pricing::Flat(price) => e.add_mul(KG_PER_TONNE * price, var),
                Pricing::Tiers(_) => {
                    for band in offer_bands {
                        e.add_mul(KG_PER_TONNE * band.price, band.var);
                    }
                }
            }
        }
        for (supplier, var) in scenario.suppliers.iter().zip(&y) {
            if let Some(var) = var {
                e.add_mul(supplier.fixed_cost, *var);
            }
        }
        if let (true, Some(p)) = (with_penalty, penalty) {
            for var in u.iter().flatten() {
                e.add_mul(KG_PER_TONNE * p, *var);
            }
        }
        e
    };
    let slacks = slacks.unwrap_or(&[]);
    let v: Vec<Variable> = (0..slacks.len())
        .map(|k| vars.add(Column::Slack(k), variable().min(0.0)))
        .collect();
    let r: Vec<Variable> = (0..slacks.len())
        .map(|k| {
            vars.binaries += 1;
            vars.add(Column::Relaxed(k), variable().binary())
        })
        .collect();
    let slack_columns: Vec<usize> = (0..slacks.len())
        .map(|k| vars.columns.len() - 2 * slacks.len() + k)
        .collect();

    let objective = match stage {
        Stage::Risk => risk_sum(),
        Stage::Cost | Stage::CostWithinRisk { .. } => cost(true),
        Stage::MaxSupply(e) => {
            let mut supply = Expression::with_capacity(scenario.elements[e].offers.len());
            for (o, _) in scenario.offers_of(e) {
                supply.add_mul(-1.0, x[o]);
            }
            supply
        }
        Stage::FewestRelaxations => {
            let mut count = Expression::with_capacity(r.len());
            for (&var, slack) in r.iter().zip(slacks) {
                count.add_mul(slack.weight, var);
            }
            count
        }
        Stage::SmallestRelaxations { .. } => {
            let mut moves = Expression::with_capacity(v.len());
            for (&var, slack) in v.iter().zip(slacks) {
                // Physical capacities weigh far more: moved only when no
                // set of policy caps of the same size will do.
                let weight = if slack.weight > 1.0 { 1e3 } else { 1.0 };
                moves.add_mul(weight / slack.scale, var);
            }
            moves
        }
    };

    let Columns {
        variables,
        columns,
        decisions,
        binaries,
        fixed,
    } = vars;
    let mut rows = Rows {
        problem: variables.minimise(objective).using(highs),
        constraints: Vec::new(),
        nonzeros: 0,
        slacks: v.iter().copied(),
        relaxed_rows: Vec::new(),
    };

    for (e, element) in scenario.elements.iter().enumerate() {
        let symbol = element.symbol.as_str();
        let demand = element.demand_t;
        let offers = || scenario.offers_of(e);

        let mut supply = Expression::with_capacity(element.offers.len() + 1);
        for (o, _) in offers() {
            supply.add_mul(1.0, x[o]);
        }
        if let Some(var) = u[e] {
            supply.add_mul(1.0, var);
        }
        match stage {
            // The most the caps allow, counted up to the demand (beyond it
            // an uncapped offer would make the maximum unbounded); the other
            // elements' demand rows are dropped.
            Stage::MaxSupply(target) if target == e => rows.at_most(
                format!("demand[{symbol}]"),
                ConstraintKind::Demand,
                symbol,
                None,
                supply,
                demand,
            ),
            Stage::MaxSupply(_) => {}
            _ => rows.at_least(
                format!("demand[{symbol}]"),
                ConstraintKind::Demand,
                symbol,
                None,
                supply,
                demand,
            ),
        }

        for (o, offer) in offers() {
            let id = scenario.supplier_of(offer).id.as_str();
            if let Some(capacity) = offer.capacity_t {
                rows.at_most(
                    format!("offer_capacity[{id},{symbol}]"),
                    ConstraintKind::OfferCapacity,
                    symbol,
                    Some(id),
                    Expression::from(x[o]),
                    capacity,
                );
            }
            let tier_end = match &offer.pricing {
                Pricing::Tiers(tiers) => tiers.last().and_then(|t| t.up_to_t),
                Pricing::Flat(_) => None,
            };
            define_tiers(&mut rows, (id, symbol), x[o], &bands[o], &w[o], tier_end);
            // Where the element needs a supplier count, a lower minimum lot could
            // let an offer count while delivering nothing: a diagnosis moves
            // the count instead.
            let min_order_relaxable = element.caps.min_suppliers == 0;
            define_use(
                &mut rows,
                (id, symbol),
                x[o],
                z[o],
                y[offer.supplier],
                &bounds[o],
                min_order_relaxable,
            );
        }

        for country in scenario.countries_offering(e) {
            if let Some(share) = scenario.country_share_cap(country, e) {
                let mut from_country = Expression::default();
                for (o, offer) in offers() {
                    if scenario.supplier_of(offer).country == country {
                        from_country.add_mul(1.0, x[o]);
                    }
                }
                rows.at_most(
                    format!("country_share[{country},{symbol}]"),
                    ConstraintKind::CountryShare,
                    symbol,
                    Some(country),
                    from_country,
                    share * demand,
                );
            }
        }

        if let Some(share) = element.caps.max_supplier_share {
            for (o, offer) in offers() {
                let id = &scenario.supplier_of(offer).id;
                rows.at_most(
                    format!("supplier_share[{id},{symbol}]"),
                    ConstraintKind::SupplierShare,
                    symbol,
                    Some(id),
                    Expression::from(x[o]),
                    share * demand,
                );
            }
        }

        if let Some(max_risk) = element.caps.max_avg_risk {
            let mut risk = Expression::with_capacity(element.offers.len() + 1);
            for (o, offer) in offers() {
                let risk_score = scenario.supplier_of(offer).risk.unwrap_or(0.0);
                if risk_score != 0.0 {
                    risk.add_mul(risk_score, x[o]);
                }
            }
            if let Some(var) = u[e] {
                risk.add_mul(1.0, var);
            }
            rows.at_most(
                format!("avg_risk[{symbol}]"),
                ConstraintKind::AvgRisk,
                symbol,
                None,
                risk,
                max_risk * demand,
            );
        }

        if let Some(share) = element.caps.min_recycled_share {
            let mut recycled = Expression::default();
            for (o, offer) in offers() {
                if scenario.supplier_of(offer).kind == SupplierKind::Recycler {
                    recycled.add_mul(1.0, x[o]);
                }
            }
            rows.at_least(
                format!("recycled_share[{symbol}]"),
                ConstraintKind::RecycledShare,
                symbol,
                None,
                recycled,
                share * demand,
            );
        }

        let mut used = Expression::default();
        for (o, _) in offers() {
            if let Some(var) = z[o] {
                used.add_mul(1.0, var);
            }
        }
        if element.caps.min_suppliers > 0 {
            let least = f64::from(element.caps.min_suppliers);
            rows.at_least(
                format!("min_suppliers[{symbol}]"),
                ConstraintKind::MinSuppliers,
                symbol,
                None,
                used.clone(),
                least,
            );
        }
        if let Some(most) = element.caps.max_suppliers {
            rows.at_most(
                format!("max_suppliers[{symbol}]"),
                ConstraintKind::MaxSuppliers,
                symbol,
                None,
                used,
                f64::from(most),
            );
        }
    }

    let mut offers_by_supplier: Vec<Vec<usize>> = vec![Vec::new(); scenario.suppliers.len()];
    for (o, offer) in scenario.offers.iter().enumerate() {
        offers_by_supplier[offer.supplier].push(o);
    }
    for (supplier, offers) in scenario.suppliers.iter().zip(&offers_by_supplier) {
        if let (Some(capacity), false) = (supplier.capacity_t, offers.is_empty()) {
            let mut total = Expression::with_capacity(offers.len());
            for &o in offers {
                total.add_mul(1.0, x[o]);
            }
            rows.at_most(
                format!("supplier_capacity[{}]", supplier.id),
                ConstraintKind::SupplierCapacity,
                "",
                Some(&supplier.id),
                total,
                capacity,
            );
        }
    }

    if let Some(budget) = scenario.policy.budget {
        rows.at_most(
            "budget".to_string(),
            ConstraintKind::Budget,
            "",
            None,
            cost(false),
            budget,
        );
    }
    for (k, (&row, slack)) in rows.relaxed_rows.clone().iter().zip(slacks).enumerate() {
        let mut link = Expression::from(v[k]);
        link.add_mul(-slack.big_m, r[k]);
        let name = format!("relax[{}]", rows.constraints[row].name);
        rows.at_most(name, ConstraintKind::RelaxLink, "", None, link, 0.0);
    }
    if let Stage::SmallestRelaxations { count } = stage {
        let mut relaxed = Expression::with_capacity(r.len());
        for &var in &r {
            relaxed.add_mul(1.0, var);
        }
        rows.at_most(
            "relaxation_count".to_string(),
            ConstraintKind::RelaxLink,
            "",
            None,
            relaxed,
            count,
        );
    }
    if let Stage::CostWithinRisk { risk_bound } = stage {
        rows.at_most(
            "risk_level".to_string(),
            ConstraintKind::RiskLevel,
            "",
            None,
            risk_sum(),
            risk_bound,
        );
    }

    Model {
        problem: rows.problem,
        layout: Layout {
            size: ModelSize {
                rows: rows.constraints.len(),
                columns: columns.len(),
                binaries,
                nonzeros: rows.nonzeros,
            },
            constraints: rows.constraints,
            columns,
            stage,
            decisions,
            decisions_fixed: fixed.is_some(),
            relaxable: rows.relaxed_rows.iter().copied().zip(slack_columns).collect(),
            offer_count: x.len(),
            element_count: scenario.elements.len(),
            supplier_count: scenario.suppliers.len(),
        },
    }
}

/// One band of a tiered offer.
struct Band {
    var: Variable,
    width: f64,
    price: f64,
}

/// How much an offer can and must deliver.
struct OfferBounds {
    /// A bound no optimal plan needs to exceed: the tightest of the offer's
    /// capacity, its supplier's capacity and the supplier share cap; without
    /// any, the larger of the demand and the least purchase (a plan never
    /// needs more of one offer than the whole demand).
    upper: f64,
    /// `max(min_order_t, min_share_if_used * D_e)`: the least purchase when
    /// the offer is used.
    least: f64,
}

impl OfferBounds {
    /// In an elastic copy the capacities themselves may move, so the bound
    /// rests on the demand and the least purchase alone.
    fn of(scenario: &Scenario, o: usize, elastic: bool) -> OfferBounds {
        let offer = &scenario.offers[o];
        let element = scenario.element_of(offer);
        let least = scenario.least_purchase(offer);
        let unbounded = element.demand_t.max(least);
        let caps = [
            offer.capacity_t,
            scenario.supplier_of(offer).capacity_t,
            element.caps.max_supplier_share.map(|s| s * element.demand_t),
        ];
        let upper = match elastic {
            true => unbounded,
            false => caps.into_iter().flatten().reduce(f64::min).unwrap_or(unbounded),
        };
        OfferBounds { upper, least }
    }
}

/// `x = sum of bands`; for a discount, band `b` opens only when band `b-1`
/// is full (SPEC §4.2).
fn define_tiers<S: Iterator<Item = Variable>>(
    rows: &mut Rows<S>,
    (id, symbol): (&str, &str),
    x: Variable,
    bands: &[Band],
    reached: &[Option<Variable>],
    tier_end: Option<f64>,
) {
    if bands.is_empty() {
        return;
    }
    if let Some(end) = tier_end {
        rows.at_most(
            format!("tier_end[{id},{symbol}]"),
            ConstraintKind::TierEnd,
            symbol,
            Some(id),
            Expression::from(x),
            end,
        );
    }
    let mut total = Expression::with_capacity(bands.len() + 1);
    total.add_mul(1.0, x);
    for band in bands {
        total.add_mul(-1.0, band.var);
    }
    rows.equal(
        format!("tiers[{id},{symbol}]"),
        ConstraintKind::Tiers,
        symbol,
        Some(id),
        total,
        0.0,
    );
    for (b, reached) in reached.iter().enumerate() {
        let Some(reached) = *reached else { continue };
        let previous = &bands[b - 1];
        let mut full = Expression::from(previous.var);
        full.add_mul(-previous.width, reached);
        rows.at_least(
            format!("tier_order[{id},{symbol},{b}]"),
            ConstraintKind::TierOrder,
            symbol,
            Some(id),
            full,
            0.0,
        );
        let mut open = Expression::from(bands[b].var);
        open.add_mul(-bands[b].width, reached);
        rows.at_most(
            format!("tier_open[{id},{symbol},{b}]"),
            ConstraintKind::TierOpen,
            symbol,
            Some(id),
            open,
            0.0,
        );
    }
}

/// Links an offer's tonnes to its use decision `z` and its supplier's
/// contract `y` (SPEC §4.2).
fn define_use<S: Iterator<Item = Variable>>(
    rows: &mut Rows<S>,
    (id, symbol): (&str, &str),
    x: Variable,
    z: Option<Variable>,
    y: Option<Variable>,
    bounds: &OfferBounds,
    min_order_relaxable: bool,
) {
    match (z, y) {
        (None, None) => {}
        (None, Some(y)) => {
            let mut link = Expression::from(x);
            link.add_mul(-bounds.upper, y);
            rows.at_most(
                format!("contract[{id},{symbol}]"),
                ConstraintKind::Contract,
                symbol,
                Some(id),
                link,
                0.0,
            );
        }
        (Some(z), y) => {
            let mut link = Expression::from(x);
            link.add_mul(-bounds.upper, z);
            rows.at_most(
                format!("offer_used[{id},{symbol}]"),
                ConstraintKind::OfferUsed,
                symbol,
                Some(id),
                link,
                0.0,
            );
            if bounds.least > 0.0 {
                let mut least = Expression::from(x);
                least.add_mul(-bounds.least, z);
                let name = format!("min_order[{id},{symbol}]");
                if min_order_relaxable {
                    rows.at_least(name, ConstraintKind::MinOrder, symbol, Some(id), least, 0.0);
                } else {
                    rows.at_least_hard(name, ConstraintKind::MinOrder, symbol, Some(id), least, 0.0);
                }
            }
            if let Some(y) = y {
                let mut within = Expression::from(z);
                within.add_mul(-1.0, y);
                rows.at_most(
                    format!("contract_offer[{id},{symbol}]"),
                    ConstraintKind::ContractOffer,
                    symbol,
                    Some(id),
                    within,
                    0.0,
                );
            }
        }
    }
}

/// Creates columns and records what each one means.
struct Columns<'a> {
    variables: ProblemVariables,
    columns: Vec<Column>,
    decisions: Vec<usize>,
    binaries: usize,
    fixed: Option<&'a [f64]>,
}

impl<'a> Columns<'a> {
    fn new(fixed: Option<&'a [f64]>) -> Self {
        Columns {
            variables: ProblemVariables::new(),
            columns: Vec::new(),
            decisions: Vec::new(),
            binaries: 0,
            fixed,
        }
    }

    fn add(&mut self, column: Column, definition: good_lp::VariableDefinition) -> Variable {
        self.columns.push(column);
        self.variables.add(definition)
    }

    /// A yes/no decision: binary, or held at its fixed value.
    fn decision(&mut self, column: Column) -> Variable {
        let definition = match self.fixed {
            Some(values) => {
                let value = values[self.decisions.len()];
                variable().min(value).max(value)
            }
            None => {
                self.binaries += 1;
                variable().binary()
            }
        };
        self.decisions.push(self.columns.len());
        self.add(column, definition)
    }
}

/// Adds rows to the problem and keeps the name of each, in row order. In
/// an elastic copy, each relaxable row takes the next slack.
struct Rows<S> {
    problem: HighsProblem,
    constraints: Vec<ConstraintInfo>,
    nonzeros: usize,
    slacks: S,
    relaxed_rows: Vec<usize>,
}

impl<S: Iterator<Item = Variable>> Rows<S> {
    fn at_most(
        &mut self,
        name: String,
        kind: ConstraintKind,
        element: &str,
        subject: Option<&str>,
        lhs: Expression,
        upper: f64,
    ) {
        self.push_with(
            kind.is_relaxable(),
            name,
            kind,
            element,
            subject,
            lhs,
            f64::NEG_INFINITY,
            upper,
        );
    }

    fn at_least(
        &mut self,
        name: String,
        kind: ConstraintKind,
        element: &str,
        subject: Option<&str>,
        lhs: Expression,
        lower: f64,
    ) {
        self.push_with(
            kind.is_relaxable(),
            name,
            kind,
            element,
            subject,
            lhs,
            lower,
            f64::INFINITY,
        );
    }

    fn equal(
        &mut self,
        name: String,
        kind: ConstraintKind,
        element: &str,
        subject: Option<&str>,
        lhs: Expression,
        value: f64,
    ) {
        self.push_with(
            kind.is_relaxable(),
            name,
            kind,
            element,
            subject,
            lhs,
            value,
            value,
        );
    }

    /// A floor a diagnosis may not move.
    fn at_least_hard(
        &mut self,
        name: String,
        kind: ConstraintKind,
        element: &str,
        subject: Option<&str>,
        lhs: Expression,
        lower: f64,
    ) {
        self.push_with(false, name, kind, element, subject, lhs, lower, f64::INFINITY);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_with(
        &mut self,
        relaxable: bool,
        name: String,
        kind: ConstraintKind,
        element: &str,
        subject: Option<&str>,
        lhs: Expression,
        lower: f64,
        upper: f64,
    ) {
        let mut lhs = lhs;
        if relaxable {
            if let Some(slack) = self.slacks.next() {
                // A cap's bound moves up, a floor's down.
                lhs.add_mul(if upper.is_finite() { -1.0 } else { 1.0 }, slack);
                self.relaxed_rows.push(self.constraints.len());
            }
        }
        self.nonzeros += (&lhs).linear_coefficients().filter(|(_, c)| *c != 0.0).count();
        let row = if lower == upper {
            constraint::eq(lhs, upper)
        } else if upper.is_finite() {
            constraint::leq(lhs, upper)
        } else {
            constraint::geq(lhs, lower)
        };
        self.problem.add_constraint(row);
        self.constraints.push(ConstraintInfo {
            name,
            kind,
            element: (!element.is_empty()).then(|| element.to_string()),
            subject: subject.map(str::to_string),
            lower,
            upper,
            relaxable,
        });
    }
}
