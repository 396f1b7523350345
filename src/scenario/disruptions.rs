//! Disruptions (docs/scenario.md, "Disruptions"): cut-offs that may
//! happen, each a scenario of the two-stage program, and the policy that
//! weighs them (`spot_premium`, `risk_aversion`, `cvar_alpha`).

use super::raw::{RawDisruption, RawEffect, RawScenario};
use super::validate::{shown, Checker};
use super::{Problem, Scenario};
use std::collections::BTreeSet;

/// The disruptions of a scenario and how the plan weighs them.
#[derive(Debug, Clone)]
pub struct Disruptions {
    /// In file order; scenario `w` (from 1) is `list[w - 1]`, the base is 0.
    pub list: Vec<Disruption>,
    /// A spot purchase costs `(1 + spot_premium) * price_factor * price`.
    pub spot_premium: f64,
    /// `lambda`: the objective is `(1 - lambda) E[C] + lambda CVaR_alpha(C)`.
    pub risk_aversion: f64,
    /// `alpha` of the CVaR: the worst `1 - alpha` of probability.
    pub cvar_alpha: f64,
}

impl Disruptions {
    /// The probability of the base scenario: `1 - sum of probabilities`.
    pub fn base_probability(&self) -> f64 {
        (1.0 - self.list.iter().map(|d| d.probability).sum::<f64>()).max(0.0)
    }

    /// The probability of scenario `w` (0: the base).
    pub fn probability(&self, w: usize) -> f64 {
        match w {
            0 => self.base_probability(),
            _ => self.list[w - 1].probability,
        }
    }

    /// The name of scenario `w` (0: `base`).
    pub fn name(&self, w: usize) -> &str {
        match w {
            0 => "base",
            _ => &self.list[w - 1].name,
        }
    }

    /// What a kg of `offer` costs spot under `price_factor`:
    /// `(1 + spot_premium) * price_factor` times its price (a tiered
    /// offer's last band's).
    pub fn spot_price_per_kg(&self, offer: &super::Offer, price_factor: f64) -> f64 {
        let price = match &offer.pricing {
            super::Pricing::Flat(p) => *p,
            super::Pricing::Tiers(tiers) => tiers.last().map_or(0.0, |t| t.price_per_kg),
        };
        (1.0 + self.spot_premium) * price_factor * price
    }

    /// The number of scenarios, the base included.
    pub fn scenario_count(&self) -> usize {
        self.list.len() + 1
    }
}

/// One disruption.
#[derive(Debug, Clone)]
pub struct Disruption {
    /// `[a-z0-9-]+`.
    pub name: String,
    /// Chance it happens, in [0, 1].
    pub probability: f64,
    /// The year indices it lasts, sorted (every year when not given).
    pub years: Vec<usize>,
    /// What it does.
    pub effects: Vec<Effect>,
}

impl Disruption {
    /// The first year index it lasts.
    pub fn first_year(&self) -> usize {
        self.years.first().copied().unwrap_or(0)
    }

    /// Whether it lasts in year index `t`.
    pub fn in_year(&self, t: usize) -> bool {
        self.years.binary_search(&t).is_ok()
    }

    /// The capacity and price factors of offer `o` of `scenario` while
    /// it lasts: the product of every matching effect's.
    pub fn offer_factors(&self, scenario: &Scenario, o: usize) -> (f64, f64) {
        let offer = &scenario.offers[o];
        let element = &scenario.elements[offer.element].symbol;
        let supplier = scenario.supplier_of(offer);
        let origin = scenario.origin_of(offer);
        self.effects
            .iter()
            .filter(|e| e.elements.as_ref().is_none_or(|set| set.contains(element)))
            .map(|e| e.factors(offer.supplier, supplier.country.as_deref(), origin))
            .fold((1.0, 1.0), |(c, p), (ec, ep)| (c * ec, p * ep))
    }

    /// The capacity factor of supplier `s`'s basket (matched through its
    /// supplier; an effect's `elements` does not filter baskets).
    pub fn basket_factor(&self, scenario: &Scenario, s: usize) -> f64 {
        let supplier = &scenario.suppliers[s];
        self.effects
            .iter()
            .map(|e| e.factors(s, supplier.country.as_deref(), &supplier.origin).0)
            .product()
    }
}

/// Which offers an effect matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// Offers of these suppliers (indices).
    Suppliers(BTreeSet<usize>),
    /// Offers processed in these countries.
    Countries(BTreeSet<String>),
    /// Offers mined in these countries, in proportion to their origin.
    OriginCountries(BTreeSet<String>),
}

/// One effect of a disruption.
#[derive(Debug, Clone)]
pub struct Effect {
    /// Which offers.
    pub matcher: Matcher,
    /// Only these elements' offers (symbols); `None`: all.
    pub elements: Option<BTreeSet<String>>,
    /// What is left of a matching offer's capacity, in [0, 1].
    pub capacity_factor: f64,
    /// Multiplies a matching offer's spot price, >= 0.
    pub price_factor: f64,
}

impl Effect {
    /// The factors it puts on supplier `s` (in `country`, of `origin`):
    /// whole for a matched supplier or country; for mining countries, in
    /// proportion to the share of the origin they hold.
    fn factors(&self, s: usize, country: Option<&str>, origin: &[(String, f64)]) -> (f64, f64) {
        let whole = (self.capacity_factor, self.price_factor);
        match &self.matcher {
            Matcher::Suppliers(set) if set.contains(&s) => whole,
            Matcher::Countries(set) if country.is_some_and(|c| set.contains(c)) => whole,
            Matcher::OriginCountries(set) => {
                let share: f64 = origin
                    .iter()
                    .filter(|(c, _)| set.contains(c))
                    .map(|(_, f)| f)
                    .sum();
                (
                    1.0 - share * (1.0 - self.capacity_factor),
                    1.0 + share * (self.price_factor - 1.0),
                )
            }
            _ => (1.0, 1.0),
        }
    }
}

/// The raw disruptions and their policy keys, taken out of `raw` before it
/// is read year by year.
pub(crate) struct RawDisruptions {
    list: Vec<RawDisruption>,
    spot_premium: Option<f64>,
    risk_aversion: Option<f64>,
    cvar_alpha: Option<f64>,
}

/// Takes the disruptions and their policy keys out of `raw`.
pub(crate) fn take(raw: &mut RawScenario) -> RawDisruptions {
    RawDisruptions {
        list: std::mem::take(&mut raw.disruptions),
        spot_premium: raw.policy.spot_premium.take(),
        risk_aversion: raw.policy.risk_aversion.take(),
        cvar_alpha: raw.policy.cvar_alpha.take(),
    }
}

/// The largest price factor: a hundredfold jump is beyond any observed.
const MAX_PRICE_FACTOR: f64 = 100.0;

/// Validates the disruptions against `scenario` (the first year's; with a
/// horizon, `years` are its years). `None` when there are none and no
/// policy key of theirs is given.
pub(crate) fn validate(
    raw: RawDisruptions,
    scenario: &Scenario,
    years: Option<&[i64]>,
) -> Result<Option<Disruptions>, Vec<Problem>> {
    let mut check = Checker::new();
    let keys = [
        ("spot_premium", raw.spot_premium),
        ("risk_aversion", raw.risk_aversion),
        ("cvar_alpha", raw.cvar_alpha),
    ];
    if raw.list.is_empty() {
        for (key, value) in keys {
            if value.is_some() {
                check.fail(
                    &["policy", key],
                    value.map(shown),
                    "this weighs disruptions, and the scenario lists none: add a [[disruptions]] or remove it",
                );
            }
        }
        return match check.problems.is_empty() {
            true => Ok(None),
            false => Err(check.problems),
        };
    }
    let spot_premium = raw.spot_premium.unwrap_or(0.5);
    if !(spot_premium.is_finite() && (0.0..=10.0).contains(&spot_premium)) {
        check.fail(
            &["policy", "spot_premium"],
            Some(shown(spot_premium)),
            "the spot premium must be between 0 and 10 (e.g. 0.5: spot costs 50% more)",
        );
    }
    let risk_aversion = raw.risk_aversion.unwrap_or(0.0);
    if !(0.0..=1.0).contains(&risk_aversion) {
        check.fail(
            &["policy", "risk_aversion"],
            Some(shown(risk_aversion)),
            "risk aversion must be between 0 (expected cost) and 1 (CVaR alone)",
        );
    }
    let cvar_alpha = raw.cvar_alpha.unwrap_or(0.95);
    if !(0.0..1.0).contains(&cvar_alpha) {
        check.fail(
            &["policy", "cvar_alpha"],
            Some(shown(cvar_alpha)),
            "the CVaR level must be at least 0 and below 1 (e.g. 0.95: the worst 5% of probability)",
        );
    }
    if scenario.policy.shortfall_penalty_per_kg.is_none() {
        check.fail(
            &["policy", "shortfall_penalty_per_kg"],
            None,
            "with disruptions a cut-off can leave demand unmet: give the price of unmet demand (e.g. shortfall_penalty_per_kg = 2000)",
        );
    }
    if scenario.policy.objective == super::ObjectiveKind::Risk {
        check.fail(
            &["policy", "objective"],
            Some("\"risk\"".into()),
            "with disruptions the objective weighs expected cost against CVaR (policy.risk_aversion): use objective = \"cost\"",
        );
    }
    let mut list = Vec::with_capacity(raw.list.len());
    for (i, disruption) in raw.list.iter().enumerate() {
        if let Some(d) = validate_one(&mut check, i, disruption, &raw.list, scenario, years) {
            list.push(d);
        }
    }
    let total: f64 = raw.list.iter().map(|d| d.probability).sum();
    if total > 1.0 + 1e-12 {
        check.fail(
            &["disruptions"],
            Some(shown(total)),
            "the disruptions' probabilities add up to more than 1: exactly one scenario happens, the base taking what is left",
        );
    }
    if !check.problems.is_empty() {
        return Err(check.problems);
    }
    Ok(Some(Disruptions {
        list,
        spot_premium,
        risk_aversion,
        cvar_alpha,
    }))
}

fn validate_one(
    check: &mut Checker,
    i: usize,
    raw: &RawDisruption,
    all: &[RawDisruption],
    scenario: &Scenario,
    years: Option<&[i64]>,
) -> Option<Disruption> {
    let index = i.to_string();
    let at = |key: &'static str| ["disruptions", index.as_str(), key];
    let mut ok = true;
    let name_ok = !raw.name.is_empty()
        && raw
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !name_ok || raw.name == "base" {
        ok = false;
        check.fail(
            &at("name"),
            Some(format!("{:?}", raw.name)),
            "a disruption's name uses lower-case letters, digits and '-', and is not `base` (the scenario without one)",
        );
    } else if all[..i].iter().any(|d| d.name == raw.name) {
        ok = false;
        check.fail(
            &at("name"),
            Some(format!("{:?}", raw.name)),
            "two disruptions share this name",
        );
    }
    if !(0.0..=1.0).contains(&raw.probability) {
        ok = false;
        check.fail(
            &at("probability"),
            Some(shown(raw.probability)),
            "a probability must be between 0 and 1",
        );
    }
    let year_indices: Vec<usize> = match (&raw.years, years) {
        (None, Some(ys)) => (0..ys.len()).collect(),
        (None, None) => vec![0],
        (Some(_), None) => {
            ok = false;
            check.fail(
                &at("years"),
                None,
                "years name years of a [horizon], which this scenario does not have: remove them",
            );
            vec![0]
        }
        (Some(listed), Some(ys)) => {
            let mut indices = Vec::with_capacity(listed.len());
            for year in listed {
                match ys.iter().position(|y| y == year) {
                    Some(t) => indices.push(t),
                    None => {
                        ok = false;
                        check.fail(
                            &at("years"),
                            Some(year.to_string()),
                            format!(
                                "{year} is not a year of the horizon, {} to {}",
                                ys[0],
                                ys[ys.len() - 1]
                            ),
                        );
                    }
                }
            }
            indices.sort_unstable();
            indices.dedup();
            if indices.is_empty() && ok {
                ok = false;
                check.fail(
                    &at("years"),
                    None,
                    "give at least one year, or leave `years` out for every year",
                );
            }
            indices
        }
    };
    let mut effects = Vec::with_capacity(raw.effects.len());
    for (k, effect) in raw.effects.iter().enumerate() {
        match validate_effect(check, &index, k, effect, scenario) {
            Some(e) => effects.push(e),
            None => ok = false,
        }
    }
    ok.then(|| Disruption {
        name: raw.name.clone(),
        probability: raw.probability,
        years: year_indices,
        effects,
    })
}

fn validate_effect(
    check: &mut Checker,
    index: &str,
    k: usize,
    raw: &RawEffect,
    scenario: &Scenario,
) -> Option<Effect> {
    let number = k.to_string();
    let at = |key: &'static str| ["disruptions", index, "effects", number.as_str(), key];
    let base = ["disruptions", index, "effects", number.as_str()];
    let given = [
        raw.suppliers.is_some(),
        raw.countries.is_some(),
        raw.origin_countries.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        check.fail(
            &base,
            None,
            "an effect names exactly one of `suppliers`, `countries` (processing) or `origin_countries` (mining)",
        );
        return None;
    }
    let mut ok = true;
    let mut codes = |key: &'static str, list: &[String]| -> BTreeSet<String> {
        for code in list {
            ok &= check.country_code(&at(key), code);
        }
        list.iter().cloned().collect()
    };
    let matcher = if let Some(ids) = &raw.suppliers {
        let mut set = BTreeSet::new();
        for id in ids {
            match scenario.suppliers.iter().position(|s| &s.id == id) {
                Some(s) => {
                    set.insert(s);
                }
                None => {
                    ok = false;
                    let known: Vec<&str> = scenario.suppliers.iter().map(|s| s.id.as_str()).collect();
                    check.fail(
                        &at("suppliers"),
                        Some(format!("{id:?}")),
                        format!(
                            "no supplier is called {id:?}; {}",
                            super::validate::known_names(id, &known)
                        ),
                    );
                }
            }
        }
        Matcher::Suppliers(set)
    } else if let Some(list) = &raw.countries {
        Matcher::Countries(codes("countries", list))
    } else {
        Matcher::OriginCountries(codes(
            "origin_countries",
            raw.origin_countries.as_deref().unwrap_or_default(),
        ))
    };
    let elements = raw.elements.as_ref().map(|list| {
        for symbol in list {
            ok &= check.element_symbol(&at("elements"), symbol);
        }
        list.iter().cloned().collect()
    });
    let capacity_factor = raw.capacity_factor.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&capacity_factor) {
        ok = false;
        check.fail(
            &at("capacity_factor"),
            Some(shown(capacity_factor)),
            "a capacity factor is what is left of the capacity: between 0 (cut off) and 1 (untouched)",
        );
    }
    let price_factor = raw.price_factor.unwrap_or(1.0);
    if !(price_factor.is_finite() && (0.0..=MAX_PRICE_FACTOR).contains(&price_factor)) {
        ok = false;
        check.fail(
            &at("price_factor"),
            Some(shown(price_factor)),
            format!("a price factor multiplies the spot price: between 0 and {MAX_PRICE_FACTOR}"),
        );
    }
    ok.then_some(Effect {
        matcher,
        elements,
        capacity_factor,
        price_factor,
    })
}
