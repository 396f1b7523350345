//! Raw TOML types → a validated [`Scenario`], applying every rule of docs/scenario.md.
//!
//! Every problem is collected (not just the first) with its key path, so a
//! planner fixes a file in one pass.

use super::horizon::YearInput;
use super::raw::{CapSet, ObjectiveKind, RawOffer, RawSupplier, RawTier};
use super::{
    Basket, BasketPart, Country, Element, ElementCaps, Group, GroupShare, Offer, Origin, Policy, Pricing,
    Problem, Resale, Scenario, Source, Supplier, SupplierKind, Tier,
};
use crate::elements::{is_rare_earth, valid_symbols};
use std::collections::{BTreeMap, BTreeSet};

/// The largest value of one kind a scenario may hold: far beyond any real
/// rare-earth plan, and far below the magnitudes at which HiGHS loses
/// precision or reads a number as infinite (1e20).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    /// The largest valid value.
    pub max: f64,
    /// Unit after the number, e.g. `" t"`.
    pub unit: &'static str,
    /// Why no real plan comes near it.
    pub why: &'static str,
}

impl Limit {
    /// `1e9 t`.
    pub fn text(self) -> String {
        format!("{:e}{}", self.max, self.unit)
    }

    /// The message for a value above the limit.
    pub fn exceeded(self, what: &str) -> String {
        format!(
            "{what} must be at most {} ({}): check the unit and the number of digits",
            self.text(),
            self.why
        )
    }
}

/// Tonnes per year: demand, capacities, minimum orders, tier ends.
pub(crate) const TONNES: Limit = Limit {
    max: 1e9,
    unit: " t",
    why: "the world mines about 400,000 t of rare earth oxides a year",
};

/// The smallest demand above 0, tonnes (1 kg): the risk objective divides
/// by the demand, and smaller amounts vanish in the solver's tolerances.
pub(crate) const MIN_DEMAND_T: f64 = 1e-3;

/// Money per kg: prices and the shortfall penalty. HiGHS fails on some
/// shipped scenarios with one price of 1e9 per kg (a cost coefficient of
/// 1e12 beside ones of 1e3).
pub(crate) const PER_KG: Limit = Limit {
    max: 1e7,
    unit: " per kg",
    why: "the dearest rare earth oxides cost a few thousand USD per kg, and larger prices make the solver's arithmetic unreliable",
};

/// Money per year: fixed costs, the budget, and any single cost term of the
/// model (tonnes x price per kg x 1000).
pub(crate) const MONEY: Limit = Limit {
    max: 1e15,
    unit: "",
    why: "the world's whole yearly output at the dearest oxide's price is worth about 1e12 USD",
};

/// Collects problems under a growing key path.
pub(crate) struct Checker {
    pub problems: Vec<Problem>,
}

impl Checker {
    pub fn new() -> Checker {
        Checker { problems: Vec::new() }
    }

    pub fn fail(&mut self, path: &[&str], value: Option<String>, message: impl Into<String>) {
        let problem = Problem {
            path: path.iter().map(|s| s.to_string()).collect(),
            value,
            message: message.into(),
        };
        // A policy-wide cap is checked once per element: report it once.
        if !self
            .problems
            .iter()
            .any(|p| p.path == problem.path && p.message == problem.message)
        {
            self.problems.push(problem);
        }
    }

    /// A finite number >= 0 (quantities, prices, capacities, costs) and at
    /// most `limit.max`.
    pub fn non_negative(
        &mut self,
        path: &[&str],
        value: Option<f64>,
        what: &str,
        limit: Limit,
    ) -> Option<f64> {
        let v = value?;
        if !v.is_finite() || v < 0.0 {
            self.fail(
                path,
                Some(shown(v)),
                format!(
                    "{what} must be a finite number >= 0 (and at most {})",
                    limit.text()
                ),
            );
            return None;
        }
        if v > limit.max {
            self.fail(path, Some(shown(v)), limit.exceeded(what));
            return None;
        }
        Some(v)
    }

    /// A finite number in [0, 1] (shares and risks).
    fn unit_interval(&mut self, path: &[&str], value: Option<f64>, what: &str) -> Option<f64> {
        let v = value?;
        if !(0.0..=1.0).contains(&v) {
            self.fail(
                path,
                Some(shown(v)),
                format!("{what} must be between 0 and 1 (e.g. 0.5 for 50%)"),
            );
            return None;
        }
        Some(v)
    }

    pub fn country_code(&mut self, path: &[&str], code: &str) -> bool {
        let ok = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
        if !ok {
            self.fail(
                path,
                Some(format!("{code:?}")),
                "a country code must be two upper-case letters (ISO 3166-1 alpha-2, e.g. \"CN\", \"AU\")",
            );
        }
        ok
    }

    pub fn element_symbol(&mut self, path: &[&str], symbol: &str) -> bool {
        let ok = is_rare_earth(symbol);
        if !ok {
            self.fail(
                path,
                None,
                format!(
                    "{symbol:?} is not a rare earth element; valid symbols: {}",
                    valid_symbols()
                ),
            );
        }
        ok
    }
}

/// A number as a planner would write it: `1e308`, not 309 digits.
pub(crate) fn shown(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-6..1e16).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// `x` rounded down to two significant digits (a limit to quote).
fn two_digits_down(x: f64) -> f64 {
    let scale = 10f64.powi(x.log10().floor() as i32 - 1);
    (x / scale).floor() * scale
}

/// How many names an error lists of those that would be valid.
const NAMES_SHOWN: usize = 10;

/// What an error says of `given`, which names none of `known`: the closest
/// name when one is near (a typo, a stray character), then at most
/// [`NAMES_SHOWN`] of the names (a large file has thousands of suppliers).
pub(super) fn known_names(given: &str, known: &[&str]) -> String {
    let mut text = String::new();
    // Names differ in case too (a country code `CN` given for supplier `cn`).
    let given = given.to_lowercase();
    let mut best = (0.6, None);
    for &name in known {
        let likeness = strsim::normalized_damerau_levenshtein(&given, &name.to_lowercase());
        if likeness > best.0 {
            best = (likeness, Some(name));
        }
    }
    if let (_, Some(name)) = best {
        text.push_str(&format!("did you mean {name}? "));
    }
    text.push_str("known: ");
    match known.len() {
        0 => text.push_str("none"),
        n if n <= NAMES_SHOWN => text.push_str(&known.join(" ")),
        n => text.push_str(&format!(
            "{} and {} more",
            known[..NAMES_SHOWN].join(" "),
            n - NAMES_SHOWN
        )),
    }
    text
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Validates `raw` into a [`Scenario`], or returns every problem found:
/// the header, the demand, the countries, the suppliers and their offers,
/// the policy, then the rules that span them.
/// `year` is one year of the scenario ([`super::horizon::split`]).
pub(crate) fn validate(year: YearInput, source: Source) -> Result<Scenario, Vec<Problem>> {
    let YearInput {
        raw,
        demand,
        keep_zero,
    } = year;
    let mut check = Checker::new();
    let mut warnings = Vec::new();
    let header = &raw.scenario;
    validate_header(&mut check, header);
    let demanded = validate_demand(&mut check, &demand, &keep_zero);
    let element_index: BTreeMap<&str, usize> = demanded
        .iter()
        .enumerate()
        .map(|(i, (s, _))| (s.as_str(), i))
        .collect();
    let countries = validate_countries(&mut check, &raw.countries);
    let (suppliers, offers, offers_rejected) = validate_suppliers(
        &mut check,
        &raw.suppliers,
        &countries,
        &element_index,
        &mut warnings,
    );
    let policy_raw = &raw.policy;
    let objective = policy_raw.objective.unwrap_or_default();
    let budget = check.non_negative(&["policy", "budget"], policy_raw.budget, "a budget", MONEY);
    let penalty = check.non_negative(
        &["policy", "shortfall_penalty_per_kg"],
        policy_raw.shortfall_penalty_per_kg,
        "a shortfall penalty per kg",
        PER_KG,
    );
    let known_countries: BTreeSet<&str> = countries
        .keys()
        .map(String::as_str)
        .chain(suppliers.iter().filter_map(|s| s.country.as_deref()))
        .chain(
            suppliers
                .iter()
                .flat_map(|s| s.origin.iter().map(|(c, _)| c.as_str())),
        )
        .chain(
            offers
                .iter()
                .flat_map(|o| o.origin.iter().flatten().map(|(c, _)| c.as_str())),
        )
        .collect();
    let caps = validate_element_caps(
        &mut check,
        policy_raw,
        &demanded,
        &known_countries,
        &element_index,
        &mut warnings,
    );
    let groups = validate_groups(&mut check, &raw.groups);
    let group_shares = validate_group_shares(
        &mut check,
        &policy_raw.group_share,
        &groups,
        &element_index,
        &mut warnings,
    );
    let resale = validate_resale(&mut check, &policy_raw.resale, &element_index, &raw.suppliers);
    let elements = build_elements(
        &mut check,
        demanded,
        caps.per_element,
        &offers,
        &suppliers,
        &offers_rejected,
    );
    check_cost_terms(&mut check, &elements, &suppliers, &offers, penalty);
    check_risks_known(&mut check, objective, caps.risk_capped, &suppliers);

    if !check.problems.is_empty() {
        return Err(check.problems);
    }
    Ok(Scenario {
        source,
        name: header.name.clone(),
        title: header.title.clone().unwrap_or_else(|| header.name.clone()),
        region: header.region.clone(),
        year: header.year,
        currency: header.currency.clone().unwrap_or_else(|| "USD".to_string()),
        elements,
        suppliers,
        offers,
        countries,
        groups,
        policy: Policy {
            objective,
            budget,
            shortfall_penalty_per_kg: penalty,
            group_shares,
            resale,
        },
        warnings,
        horizon: None,
        disruptions: None,
    })
}

/// `[scenario]`: the name, region, currency and year.
fn validate_header(check: &mut Checker, header: &super::raw::RawHeader) {
    if !is_id(&header.name) {
        check.fail(
            &["scenario", "name"],
            Some(format!("{:?}", header.name)),
            "the name names the output folder: use lower-case letters, digits and '-' only (e.g. \"japan-2026\")",
        );
    }
    if let Some(region) = &header.region {
        let ok = (2..=8).contains(&region.len()) && region.bytes().all(|b| b.is_ascii_uppercase());
        if !ok {
            check.fail(
                &["scenario", "region"],
                Some(format!("{region:?}")),
                "the region must be an ISO 3166-1 alpha-2 code or a bloc in upper-case letters (e.g. \"JP\", \"EU\")",
            );
        }
    }
    if let Some(currency) = &header.currency {
        if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())) {
            check.fail(
                &["scenario", "currency"],
                Some(format!("{currency:?}")),
                "the currency must be a three-letter ISO 4217 code (e.g. \"USD\", \"EUR\", \"JPY\")",
            );
        }
    }
    if let Some(year) = header.year {
        if !(1900..=2200).contains(&year) {
            check.fail(
                &["scenario", "year"],
                Some(year.to_string()),
                "the year must be between 1900 and 2200",
            );
        }
    }
}

/// `[demand]`: the elements above zero (or in `keep_zero`: demanded in
/// another year of the horizon), sorted by symbol (`BTreeMap` order).
fn validate_demand(
    check: &mut Checker,
    demand: &BTreeMap<String, f64>,
    keep_zero: &BTreeSet<String>,
) -> Vec<(String, f64)> {
    // Demand: elements above zero, sorted by symbol (BTreeMap order).
    let mut demanded: Vec<(String, f64)> = Vec::new();
    let mut demand_rejected = false;
    for (symbol, &quantity) in demand {
        let path = ["demand", symbol.as_str()];
        if !check.element_symbol(&path, symbol) {
            demand_rejected = true;
            continue;
        }
        match check.non_negative(&path, Some(quantity), "a demand in tonnes per year", TONNES) {
            Some(q) if q > 0.0 && q < MIN_DEMAND_T => {
                demand_rejected = true;
                check.fail(
                    &path,
                    Some(shown(q)),
                    format!("a demand above 0 must be at least {MIN_DEMAND_T} t (1 kg): smaller amounts are below the precision of a plan in tonnes; give 0 to leave {symbol} out"),
                );
            }
            Some(q) if q > 0.0 || keep_zero.contains(symbol) => demanded.push((symbol.clone(), q)),
            Some(_) => {}
            None => demand_rejected = true,
        }
    }
    if demanded.is_empty() && !demand_rejected && keep_zero.is_empty() {
        check.fail(
            &["demand"],
            None,
            "no element has a demand above 0: give at least one, e.g. `Nd = 4300`",
        );
    }
    demanded
}

/// `[countries]`.
fn validate_countries(
    check: &mut Checker,
    raw: &BTreeMap<String, super::raw::RawCountry>,
) -> BTreeMap<String, Country> {
    // Countries.
    let mut countries = BTreeMap::new();
    for (code, country) in raw {
        if !check.country_code(&["countries", code], code) {
            continue;
        }
        let risk = check.unit_interval(&["countries", code, "risk"], country.risk, "a risk score");
        let max_share = check.unit_interval(
            &["countries", code, "max_share"],
            country.max_share,
            "a country share cap",
        );
        let max_mining_share = check.unit_interval(
            &["countries", code, "max_mining_share"],
            country.max_mining_share,
            "a mining share cap",
        );
        countries.insert(
            code.clone(),
            Country {
                risk,
                max_share,
                max_mining_share,
            },
        );
    }

    countries
}

/// `[suppliers]` (sorted by id) and their offers of demanded elements,
/// sorted by element then supplier; and the elements whose offers were
/// rejected ("nobody offers it" would mislead there).
fn validate_suppliers<'a>(
    check: &mut Checker,
    raw: &'a BTreeMap<String, RawSupplier>,
    countries: &BTreeMap<String, Country>,
    element_index: &BTreeMap<&str, usize>,
    warnings: &mut Vec<String>,
) -> (Vec<Supplier>, Vec<Offer>, BTreeSet<&'a str>) {
    // Suppliers (BTreeMap order = sorted by id) and their offers.
    let mut suppliers = Vec::new();
    let mut offers = Vec::new();
    let mut offers_rejected: BTreeSet<&str> = BTreeSet::new();
    for (id, supplier) in raw {
        if !is_id(id) {
            offers_rejected.extend(supplier.offers.keys().map(String::as_str));
            check.fail(
                &["suppliers", id],
                None,
                format!("supplier id {id:?} must use lower-case letters, digits and '-' only (e.g. \"cn-export\")"),
            );
            continue;
        }
        let index = suppliers.len();
        let mut checked = validate_supplier(check, id, supplier, countries);
        checked.basket = supplier
            .basket
            .as_ref()
            .and_then(|b| validate_basket(check, id, b, element_index, warnings));
        suppliers.push(checked);
        for (symbol, offer) in &supplier.offers {
            let path = ["suppliers", id, "offers", symbol.as_str()];
            if !check.element_symbol(&path, symbol) {
                continue;
            }
            let Some(checked) =
                validate_offer(check, &path, offer, supplier.kind == SupplierKind::Substitute)
            else {
                offers_rejected.insert(symbol);
                continue;
            };
            match element_index.get(symbol.as_str()) {
                Some(&element) => offers.push(Offer {
                    supplier: index,
                    element,
                    pricing: checked.pricing,
                    capacity_t: offer.capacity_t,
                    min_order_t: checked.min_order_t,
                    origin: checked.origin,
                }),
                None => warnings.push(format!(
                    "suppliers.{id}.offers.{symbol}: {symbol} has no demand, so this offer is ignored"
                )),
            }
        }
        if supplier.offers.is_empty() && supplier.basket.is_none() {
            warnings.push(format!("suppliers.{id}: has no offers, so it cannot be used"));
        }
    }
    offers.sort_by_key(|o| (o.element, o.supplier));

    (suppliers, offers, offers_rejected)
}
/// `policy.elements.<e>.country_share` and `.mining_share`: caps for
/// single countries, which must be known.
fn validate_single_country_caps(
    check: &mut Checker,
    symbol: &str,
    element_policy: &super::raw::RawElementPolicy,
    known_countries: &BTreeSet<&str>,
) {
    let per_country = [
        (
            "country_share",
            &element_policy.country_share,
            "a country share cap",
        ),
        ("mining_share", &element_policy.mining_share, "a mining share cap"),
    ];
    for (key, shares, what) in per_country {
        for (code, &share) in shares {
            let cpath = ["policy", "elements", symbol, key, code.as_str()];
            if check.country_code(&cpath, code) && !known_countries.contains(code.as_str()) {
                check.fail(
                    &cpath,
                    Some(shown(share)),
                    format!(
                        "no supplier is in or mined in country {code} and [countries.{code}] is not defined; known countries: {}",
                        known_countries.iter().copied().collect::<Vec<_>>().join(" ")
                    ),
                );
            }
            check.unit_interval(&cpath, Some(share), what);
        }
    }
}

/// Every demanded element's caps: its own overrides over the policy's
/// defaults.
struct PolicyCaps {
    per_element: Vec<ElementCaps>,
    /// Whether some element's mean risk is capped (every risk must then be
    /// known).
    risk_capped: bool,
}

/// `[policy]`'s caps and `[policy.elements.<e>]`'s overrides.
fn validate_element_caps(
    check: &mut Checker,
    policy_raw: &super::raw::RawPolicy,
    demanded: &[(String, f64)],
    known_countries: &BTreeSet<&str>,
    element_index: &BTreeMap<&str, usize>,
    warnings: &mut Vec<String>,
) -> PolicyCaps {
    let defaults = validate_caps(check, &["policy"], policy_raw.caps());
    let mut element_overrides: BTreeMap<&str, CapSet> = BTreeMap::new();
    for (symbol, element_policy) in &policy_raw.elements {
        let path = ["policy", "elements", symbol.as_str()];
        if !check.element_symbol(&path, symbol) {
            continue;
        }
        let caps = validate_caps(check, &path, element_policy.caps());
        validate_single_country_caps(check, symbol, element_policy, known_countries);
        if !element_index.contains_key(symbol.as_str()) {
            warnings.push(format!(
                "policy.elements.{symbol}: {symbol} has no demand, so these caps are ignored"
            ));
        }
        element_overrides.insert(symbol.as_str(), caps);
    }
    let mut per_element = Vec::with_capacity(demanded.len());
    for (symbol, _) in demanded {
        let own = element_overrides
            .get(symbol.as_str())
            .copied()
            .unwrap_or_default();
        let caps = merge(own, defaults);
        check_mip_caps(check, symbol, &caps, &own);
        per_element.push(ElementCaps {
            max_country_share: caps.max_country_share,
            country_share: policy_raw
                .elements
                .get(symbol)
                .map(|p| p.country_share.clone())
                .unwrap_or_default(),
            max_supplier_share: caps.max_supplier_share,
            max_avg_risk: caps.max_avg_risk,
            min_recycled_share: caps.min_recycled_share,
            min_suppliers: caps.min_suppliers.map_or(0, |n| n.min(u32::MAX as i64) as u32),
            max_suppliers: caps.max_suppliers.map(|n| n.min(u32::MAX as i64) as u32),
            min_share_if_used: caps.min_share_if_used.unwrap_or(0.0),
            max_mining_share: caps.max_mining_share,
            mining_share: policy_raw
                .elements
                .get(symbol)
                .map(|p| p.mining_share.clone())
                .unwrap_or_default(),
            max_hhi: caps.max_hhi,
        });
    }
    let risk_capped =
        defaults.max_avg_risk.is_some() || element_overrides.values().any(|c| c.max_avg_risk.is_some());
    PolicyCaps {
        per_element,
        risk_capped,
    }
}

/// The elements, each with the range of its offers (sorted by element).
fn build_elements(
    check: &mut Checker,
    demanded: Vec<(String, f64)>,
    caps: Vec<ElementCaps>,
    offers: &[Offer],
    suppliers: &[Supplier],
    offers_rejected: &BTreeSet<&str>,
) -> Vec<Element> {
    let mut elements = Vec::with_capacity(demanded.len());
    for (index, ((symbol, demand_t), caps)) in demanded.into_iter().zip(caps).enumerate() {
        let start = offers.partition_point(|o| o.element < index);
        let end = offers.partition_point(|o| o.element <= index);
        let in_a_basket = suppliers
            .iter()
            .flat_map(|s| s.basket.iter().flat_map(|b| &b.parts))
            .any(|p| p.element == Some(index) && p.fraction > 0.0);
        if start == end && !in_a_basket && !offers_rejected.contains(symbol.as_str()) {
            check.fail(
                &["demand", symbol.as_str()],
                Some(shown(demand_t)),
                format!("{symbol} is demanded but no supplier offers it: add `offers.{symbol} = {{ price_per_kg = .., capacity_t = .. }}` to a supplier, or set its demand to 0"),
            );
        }
        elements.push(Element {
            symbol,
            demand_t,
            caps,
            offers: start..end,
        });
    }
    elements
}

/// A risk must be known wherever it is used (docs/scenario.md): never guessed.
fn check_risks_known(
    check: &mut Checker,
    objective: ObjectiveKind,
    risk_capped: bool,
    suppliers: &[Supplier],
) {
    let reason = match (objective, risk_capped) {
        (ObjectiveKind::Risk, _) => "policy.objective = \"risk\"",
        (_, true) => "max_avg_risk is set",
        _ => return,
    };
    for supplier in suppliers.iter().filter(|s| s.risk.is_none()) {
        check.fail(
            &["suppliers", supplier.id.as_str(), "risk"],
            None,
            format!(
                "the risk of supplier {} is unknown and is needed because {reason}: give `risk = ..` (0..1) for the supplier or under [countries.{}]",
                supplier.id, supplier.country.as_deref().unwrap_or("XX")
            ),
        );
    }
}

fn validate_supplier(
    check: &mut Checker,
    id: &str,
    raw: &RawSupplier,
    countries: &BTreeMap<String, Country>,
) -> Supplier {
    let substitute = raw.kind == SupplierKind::Substitute;
    match (&raw.country, substitute) {
        (Some(code), false) => {
            check.country_code(&["suppliers", id, "country"], code);
        }
        (None, false) => check.fail(
            &["suppliers", id],
            None,
            format!("supplier {id} needs `country = \"XX\"`, the two-letter code of the country where it processes (only a substitute has none)"),
        ),
        (Some(code), true) => check.fail(
            &["suppliers", id, "country"],
            Some(format!("{code:?}")),
            "a substitute (demand avoided by substitution or thrift) belongs to no country: remove `country`",
        ),
        (None, true) => {}
    }
    let own_risk = check.unit_interval(&["suppliers", id, "risk"], raw.risk, "a risk score");
    let capacity_t = check.non_negative(
        &["suppliers", id, "capacity_t"],
        raw.capacity_t,
        "a capacity in tonnes",
        TONNES,
    );
    let fixed_cost = check
        .non_negative(
            &["suppliers", id, "fixed_cost"],
            raw.fixed_cost,
            "a fixed cost",
            MONEY,
        )
        .unwrap_or(0.0);
    let origin = match (&raw.origin, raw.kind) {
        (Some(_), SupplierKind::Substitute) => {
            check.fail(
                &["suppliers", id, "origin"],
                None,
                "a substitute has no mining origin: remove `origin`",
            );
            Vec::new()
        }
        (Some(origin), _) => validate_origin(check, &["suppliers", id, "origin"], origin).unwrap_or_default(),
        // Primary material was mined where it is processed unless told
        // otherwise; secondary material and substitutes have no mining country.
        (None, SupplierKind::Mine | SupplierKind::Refiner) => {
            raw.country.iter().map(|c| (c.clone(), 1.0)).collect()
        }
        (None, SupplierKind::Recycler | SupplierKind::Stockpile | SupplierKind::Substitute) => Vec::new(),
    };
    let country_risk = raw
        .country
        .as_ref()
        .and_then(|c| countries.get(c))
        .and_then(|c| c.risk);
    Supplier {
        basket: None,
        id: id.to_string(),
        name: raw.name.clone().unwrap_or_else(|| id.to_string()),
        country: raw.country.clone().filter(|_| !substitute),
        kind: raw.kind,
        origin,
        risk: own_risk.or(country_risk).or(substitute.then_some(0.0)),
        capacity_t,
        fixed_cost,
        available: (raw.available_from, raw.available_until),
    }
}

/// `[groups]`: names `[A-Za-z0-9-]+`, members two-letter codes.
fn validate_groups(check: &mut Checker, raw: &BTreeMap<String, Vec<String>>) -> Vec<Group> {
    let mut groups = Vec::with_capacity(raw.len());
    for (name, members) in raw {
        let valid_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid_name {
            check.fail(
                &["groups", name],
                None,
                format!(
                    "group name {name:?} must use letters, digits and '-' only (e.g. \"EU\", \"allies\")"
                ),
            );
        }
        let mut set = BTreeSet::new();
        for (i, code) in members.iter().enumerate() {
            let index = i.to_string();
            if check.country_code(&["groups", name, &index], code) {
                set.insert(code.clone());
            }
        }
        groups.push(Group {
            name: name.clone(),
            members: set,
        });
    }
    groups
}

/// `[[policy.group_share]]`: a known group, a share floor and/or cap in
/// [0, 1] with min <= max, and rare-earth elements.
fn validate_group_shares(
    check: &mut Checker,
    raw: &[super::raw::RawGroupShare],
    groups: &[Group],
    element_index: &BTreeMap<&str, usize>,
    warnings: &mut Vec<String>,
) -> Vec<GroupShare> {
    let shares: Vec<GroupShare> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, rule)| validate_group_share(check, i, rule, groups, element_index, warnings))
        .collect();
    check_group_rules_distinct(check, &shares, groups);
    shares
}

/// Rule `i` of `[[policy.group_share]]`; `None` when its group is unknown.
fn validate_group_share(
    check: &mut Checker,
    i: usize,
    rule: &super::raw::RawGroupShare,
    groups: &[Group],
    element_index: &BTreeMap<&str, usize>,
    warnings: &mut Vec<String>,
) -> Option<GroupShare> {
    let index = i.to_string();
    let at = |key: &'static str| ["policy", "group_share", index.as_str(), key];
    let group = groups.iter().position(|g| g.name == rule.group);
    if group.is_none() {
        let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        check.fail(
            &at("group"),
            Some(format!("{:?}", rule.group)),
            format!(
                "no group {:?} in [groups]; known groups: {}",
                rule.group,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(" ")
                }
            ),
        );
    }
    let min = check.unit_interval(&at("min"), rule.min, "a group's share floor");
    let max = check.unit_interval(&at("max"), rule.max, "a group's share cap");
    match (min, max) {
        (None, None) if rule.min.is_none() && rule.max.is_none() => check.fail(
            &["policy", "group_share", index.as_str()],
            None,
            "give `min` and/or `max`, the group's least and most share of each element's demand",
        ),
        (Some(lo), Some(hi)) if lo > hi => check.fail(
            &at("min"),
            Some(shown(lo)),
            format!("min ({}) must not exceed max ({})", shown(lo), shown(hi)),
        ),
        _ => {}
    }
    let mut elements = Vec::new();
    match &rule.elements {
        None => elements.extend(element_index.values().copied()),
        Some(symbols) => {
            for (k, symbol) in symbols.iter().enumerate() {
                let position = k.to_string();
                let path = [
                    "policy",
                    "group_share",
                    index.as_str(),
                    "elements",
                    position.as_str(),
                ];
                if !check.element_symbol(&path, symbol) {
                    continue;
                }
                match element_index.get(symbol.as_str()) {
                    Some(&e) => elements.push(e),
                    None => warnings.push(format!(
                        "policy.group_share.{i}.elements: {symbol} has no demand, so the rule ignores it"
                    )),
                }
            }
        }
    }
    elements.sort_unstable();
    elements.dedup();
    Some(GroupShare {
        group: group?,
        stage: rule.stage,
        min,
        max,
        elements,
    })
}

/// Two floors (or two caps) of one group at one stage for one element
/// would be one row name twice: an error.
fn check_group_rules_distinct(check: &mut Checker, shares: &[GroupShare], groups: &[Group]) {
    for (i, a) in shares.iter().enumerate() {
        for b in &shares[i + 1..] {
            let same = a.group == b.group && a.stage == b.stage;
            let both = (a.min.is_some() && b.min.is_some()) || (a.max.is_some() && b.max.is_some());
            if same && both && a.elements.iter().any(|e| b.elements.contains(e)) {
                check.fail(
                    &["policy", "group_share"],
                    None,
                    format!(
                        "two rules set the {} share of group {} for the same element: merge them into one",
                        b.stage.as_str(),
                        groups[b.group].name
                    ),
                );
            }
        }
    }
}

/// `basket = { price_per_kg, capacity_t, composition }`: a price and a
/// capacity like an offer's, rare-earth fractions in [0, 1] summing to at
/// most 1 (the rest is unpriced matter), and a cost no year could reach.
fn validate_basket(
    check: &mut Checker,
    id: &str,
    raw: &super::raw::RawBasket,
    element_index: &BTreeMap<&str, usize>,
    warnings: &mut Vec<String>,
) -> Option<Basket> {
    let before = check.problems.len();
    let at = |key: &'static str| vec!["suppliers", id, "basket", key];
    let price = check.non_negative(
        &at("price_per_kg"),
        Some(raw.price_per_kg),
        "a price per kg",
        PER_KG,
    );
    let capacity_t = check.non_negative(&at("capacity_t"), raw.capacity_t, "a capacity in tonnes", TONNES);
    let mut parts = Vec::with_capacity(raw.composition.len());
    for (symbol, &fraction) in &raw.composition {
        let path = ["suppliers", id, "basket", "composition", symbol.as_str()];
        if check.element_symbol(&path, symbol) {
            check.unit_interval(&path, Some(fraction), "a fraction of the mix");
        }
        parts.push(BasketPart {
            symbol: symbol.clone(),
            fraction,
            element: element_index.get(symbol.as_str()).copied(),
        });
    }
    let total: f64 = raw.composition.values().sum();
    if total > 1.0 + 1e-6 {
        check.fail(
            &at("composition"),
            Some(shown(total)),
            format!("the fractions sum to {}, more than 1: a tonne of the mix holds at most a tonne of rare-earth oxide", shown(total)),
        );
    }
    if parts.iter().all(|p| p.element.is_none()) {
        warnings.push(format!("suppliers.{id}.basket: it holds no demanded element"));
    }
    if let (Some(price), Some(capacity)) = (price, capacity_t) {
        let cost = 1000.0 * price * capacity;
        if cost > MONEY.max {
            check.fail(
                &at("capacity_t"),
                Some(shown(capacity)),
                format!(
                    "buying the whole basket would cost {cost:e} a year, above {} ({})",
                    MONEY.text(),
                    MONEY.why
                ),
            );
        }
    }
    (check.problems.len() == before).then_some(Basket {
        price_per_kg: raw.price_per_kg,
        capacity_t,
        parts,
    })
}

/// `policy.resale.<e>`: a price and a (required) capacity, for an element
/// some basket holds.
fn validate_resale(
    check: &mut Checker,
    raw: &BTreeMap<String, super::raw::RawResale>,
    element_index: &BTreeMap<&str, usize>,
    suppliers: &BTreeMap<String, RawSupplier>,
) -> Vec<Resale> {
    let mut resale = Vec::with_capacity(raw.len());
    for (symbol, entry) in raw {
        let at = |key: &'static str| vec!["policy", "resale", symbol.as_str(), key];
        if !check.element_symbol(&["policy", "resale", symbol.as_str()], symbol) {
            continue;
        }
        // Read from the file, so that a basket with another error does not
        // also make this one look orphaned.
        let in_a_basket = suppliers
            .values()
            .filter_map(|s| s.basket.as_ref())
            .any(|b| b.composition.get(symbol).is_some_and(|&k| k > 0.0));
        if !in_a_basket {
            check.fail(
                &["policy", "resale", symbol.as_str()],
                None,
                format!("only a basket's surplus can be resold, and no basket holds {symbol}"),
            );
        }
        let price = check.non_negative(
            &at("price_per_kg"),
            Some(entry.price_per_kg),
            "a resale price per kg",
            PER_KG,
        );
        let capacity = check.non_negative(
            &at("capacity_t"),
            Some(entry.capacity_t),
            "a resale capacity in tonnes",
            TONNES,
        );
        if let (Some(price_per_kg), Some(capacity_t)) = (price, capacity) {
            let revenue = 1000.0 * price_per_kg * capacity_t;
            if revenue > MONEY.max {
                check.fail(
                    &at("capacity_t"),
                    Some(shown(capacity_t)),
                    format!(
                        "reselling all of it would earn {revenue:e} a year, above {} ({})",
                        MONEY.text(),
                        MONEY.why
                    ),
                );
            }
            resale.push(Resale {
                symbol: symbol.clone(),
                element: element_index.get(symbol.as_str()).copied(),
                price_per_kg,
                capacity_t,
            });
        }
    }
    resale
}

/// A mining origin: two-letter codes with fractions in [0, 1] summing to 1
/// (within 1e-6).
fn validate_origin(check: &mut Checker, at: &[&str], origin: &BTreeMap<String, f64>) -> Option<Origin> {
    let before = check.problems.len();
    for (code, &fraction) in origin {
        let path: Vec<&str> = at.iter().copied().chain([code.as_str()]).collect();
        check.country_code(&path, code);
        check.unit_interval(&path, Some(fraction), "an origin fraction");
    }
    let total: f64 = origin.values().sum();
    if check.problems.len() == before && (total - 1.0).abs() > 1e-6 {
        check.fail(
            at,
            Some(shown(total)),
            format!("the origin fractions sum to {}, not 1: give each mining country's share of the feed, e.g. `{{ AU = 0.8, US = 0.2 }}`", shown(total)),
        );
    }
    (check.problems.len() == before).then(|| origin.iter().map(|(c, &f)| (c.clone(), f)).collect())
}

/// A checked offer, before it is tied to its element's index.
struct CheckedOffer {
    pricing: Pricing,
    min_order_t: f64,
    origin: Option<Origin>,
}

/// Checks one offer; returns its pricing when it is usable.
fn validate_offer(
    check: &mut Checker,
    path: &[&str; 4],
    offer: &RawOffer,
    substitute: bool,
) -> Option<CheckedOffer> {
    let at = |key: &'static str| vec![path[0], path[1], path[2], path[3], key];
    let before = check.problems.len();
    check.non_negative(
        &at("capacity_t"),
        offer.capacity_t,
        "a capacity in tonnes",
        TONNES,
    );
    let min_order_t = check
        .non_negative(
            &at("min_order_t"),
            offer.min_order_t,
            "a minimum order in tonnes",
            TONNES,
        )
        .unwrap_or(0.0);
    let pricing = match (offer.price_per_kg, &offer.tiers) {
        (Some(_), Some(_)) => {
            check.fail(
                path,
                None,
                "an offer has either `price_per_kg` or `tiers`, not both: tiers replace the single price",
            );
            None
        }
        (None, None) => {
            check.fail(
                path,
                None,
                "an offer needs `price_per_kg` (e.g. `{ price_per_kg = 60, capacity_t = 1000 }`) or `tiers`",
            );
            None
        }
        (Some(price), None) => check
            .non_negative(&at("price_per_kg"), Some(price), "a price per kg", PER_KG)
            .map(Pricing::Flat),
        (None, Some(tiers)) => validate_tiers(check, &at("tiers"), tiers).map(Pricing::Tiers),
    };
    let origin = match (&offer.origin, substitute) {
        (Some(_), true) => {
            check.fail(
                &at("origin"),
                None,
                "a substitute has no mining origin: remove `origin`",
            );
            None
        }
        (Some(origin), false) => validate_origin(check, &at("origin"), origin),
        (None, _) => None,
    };
    let pricing = pricing.filter(|_| check.problems.len() == before)?;
    Some(CheckedOffer {
        pricing,
        min_order_t,
        origin,
    })
}

/// Bands: at least one; prices >= 0; `up_to_t` > 0 and strictly increasing;
/// only the last may omit it.
fn validate_tiers(check: &mut Checker, at: &[&str], tiers: &[RawTier]) -> Option<Vec<Tier>> {
    if tiers.is_empty() {
        check.fail(
            at,
            None,
            "give at least one tier, e.g. `[ { up_to_t = 1000, price_per_kg = 80 }, { price_per_kg = 74 } ]`",
        );
        return None;
    }
    let mut previous = 0.0;
    let mut valid = Vec::with_capacity(tiers.len());
    for (i, tier) in tiers.iter().enumerate() {
        let index = i.to_string();
        let key = |k: &'static str| at.iter().copied().chain([index.as_str(), k]).collect::<Vec<_>>();
        let price = check.non_negative(
            &key("price_per_kg"),
            Some(tier.price_per_kg),
            "a price per kg",
            PER_KG,
        );
        match tier.up_to_t {
            None if i + 1 < tiers.len() => {
                check.fail(
                    &key("up_to_t"),
                    None,
                    "only the last tier may omit `up_to_t` (it is then open-ended)",
                );
                return None;
            }
            Some(up_to) if !up_to.is_finite() || up_to <= previous => {
                check.fail(
                    &key("up_to_t"),
                    Some(shown(up_to)),
                    format!("`up_to_t` is cumulative: it must be a finite number above the previous tier's ({previous})"),
                );
                return None;
            }
            Some(up_to) if up_to > TONNES.max => {
                check.fail(
                    &key("up_to_t"),
                    Some(shown(up_to)),
                    TONNES.exceeded("a tier's `up_to_t`"),
                );
                return None;
            }
            _ => {}
        }
        previous = tier.up_to_t.unwrap_or(previous);
        valid.push(Tier {
            up_to_t: tier.up_to_t,
            price_per_kg: price?,
        });
    }
    Some(valid)
}

/// Range-checks one level of caps; invalid values are dropped.
fn validate_caps(check: &mut Checker, at: &[&str], caps: CapSet) -> CapSet {
    let path = |key: &'static str| at.iter().copied().chain([key]).collect::<Vec<_>>();
    let count = |check: &mut Checker, key: &'static str, value: Option<i64>| {
        let v = value?;
        if v < 0 {
            check.fail(
                &path(key),
                Some(v.to_string()),
                "a number of suppliers must be >= 0",
            );
            return None;
        }
        Some(v)
    };
    CapSet {
        max_country_share: check.unit_interval(
            &path("max_country_share"),
            caps.max_country_share,
            "a country share cap",
        ),
        max_supplier_share: check.unit_interval(
            &path("max_supplier_share"),
            caps.max_supplier_share,
            "a supplier share cap",
        ),
        max_avg_risk: check.unit_interval(&path("max_avg_risk"), caps.max_avg_risk, "a mean risk cap"),
        min_recycled_share: check.unit_interval(
            &path("min_recycled_share"),
            caps.min_recycled_share,
            "a recycled share",
        ),
        min_suppliers: count(check, "min_suppliers", caps.min_suppliers),
        max_suppliers: count(check, "max_suppliers", caps.max_suppliers),
        min_share_if_used: check.unit_interval(
            &path("min_share_if_used"),
            caps.min_share_if_used,
            "a minimum share",
        ),
        max_mining_share: check.unit_interval(
            &path("max_mining_share"),
            caps.max_mining_share,
            "a mining share cap",
        ),
        max_hhi: match check.unit_interval(&path("max_hhi"), caps.max_hhi, "an HHI cap (0..1)") {
            Some(cap) if cap <= 0.0 => {
                check.fail(
                    &path("max_hhi"),
                    Some(shown(cap)),
                    "an HHI cap must be above 0 (one country alone is 1; n countries with equal shares are 1/n); to buy from no country, cap each country's share at 0 instead",
                );
                None
            }
            cap => cap,
        },
    }
}

/// The element's own caps where given, else the policy-wide ones.
fn merge(own: CapSet, defaults: CapSet) -> CapSet {
    CapSet {
        max_country_share: own.max_country_share.or(defaults.max_country_share),
        max_supplier_share: own.max_supplier_share.or(defaults.max_supplier_share),
        max_avg_risk: own.max_avg_risk.or(defaults.max_avg_risk),
        min_recycled_share: own.min_recycled_share.or(defaults.min_recycled_share),
        min_suppliers: own.min_suppliers.or(defaults.min_suppliers),
        max_suppliers: own.max_suppliers.or(defaults.max_suppliers),
        min_share_if_used: own.min_share_if_used.or(defaults.min_share_if_used),
        max_mining_share: own.max_mining_share.or(defaults.max_mining_share),
        max_hhi: own.max_hhi.or(defaults.max_hhi),
    }
}

/// The rules on the yes/no caps. Each problem is reported where the value
/// was written: under `policy.elements.<e>` when the element overrides it,
/// else under `policy`.
fn check_mip_caps(check: &mut Checker, symbol: &str, caps: &CapSet, own: &CapSet) {
    let at = |given_here: bool, key: &'static str| -> (Vec<&str>, String) {
        if given_here {
            (vec!["policy", "elements", symbol, key], format!(" for {symbol}"))
        } else {
            (vec!["policy", key], String::new())
        }
    };
    if let (Some(min), Some(max)) = (caps.min_suppliers, caps.max_suppliers) {
        if min > max {
            let (p, scope) = at(
                own.min_suppliers.is_some() || own.max_suppliers.is_some(),
                "min_suppliers",
            );
            check.fail(
                &p,
                Some(min.to_string()),
                format!("min_suppliers must be <= max_suppliers ({max}){scope}"),
            );
        }
    }
    if let Some(min) = caps.min_suppliers.filter(|&n| n > 0) {
        if !caps.min_share_if_used.is_some_and(|s| s > 0.0) {
            let (p, scope) = at(own.min_suppliers.is_some(), "min_suppliers");
            check.fail(
                &p,
                Some(min.to_string()),
                format!("min_suppliers needs min_share_if_used > 0{scope} (otherwise an offer could count as a supplier while delivering nothing)"),
            );
        }
    }
}

/// How an offer's most expensive purchase is bought: at a flat price per
/// kg, or through tiers up to so many tonnes.
enum Terms {
    Flat(f64),
    Tiers(f64),
}

/// Every cost term of the model (tonnes x price per kg x 1000) at most
/// [`MONEY`], before HiGHS sees it: each offer bought up to the most it can
/// supply (its capacity, else its supplier's, else the element's demand; at
/// least its minimum order and its closed tiers), and each element's whole
/// demand left unmet at the shortfall penalty.
fn check_cost_terms(
    check: &mut Checker,
    elements: &[Element],
    suppliers: &[Supplier],
    offers: &[Offer],
    penalty: Option<f64>,
) {
    let limit = MONEY.max;
    for offer in offers {
        let element = &elements[offer.element];
        let supplier = &suppliers[offer.supplier];
        let most = match (offer.capacity_t, supplier.capacity_t) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => element.demand_t,
        }
        .max(offer.min_order_t);
        let (cost, terms) = match &offer.pricing {
            Pricing::Flat(price) => (1000.0 * price * most, Terms::Flat(*price)),
            Pricing::Tiers(tiers) => {
                // Each band full; an open last band takes the most the offer
                // can supply beyond the closed ones, and at least the demand.
                let mut start = 0.0;
                let mut cost = 0.0;
                for tier in tiers {
                    let end = tier
                        .up_to_t
                        .unwrap_or_else(|| (start + element.demand_t).max(most));
                    cost += 1000.0 * tier.price_per_kg * (end - start);
                    start = end;
                }
                (cost, Terms::Tiers(start))
            }
        };
        if cost > limit {
            // Said only when the cost is too high: most offers never are.
            let terms = match terms {
                Terms::Flat(price) => format!("{} t at {} per kg", shown(most), shown(price)),
                Terms::Tiers(tonnes) => format!("{} t through its tiers", shown(tonnes)),
            };
            check.fail(
                &["suppliers", supplier.id.as_str(), "offers", element.symbol.as_str()],
                None,
                format!(
                    "buying the most this offer can supply, {terms}, would cost {cost:e} a year, above {} ({}): lower its price or give it a capacity_t it can really supply",
                    MONEY.text(),
                    MONEY.why
                ),
            );
        }
    }
    for supplier in suppliers {
        let Some(basket) = supplier.basket.as_ref().filter(|b| b.capacity_t.is_none()) else {
            continue;
        };
        // Without a capacity, a basket is bought at most to cover the
        // demand of one of its elements.
        let most = basket
            .parts
            .iter()
            .filter(|p| p.fraction > 0.0)
            .filter_map(|p| Some(elements[p.element?].demand_t / p.fraction))
            .fold(0.0, f64::max);
        let cost = 1000.0 * basket.price_per_kg * most;
        if cost > limit {
            check.fail(
                &["suppliers", supplier.id.as_str(), "basket"],
                None,
                format!(
                    "buying enough of this basket to cover its elements' demand, {} t at {} per kg, would cost {cost:e} a year, above {} ({}): lower its price or give it a capacity_t",
                    shown(most),
                    shown(basket.price_per_kg),
                    MONEY.text(),
                    MONEY.why
                ),
            );
        }
    }
    if let Some(penalty) = penalty {
        let Some(largest) = elements.iter().max_by(|a, b| a.demand_t.total_cmp(&b.demand_t)) else {
            return;
        };
        let cost = 1000.0 * penalty * largest.demand_t;
        if cost > limit {
            check.fail(
                &["policy", "shortfall_penalty_per_kg"],
                Some(shown(penalty)),
                format!(
                    "leaving all of {}'s demand ({} t) unmet would cost {cost:e} a year at this penalty, above {} ({}): give a penalty of at most {:e} per kg",
                    largest.symbol,
                    shown(largest.demand_t),
                    MONEY.text(),
                    MONEY.why,
                    two_digits_down(limit / (1000.0 * largest.demand_t))
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::known_names;

    #[test]
    fn an_unknown_name_is_answered_with_the_closest_and_at_most_ten_names() {
        let many: Vec<String> = (0..2000).map(|i| format!("s{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            known_names("\u{feff}s1999", &many),
            "did you mean s1999? known: s0 s1 s2 s3 s4 s5 s6 s7 s8 s9 and 1990 more"
        );
        assert_eq!(
            known_names("lynas", &["lynas-my", "cn-light"]),
            "did you mean lynas-my? known: lynas-my cn-light"
        );
        // Nothing near: no guess.
        assert_eq!(known_names("zz", &["a", "b"]), "known: a b");
        assert_eq!(known_names("zz", &[]), "known: none");
    }
}
