//! Years (docs/scenario.md, "Years and a stockpile"): the raw scenario is
//! read once per planned year — demand grown or given for that year,
//! capacities and prices taken from their `*_by_year` ramps and the
//! availability window — and each year is validated as a scenario of its
//! own. The years share their suppliers, offers and elements (an element
//! demanded in any year is an element of every year, at 0 t where it has
//! no demand), so an index means the same thing in every year.

use super::raw::{ByYear, RawScenario, RawStockpile};
use super::validate::{shown, Checker, MONEY, PER_KG, TONNES};
use super::{Problem, Scenario};
use std::collections::{BTreeMap, BTreeSet};

/// The years planned together, and what ties them.
#[derive(Debug, Clone)]
pub struct Horizon {
    /// Consecutive years, first to last.
    pub years: Vec<i64>,
    /// Year t's money weighs `(1 + r)^-(t - first)`.
    pub discount_rate: f64,
    /// `policy.horizon_budget`: cap on the undiscounted cost of all years.
    pub budget: Option<f64>,
    /// The national stock, when `[stockpile]` is given.
    pub stockpile: Option<Stockpile>,
    /// The scenario as it stands in each year: that year's demand,
    /// capacities and prices (each without a horizon of its own).
    pub slices: Vec<Scenario>,
}

impl Horizon {
    /// `d_t = (1 + r)^-(t - first)` for year index `t`.
    pub fn discount(&self, t: usize) -> f64 {
        (1.0 + self.discount_rate).powi(-(t as i32))
    }
}

/// `[stockpile]`, resolved against the elements.
#[derive(Debug, Clone)]
pub struct Stockpile {
    /// The stocked elements, sorted by element index.
    pub elements: Vec<StockedElement>,
    /// The last year's closing stock is at least the initial stock.
    pub final_at_least_initial: bool,
}

impl Stockpile {
    /// The stock rule of element `e`, when it is stocked.
    pub fn of(&self, e: usize) -> Option<&StockedElement> {
        self.elements.iter().find(|s| s.element == e)
    }
}

/// One stocked element.
#[derive(Debug, Clone, PartialEq)]
pub struct StockedElement {
    /// Index into [`Scenario::elements`].
    pub element: usize,
    /// Tonnes held at the start of the first year.
    pub initial_t: f64,
    /// Storage limit, tonnes.
    pub max_t: Option<f64>,
    /// Cost per kg held at each year's end.
    pub holding_cost_per_kg: f64,
    /// Year-end stock of at least `days / 365` of that year's demand.
    pub target_days: f64,
}

impl StockedElement {
    /// The least closing stock of a year with demand `demand_t`.
    pub fn target_t(&self, demand_t: f64) -> f64 {
        self.target_days / 365.0 * demand_t
    }
}

/// The most years a horizon may hold.
const MAX_YEARS: usize = 100;
/// The most days of demand a stock target may ask for (ten years).
const MAX_TARGET_DAYS: f64 = 3650.0;

/// One year to validate: its raw scenario and its demand.
pub(crate) struct YearInput {
    /// The raw scenario with this year's capacities and prices in place.
    pub raw: RawScenario,
    /// This year's demand of every element of the horizon.
    pub demand: BTreeMap<String, f64>,
    /// Elements kept at 0 t this year because another year demands them.
    pub keep_zero: BTreeSet<String>,
}

/// The raw scenario split into its years, with what spans them.
pub(crate) struct Split {
    /// One entry per year (one without a horizon).
    pub years: Vec<YearInput>,
    /// `[horizon]` years and discount rate, when given.
    pub horizon: Option<(Vec<i64>, f64)>,
    /// `policy.horizon_budget`.
    pub budget: Option<f64>,
    /// `[stockpile]` as written.
    pub stockpile: Option<RawStockpile>,
}

/// Reads `[horizon]`, `[demand]` and every `*_by_year` value, and writes
/// one raw scenario per year.
pub(crate) fn split(mut raw: RawScenario) -> Result<Split, Vec<Problem>> {
    let mut check = Checker::new();
    let horizon = raw.horizon.take().and_then(|h| {
        let years = validate_years(&mut check, &h.years, raw.scenario.year)?;
        let rate = h.discount_rate.unwrap_or(0.0);
        if !rate.is_finite() || rate <= -1.0 || rate > 10.0 {
            check.fail(
                &["horizon", "discount_rate"],
                Some(shown(rate)),
                "the discount rate must be a finite number above -1 and at most 10 (e.g. 0.05 for 5% a year)",
            );
        }
        Some((years, rate))
    });
    // Where each year's values are read: the horizon's years, else the
    // scenario's year, else nowhere (no `*_by_year` value may be given).
    let read_at: Vec<Option<i64>> = match &horizon {
        Some((years, _)) => years.iter().copied().map(Some).collect(),
        None => vec![raw.scenario.year],
    };
    let demand = read_demand(&mut check, &raw, horizon.as_ref().map(|(y, _)| y.as_slice()));
    let stockpile = raw.stockpile.take();
    if stockpile.is_some() && horizon.is_none() {
        check.fail(
            &["stockpile"],
            None,
            "a stockpile carries tonnes from year to year: it needs a [horizon] with the years planned",
        );
    }
    let budget = raw.policy.horizon_budget.take();
    let budget = check.non_negative(&["policy", "horizon_budget"], budget, "a horizon budget", MONEY);
    if budget.is_some() && horizon.is_none() {
        check.fail(
            &["policy", "horizon_budget"],
            None,
            "a horizon budget caps the cost of several years: it needs a [horizon] (use policy.budget for one year)",
        );
    }
    // With a horizon, a value after its last year would never apply; a
    // single year's file may hold a whole timeline, read at whichever
    // `scenario.year` it is given.
    let last = horizon.as_ref().and_then(|(years, _)| years.last().copied());
    check_timelines(&mut check, &raw, last, read_at[0].is_some());
    if !check.problems.is_empty() {
        return Err(check.problems);
    }

    let keep_zero: BTreeSet<String> = demand
        .iter()
        .filter(|(_, by_year)| by_year.iter().any(|&d| d > 0.0))
        .map(|(symbol, _)| symbol.clone())
        .collect();
    // The last year takes the raw scenario itself: a single year's file,
    // tens of thousands of offers perhaps, is never copied.
    let last_index = read_at.len() - 1;
    let mut raw = Some(raw);
    let years = read_at
        .iter()
        .enumerate()
        .map(|(t, &year)| {
            let mut year_raw = if t == last_index {
                raw.take().expect("only the last year takes it")
            } else {
                raw.clone().expect("taken by the last year only")
            };
            if let Some(year) = year {
                at_year(&mut year_raw, year);
                if horizon.is_some() {
                    year_raw.scenario.year = Some(year);
                }
            }
            year_raw.demand.clear();
            YearInput {
                raw: year_raw,
                demand: demand
                    .iter()
                    .map(|(s, by_year)| (s.clone(), by_year[t]))
                    .collect(),
                keep_zero: if horizon.is_some() {
                    keep_zero.clone()
                } else {
                    BTreeSet::new()
                },
            }
        })
        .collect();
    Ok(Split {
        years,
        horizon,
        budget,
        stockpile,
    })
}

/// `horizon.years`: consecutive, within 1900..=2200, and starting at
/// `scenario.year` when that is given.
fn validate_years(check: &mut Checker, years: &[i64], scenario_year: Option<i64>) -> Option<Vec<i64>> {
    let path = ["horizon", "years"];
    let shown_years = || Some(format!("{years:?}"));
    if years.is_empty() || years.len() > MAX_YEARS {
        check.fail(
            &path,
            shown_years(),
            format!("give between 1 and {MAX_YEARS} consecutive years, e.g. [2026, 2027, 2028]"),
        );
        return None;
    }
    if years.iter().any(|y| !(1900..=2200).contains(y)) {
        check.fail(&path, shown_years(), "every year must be between 1900 and 2200");
        return None;
    }
    if years.windows(2).any(|w| w[1] != w[0] + 1) {
        check.fail(
            &path,
            shown_years(),
            "the years must be consecutive and increasing, e.g. [2026, 2027, 2028]",
        );
        return None;
    }
    if let Some(year) = scenario_year.filter(|&y| y != years[0]) {
        check.fail(
            &["scenario", "year"],
            Some(year.to_string()),
            format!(
                "with a [horizon], scenario.year must be its first year, {} (or be left out)",
                years[0]
            ),
        );
    }
    Some(years.to_vec())
}

/// Each element's demand in each year (one entry without a horizon):
/// `[demand.years.Y]`, else the first year's value grown by `[demand.growth]`.
fn read_demand(check: &mut Checker, raw: &RawScenario, years: Option<&[i64]>) -> BTreeMap<String, Vec<f64>> {
    let count = years.map_or(1, <[i64]>::len);
    let mut first: BTreeMap<String, f64> = BTreeMap::new();
    let mut growth: BTreeMap<String, f64> = BTreeMap::new();
    let mut explicit: BTreeMap<(usize, String), f64> = BTreeMap::new();
    for (key, value) in &raw.demand {
        match key.as_str() {
            "growth" => {
                let Some(table) = table_of(check, &["demand", "growth"], value) else {
                    continue;
                };
                if years.is_none() {
                    check.fail(
                        &["demand", "growth"],
                        None,
                        "demand growth needs a [horizon]: with one year there is nothing to grow",
                    );
                }
                for (symbol, rate) in table {
                    let path = ["demand", "growth", symbol.as_str()];
                    if !check.element_symbol(&path, symbol) {
                        continue;
                    }
                    match number(rate) {
                        Some(g) if g.is_finite() && g > -1.0 && g <= 10.0 => {
                            growth.insert(symbol.clone(), g);
                        }
                        _ => check.fail(
                            &path,
                            Some(rate.to_string()),
                            "a yearly growth must be a number above -1 and at most 10 (e.g. 0.05 for 5% a year)",
                        ),
                    }
                }
            }
            "years" => {
                let Some(table) = table_of(check, &["demand", "years"], value) else {
                    continue;
                };
                for (year, values) in table {
                    let path = ["demand", "years", year.as_str()];
                    let t = year
                        .parse::<i64>()
                        .ok()
                        .and_then(|y| years.and_then(|ys| ys.iter().position(|&h| h == y)));
                    let Some(t) = t else {
                        let valid = match years {
                            Some(ys) => format!("a year of the horizon, {} to {}", ys[0], ys[ys.len() - 1]),
                            None => "a year of a [horizon], which this scenario does not have".into(),
                        };
                        check.fail(&path, None, format!("{year:?} must be {valid}"));
                        continue;
                    };
                    let Some(values) = table_of(check, &path, values) else {
                        continue;
                    };
                    for (symbol, tonnes) in values {
                        let path = ["demand", "years", year.as_str(), symbol.as_str()];
                        if !check.element_symbol(&path, symbol) {
                            continue;
                        }
                        match number(tonnes) {
                            Some(d) => {
                                explicit.insert((t, symbol.clone()), d);
                            }
                            None => check.fail(
                                &path,
                                Some(tonnes.to_string()),
                                "a demand must be a number of tonnes per year",
                            ),
                        }
                    }
                }
            }
            symbol => match number(value) {
                Some(d) => {
                    first.insert(symbol.to_string(), d);
                }
                None => check.fail(
                    &["demand", symbol],
                    Some(value.to_string()),
                    "a demand must be a number of tonnes per year (or the tables `growth` and `years.Y`)",
                ),
            },
        }
    }
    for symbol in growth.keys() {
        if !first.contains_key(symbol) {
            check.fail(
                &["demand", "growth", symbol.as_str()],
                None,
                format!("growth applies to the first year's demand, and [demand] gives none for {symbol}: add `{symbol} = ..` to [demand]"),
            );
        }
    }
    let symbols: BTreeSet<&String> = first.keys().chain(explicit.keys().map(|(_, s)| s)).collect();
    symbols
        .into_iter()
        .map(|symbol| {
            let base = first.get(symbol).copied().unwrap_or(0.0);
            let g = growth.get(symbol).copied().unwrap_or(0.0);
            let by_year = (0..count)
                .map(|t| {
                    explicit
                        .get(&(t, symbol.clone()))
                        .copied()
                        .unwrap_or_else(|| base * (1.0 + g).powi(t as i32))
                })
                .collect();
            (symbol.clone(), by_year)
        })
        .collect()
}

fn number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

fn table_of<'a>(check: &mut Checker, path: &[&str], value: &'a toml::Value) -> Option<&'a toml::Table> {
    let table = value.as_table();
    if table.is_none() {
        check.fail(
            path,
            Some(value.to_string()),
            "this must be a table, e.g. `[demand.growth]` with `Nd = 0.05`",
        );
    }
    table
}

/// Checks every availability window and `*_by_year` table: years within
/// reach (`last` is the last year read; `None` when no year is known),
/// values in range, and `price_by_year` only on a flat price.
fn check_timelines(check: &mut Checker, raw: &RawScenario, last: Option<i64>, has_year: bool) {
    for (id, supplier) in &raw.suppliers {
        let at = ["suppliers", id.as_str()];
        let year_key = |check: &mut Checker, key: &str, value: Option<i64>| -> Option<i64> {
            let year = value?;
            let path = [at[0], at[1], key];
            if !has_year {
                needs_year(check, &path);
            } else if !(1900..=2200).contains(&year) {
                check.fail(
                    &path,
                    Some(year.to_string()),
                    "a year must be between 1900 and 2200",
                );
            }
            Some(year)
        };
        let from = year_key(check, "available_from", supplier.available_from);
        let until = year_key(check, "available_until", supplier.available_until);
        if let (Some(from), Some(until)) = (from, until) {
            if from > until {
                check.fail(
                    &[at[0], at[1], "available_until"],
                    Some(until.to_string()),
                    format!(
                        "available_until must not come before available_from ({from}); both are inclusive"
                    ),
                );
            }
        }
        by_year(
            check,
            &[at[0], at[1], "capacity_by_year"],
            supplier.capacity_by_year.as_ref(),
            last,
            has_year,
            TONNES,
        );
        for (symbol, offer) in &supplier.offers {
            let path = |key: &'static str| [at[0], at[1], "offers", symbol.as_str(), key];
            by_year(
                check,
                &path("capacity_by_year"),
                offer.capacity_by_year.as_ref(),
                last,
                has_year,
                TONNES,
            );
            by_year(
                check,
                &path("price_by_year"),
                offer.price_by_year.as_ref(),
                last,
                has_year,
                PER_KG,
            );
            if offer.price_by_year.is_some() && offer.tiers.is_some() {
                check.fail(
                    &path("price_by_year"),
                    None,
                    "price_by_year changes a flat price_per_kg; an offer with tiers has its own prices per band: give one or the other",
                );
            }
        }
        if let Some(basket) = &supplier.basket {
            let path = |key: &'static str| [at[0], at[1], "basket", key];
            by_year(
                check,
                &path("capacity_by_year"),
                basket.capacity_by_year.as_ref(),
                last,
                has_year,
                TONNES,
            );
            by_year(
                check,
                &path("price_by_year"),
                basket.price_by_year.as_ref(),
                last,
                has_year,
                PER_KG,
            );
        }
    }
}

fn needs_year(check: &mut Checker, path: &[&str]) {
    check.fail(
        path,
        None,
        "a value by year needs to know the year planned: give a [horizon], or scenario.year",
    );
}

/// One `*_by_year` table: each key a year no later than the last year
/// read, each value within `limit`.
fn by_year(
    check: &mut Checker,
    path: &[&str],
    values: Option<&ByYear>,
    last: Option<i64>,
    has_year: bool,
    limit: super::validate::Limit,
) {
    let Some(values) = values else {
        return;
    };
    if !has_year {
        needs_year(check, path);
        return;
    }
    for (key, &value) in values {
        let mut at: Vec<&str> = path.to_vec();
        at.push(key);
        match key.parse::<i64>() {
            Ok(year) if (1900..=2200).contains(&year) => {
                if let Some(last) = last.filter(|&l| year > l) {
                    check.fail(
                        &at,
                        None,
                        format!("{year} comes after the last year planned ({last}), so this value would never apply"),
                    );
                }
            }
            _ => {
                check.fail(
                    &at,
                    None,
                    format!("{key:?} is not a year: the keys are years, e.g. {{ 2027 = 200 }}"),
                );
            }
        }
        check.non_negative(&at, Some(value), "a value by year", limit);
    }
}

/// The value of a ramp in `year`: the listed value, else the nearest
/// earlier listed year's, else `plain`.
fn ramp(plain: Option<f64>, values: Option<&ByYear>, year: i64) -> Option<f64> {
    let listed = values.and_then(|v| {
        v.iter()
            .filter_map(|(k, &x)| Some((k.parse::<i64>().ok()?, x)))
            .filter(|&(y, _)| y <= year)
            .max_by_key(|&(y, _)| y)
            .map(|(_, x)| x)
    });
    listed.or(plain)
}

/// Puts `year`'s capacities and prices in place of the plain values, and
/// removes the timelines (a year's scenario has none).
fn at_year(raw: &mut RawScenario, year: i64) {
    for supplier in raw.suppliers.values_mut() {
        let open = supplier.available_from.is_none_or(|f| year >= f)
            && supplier.available_until.is_none_or(|u| year <= u);
        let window = |capacity: Option<f64>| if open { capacity } else { Some(0.0) };
        supplier.capacity_t = window(ramp(
            supplier.capacity_t,
            supplier.capacity_by_year.take().as_ref(),
            year,
        ));
        for offer in supplier.offers.values_mut() {
            offer.capacity_t = window(ramp(
                offer.capacity_t,
                offer.capacity_by_year.take().as_ref(),
                year,
            ));
            if let Some(prices) = offer.price_by_year.take() {
                offer.price_per_kg = ramp(offer.price_per_kg, Some(&prices), year);
            }
        }
        if let Some(basket) = &mut supplier.basket {
            basket.capacity_t = window(ramp(
                basket.capacity_t,
                basket.capacity_by_year.take().as_ref(),
                year,
            ));
            if let Some(prices) = basket.price_by_year.take() {
                basket.price_per_kg =
                    ramp(Some(basket.price_per_kg), Some(&prices), year).unwrap_or(basket.price_per_kg);
            }
        }
    }
}

/// `[stockpile]` against the horizon's elements (`scenario` is any year's).
pub(crate) fn stockpile(raw: &RawStockpile, scenario: &Scenario) -> Result<Stockpile, Vec<Problem>> {
    let mut check = Checker::new();
    let index = |symbol: &str| scenario.elements.iter().position(|e| e.symbol == symbol);
    let mut by_element: BTreeMap<usize, StockedElement> = BTreeMap::new();
    let tables: [(&str, &BTreeMap<String, f64>); 4] = [
        ("initial_t", &raw.initial_t),
        ("max_t", &raw.max_t),
        ("holding_cost_per_kg", &raw.holding_cost_per_kg),
        ("target_days", &raw.target_days),
    ];
    for (key, table) in tables {
        for (symbol, &value) in table {
            let path = ["stockpile", key, symbol.as_str()];
            if !check.element_symbol(&path, symbol) {
                continue;
            }
            let Some(e) = index(symbol) else {
                check.fail(
                    &path,
                    None,
                    format!("{symbol} has no demand in any year: a stockpile holds demanded elements only"),
                );
                continue;
            };
            let value = match key {
                "holding_cost_per_kg" => {
                    check.non_negative(&path, Some(value), "a holding cost per kg", PER_KG)
                }
                "target_days" => {
                    let days = check.non_negative(&path, Some(value), "a target in days", TONNES);
                    if days.is_some_and(|d| d > MAX_TARGET_DAYS) {
                        check.fail(
                            &path,
                            Some(shown(value)),
                            format!("a target must be at most {MAX_TARGET_DAYS} days (ten years of demand)"),
                        );
                    }
                    days
                }
                _ => check.non_negative(&path, Some(value), "a stock in tonnes", TONNES),
            };
            let Some(value) = value else {
                continue;
            };
            let entry = by_element.entry(e).or_insert(StockedElement {
                element: e,
                initial_t: 0.0,
                max_t: None,
                holding_cost_per_kg: 0.0,
                target_days: 0.0,
            });
            match key {
                "initial_t" => entry.initial_t = value,
                "max_t" => entry.max_t = Some(value),
                "holding_cost_per_kg" => entry.holding_cost_per_kg = value,
                _ => entry.target_days = value,
            }
        }
    }
    for stocked in by_element.values() {
        if let Some(max) = stocked.max_t.filter(|&m| m < stocked.initial_t) {
            let symbol = scenario.elements[stocked.element].symbol.as_str();
            check.fail(
                &["stockpile", "max_t", symbol],
                Some(shown(max)),
                format!(
                    "the storage limit is below the initial stock ({} t): raise max_t or lower initial_t",
                    shown(stocked.initial_t)
                ),
            );
        }
    }
    if !check.problems.is_empty() {
        return Err(check.problems);
    }
    Ok(Stockpile {
        elements: by_element.into_values().collect(),
        final_at_least_initial: raw.final_at_least_initial.unwrap_or(true),
    })
}
