//! The scenario: raw TOML ([`raw`]) validated into a resolved [`Scenario`].
//!
//! Everything downstream reads a `Scenario` only; it never sees TOML.

pub mod disruptions;
pub mod horizon;
mod offers_csv;
pub mod overrides;
mod pieces;
pub mod raw;
mod source_map;
mod validate;

pub use disruptions::{Disruption, Disruptions, Effect, Matcher};
pub use horizon::{Horizon, StockedElement, Stockpile};
pub use raw::{ObjectiveKind, SupplierKind, SupplyStage};
pub use source_map::LineCol;

use sha2::{Digest, Sha256};
use source_map::SourceMap;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A validated scenario: every rule of docs/scenario.md holds, every reference resolves.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Where it was read from and the SHA-256 of its bytes.
    pub source: Source,
    /// `[a-z0-9-]+`, names the output folder.
    pub name: String,
    /// Human title (the name when absent).
    pub title: String,
    /// The buyer, when given.
    pub region: Option<String>,
    /// Plan year, when given (with a horizon: its first year).
    pub year: Option<i64>,
    /// Currency of every price and total (`USD` when absent).
    pub currency: String,
    /// Elements with demand above zero (with a horizon: in some year, so
    /// that a year's demand may be 0), sorted by symbol.
    pub elements: Vec<Element>,
    /// Every supplier, sorted by id.
    pub suppliers: Vec<Supplier>,
    /// Offers for demanded elements, sorted by element then supplier id.
    pub offers: Vec<Offer>,
    /// `[countries]` data by two-letter code.
    pub countries: BTreeMap<String, Country>,
    /// `[groups]`, sorted by name.
    pub groups: Vec<Group>,
    /// Objective, budget, shortfall penalty and group shares.
    pub policy: Policy,
    /// Things worth telling the planner that do not stop the solve.
    pub warnings: Vec<String>,
    /// `[horizon]`: the years planned together, each year's scenario, and
    /// the stockpile. Without one, this scenario is its only year; with
    /// one, its demand, capacities and prices are the first year's.
    pub horizon: Option<Horizon>,
    /// `[[disruptions]]` and how the plan weighs them (on the whole
    /// scenario, not on its years').
    pub disruptions: Option<Disruptions>,
}

/// The file a scenario came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path as given on the command line.
    pub path: PathBuf,
    /// Hex SHA-256 of the file's bytes (before any override).
    pub sha256: String,
    /// The `--set` overrides applied before validation, as given.
    pub overrides: Vec<String>,
}

/// One demanded element with its resolved caps.
#[derive(Debug, Clone)]
pub struct Element {
    /// Element symbol, e.g. `Dy`.
    pub symbol: String,
    /// Demand, tonnes per year, > 0.
    pub demand_t: f64,
    /// Caps for this element, per-element overrides already applied.
    pub caps: ElementCaps,
    /// Indices into [`Scenario::offers`] of this element's offers.
    pub offers: Range<usize>,
}

/// The caps that apply to one element (`None`: no cap).
#[derive(Debug, Clone, Default)]
pub struct ElementCaps {
    /// `policy.elements.e.max_country_share`, else `policy.max_country_share`.
    pub max_country_share: Option<f64>,
    /// `policy.elements.e.country_share`: caps for single countries.
    pub country_share: BTreeMap<String, f64>,
    /// Cap on any single supplier's share.
    pub max_supplier_share: Option<f64>,
    /// Cap on the mean risk (unmet demand counting as 1).
    pub max_avg_risk: Option<f64>,
    /// Floor on the share from recyclers.
    pub min_recycled_share: Option<f64>,
    /// Least number of offers used (MIP; 0: no floor).
    pub min_suppliers: u32,
    /// Most offers used (MIP).
    pub max_suppliers: Option<u32>,
    /// Least share of demand an offer that is used must cover (MIP; 0: none).
    pub min_share_if_used: f64,
    /// `policy.elements.e.max_mining_share`, else `policy.max_mining_share`.
    pub max_mining_share: Option<f64>,
    /// `policy.elements.e.mining_share`: mining-stage caps for single countries.
    pub mining_share: BTreeMap<String, f64>,
    /// Cap on the processing-stage HHI.
    pub max_hhi: Option<f64>,
}

impl ElementCaps {
    /// Whether this element needs "offer used" decisions.
    pub fn needs_offer_decisions(&self) -> bool {
        self.min_suppliers > 0 || self.max_suppliers.is_some() || self.min_share_if_used > 0.0
    }
}

/// Kilograms per tonne: prices are per kg, quantities in tonnes, so an
/// offer's cost is `KG_PER_TONNE * price_per_kg * tonnes`.
pub const KG_PER_TONNE: f64 = 1000.0;

/// A candidate supplier.
#[derive(Debug, Clone)]
pub struct Supplier {
    /// `[a-z0-9-]+`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Where it processes (two upper-case letters); `None` for a substitute.
    pub country: Option<String>,
    /// mine | refiner | recycler | stockpile | substitute.
    pub kind: SupplierKind,
    /// Where its feed was mined: fractions by country, summing to 1; empty
    /// for secondary material and substitutes (no mining country).
    pub origin: Origin,
    /// Own risk, else its country's; `None` when neither is given.
    pub risk: Option<f64>,
    /// Cap on the sum of its offers, tonnes.
    pub capacity_t: Option<f64>,
    /// Yearly cost of signing a contract with it; > 0 makes a yes/no decision.
    pub fixed_cost: f64,
    /// A fixed-ratio mix of elements it sells as one product.
    pub basket: Option<Basket>,
    /// `available_from` and `available_until` (inclusive), as written:
    /// outside them its capacities are 0 (already so in each year's
    /// values).
    pub available: (Option<i64>, Option<i64>),
}

impl Supplier {
    /// Whether `year` lies within the supplier's availability.
    pub fn is_available_in(&self, year: i64) -> bool {
        let (from, until) = self.available;
        from.is_none_or(|f| year >= f) && until.is_none_or(|u| year <= u)
    }
}

/// A co-production basket: tonnes of a mix, each element a fixed fraction.
#[derive(Debug, Clone)]
pub struct Basket {
    /// Price per kg of the mix.
    pub price_per_kg: f64,
    /// Cap on tonnes of the mix.
    pub capacity_t: Option<f64>,
    /// Each element of the mix, sorted by symbol.
    pub parts: Vec<BasketPart>,
}

/// One element of a basket.
#[derive(Debug, Clone)]
pub struct BasketPart {
    /// Element symbol.
    pub symbol: String,
    /// Tonnes of the element per tonne of the mix.
    pub fraction: f64,
    /// Index into [`Scenario::elements`] when the element is demanded.
    pub element: Option<usize>,
}

/// Where a surplus element can be sold (`policy.resale.<e>`).
#[derive(Debug, Clone)]
pub struct Resale {
    /// Element symbol.
    pub symbol: String,
    /// Index into [`Scenario::elements`] when the element is demanded.
    pub element: Option<usize>,
    /// Price per kg it sells for.
    pub price_per_kg: f64,
    /// Most tonnes sold.
    pub capacity_t: f64,
}

/// One offer: a supplier selling one demanded element.
#[derive(Debug, Clone)]
pub struct Offer {
    /// Index into [`Scenario::suppliers`].
    pub supplier: usize,
    /// Index into [`Scenario::elements`].
    pub element: usize,
    /// One price, or volume tiers.
    pub pricing: Pricing,
    /// Cap on tonnes, when given.
    pub capacity_t: Option<f64>,
    /// Smallest purchase when the offer is used (0: none).
    pub min_order_t: f64,
    /// This offer's own mining origin, winning over its supplier's.
    pub origin: Option<Origin>,
}

/// A mining origin: `(country, fraction)` pairs, sorted by country.
pub type Origin = Vec<(String, f64)>;

/// How an offer is priced.
#[derive(Debug, Clone, PartialEq)]
pub enum Pricing {
    /// One price per kg for every tonne.
    Flat(f64),
    /// Bands of cumulative tonnes, each with its own price per kg.
    Tiers(Vec<Tier>),
}

/// One volume band: the tonnes up to `up_to_t` (cumulative) not in an
/// earlier band, at `price_per_kg`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// Cumulative upper end; `None` for an open-ended last band.
    pub up_to_t: Option<f64>,
    /// Price per kg inside the band.
    pub price_per_kg: f64,
}

impl Offer {
    /// Cost of buying `tonnes`, bands filled in order (docs/scenario.md).
    pub fn cost_of(&self, tonnes: f64) -> f64 {
        match &self.pricing {
            Pricing::Flat(price) => KG_PER_TONNE * price * tonnes,
            Pricing::Tiers(tiers) => {
                let mut cost = 0.0;
                let mut start = 0.0;
                for tier in tiers {
                    let end = tier.up_to_t.unwrap_or(f64::INFINITY);
                    cost += KG_PER_TONNE * tier.price_per_kg * (tonnes.min(end) - start).max(0.0);
                    start = end;
                }
                cost
            }
        }
    }

    /// Whether some band is cheaper than the one before it (a discount,
    /// which needs yes/no decisions so that bands fill in order).
    pub fn has_discount(&self) -> bool {
        match &self.pricing {
            Pricing::Flat(_) => false,
            Pricing::Tiers(tiers) => tiers.windows(2).any(|w| w[1].price_per_kg < w[0].price_per_kg),
        }
    }
}

/// Optional per-country data.
#[derive(Debug, Clone, Default)]
pub struct Country {
    /// Default risk of its suppliers.
    pub risk: Option<f64>,
    /// Cap on its share of each element's demand.
    pub max_share: Option<f64>,
    /// Cap on the share of each element's demand mined there.
    pub max_mining_share: Option<f64>,
}

/// Plan-wide policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// What is minimised.
    pub objective: ObjectiveKind,
    /// Cap on total cost.
    pub budget: Option<f64>,
    /// Price per kg of unmet demand; `None` forbids unmet demand.
    pub shortfall_penalty_per_kg: Option<f64>,
    /// `[[policy.group_share]]`, in file order.
    pub group_shares: Vec<GroupShare>,
    /// `[policy.resale]`, sorted by element symbol.
    pub resale: Vec<Resale>,
}

/// A named set of countries (`[groups]`).
#[derive(Debug, Clone)]
pub struct Group {
    /// `[A-Za-z0-9-]+`.
    pub name: String,
    /// Two-letter codes, sorted.
    pub members: BTreeSet<String>,
}

/// A floor and/or cap on a group's share of each element's demand at one
/// stage.
#[derive(Debug, Clone)]
pub struct GroupShare {
    /// Index into [`Scenario::groups`].
    pub group: usize,
    /// Processing (the supplier's country) or mining (its origin).
    pub stage: SupplyStage,
    /// Least share of demand.
    pub min: Option<f64>,
    /// Most share of demand.
    pub max: Option<f64>,
    /// Demanded elements it applies to (indices), sorted.
    pub elements: Vec<usize>,
}

impl Scenario {
    /// The scenario of each year planned: the horizon's, else this one.
    /// Indices of elements, suppliers and offers mean the same in each.
    pub fn slices(&self) -> &[Scenario] {
        match &self.horizon {
            Some(horizon) => &horizon.slices,
            None => std::slice::from_ref(self),
        }
    }

    /// The year label of year index `t` in names and outputs: `None`
    /// without a horizon.
    pub fn year_label(&self, t: usize) -> Option<i64> {
        self.horizon.as_ref().map(|h| h.years[t])
    }

    /// The stockpile, when the scenario has one.
    pub fn stockpile(&self) -> Option<&Stockpile> {
        self.horizon.as_ref().and_then(|h| h.stockpile.as_ref())
    }

    /// The supplier behind an offer.
    pub fn supplier_of(&self, offer: &Offer) -> &Supplier {
        &self.suppliers[offer.supplier]
    }

    /// The element of an offer.
    pub fn element_of(&self, offer: &Offer) -> &Element {
        &self.elements[offer.element]
    }

    /// The offers of one element, by element index.
    pub fn offers_of(&self, element: usize) -> impl Iterator<Item = (usize, &Offer)> {
        let range = self.elements[element].offers.clone();
        range.clone().zip(&self.offers[range])
    }

    /// The cap `a_ce` on country `c`'s share of element `e` (models/README.md, "Constraints"): the
    /// most specific of `policy.elements.e.country_share.c`,
    /// `countries.c.max_share`, `policy.elements.e.max_country_share`,
    /// `policy.max_country_share`.
    pub fn country_share_cap(&self, country: &str, element: usize) -> Option<f64> {
        let caps = &self.elements[element].caps;
        caps.country_share
            .get(country)
            .copied()
            .or_else(|| self.countries.get(country).and_then(|c| c.max_share))
            .or(caps.max_country_share)
    }

    /// The mining origin of an offer: its own, else its supplier's.
    pub fn origin_of<'a>(&'a self, offer: &'a Offer) -> &'a [(String, f64)] {
        offer.origin.as_deref().unwrap_or(&self.supplier_of(offer).origin)
    }

    /// The cap `m_ce` on the share of element `e` mined in country `c`: the
    /// most specific of `policy.elements.e.mining_share.c`,
    /// `countries.c.max_mining_share`, `policy.elements.e.max_mining_share`,
    /// `policy.max_mining_share`.
    pub fn mining_share_cap(&self, country: &str, element: usize) -> Option<f64> {
        let caps = &self.elements[element].caps;
        caps.mining_share
            .get(country)
            .copied()
            .or_else(|| self.countries.get(country).and_then(|c| c.max_mining_share))
            .or(caps.max_mining_share)
    }

    /// Countries some offer of `element` was mined in (fraction above 0), sorted.
    pub fn countries_mining(&self, element: usize) -> Vec<&str> {
        let baskets = self
            .baskets_of(element)
            .flat_map(|(s, _)| &self.suppliers[s].origin);
        let mut countries: Vec<&str> = self
            .offers_of(element)
            .flat_map(|(_, offer)| self.origin_of(offer))
            .chain(baskets)
            .filter(|(_, fraction)| *fraction > 0.0)
            .map(|(country, _)| country.as_str())
            .collect();
        countries.sort_unstable();
        countries.dedup();
        countries
    }

    /// Countries with at least one offer for `element`, sorted (substitutes
    /// have none).
    pub fn countries_offering(&self, element: usize) -> Vec<&str> {
        let baskets = self
            .baskets_of(element)
            .filter_map(|(s, _)| self.suppliers[s].country.as_deref());
        let mut countries: Vec<&str> = self
            .offers_of(element)
            .filter_map(|(_, offer)| self.supplier_of(offer).country.as_deref())
            .chain(baskets)
            .collect();
        countries.sort_unstable();
        countries.dedup();
        countries
    }

    /// The fraction of element `e` in supplier `s`'s basket (0 without).
    pub fn basket_fraction(&self, s: usize, e: usize) -> f64 {
        self.suppliers[s]
            .basket
            .iter()
            .flat_map(|b| &b.parts)
            .find(|p| p.element == Some(e))
            .map_or(0.0, |p| p.fraction)
    }

    /// Suppliers whose basket holds element `e`, with its fraction.
    pub fn baskets_of(&self, e: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        (0..self.suppliers.len())
            .map(move |s| (s, self.basket_fraction(s, e)))
            .filter(|&(_, k)| k > 0.0)
    }

    /// Whether the model needs yes/no decisions (models/README.md, "Yes-or-no decisions"): an offer whose
    /// use or whose supplier's contract is decided, or a discount. Explicit
    /// zeros keep an LP. The model creates exactly these decisions.
    pub fn is_mip(&self) -> bool {
        self.offers
            .iter()
            .any(|o| self.decides_use(o) || o.has_discount() || self.decides_contract(self.supplier_of(o)))
            || self
                .suppliers
                .iter()
                .any(|s| s.basket.is_some() && self.decides_contract(s))
    }

    /// Whether buying from `offer` is a yes/no decision `z[s,e]`: it has a
    /// minimum order, or its element a supplier count or a least share.
    pub fn decides_use(&self, offer: &Offer) -> bool {
        offer.min_order_t > 0.0 || self.element_of(offer).caps.needs_offer_decisions()
    }

    /// Whether a contract with `supplier` is a yes/no decision `y[s]` (for a
    /// supplier with at least one offer): it has a fixed cost.
    pub fn decides_contract(&self, supplier: &Supplier) -> bool {
        supplier.fixed_cost > 0.0
    }

    /// The least an offer buys when it is used: `max(min_order_t,
    /// min_share_if_used * D_e)` (models/README.md, "Yes-or-no decisions"); 0 when nothing is asked.
    pub fn least_purchase(&self, offer: &Offer) -> f64 {
        let element = self.element_of(offer);
        offer
            .min_order_t
            .max(element.caps.min_share_if_used * element.demand_t)
    }

    /// Whether every supplier with an offer for `element` has a known risk.
    pub fn risk_known_for(&self, element: usize) -> bool {
        self.offers_of(element)
            .all(|(_, o)| self.supplier_of(o).risk.is_some())
    }
}

/// One rule of docs/scenario.md broken, located in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The scenario file.
    pub file: PathBuf,
    /// Line and column, where the key was written.
    pub position: Option<LineCol>,
    /// Dotted key path, e.g. `suppliers.lynas.offers.Nd.price_per_kg`.
    pub key_path: String,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        if !self.key_path.is_empty() {
            write!(f, ": {}", self.key_path)?;
            if let Some(value) = &self.value {
                write!(f, " = {value}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a scenario could not be loaded: every problem found, not just the first.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidScenario {
    /// The problems, in file order where known.
    pub errors: Vec<ScenarioError>,
}

impl fmt::Display for InvalidScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidScenario {}

impl InvalidScenario {
    fn single(file: &Path, message: String) -> InvalidScenario {
        InvalidScenario {
            errors: vec![ScenarioError {
                file: file.to_path_buf(),
                position: None,
                key_path: String::new(),
                value: None,
                message,
            }],
        }
    }
}

/// Reads, parses and validates the scenario at `path`.
pub fn load(path: &Path) -> Result<Scenario, InvalidScenario> {
    ScenarioFile::read(path)?.scenario(&[])
}

/// Parses and validates scenario `bytes` read from `path`.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Scenario, InvalidScenario> {
    ScenarioFile::from_bytes(path, bytes)?.scenario(&[])
}

/// A scenario file read once, from which any number of variants (with
/// `--set` overrides, or sweep points) are validated.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    path: PathBuf,
    text: String,
    sha256: String,
}

/// The most bytes remopt reads from one input file: a 2 MB scenario
/// already holds 34,000 offers, and reading one holds about fifty bytes
/// of memory per byte of text.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// Reads an input file (a scenario, a price list, a sweep file) whole,
/// refusing one larger than [`MAX_INPUT_BYTES`], or endless as a device
/// such as `/dev/zero` is.
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it is larger than 256 MB, the most remopt reads from one file",
        ));
    }
    Ok(bytes)
}

impl ScenarioFile {
    /// The SHA-256 of the file's bytes, in hexadecimal.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Reads the file at `path`.
    pub fn read(path: &Path) -> Result<ScenarioFile, InvalidScenario> {
        let bytes = read_input(path)
            .map_err(|e| InvalidScenario::single(path, format!("cannot read the scenario file: {e}")))?;
        ScenarioFile::from_bytes(path, &bytes)
    }

    /// Takes the bytes of a file read from `path`.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<ScenarioFile, InvalidScenario> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            InvalidScenario::single(path, format!("the scenario file is not UTF-8 text: {e}"))
        })?;
        Ok(ScenarioFile {
            path: path.to_path_buf(),
            text: text.to_string(),
            sha256: Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file as a TOML document, for applying overrides.
    pub fn document(&self) -> Result<toml::Table, InvalidScenario> {
        toml::from_str(&self.text)
            .map_err(|e| syntax_error(&self.path, &self.text, &e, SourceMap::parse(&self.text).ok()))
    }

    /// `[scenario] name`, read without validating the rest; `None` when
    /// the document has none (validation then says what is wrong).
    pub fn name(&self) -> Option<String> {
        let document = self.document().ok()?;
        Some(document.get("scenario")?.get("name")?.as_str()?.to_string())
    }

    /// The validated scenario, with `overrides` applied first (docs/scenario.md, "Paths and overrides").
    pub fn scenario(&self, overrides: &[overrides::Override]) -> Result<Scenario, InvalidScenario> {
        if overrides.is_empty() {
            let raw = match pieces::read(&self.text) {
                Some(raw) => raw,
                None => toml::from_str(&self.text).map_err(|e| {
                    syntax_error(&self.path, &self.text, &e, SourceMap::parse(&self.text).ok())
                })?,
            };
            return self.validated(raw, &[], &[]);
        }
        let mut document = self.document()?;
        let applied = overrides::apply_all(&mut document, overrides)
            .map_err(|(o, e)| InvalidScenario::single(&self.path, format!("--set {o}: {e}")))?;
        self.scenario_from(document, overrides, &applied)
    }

    /// Validates an already overridden `document`; `applied` says what the
    /// overrides did, so that errors there say so.
    pub fn scenario_from(
        &self,
        document: toml::Table,
        overrides: &[overrides::Override],
        applied: &overrides::Applied,
    ) -> Result<Scenario, InvalidScenario> {
        let raw: raw::RawScenario =
            toml::Value::Table(document)
                .try_into()
                .map_err(|e: toml::de::Error| {
                    // The error names no key: the tables the overrides
                    // created are the likely cause.
                    let created = applied
                        .created
                        .iter()
                        .map(|c| format!("; it created {c}"))
                        .collect::<String>();
                    InvalidScenario::single(
                        &self.path,
                        format!(
                            "{} (after applying {}{created})",
                            e.message().trim_end(),
                            overrides_text(overrides)
                        ),
                    )
                })?;
        self.validated(raw, overrides, &applied.changed)
    }

    fn validated(
        &self,
        mut raw: raw::RawScenario,
        overrides: &[overrides::Override],
        changed: &[String],
    ) -> Result<Scenario, InvalidScenario> {
        let base = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        offers_csv::merge(&mut raw, base).map_err(|errors| InvalidScenario { errors })?;
        let source = Source {
            path: self.path.clone(),
            sha256: self.sha256.clone(),
            overrides: overrides.iter().map(ToString::to_string).collect(),
        };
        years(raw, source).map_err(|problems| {
            let map = SourceMap::parse(&self.text).unwrap_or_default();
            let mut errors: Vec<ScenarioError> = problems
                .into_iter()
                .map(|p| {
                    let key_path = p.path.join(".");
                    let from_override = changed.iter().any(|c| c == &key_path);
                    ScenarioError {
                        file: self.path.clone(),
                        position: map.position(&p.path),
                        message: if from_override {
                            format!(
                                "{} (the value comes from {})",
                                p.message,
                                overrides_text(overrides)
                            )
                        } else {
                            p.message
                        },
                        key_path,
                        value: p.value,
                    }
                })
                .collect();
            errors.sort_by_key(|e| e.position.map(|p| (p.line, p.column)));
            InvalidScenario { errors }
        })
    }
}

/// Validates each year of `raw` and ties them into one scenario.
fn years(mut raw: raw::RawScenario, source: Source) -> Result<Scenario, Vec<Problem>> {
    use rayon::prelude::*;
    let raw_disruptions = disruptions::take(&mut raw);
    let split = horizon::split(raw)?;
    let mut problems: Vec<Problem> = Vec::new();
    let mut slices = Vec::with_capacity(split.years.len());
    // Years are validated side by side: each is a whole scenario.
    let validated: Vec<_> = split
        .years
        .into_par_iter()
        .map(|year| validate::validate(year, source.clone()))
        .collect();
    for result in validated {
        match result {
            Ok(slice) => slices.push(slice),
            // A rule broken in every year is reported once.
            Err(found) => {
                for p in found {
                    if !problems
                        .iter()
                        .any(|q| q.path == p.path && q.message == p.message)
                    {
                        problems.push(p);
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let years = split.horizon.as_ref().map(|(years, _)| years.as_slice());
    let disruptions = disruptions::validate(raw_disruptions, &slices[0], years)?;
    let Some((years, discount_rate)) = split.horizon else {
        let mut scenario = slices.pop().expect("one year without a horizon");
        scenario.disruptions = disruptions;
        return Ok(scenario);
    };
    let stockpile = match &split.stockpile {
        Some(raw) => Some(horizon::stockpile(raw, &slices[0])?),
        None => None,
    };
    let mut scenario = slices[0].clone();
    let mut warnings: Vec<String> = Vec::new();
    for warning in slices.iter().flat_map(|s| &s.warnings) {
        if !warnings.contains(warning) {
            warnings.push(warning.clone());
        }
    }
    scenario.warnings = warnings;
    scenario.horizon = Some(Horizon {
        years,
        discount_rate,
        budget: split.budget,
        stockpile,
        slices,
    });
    scenario.disruptions = disruptions;
    Ok(scenario)
}

fn overrides_text(overrides: &[overrides::Override]) -> String {
    overrides
        .iter()
        .map(|o| format!("--set {o}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn syntax_error(path: &Path, text: &str, error: &toml::de::Error, map: Option<SourceMap>) -> InvalidScenario {
    let span = error.span();
    // The parser names neither the key nor its table: find them.
    if let Some(duplicate) = span
        .as_ref()
        .filter(|_| error.message().trim_start().starts_with("duplicate key"))
        .and_then(|s| source_map::duplicate_at(text, s.start))
    {
        return duplicate_error(path, text, span.map_or(0, |s| s.start), duplicate);
    }
    let key_path = match (&map, &span) {
        (Some(map), Some(span)) => map.path_at(span.start).map(|p| p.join(".")).unwrap_or_default(),
        _ => String::new(),
    };
    let position = span.map(|s| source_map::line_col(text, s.start));
    InvalidScenario {
        errors: vec![ScenarioError {
            file: path.to_path_buf(),
            position,
            key_path,
            value: None,
            message: error.message().trim_end().to_string(),
        }],
    }
}

fn duplicate_error(
    path: &Path,
    text: &str,
    offset: usize,
    duplicate: source_map::Duplicate,
) -> InvalidScenario {
    let key_path = duplicate.path.join(".");
    let first = duplicate
        .first
        .map(|p| format!(" (first at line {}, column {})", p.line, p.column))
        .unwrap_or_default();
    let message = if duplicate.table {
        format!("duplicate table: [{key_path}] is already defined{first}; define each table once and put all its keys there")
    } else {
        format!("duplicate key: it is already given{first}; give each key once")
    };
    InvalidScenario {
        errors: vec![ScenarioError {
            file: path.to_path_buf(),
            position: Some(source_map::line_col(text, offset)),
            key_path,
            value: None,
            message,
        }],
    }
}

/// A rule broken, before it is located in the file.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub path: Vec<String>,
    pub value: Option<String>,
    pub message: String,
}
