//! Why no plan exists (docs/outputs.md, "When no plan exists"): the elements that cannot be covered, and
//! the smallest set of caps whose relaxation restores feasibility, with the
//! amount each must move.
//!
//! Method: an elastic copy of the model (see [`crate::model::build`]) gives
//! every relaxable cap a slack and a yes/no "relaxed" mark. HiGHS first
//! finds the fewest caps to relax, then, relaxing at most that many, the
//! smallest moves (each measured relative to its element's demand or its
//! own bound). Per element, the most the caps allow is the optimum of the
//! model with every demand row dropped, maximising that element's supply.

use crate::model::{self, Family, RowId, RowInfo, Stage};
use crate::scenario::{Pricing, Scenario};
use crate::solve::{self, SolveError, SolveOptions};

/// An element whose demand the caps cannot meet (in one year).
#[derive(Debug, Clone, PartialEq)]
pub struct Shortage {
    /// Element index.
    pub element: usize,
    /// The year, with a horizon.
    pub year: Option<i64>,
    /// Demand, tonnes.
    pub demand_t: f64,
    /// The most the caps allow, tonnes; `None` when the element's floors
    /// conflict even with nothing bought.
    pub most_t: Option<f64>,
}

/// One cap to move, and where to move it.
#[derive(Debug, Clone, PartialEq)]
pub struct Relaxation {
    /// The row to move, as `constraints.csv` names it.
    pub row: RowId,
    /// The bound now, in the row's units.
    pub bound: f64,
    /// The bound that restores feasibility.
    pub relaxed_bound: f64,
    /// The scenario keys to set, with their new values, that move the bound.
    pub settings: Vec<(String, f64)>,
}

/// The full diagnosis of an infeasible scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    /// Elements whose demand cannot be met under the caps.
    pub shortages: Vec<Shortage>,
    /// The smallest set of caps to relax, with their moves.
    pub relaxations: Vec<Relaxation>,
    /// True when no moves of the caps restore feasibility.
    pub beyond_caps: bool,
    /// True when remopt solved the scenario with exactly these settings.
    pub confirmed: bool,
}

/// Diagnoses an infeasible `scenario`: the smallest moves of the caps,
/// confirmed by `confirm` (which solves the scenario with the settings
/// applied), and the elements the caps cannot cover.
pub fn diagnose(
    scenario: &Scenario,
    confirm: impl Fn(&[(String, f64)]) -> bool,
) -> Result<Diagnosis, SolveError> {
    let moves = smallest_moves(scenario)?;
    let (mut relaxations, mut confirmed) = confirmed_relaxations(scenario, &moves, &confirm);
    if relaxations.is_empty() {
        if let Some(lifted) = lifted_hhi_caps(scenario, &confirm) {
            (relaxations, confirmed) = (lifted, true);
        }
    }
    Ok(Diagnosis {
        shortages: shortages(scenario)?,
        beyond_caps: relaxations.is_empty(),
        relaxations,
        confirmed,
    })
}

/// How far each cap of the smallest set must move: first the fewest caps,
/// then, relaxing at most that many, the smallest moves. None when even
/// moving every cap leaves no plan (the conflict lies in what a diagnosis
/// does not move: demand, the decision links).
fn smallest_moves(scenario: &Scenario) -> Result<Vec<(RowInfo, f64)>, SolveError> {
    let options = SolveOptions::default();
    let fewest = model::build(scenario, Stage::FewestRelaxations, None);
    let (layout, solved) = match solve::solve_or_retry(&fewest.lp, true, &options) {
        Ok(solved) => (fewest.layout, solved),
        Err(SolveError::Infeasible) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let stage = Stage::SmallestRelaxations {
        count: layout.relaxed_count(&solved.columns) as f64,
    };
    let smallest = model::build(scenario, stage, None);
    // With huge bounds (a minimum order of 1e9 t) the count found can rest
    // on a slack that the integrality tolerance lets through; then the
    // fewest-caps solution's own moves stand.
    let (layout, solved) = match solve::solve_or_retry(&smallest.lp, true, &options) {
        Ok(smallest_solved) => (smallest.layout, smallest_solved),
        Err(SolveError::Infeasible) => (layout, solved),
        Err(e) => return Err(e),
    };
    Ok(layout
        .relaxations(&solved.columns)
        .into_iter()
        .map(|(row, amount)| (layout.rows[row], amount))
        .collect())
}

/// The moves as a planner's settings. HiGHS meets a bound only within its
/// tolerances, so a move exactly to the edge may fall a hair short: each
/// margin is tried in turn until the settings, applied to the scenario,
/// solve; returns the relaxations and whether they were confirmed.
fn confirmed_relaxations(
    scenario: &Scenario,
    moves: &[(RowInfo, f64)],
    confirm: &impl Fn(&[(String, f64)]) -> bool,
) -> (Vec<Relaxation>, bool) {
    let mut relaxations = Vec::new();
    for margin in RELAXATION_MARGINS {
        let candidate = Diagnosis {
            shortages: Vec::new(),
            relaxations: moves
                .iter()
                .map(|(row, amount)| relaxation(scenario, row, *amount, margin))
                .collect(),
            beyond_caps: false,
            confirmed: false,
        };
        if !moves.is_empty() && confirm(&candidate.settings()) {
            return (candidate.relaxations, true);
        }
        relaxations = candidate.relaxations;
    }
    (relaxations, false)
}

/// The HHI caps are not in the elastic copy (they are cuts found by
/// solving), so when no other move restores feasibility they are tried as
/// a last resort: every cap lifted to 1 (no cap). The move is not the
/// smallest; it says which caps conflict, confirmed by a solve.
fn lifted_hhi_caps(
    scenario: &Scenario,
    confirm: &impl Fn(&[(String, f64)]) -> bool,
) -> Option<Vec<Relaxation>> {
    let lifted: Vec<Relaxation> = scenario
        .elements
        .iter()
        .enumerate()
        .filter_map(|(e, element)| {
            let cap = element.caps.max_hhi?;
            Some(Relaxation {
                row: Family::Hhi { element: e }.into(),
                bound: cap,
                relaxed_bound: 1.0,
                settings: vec![(format!("policy.elements.{}.max_hhi", element.symbol), 1.0)],
            })
        })
        .collect();
    let candidate = Diagnosis {
        shortages: Vec::new(),
        relaxations: lifted,
        beyond_caps: false,
        confirmed: false,
    };
    (!candidate.relaxations.is_empty() && confirm(&candidate.settings())).then_some(candidate.relaxations)
}

/// Each element whose demand the caps cannot meet, with the most they
/// allow (the model with every demand row dropped, maximising that
/// element's supply); with a horizon, year by year, the other years' caps
/// as they are, and for a stocked element what its stock delivers too
/// (its earlier years balanced, so that the stock was really bought).
/// None when unmet demand is allowed at a penalty.
fn shortages(scenario: &Scenario) -> Result<Vec<Shortage>, SolveError> {
    let mut shortages = Vec::new();
    if scenario.policy.shortfall_penalty_per_kg.is_some() {
        return Ok(shortages);
    }
    for (t, slice) in scenario.slices().iter().enumerate() {
        for (e, element) in slice.elements.iter().enumerate() {
            if element.demand_t <= 0.0 {
                continue;
            }
            if let Some(mut shortage) = shortage(scenario, e, t, element.demand_t)? {
                shortage.year = scenario.year_label(t);
                shortages.push(shortage);
            }
        }
    }
    Ok(shortages)
}

/// Element `e`'s shortage in year `t`, if the caps do not allow `demand_t`.
/// A stocked element's stock counts; should an earlier year already fall
/// short (so that no stock reaches the year), the year's purchases alone.
fn shortage(scenario: &Scenario, e: usize, t: usize, demand_t: f64) -> Result<Option<Shortage>, SolveError> {
    let stocked = scenario.stockpile().and_then(|p| p.of(e));
    let mut most_t = most_delivered(scenario, e, t, stocked.is_some())?;
    if most_t.is_none() && stocked.is_some() && t > 0 {
        most_t = most_delivered(scenario, e, t, false)?;
    }
    Ok(most_t
        .is_none_or(|most| most < demand_t * (1.0 - 1e-9))
        .then_some(Shortage {
            element: e,
            year: None,
            demand_t,
            most_t,
        }))
}

/// The most of element `e` the caps let year `t` deliver; `None` when its
/// floors (or, with the stock, an earlier year) conflict.
fn most_delivered(
    scenario: &Scenario,
    e: usize,
    t: usize,
    with_stock: bool,
) -> Result<Option<f64>, SolveError> {
    let options = SolveOptions::default();
    let stage = Stage::MaxSupply {
        element: e,
        year: t,
        with_stock,
    };
    let model = model::build(scenario, stage, None);
    let is_mip = model.layout.is_mip();
    // The first year's opening stock is a number, not a column: it is
    // delivered too.
    let initial = match (t, with_stock) {
        (0, true) => scenario
            .stockpile()
            .and_then(|p| p.of(e))
            .map_or(0.0, |s| s.initial_t),
        _ => 0.0,
    };
    match solve::solve_or_retry(&model.lp, is_mip, &options) {
        Ok(solved) => Ok(Some(initial - solved.objective)),
        Err(SolveError::Infeasible) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Margins tried in turn on every move, relative to the move or the bound.
const RELAXATION_MARGINS: [f64; 5] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2];

impl Diagnosis {
    /// Every scenario key to set, once: where several moves set one key
    /// (one `max_supplier_share` for all of an element's suppliers), the
    /// loosest value wins — the highest for a cap, the lowest for a floor.
    pub fn settings(&self) -> Vec<(String, f64)> {
        let mut merged: Vec<(String, f64)> = Vec::new();
        for r in &self.relaxations {
            for (key, value) in &r.settings {
                // An availability opens to the earliest (from) or latest
                // (until) year any move asks for.
                let floor = match key {
                    k if k.ends_with("available_from") => true,
                    k if k.ends_with("available_until") => false,
                    _ => r.relaxed_bound < r.bound,
                };
                match merged.iter_mut().find(|(k, _)| k == key) {
                    Some((_, v)) if floor => *v = v.min(*value),
                    Some((_, v)) => *v = v.max(*value),
                    None => merged.push((key.clone(), *value)),
                }
            }
        }
        merged
    }
}

/// The scenario keys that move `row`'s bound to `relaxed`.
fn relaxation(whole: &Scenario, row: &RowInfo, amount: f64, margin: f64) -> Relaxation {
    let first = whole.year_label(0).unwrap_or(0);
    let year = row.id.year.map(i64::from);
    let scenario = &whole.slices()[year.map_or(0, |y| (y - first) as usize)];
    let is_cap = row.upper.is_finite();
    let bound = row.bound();
    // A move exactly to the edge can leave HiGHS a hair short of feasible:
    // every move carries a small margin; supplier counts move by whole offers.
    let amount = match row.id.family {
        Family::MinSuppliers { .. } | Family::MaxSuppliers { .. } => amount.round(),
        _ => amount + margin * amount.max(bound.abs()).max(1.0),
    };
    // A floor of tonnes moves down to 0 at most: the margin must not carry it
    // below.
    let relaxed_bound = if is_cap {
        bound + amount
    } else {
        (bound - amount).max(bound.min(0.0))
    };
    let settings = settings_for(scenario, row.id.family, year, relaxed_bound, amount);
    // A minimum-order row reads x - L z >= 0: show it in tonnes, L to L - move.
    let (bound, relaxed_bound) = match row.id.family {
        Family::MinOrder { offer } => {
            let least = scenario.least_purchase(&scenario.offers[offer]);
            (least, (least - amount).max(0.0))
        }
        _ => (bound, relaxed_bound),
    };
    Relaxation {
        row: row.id,
        bound,
        relaxed_bound,
        settings,
    }
}

/// The scenario keys, with their values, that move a row of `family` to
/// `relaxed_bound` (by `amount`).
fn settings_for(
    scenario: &Scenario,
    family: Family,
    year: Option<i64>,
    relaxed_bound: f64,
    amount: f64,
) -> Vec<(String, f64)> {
    // With a horizon a capacity moves in its year (and, read as a ramp,
    // in the later years that list none of their own).
    let capacity = |key: &str| match year {
        Some(year) => format!("{key}_by_year.{year}"),
        None => format!("{key}_t"),
    };
    let element = family.element(scenario);
    let symbol = element.map_or("", |e| scenario.elements[e].symbol.as_str());
    let demand = element.map_or(1.0, |e| scenario.elements[e].demand_t);
    let share = (relaxed_bound / demand).clamp(0.0, 1.0);
    let per_element = |key: &str| format!("policy.elements.{symbol}.{key}");
    let offer_key = |o: usize, key: &str| {
        let id = &scenario.supplier_of(&scenario.offers[o]).id;
        format!("suppliers.{id}.offers.{symbol}.{key}")
    };
    // A capacity in a year outside its supplier's availability is 0
    // whatever its ramp says: the window opens to that year first.
    let reopen = |s: usize| -> Vec<(String, f64)> {
        let supplier = &scenario.suppliers[s];
        match (year, supplier.available) {
            (Some(y), (Some(from), _)) if y < from => {
                vec![(format!("suppliers.{}.available_from", supplier.id), y as f64)]
            }
            (Some(y), (_, Some(until))) if y > until => {
                vec![(format!("suppliers.{}.available_until", supplier.id), y as f64)]
            }
            _ => Vec::new(),
        }
    };
    let capacity_move = |s: usize, key: String| {
        let mut settings = reopen(s);
        settings.push((key, relaxed_bound));
        settings
    };
    match family {
        Family::OfferCapacity { offer } => capacity_move(
            scenario.offers[offer].supplier,
            offer_key(offer, &capacity("capacity")),
        ),
        Family::TierEnd { offer } => {
            let last = match &scenario.offers[offer].pricing {
                Pricing::Tiers(tiers) => tiers.len() - 1,
                Pricing::Flat(_) => 0,
            };
            vec![(offer_key(offer, &format!("tiers.{last}.up_to_t")), relaxed_bound)]
        }
        Family::SupplierCapacity { supplier } => vec![(
            format!(
                "suppliers.{}.{}",
                scenario.suppliers[supplier].id,
                capacity("capacity")
            ),
            relaxed_bound,
        )],
        Family::CountryShare { country, .. } => {
            vec![(per_element(&format!("country_share.{}", country.as_str())), share)]
        }
        Family::MiningShare { country, .. } => {
            vec![(per_element(&format!("mining_share.{}", country.as_str())), share)]
        }
        Family::GroupMin { rule, .. } => vec![(format!("policy.group_share.{rule}.min"), share)],
        Family::GroupMax { rule, .. } => vec![(format!("policy.group_share.{rule}.max"), share)],
        Family::Hhi { .. } => vec![(per_element("max_hhi"), relaxed_bound)],
        Family::SupplierShare { .. } => vec![(per_element("max_supplier_share"), share)],
        Family::BasketCapacity { supplier } => capacity_move(
            supplier,
            format!(
                "suppliers.{}.basket.{}",
                scenario.suppliers[supplier].id,
                capacity("capacity")
            ),
        ),
        Family::ResaleCapacity { resale } => vec![(
            format!(
                "policy.resale.{}.capacity_t",
                scenario.policy.resale[resale].symbol
            ),
            relaxed_bound,
        )],
        Family::AvgRisk { .. } => vec![(per_element("max_avg_risk"), share)],
        Family::RecycledShare { .. } => vec![(per_element("min_recycled_share"), share)],
        Family::Budget => vec![("policy.budget".to_string(), relaxed_bound)],
        Family::HorizonBudget => vec![("policy.horizon_budget".to_string(), relaxed_bound)],
        Family::StockTarget { .. } => vec![(
            format!("stockpile.target_days.{symbol}"),
            365.0 * relaxed_bound / demand,
        )],
        Family::StockCapacity { .. } => vec![(format!("stockpile.max_t.{symbol}"), relaxed_bound)],
        Family::StockFinal { .. } => vec![("stockpile.final_at_least_initial".to_string(), 0.0)],
        Family::MinSuppliers { .. } => vec![(per_element("min_suppliers"), relaxed_bound.round())],
        Family::MaxSuppliers { .. } => vec![(per_element("max_suppliers"), relaxed_bound.round())],
        Family::MinOrder { offer } => {
            // Both parts of L = max(min_order_t, share * D) must come down
            // to L - move.
            let offer_data = &scenario.offers[offer];
            let target = (scenario.least_purchase(offer_data) - amount).max(0.0);
            let mut settings = Vec::new();
            if offer_data.min_order_t > target {
                settings.push((offer_key(offer, "min_order_t"), target));
            }
            if scenario.elements[offer_data.element].caps.min_share_if_used * demand > target {
                settings.push((per_element("min_share_if_used"), target / demand));
            }
            settings
        }
        // Rows a diagnosis never moves (their kind's relax rule is Never).
        Family::Demand { .. }
        | Family::Balance { .. }
        | Family::SpotCapacity { .. }
        | Family::Cvar
        | Family::Tiers { .. }
        | Family::TierOrder { .. }
        | Family::TierOpen { .. }
        | Family::Contract { .. }
        | Family::OfferUsed { .. }
        | Family::ContractOffer { .. }
        | Family::HhiCut { .. }
        | Family::HhiTonnes { .. }
        | Family::BasketContract { .. }
        | Family::ResaleSource { .. }
        | Family::RiskLevel
        | Family::FixedDecision { .. }
        | Family::RelaxLink { .. }
        | Family::RelaxationCount => Vec::new(),
    }
}

/// Confirms a diagnosis the way a planner would: applies its settings to
/// the scenario file (after `overrides`) and solves.
pub fn confirm_in<'a>(
    file: &'a crate::scenario::ScenarioFile,
    overrides: &'a [crate::scenario::overrides::Override],
) -> impl Fn(&[(String, f64)]) -> bool + 'a {
    use crate::scenario::overrides::{parse_path, Op, Override};
    move |settings| {
        let mut all = overrides.to_vec();
        for (key, value) in settings {
            let Ok(path) = parse_path(key) else { return false };
            let whole = ["_suppliers", "available_from", "available_until"];
            let value = if whole.iter().any(|w| key.ends_with(w)) {
                toml::Value::Integer(value.round() as i64)
            } else if key.ends_with("final_at_least_initial") {
                toml::Value::Boolean(*value != 0.0)
            } else {
                toml::Value::Float(*value)
            };
            all.push(Override {
                path,
                op: Op::Set,
                value,
            });
        }
        file.scenario(&all)
            .is_ok_and(|s| crate::pipeline::optimise(&s, &crate::pipeline::SolveSettings::default()).is_ok())
    }
}
