//! The independent plan check (models/README.md, "Verification").
//!
//! Every cap is recomputed from the plan and the scenario alone, by plain
//! sums over offers: nothing here reads the model builder's rows or shares
//! its arithmetic. Only the identity of a row is shared: a violation is
//! reported under the name `constraints.csv` gives the row it breaks
//! ([`RowId::name`]). A violation beyond 1e-6 relative means remopt has a
//! bug (exit 1).
//!
//! Families with no counterpart in a plan are covered through what they
//! guarantee: `tiers`, `tier_order` and `tier_open` (bands fill in order)
//! by the cost, which is recomputed band by band and must equal the
//! solver's objective ([`check_objective`]); `offer_used` by `min_order`
//! and the supplier counts; `fixed_decision` and `risk_level` by the
//! pipeline.

use crate::model::{Column, ColumnId, CountryCode, Family, RowId};
use crate::plan::{Plan, Schedule};
use crate::scenario::{ObjectiveKind, Pricing, Scenario, SupplierKind, SupplyStage, KG_PER_TONNE};
use std::collections::BTreeMap;

/// Relative tolerance of every check.
pub const TOLERANCE: f64 = 1e-6;

/// A plan that breaks the scenario: the constraint, and by how much.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the plan violates {constraint}: {detail}")]
pub struct Violation {
    /// Constraint name as in `constraints.csv`, e.g. `country_share[CN,Dy]`.
    pub constraint: String,
    /// The recomputed value against the bound.
    pub detail: String,
}

/// What the check recomputed from the plan (over every year, with a
/// horizon).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recomputed {
    /// Purchases (bands filled in order) plus the fixed costs of signed
    /// contracts, undiscounted.
    pub total_cost: f64,
    /// `sum 1000 penalty u`, undiscounted.
    pub penalty_cost: f64,
    /// Holding costs of the stockpile, undiscounted.
    pub holding_cost: f64,
    /// Purchases, fixed, holding and penalty costs, each year's discounted:
    /// what the cost objective minimises.
    pub discounted_objective: f64,
    /// `sum_e (sum_s r_s x_se + u_e) / D_e` (summed over the years), when
    /// every risk is known.
    pub risk_sum: Option<f64>,
}

fn exceeds(value: f64, upper: f64) -> bool {
    value - upper > TOLERANCE * upper.abs().max(1.0)
}

/// The check of one year's plan against that year's scenario.
struct Check<'a> {
    scenario: &'a Scenario,
    plan: &'a Plan,
    /// The year's label, with a horizon.
    year: Option<u16>,
    /// Per element, a stocked element's stock at the year's start and end.
    stock: Vec<Option<(f64, f64)>>,
}

impl Check<'_> {
    fn fail<T>(&self, family: Family, detail: String) -> Result<T, Violation> {
        Err(Violation {
            constraint: RowId {
                family,
                year: self.year,
                scenario: None,
            }
            .name(self.scenario),
            detail,
        })
    }
}

/// Checks `plan` against every constraint of a one-year `scenario`;
/// returns the recomputed cost on success.
pub fn verify(scenario: &Scenario, plan: &Plan) -> Result<Recomputed, Violation> {
    verify_schedule(scenario, &Schedule::single(plan.clone()))
}

/// Checks the plan of every year against its year's scenario, the stock
/// carried between them, and the rows that span the years.
pub fn verify_schedule(whole: &Scenario, schedule: &Schedule) -> Result<Recomputed, Violation> {
    let slices = whole.slices();
    if schedule.years.len() != slices.len() || schedule.stock_t.len() != slices.len() {
        return Err(Violation {
            constraint: "plan".into(),
            detail: format!(
                "the plan has {} years, the scenario {}",
                schedule.years.len(),
                slices.len()
            ),
        });
    }
    let stockpile = whole.stockpile();
    let mut total = Recomputed {
        total_cost: 0.0,
        penalty_cost: 0.0,
        holding_cost: 0.0,
        discounted_objective: 0.0,
        risk_sum: Some(0.0),
    };
    for (t, (scenario, plan)) in slices.iter().zip(&schedule.years).enumerate() {
        let year = whole.year_label(t).map(|y| y as u16);
        let stock = (0..whole.elements.len())
            .map(|e| {
                let stocked = stockpile?.of(e)?;
                let opening = if t == 0 {
                    stocked.initial_t
                } else {
                    schedule.stock_t[t - 1][e]
                };
                Some((opening, schedule.stock_t[t][e]))
            })
            .collect();
        let check = Check {
            scenario,
            plan,
            year,
            stock,
        };
        if plan.contracts != schedule.years[0].contracts {
            return check.fail(
                Family::Budget,
                "a contract is one decision for the whole horizon, but the years differ".into(),
            );
        }
        let year_total = check.year()?;
        let holding = check.stock_rules(whole)?;
        let discount = whole.horizon.as_ref().map_or(1.0, |h| h.discount(t));
        total.total_cost += year_total.total_cost;
        total.penalty_cost += year_total.penalty_cost;
        total.holding_cost += holding;
        total.discounted_objective += discount * (year_total.total_cost + year_total.penalty_cost + holding);
        total.risk_sum = total.risk_sum.zip(year_total.risk_sum).map(|(a, b)| a + b);
    }
    if let Some(stockpile) = stockpile.filter(|p| p.final_at_least_initial) {
        let last = slices.len() - 1;
        for stocked in &stockpile.elements {
            let closing = schedule.stock_t[last][stocked.element];
            if stocked.initial_t > 0.0 && exceeds(stocked.initial_t, closing) {
                return Err(Violation {
                    constraint: RowId::from(Family::StockFinal {
                        element: stocked.element,
                    })
                    .name(whole),
                    detail: format!(
                        "closing stock {closing} t < initial stock {} t",
                        stocked.initial_t
                    ),
                });
            }
        }
    }
    if let Some(budget) = whole.horizon.as_ref().and_then(|h| h.budget) {
        if exceeds(total.total_cost, budget) {
            return Err(Violation {
                constraint: RowId::from(Family::HorizonBudget).name(whole),
                detail: format!(
                    "cost over the horizon {} > horizon budget {budget}",
                    total.total_cost
                ),
            });
        }
    }
    Ok(total)
}

impl Check<'_> {
    /// Every rule of one year; the year's costs and risk.
    fn year(&self) -> Result<Recomputed, Violation> {
        let (scenario, plan) = (self.scenario, self.plan);
        if plan.quantities_t.len() != scenario.offers.len()
            || plan.shortfall_t.len() != scenario.elements.len()
            || plan.contracts.len() != scenario.suppliers.len()
            || plan.baskets_t.len() != scenario.suppliers.len()
            || plan.resold_t.len() != scenario.policy.resale.len()
        {
            return Err(Violation {
                constraint: "plan".into(),
                detail: "the plan does not match the scenario's offers".into(),
            });
        }
        let check = self;
        for (o, &q) in plan.quantities_t.iter().enumerate() {
            if !q.is_finite() || q < -TOLERANCE {
                let column = ColumnId::new(Column::Quantity(o), self.year);
                return Err(Violation {
                    constraint: column.name(scenario),
                    detail: format!("bought {q} t, which is not a quantity >= 0"),
                });
            }
        }
        let mut recomputed = Recomputed {
            total_cost: 0.0,
            penalty_cost: 0.0,
            holding_cost: 0.0,
            discounted_objective: 0.0,
            risk_sum: Some(0.0),
        };
        for e in 0..scenario.elements.len() {
            let element = check.element(e)?;
            recomputed.total_cost += element.cost;
            recomputed.penalty_cost += element.penalty;
            recomputed.risk_sum = recomputed.risk_sum.zip(element.mean_risk).map(|(a, b)| a + b);
        }
        recomputed.total_cost += check.contracts()?;
        recomputed.total_cost += check.baskets()?;
        check.supplier_capacities()?;
        if let Some(budget) = scenario.policy.budget {
            if exceeds(recomputed.total_cost, budget) {
                return check.fail(
                    Family::Budget,
                    format!("total cost {} > budget {budget}", recomputed.total_cost),
                );
            }
        }
        if scenario.policy.objective == ObjectiveKind::Risk && recomputed.risk_sum.is_none() {
            return check.fail(Family::RiskLevel, "a supplier's risk is unknown".into());
        }
        Ok(recomputed)
    }

    /// A stocked element's year-end stock: at least 0, the target, within
    /// the storage limit; returns the year's holding cost.
    fn stock_rules(&self, whole: &Scenario) -> Result<f64, Violation> {
        let Some(stockpile) = whole.stockpile() else {
            return Ok(0.0);
        };
        let mut holding = 0.0;
        for stocked in &stockpile.elements {
            let e = stocked.element;
            let Some((_, closing)) = self.stock[e] else {
                continue;
            };
            let demand = self.scenario.elements[e].demand_t;
            if !closing.is_finite() || closing < -TOLERANCE {
                let detail = format!("closing stock {closing} t is not a quantity >= 0");
                return self.fail(Family::Balance { element: e }, detail);
            }
            let target = stocked.target_t(demand);
            if target > 0.0 && exceeds(target, closing) {
                let detail = format!(
                    "closing stock {closing} t < {} days of demand, {target} t",
                    stocked.target_days
                );
                return self.fail(Family::StockTarget { element: e }, detail);
            }
            if let Some(max) = stocked.max_t.filter(|&m| exceeds(closing, m)) {
                return self.fail(
                    Family::StockCapacity { element: e },
                    format!("closing stock {closing} t > {max} t"),
                );
            }
            holding += KG_PER_TONNE * stocked.holding_cost_per_kg * closing;
        }
        Ok(holding)
    }
}

/// What one element contributes to the plan's totals.
struct ElementTotals {
    cost: f64,
    penalty: f64,
    /// `(sum_s r_s x_se + u_e) / D_e`, when every used risk is known.
    mean_risk: Option<f64>,
}

impl Check<'_> {
    /// Every per-element and per-offer rule of element `e`.
    fn element(&self, e: usize) -> Result<ElementTotals, Violation> {
        let (scenario, plan) = (self.scenario, self.plan);
        let element = &scenario.elements[e];
        let demand = element.demand_t;
        let unmet = plan.shortfall_t[e];
        let penalty = match scenario.policy.shortfall_penalty_per_kg {
            None if unmet.abs() > TOLERANCE * demand.max(1.0) => {
                return self.fail(
                    Family::Demand { element: e },
                    format!("{unmet} t unmet, but no shortfall penalty allows unmet demand"),
                );
            }
            _ if !unmet.is_finite() || unmet < -TOLERANCE => {
                return self.fail(
                    Family::Demand { element: e },
                    format!("shortfall {unmet} t is not a quantity >= 0"),
                );
            }
            penalty => KG_PER_TONNE * penalty.unwrap_or(0.0) * unmet,
        };

        let mut supplied = 0.0;
        let mut cost = 0.0;
        let mut risk_weighted = Some(unmet);
        let mut recycled = 0.0;
        let mut by_country: BTreeMap<&str, f64> = BTreeMap::new();
        let mut by_mining_country: BTreeMap<&str, f64> = BTreeMap::new();
        let mut by_supplier: BTreeMap<usize, f64> = BTreeMap::new();
        // Every source of the element: offers at their price, basket parts
        // (paid for by the tonne of mix, in `baskets`).
        let offers = scenario.offers_of(e).map(|(o, offer)| {
            let q = plan.quantities_t[o];
            (
                offer.supplier,
                q,
                offer.cost_of(q),
                scenario.origin_of(offer),
                Some(o),
            )
        });
        let baskets = (0..scenario.suppliers.len()).filter_map(|s| {
            let k = self.basket_fraction(s, e)?;
            Some((
                s,
                k * plan.baskets_t[s],
                0.0,
                &scenario.suppliers[s].origin[..],
                None,
            ))
        });
        for (s, q, q_cost, origin, offer) in offers.chain(baskets) {
            let supplier = &scenario.suppliers[s];
            supplied += q;
            cost += q_cost;
            *by_supplier.entry(s).or_default() += q;
            if let Some(country) = supplier.country.as_deref() {
                *by_country.entry(country).or_default() += q;
            }
            for (country, fraction) in origin {
                *by_mining_country.entry(country).or_default() += fraction * q;
            }
            if supplier.kind == SupplierKind::Recycler {
                recycled += q;
            }
            risk_weighted = risk_weighted.zip(supplier.risk).map(|(sum, r)| sum + r * q);
            if let Some(o) = offer {
                self.offer(o, q)?;
            }
        }
        let resold: f64 = scenario
            .policy
            .resale
            .iter()
            .zip(&plan.resold_t)
            .filter(|(r, _)| r.element == Some(e))
            .map(|(_, w)| w)
            .sum();
        match self.stock[e] {
            None if exceeds(demand, supplied + unmet - resold) => {
                return self.fail(
                    Family::Demand { element: e },
                    format!(
                        "{supplied} t supplied + {unmet} t unmet - {resold} t resold < demand {demand} t"
                    ),
                );
            }
            // Declared shortfall cannot fill the stock.
            Some(_) if exceeds(unmet, demand) => {
                let detail = format!("{unmet} t unmet > demand {demand} t");
                return self.fail(Family::Balance { element: e }, detail);
            }
            Some((opening, closing)) if exceeds(demand + closing, opening + supplied + unmet - resold) => {
                return self.fail(
                    Family::Balance { element: e },
                    format!("{opening} t in stock + {supplied} t supplied + {unmet} t unmet - {resold} t resold < demand {demand} t + closing stock {closing} t"),
                );
            }
            _ => {}
        }
        if let Some(share) = element.caps.max_supplier_share {
            for (&supplier, &q) in &by_supplier {
                if exceeds(q, share * demand) {
                    let detail = format!("{q} t > {share} x {demand} t");
                    return self.fail(Family::SupplierShare { supplier, element: e }, detail);
                }
            }
        }
        self.concentration(e, &by_country, &by_mining_country)?;
        if let Some(max_risk) = element.caps.max_avg_risk {
            match risk_weighted {
                Some(r) if exceeds(r, max_risk * demand) => {
                    let detail = format!("mean risk {} > cap {max_risk}", r / demand);
                    return self.fail(Family::AvgRisk { element: e }, detail);
                }
                None => {
                    let detail = "a supplier's risk is unknown".into();
                    return self.fail(Family::AvgRisk { element: e }, detail);
                }
                _ => {}
            }
        }
        if let Some(share) = element.caps.min_recycled_share {
            if exceeds(share * demand, recycled) {
                return self.fail(
                    Family::RecycledShare { element: e },
                    format!("{recycled} t recycled < {share} x {demand} t"),
                );
            }
        }
        self.supplier_counts(e)?;
        Ok(ElementTotals {
            cost,
            penalty,
            // A year without demand of the element has no mean risk of it.
            mean_risk: risk_weighted.map(|r| if demand > 0.0 { r / demand } else { 0.0 }),
        })
    }

    /// The fraction of element `e` in supplier `s`'s basket, when it has
    /// one holding e.
    fn basket_fraction(&self, s: usize, e: usize) -> Option<f64> {
        let basket = self.scenario.suppliers[s].basket.as_ref()?;
        basket
            .parts
            .iter()
            .find(|p| p.element == Some(e))
            .map(|p| p.fraction)
    }

    /// Baskets and resale: each basket within its capacity and bought only
    /// under its supplier's contract; each resale within its capacity and
    /// the baskets' output of its element. Returns the baskets' cost net of
    /// the resale revenue.
    fn baskets(&self) -> Result<f64, Violation> {
        let (scenario, plan) = (self.scenario, self.plan);
        let mut cost = 0.0;
        for (s, supplier) in scenario.suppliers.iter().enumerate() {
            let b = plan.baskets_t[s];
            let Some(basket) = &supplier.basket else { continue };
            if !b.is_finite() || b < -TOLERANCE {
                let detail = format!("bought {b} t of basket, which is not a quantity >= 0");
                return self.fail(Family::BasketCapacity { supplier: s }, detail);
            }
            if let Some(capacity) = basket.capacity_t.filter(|&c| exceeds(b, c)) {
                let detail = format!("{b} t of basket > capacity {capacity} t");
                return self.fail(Family::BasketCapacity { supplier: s }, detail);
            }
            if supplier.fixed_cost > 0.0 && b > 0.0 && !plan.contracts[s] {
                let detail = format!("{b} t of basket bought without the contract");
                return self.fail(Family::BasketContract { supplier: s }, detail);
            }
            cost += KG_PER_TONNE * basket.price_per_kg * b;
        }
        for (r, (resale, &w)) in scenario.policy.resale.iter().zip(&plan.resold_t).enumerate() {
            if !w.is_finite() || w < -TOLERANCE || exceeds(w, resale.capacity_t) {
                let detail = format!("{w} t resold, capacity {} t", resale.capacity_t);
                return self.fail(Family::ResaleCapacity { resale: r }, detail);
            }
            let output: f64 = scenario
                .suppliers
                .iter()
                .zip(&plan.baskets_t)
                .flat_map(|(s, &b)| {
                    s.basket
                        .iter()
                        .flat_map(move |k| k.parts.iter().map(move |p| (p, b)))
                })
                .filter(|(p, _)| p.symbol == resale.symbol)
                .map(|(p, b)| p.fraction * b)
                .sum();
            if exceeds(w, output) {
                let detail = format!("{w} t resold > {output} t the baskets delivered");
                return self.fail(Family::ResaleSource { resale: r }, detail);
            }
            cost -= KG_PER_TONNE * resale.price_per_kg * w;
        }
        Ok(cost)
    }

    /// An offer's own rules: its capacity, the end of its last closed
    /// tier, and its least purchase when used.
    fn offer(&self, o: usize, q: f64) -> Result<(), Violation> {
        let scenario = self.scenario;
        let offer = &scenario.offers[o];
        let element = scenario.element_of(offer);
        let demand = element.demand_t;
        if let Some(capacity) = offer.capacity_t {
            if exceeds(q, capacity) {
                let detail = format!("{q} t bought > capacity {capacity} t");
                return self.fail(Family::OfferCapacity { offer: o }, detail);
            }
        }
        if let Pricing::Tiers(tiers) = &offer.pricing {
            if let Some(end) = tiers.last().and_then(|t| t.up_to_t) {
                if exceeds(q, end) {
                    let detail = format!("{q} t bought > the last tier's end {end} t");
                    return self.fail(Family::TierEnd { offer: o }, detail);
                }
            }
        }
        let least = offer.min_order_t.max(element.caps.min_share_if_used * demand);
        if q > 0.0 && exceeds(least, q) {
            let detail = format!("{q} t bought, but a used offer must take at least {least} t");
            return self.fail(Family::MinOrder { offer: o }, detail);
        }
        Ok(())
    }

    /// Element `e`'s caps on where its tonnes come from: each country's
    /// share at the processing and the mining stage, the groups', and the
    /// HHI over processing countries.
    fn concentration(
        &self,
        e: usize,
        processed: &BTreeMap<&str, f64>,
        mined: &BTreeMap<&str, f64>,
    ) -> Result<(), Violation> {
        let scenario = self.scenario;
        let element = &scenario.elements[e];
        let demand = element.demand_t;
        let processing = processed.iter().map(|(&c, &q)| (c, q, SupplyStage::Processing));
        let mining = mined.iter().map(|(&c, &q)| (c, q, SupplyStage::Mining));
        for (code, q, stage) in processing.chain(mining) {
            let country = CountryCode::new(code);
            let (cap, family) = match stage {
                SupplyStage::Processing => (
                    scenario.country_share_cap(code, e),
                    Family::CountryShare { country, element: e },
                ),
                SupplyStage::Mining => (
                    scenario.mining_share_cap(code, e),
                    Family::MiningShare { country, element: e },
                ),
            };
            if let Some(share) = cap.filter(|share| exceeds(q, share * demand)) {
                let detail = format!("{q} t ({} stage) > {share} x {demand} t", stage.as_str());
                return self.fail(family, detail);
            }
        }
        self.group_shares(e, processed, mined)?;
        if let Some(cap) = element.caps.max_hhi.filter(|_| demand > 0.0) {
            let hhi: f64 = processed.values().map(|q| (q / demand).powi(2)).sum();
            if hhi - cap > TOLERANCE * cap {
                let detail = format!("HHI {hhi} > cap {cap}");
                return self.fail(Family::Hhi { element: e }, detail);
            }
        }
        Ok(())
    }

    /// Each group's share of element `e` at each stage, from the tonnes
    /// processed and mined per country.
    fn group_shares(
        &self,
        e: usize,
        processed: &BTreeMap<&str, f64>,
        mined: &BTreeMap<&str, f64>,
    ) -> Result<(), Violation> {
        let scenario = self.scenario;
        let demand = scenario.elements[e].demand_t;
        for (rule, share) in scenario.policy.group_shares.iter().enumerate() {
            if !share.elements.contains(&e) {
                continue;
            }
            let by_country = match share.stage {
                SupplyStage::Processing => processed,
                SupplyStage::Mining => mined,
            };
            let members = &scenario.groups[share.group].members;
            let held: f64 = by_country
                .iter()
                .filter(|(c, _)| members.contains(**c))
                .map(|(_, q)| q)
                .sum();
            if let Some(min) = share.min.filter(|min| exceeds(min * demand, held)) {
                let detail = format!("{held} t < {min} x {demand} t");
                return self.fail(Family::GroupMin { rule, element: e }, detail);
            }
            if let Some(max) = share.max.filter(|max| exceeds(held, max * demand)) {
                let detail = format!("{held} t > {max} x {demand} t");
                return self.fail(Family::GroupMax { rule, element: e }, detail);
            }
        }
        Ok(())
    }

    /// The number of offers used stays within the element's counts.
    fn supplier_counts(&self, e: usize) -> Result<(), Violation> {
        let caps = &self.scenario.elements[e].caps;
        let used = self
            .scenario
            .offers_of(e)
            .filter(|&(o, _)| self.plan.quantities_t[o] > 0.0)
            .count();
        if used < caps.min_suppliers as usize {
            let detail = format!("{used} offers used < {}", caps.min_suppliers);
            return self.fail(Family::MinSuppliers { element: e }, detail);
        }
        if let Some(most) = caps.max_suppliers.filter(|&most| used > most as usize) {
            let detail = format!("{used} offers used > {most}");
            return self.fail(Family::MaxSuppliers { element: e }, detail);
        }
        Ok(())
    }

    /// A supplier with a fixed cost sells only under a signed contract;
    /// returns the fixed costs of the signed ones.
    fn contracts(&self) -> Result<f64, Violation> {
        let (scenario, plan) = (self.scenario, self.plan);
        for (o, offer) in scenario.offers.iter().enumerate() {
            let supplier = scenario.supplier_of(offer);
            let q = plan.quantities_t[o];
            if supplier.fixed_cost > 0.0 && q > 0.0 && !plan.contracts[offer.supplier] {
                // Where the offer's use is decided, it is that decision
                // which needs the contract.
                let family = match scenario.decides_use(offer) {
                    true => Family::ContractOffer { offer: o },
                    false => Family::Contract { offer: o },
                };
                let detail = format!(
                    "{q} t bought without the contract (fixed cost {})",
                    supplier.fixed_cost
                );
                return self.fail(family, detail);
            }
        }
        Ok(scenario
            .suppliers
            .iter()
            .zip(&plan.contracts)
            .filter(|(s, &signed)| signed && s.fixed_cost > 0.0)
            .map(|(s, _)| s.fixed_cost)
            .sum())
    }

    fn supplier_capacities(&self) -> Result<(), Violation> {
        let (scenario, plan) = (self.scenario, self.plan);
        let mut bought = vec![0.0; scenario.suppliers.len()];
        for (offer, &q) in scenario.offers.iter().zip(&plan.quantities_t) {
            bought[offer.supplier] += q;
        }
        // A basket counts with its own tonnes, not its element parts.
        for (bought, &b) in bought.iter_mut().zip(&plan.baskets_t) {
            *bought += b;
        }
        for (s, (supplier, &bought)) in scenario.suppliers.iter().zip(&bought).enumerate() {
            if let Some(capacity) = supplier.capacity_t {
                if exceeds(bought, capacity) {
                    let detail = format!("{bought} t > capacity {capacity} t");
                    return self.fail(Family::SupplierCapacity { supplier: s }, detail);
                }
            }
        }
        Ok(())
    }
}

/// Checks that the solver's objective matches the value recomputed from the
/// plan, within [`TOLERANCE`] relative.
pub fn check_objective(name: &str, reported: f64, recomputed: f64) -> Result<(), Violation> {
    if (reported - recomputed).abs() > TOLERANCE * recomputed.abs().max(1.0) {
        return Err(Violation {
            constraint: name.to_string(),
            detail: format!("HiGHS reports {reported}, the plan recomputes to {recomputed}"),
        });
    }
    Ok(())
}

/// Checks every disruption's second stage (`recourse[w - 1]`) against
/// the scenario and the contracted plan `schedule`; returns each
/// disruption's cost `C_w` (discounted), recomputed from the plan.
pub fn verify_recourse(
    whole: &Scenario,
    schedule: &Schedule,
    recourse: &[crate::plan::ScenarioPlan],
) -> Result<Vec<f64>, Violation> {
    let Some(disruptions) = &whole.disruptions else {
        return Ok(Vec::new());
    };
    let fail = |family: Family, w: usize, t: usize, detail: String| Violation {
        constraint: RowId {
            family,
            year: whole.year_label(t).map(|y| y as u16),
            scenario: Some(w as u16),
        }
        .name(whole),
        detail,
    };
    let mut costs = Vec::with_capacity(recourse.len());
    for (i, (disruption, plan)) in disruptions.list.iter().zip(recourse).enumerate() {
        let w = i + 1;
        let mut cost = 0.0;
        for (t, (slice, base)) in whole.slices().iter().zip(&schedule.years).enumerate() {
            let lasts = disruption.in_year(t);
            let factor = |o: usize| {
                if lasts {
                    disruption.offer_factors(slice, o)
                } else {
                    (1.0, 1.0)
                }
            };
            let basket_factor = |s: usize| {
                if lasts {
                    disruption.basket_factor(slice, s)
                } else {
                    1.0
                }
            };
            let mut year_cost = 0.0;
            for (o, offer) in slice.offers.iter().enumerate() {
                let (phi, price_factor) = factor(o);
                let (x, v) = (base.quantities_t[o], plan.spot_t[t][o]);
                if !v.is_finite() || v < -TOLERANCE || (!lasts && v > TOLERANCE) {
                    return Err(fail(
                        Family::SpotCapacity { offer: o },
                        w,
                        t,
                        format!("{v} t bought spot outside the disruption's years or below 0"),
                    ));
                }
                let capacity = offer.capacity_t.unwrap_or(slice.elements[offer.element].demand_t);
                if lasts && exceeds(phi * x + v, phi * capacity) {
                    return Err(fail(
                        Family::SpotCapacity { offer: o },
                        w,
                        t,
                        format!("{phi} x {x} t delivered + {v} t spot > {phi} x {capacity} t"),
                    ));
                }
                year_cost += phi * offer.cost_of(x)
                    + KG_PER_TONNE * disruptions.spot_price_per_kg(offer, price_factor) * v;
            }
            for (s, supplier) in slice.suppliers.iter().enumerate() {
                if let Some(basket) = &supplier.basket {
                    year_cost += basket_factor(s) * KG_PER_TONNE * basket.price_per_kg * base.baskets_t[s];
                }
                if base.contracts[s] {
                    year_cost += supplier.fixed_cost;
                }
            }
            for (r, resale) in slice.policy.resale.iter().enumerate() {
                let sold = plan.resold_t[t][r];
                let output: f64 = slice
                    .suppliers
                    .iter()
                    .enumerate()
                    .flat_map(|(s, sup)| sup.basket.iter().flat_map(move |b| &b.parts).map(move |p| (s, p)))
                    .filter(|(_, p)| p.symbol == resale.symbol)
                    .map(|(s, p)| basket_factor(s) * p.fraction * base.baskets_t[s])
                    .sum();
                if exceeds(sold, resale.capacity_t) || exceeds(sold, output) {
                    let detail = format!(
                        "{sold} t resold; the market takes {}, the baskets deliver {output}",
                        resale.capacity_t
                    );
                    return Err(fail(Family::ResaleSource { resale: r }, w, t, detail));
                }
                year_cost -= KG_PER_TONNE * resale.price_per_kg * sold;
            }
            let penalty = slice.policy.shortfall_penalty_per_kg.unwrap_or(0.0);
            for (e, element) in slice.elements.iter().enumerate() {
                let demand = element.demand_t;
                let unmet = plan.shortfall_t[t][e];
                if !unmet.is_finite() || unmet < -TOLERANCE || exceeds(unmet, demand) {
                    let detail = format!("{unmet} t unmet, outside 0..{demand} t");
                    return Err(fail(Family::Demand { element: e }, w, t, detail));
                }
                year_cost += KG_PER_TONNE * penalty * unmet;
                let mut supplied = 0.0;
                for (o, _) in slice.offers_of(e) {
                    supplied += factor(o).0 * base.quantities_t[o] + plan.spot_t[t][o];
                }
                for (s, k) in slice.baskets_of(e) {
                    supplied += basket_factor(s) * k * base.baskets_t[s];
                }
                let resold: f64 = slice
                    .policy
                    .resale
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.element == Some(e))
                    .map(|(r, _)| plan.resold_t[t][r])
                    .sum();
                let stocked = whole.stockpile().and_then(|p| p.of(e));
                let (opening, closing) = match stocked {
                    Some(stocked) => {
                        let opening = if t == 0 {
                            stocked.initial_t
                        } else {
                            plan.stock_t[t - 1][e]
                        };
                        let closing = plan.stock_t[t][e];
                        if closing < -TOLERANCE || stocked.max_t.is_some_and(|m| exceeds(closing, m)) {
                            let detail = format!("closing stock {closing} t outside 0..{:?}", stocked.max_t);
                            return Err(fail(Family::StockCapacity { element: e }, w, t, detail));
                        }
                        year_cost += KG_PER_TONNE * stocked.holding_cost_per_kg * closing;
                        (opening, closing)
                    }
                    None => (0.0, 0.0),
                };
                if exceeds(demand + closing, opening + supplied + unmet - resold) {
                    let family = match stocked {
                        Some(_) => Family::Balance { element: e },
                        None => Family::Demand { element: e },
                    };
                    let detail = format!(
                        "{opening} t in stock + {supplied} t delivered and spot + {unmet} t unmet - {resold} t resold < demand {demand} t + closing stock {closing} t"
                    );
                    return Err(fail(family, w, t, detail));
                }
            }
            cost += whole.horizon.as_ref().map_or(1.0, |h| h.discount(t)) * year_cost;
        }
        costs.push(cost);
    }
    Ok(costs)
}

/// `CVaR_alpha` of scenario costs with their probabilities: the mean of
/// the worst `1 - alpha` of probability (the last scenario counted in
/// part), computed directly rather than through the model's threshold.
pub fn cvar(outcomes: &[(f64, f64)], alpha: f64) -> f64 {
    let mut sorted: Vec<(f64, f64)> = outcomes.iter().copied().filter(|(p, _)| *p > 0.0).collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let tail = 1.0 - alpha;
    let (mut left, mut sum) = (tail, 0.0);
    for (probability, cost) in sorted {
        let taken = probability.min(left);
        sum += taken * cost;
        left -= taken;
        if left <= 0.0 {
            break;
        }
    }
    sum / tail
}
