//! A sourcing plan: what is bought from each offer, what is left unmet, and
//! which contracts are signed.

/// Tonnes per offer and unmet tonnes per element, indexed like
/// [`crate::scenario::Scenario::offers`] and
/// [`crate::scenario::Scenario::elements`].
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// `x[s,e]` for each offer, tonnes per year.
    pub quantities_t: Vec<f64>,
    /// `u[e]` for each element, tonnes per year (0 when no penalty is set).
    pub shortfall_t: Vec<f64>,
    /// `y[s]` for each supplier: its contract (fixed cost) is signed.
    pub contracts: Vec<bool>,
    /// `b[s]` for each supplier: tonnes of its basket (0 without one).
    pub baskets_t: Vec<f64>,
    /// `w[e]` for each `policy.resale` entry: surplus tonnes resold.
    pub resold_t: Vec<f64>,
}

/// The plan of every year (one without a horizon), and the stock carried
/// from year to year.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// One plan per year, in order; a contract is signed in all or none.
    pub years: Vec<Plan>,
    /// `s[e,t]`: each year's closing stock per element, tonnes (0 for an
    /// element without a stockpile), `stock_t[t][e]`.
    pub stock_t: Vec<Vec<f64>>,
}

impl Schedule {
    /// A schedule of one year and no stock.
    pub fn single(plan: Plan) -> Schedule {
        let elements = plan.shortfall_t.len();
        Schedule {
            years: vec![plan],
            stock_t: vec![vec![0.0; elements]],
        }
    }
}

/// A disruption's second stage, year by year (`[t][...]`): before its
/// first year, the base scenario's.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioPlan {
    /// `v[w,s,e,t]`: tonnes bought spot, per offer.
    pub spot_t: Vec<Vec<f64>>,
    /// `u[w,e,t]`: tonnes unmet, per element.
    pub shortfall_t: Vec<Vec<f64>>,
    /// `s[w,e,t]`: closing stock, per element (0 when not stocked).
    pub stock_t: Vec<Vec<f64>>,
    /// `w[w,e,t]`: tonnes resold, per resale entry.
    pub resold_t: Vec<Vec<f64>>,
}

impl ScenarioPlan {
    /// The base scenario as a second stage: the contracted plan's own
    /// shortfall, stock and resale, no spot purchase.
    pub fn of_base(schedule: &Schedule) -> ScenarioPlan {
        ScenarioPlan {
            spot_t: schedule
                .years
                .iter()
                .map(|p| vec![0.0; p.quantities_t.len()])
                .collect(),
            shortfall_t: schedule.years.iter().map(|p| p.shortfall_t.clone()).collect(),
            stock_t: schedule.stock_t.clone(),
            resold_t: schedule.years.iter().map(|p| p.resold_t.clone()).collect(),
        }
    }
}
