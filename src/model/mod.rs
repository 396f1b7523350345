//! The linear program of SPEC §4.1 and §4.3, with every row named.
//!
//! Columns: one `x[s,e]` per offer (in [`Scenario::offers`] order), then one
//! `u[e]` per element when a shortfall penalty is set. Rows are added in the
//! order they appear in `constraints.csv`: for each element its demand,
//! offer capacities, country shares, supplier shares, mean risk and recycled
//! share; then supplier capacities, the budget and, in the second stage of the
//! risk objective, the risk level.

use crate::plan::Plan;
use crate::scenario::{Scenario, SupplierKind};
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
}

/// The family a constraint belongs to; its name prefix in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConstraintKind {
    /// `demand[e]`
    Demand,
    /// `offer_capacity[s,e]`
    OfferCapacity,
    /// `country_share[c,e]`
    CountryShare,
    /// `supplier_share[s,e]`
    SupplierShare,
    /// `avg_risk[e]`
    AvgRisk,
    /// `recycled_share[e]`
    RecycledShare,
    /// `supplier_capacity[s]`
    SupplierCapacity,
    /// `budget`
    Budget,
    /// `risk_level`: the first stage's optimum held in the second stage.
    RiskLevel,
}

impl ConstraintKind {
    /// The family name as outputs print it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::Demand => "demand",
            ConstraintKind::OfferCapacity => "offer_capacity",
            ConstraintKind::CountryShare => "country_share",
            ConstraintKind::SupplierShare => "supplier_share",
            ConstraintKind::AvgRisk => "avg_risk",
            ConstraintKind::RecycledShare => "recycled_share",
            ConstraintKind::SupplierCapacity => "supplier_capacity",
            ConstraintKind::Budget => "budget",
            ConstraintKind::RiskLevel => "risk_level",
        }
    }
}

/// One named row: `lower <= activity <= upper`, one side infinite.
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
}

/// Rows, columns and non-zeros of the constraint matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ModelSize {
    /// Number of constraints.
    pub rows: usize,
    /// Number of variables.
    pub columns: usize,
    /// Number of non-zero coefficients in the constraint matrix.
    pub nonzeros: usize,
}

/// A built LP: the problem handed to [`crate::solve::solve`], and the layout
/// that reads its results back.
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
    /// Matrix dimensions.
    pub size: ModelSize,
    /// The objective this build minimises.
    pub stage: Stage,
    offer_count: usize,
    shortfall_columns: Vec<Option<usize>>,
}

impl Layout {
    /// Reads a plan out of solved column values.
    pub fn plan(&self, columns: &[f64]) -> Plan {
        // Simplex leaves basic variables at round-off like 1e-13 t: that is
        // no purchase, so it is cleaned before anything reads the plan.
        let clean = |v: f64| if v.abs() < 1e-9 { 0.0 } else { v };
        Plan {
            quantities_t: columns[..self.offer_count].iter().copied().map(clean).collect(),
            shortfall_t: self
                .shortfall_columns
                .iter()
                .map(|c| c.map_or(0.0, |i| clean(columns[i])))
                .collect(),
        }
    }
}

/// Total cost of `offers` per tonne: `1000 * price_per_kg` (SPEC §4.1).
pub const KG_PER_TONNE: f64 = 1000.0;

/// Builds the LP for `scenario` with the objective of `stage`.
pub fn build(scenario: &Scenario, stage: Stage) -> Model {
    let mut variables = ProblemVariables::new();
    let x: Vec<Variable> = variables.add_vector(variable().min(0.0), scenario.offers.len());
    let penalty = scenario.policy.shortfall_penalty_per_kg;
    let u: Vec<Option<Variable>> = scenario
        .elements
        .iter()
        .map(|_| penalty.map(|_| variables.add(variable().min(0.0))))
        .collect();
    let shortfall_columns = {
        let mut next = x.len();
        u.iter()
            .map(|v| {
                v.map(|_| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    };
    let columns = variables.len();

    let risk_sum = || {
        let mut e = Expression::with_capacity(x.len() + u.len());
        for (offer, &var) in scenario.offers.iter().zip(&x) {
            let demand = scenario.element_of(offer).demand_t;
            e.add_mul(scenario.supplier_of(offer).risk.unwrap_or(0.0) / demand, var);
        }
        for (element, var) in scenario.elements.iter().zip(&u) {
            if let Some(var) = var {
                e.add_mul(1.0 / element.demand_t, *var);
            }
        }
        e
    };
    let cost = |with_penalty: bool| {
        let mut e = Expression::with_capacity(x.len() + u.len());
        for (offer, &var) in scenario.offers.iter().zip(&x) {
            e.add_mul(KG_PER_TONNE * offer.price_per_kg, var);
        }
        if let (true, Some(p)) = (with_penalty, penalty) {
            for var in u.iter().flatten() {
                e.add_mul(KG_PER_TONNE * p, *var);
            }
        }
        e
    };
    let objective = match stage {
        Stage::Risk => risk_sum(),
        Stage::Cost | Stage::CostWithinRisk { .. } => cost(true),
    };

    let mut rows = Rows {
        problem: variables.minimise(objective).using(highs),
        constraints: Vec::new(),
        nonzeros: 0,
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
        rows.at_least(
            format!("demand[{symbol}]"),
            ConstraintKind::Demand,
            symbol,
            None,
            supply,
            demand,
        );

        for (o, offer) in offers() {
            if let Some(capacity) = offer.capacity_t {
                let id = &scenario.supplier_of(offer).id;
                rows.at_most(
                    format!("offer_capacity[{id},{symbol}]"),
                    ConstraintKind::OfferCapacity,
                    symbol,
                    Some(id),
                    Expression::from(x[o]),
                    capacity,
                );
            }
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
                columns,
                nonzeros: rows.nonzeros,
            },
            constraints: rows.constraints,
            stage,
            offer_count: x.len(),
            shortfall_columns,
        },
    }
}

/// Adds rows to the problem and keeps the name of each, in row order.
struct Rows {
    problem: HighsProblem,
    constraints: Vec<ConstraintInfo>,
    nonzeros: usize,
}

impl Rows {
    fn at_most(
        &mut self,
        name: String,
        kind: ConstraintKind,
        element: &str,
        subject: Option<&str>,
        lhs: Expression,
        upper: f64,
    ) {
        self.push(name, kind, element, subject, lhs, f64::NEG_INFINITY, upper);
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
        self.push(name, kind, element, subject, lhs, lower, f64::INFINITY);
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        name: String,
        kind: ConstraintKind,
        element: &str,
        subject: Option<&str>,
        lhs: Expression,
        lower: f64,
        upper: f64,
    ) {
        self.nonzeros += (&lhs).linear_coefficients().filter(|(_, c)| *c != 0.0).count();
        let row = if upper.is_finite() {
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
        });
    }
}
