//! The reported metrics of models/README.md, "Reported metrics", per element and for the whole plan.

use crate::plan::{Plan, Schedule};
use crate::scenario::{Scenario, KG_PER_TONNE};
use itertools::Itertools;
use std::collections::BTreeMap;

/// Metrics of one element, or of the whole plan (`symbol = "TOTAL"`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ElementMetrics {
    /// Element symbol, or `TOTAL`.
    pub symbol: String,
    /// Demand, tonnes.
    pub demand_t: f64,
    /// Tonnes bought.
    pub supplied_t: f64,
    /// Tonnes unmet.
    pub shortfall_t: f64,
    /// Money spent on purchases (the total adds fixed contract costs).
    pub cost: f64,
    /// Purchase cost per kg supplied; `None` when nothing is supplied.
    pub mean_price_per_kg: Option<f64>,
    /// `(sum r x + u) / D`; `None` when a used supplier's risk is unknown.
    pub mean_risk: Option<f64>,
    /// Herfindahl–Hirschman index by country over tonnes supplied, 0..1.
    pub hhi: Option<f64>,
    /// The country supplying the most tonnes (ties: first code).
    pub top_country: Option<String>,
    /// Its share of tonnes supplied.
    pub top_country_share: Option<f64>,
    /// Number of offers used (for `TOTAL`: distinct suppliers used).
    pub suppliers_used: usize,
}

/// Every element's metrics, then the whole plan's.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metrics {
    /// One per demanded element, in scenario order.
    pub elements: Vec<ElementMetrics>,
    /// The whole plan.
    pub total: ElementMetrics,
    /// Shortfall penalties, money.
    pub penalty_cost: f64,
    /// Fixed costs of the signed contracts, money (in the total's cost).
    pub fixed_costs: f64,
}

/// Tonnes bought by country, and the concentration figures derived from them.
#[derive(Default)]
struct Tally<'a> {
    supplied: f64,
    /// Tonnes bought through offers (a basket's cost is not split by element).
    offered: f64,
    cost: f64,
    risk_weighted: Option<f64>,
    by_country: BTreeMap<&'a str, f64>,
}

impl<'a> Tally<'a> {
    fn new() -> Self {
        Tally {
            risk_weighted: Some(0.0),
            ..Default::default()
        }
    }

    /// Adds a purchase; a substitute's (no country) counts as supplied but
    /// toward no country.
    fn add(&mut self, country: Option<&'a str>, risk: Option<f64>, tonnes: f64, cost: Option<f64>) {
        self.supplied += tonnes;
        if let Some(cost) = cost {
            self.offered += tonnes;
            self.cost += cost;
        }
        if let Some(country) = country {
            *self.by_country.entry(country).or_default() += tonnes;
        }
        self.risk_weighted = self.risk_weighted.zip(risk).map(|(sum, r)| sum + r * tonnes);
    }

    fn finish(
        self,
        symbol: String,
        demand_t: f64,
        shortfall_t: f64,
        suppliers_used: usize,
    ) -> ElementMetrics {
        let supplied = self.supplied;
        let share = |q: f64| q / supplied;
        let top = self
            .by_country
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .filter(|_| supplied > 0.0);
        ElementMetrics {
            symbol,
            demand_t,
            supplied_t: supplied,
            shortfall_t,
            cost: self.cost,
            mean_price_per_kg: (self.offered > 0.0).then(|| self.cost / (KG_PER_TONNE * self.offered)),
            mean_risk: self
                .risk_weighted
                .filter(|_| demand_t > 0.0)
                .map(|r| (r + shortfall_t) / demand_t),
            hhi: (supplied > 0.0).then(|| self.by_country.values().map(|&q| share(q).powi(2)).sum()),
            top_country: top.map(|(c, _)| c.to_string()),
            top_country_share: top.map(|(_, &q)| share(q)),
            suppliers_used,
        }
    }
}

/// Computes the metrics of `plan`.
pub fn compute(scenario: &Scenario, plan: &Plan) -> Metrics {
    compute_over(&[(scenario, plan)])
}

/// The metrics of several years' plans taken together (each with its
/// year's scenario): tonnes, costs and fixed costs summed over the years,
/// shares, means and the HHI over all years' tonnes.
pub fn compute_over(years: &[(&Scenario, &Plan)]) -> Metrics {
    let first = years[0].0;
    let mut total = Tally::new();
    let mut elements = Vec::with_capacity(first.elements.len());
    for (e, element) in first.elements.iter().enumerate() {
        let mut tally = Tally::new();
        let mut used = Vec::new();
        let (mut demand, mut shortfall) = (0.0, 0.0);
        for &(scenario, plan) in years {
            demand += scenario.elements[e].demand_t;
            shortfall += plan.shortfall_t[e];
            for (o, offer) in scenario.offers_of(e) {
                let q = plan.quantities_t[o];
                if q > 0.0 {
                    let supplier = scenario.supplier_of(offer);
                    let cost = Some(offer.cost_of(q));
                    tally.add(supplier.country.as_deref(), supplier.risk, q, cost);
                    total.add(supplier.country.as_deref(), supplier.risk, q, cost);
                    used.push(offer.supplier);
                }
            }
            for (s, k) in scenario.baskets_of(e) {
                let q = k * plan.baskets_t[s];
                if q > 0.0 {
                    let supplier = &scenario.suppliers[s];
                    tally.add(supplier.country.as_deref(), supplier.risk, q, None);
                    total.add(supplier.country.as_deref(), supplier.risk, q, None);
                    used.push(s);
                }
            }
        }
        used.sort_unstable();
        used.dedup();
        elements.push(tally.finish(element.symbol.clone(), demand, shortfall, used.len()));
    }
    let penalty = first.policy.shortfall_penalty_per_kg.unwrap_or(0.0);
    let penalty_cost = elements
        .iter()
        .map(|m| KG_PER_TONNE * penalty * m.shortfall_t)
        .sum();
    let distinct_suppliers = years
        .iter()
        .flat_map(|&(scenario, plan)| {
            let offers = scenario
                .offers
                .iter()
                .zip(&plan.quantities_t)
                .filter(|(_, &q)| q > 0.0)
                .map(|(o, _)| o.supplier);
            offers.chain((0..scenario.suppliers.len()).filter(|&s| plan.baskets_t[s] > 0.0))
        })
        .unique()
        .count();
    let baskets_net: f64 = years
        .iter()
        .map(|&(scenario, plan)| basket_cost_net_of_resale(scenario, plan))
        .sum();
    let fixed_costs: f64 = years
        .iter()
        .map(|&(scenario, plan)| {
            scenario
                .suppliers
                .iter()
                .zip(&plan.contracts)
                .filter(|(_, &signed)| signed)
                .map(|(s, _)| s.fixed_cost)
                .fold(0.0, |a, b| a + b)
        })
        .sum();
    let demand = elements.iter().map(|m| m.demand_t).sum();
    let shortfall = elements.iter().map(|m| m.shortfall_t).sum();
    let mut total = total.finish("TOTAL".to_string(), demand, shortfall, distinct_suppliers);
    // Fixed contract costs and baskets (net of resale) appear in the total
    // only; the mean price stays a price of offers.
    total.cost += fixed_costs + baskets_net;
    Metrics {
        total,
        elements,
        penalty_cost,
        fixed_costs,
    }
}

/// Each year's holding cost of the stockpile: year-end stock times its
/// cost per kg (0 without a stockpile).
pub fn holding_costs(whole: &Scenario, schedule: &Schedule) -> Vec<f64> {
    schedule
        .stock_t
        .iter()
        .map(|stock| {
            whole.stockpile().map_or(0.0, |p| {
                p.elements
                    .iter()
                    .map(|s| KG_PER_TONNE * s.holding_cost_per_kg * stock[s.element])
                    .sum()
            })
        })
        .collect()
}

/// What the baskets cost, less what the resold surplus earns.
pub fn basket_cost_net_of_resale(scenario: &Scenario, plan: &Plan) -> f64 {
    let baskets: f64 = scenario
        .suppliers
        .iter()
        .zip(&plan.baskets_t)
        .filter_map(|(s, &b)| Some(KG_PER_TONNE * s.basket.as_ref()?.price_per_kg * b))
        .sum();
    let revenue: f64 = scenario
        .policy
        .resale
        .iter()
        .zip(&plan.resold_t)
        .map(|(r, &w)| KG_PER_TONNE * r.price_per_kg * w)
        .sum();
    baskets - revenue
}
