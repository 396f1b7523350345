//! Serde types that mirror the scenario TOML one to one.
//!
//! Nothing here is checked beyond types: every unknown key is rejected by
//! `deny_unknown_fields`, and every rule of docs/scenario.md is applied afterwards in
//! [`super::validate`], which turns these into a [`super::Scenario`].

use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole scenario document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// `[scenario]`: identity of the plan.
    pub scenario: RawHeader,
    /// `[demand]`: the first year's tonnes by element symbol, and the
    /// tables `growth` and `years.Y` (read in [`super::horizon`]).
    #[serde(default)]
    pub demand: BTreeMap<String, toml::Value>,
    /// `[countries.XX]`: optional per-country data.
    #[serde(default)]
    pub countries: BTreeMap<String, RawCountry>,
    /// `[suppliers.id]`: candidate suppliers and their offers.
    #[serde(default)]
    pub suppliers: BTreeMap<String, RawSupplier>,
    /// `[policy]`: objective and caps.
    #[serde(default)]
    pub policy: RawPolicy,
    /// `[data]`: shared spreadsheet inputs.
    pub data: Option<RawData>,
    /// `[groups]`: named sets of country codes.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
    /// `[horizon]`: the years planned together.
    pub horizon: Option<RawHorizon>,
    /// `[stockpile]`: a national stock carried from year to year.
    pub stockpile: Option<RawStockpile>,
    /// `[[disruptions]]`: cut-offs that may happen.
    #[serde(default)]
    pub disruptions: Vec<RawDisruption>,
}

/// One `[[disruptions]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisruption {
    /// `[a-z0-9-]+`, not `base`.
    pub name: String,
    /// Chance it happens.
    pub probability: f64,
    /// The years it lasts (with a horizon; default every year).
    pub years: Option<Vec<i64>>,
    /// What it does.
    #[serde(default)]
    pub effects: Vec<RawEffect>,
}

/// One `[[disruptions.effects]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEffect {
    /// Offers of these suppliers.
    pub suppliers: Option<Vec<String>>,
    /// Offers processed in these countries.
    pub countries: Option<Vec<String>>,
    /// Offers mined in these countries, in proportion to their origin.
    pub origin_countries: Option<Vec<String>>,
    /// Only these elements (default all).
    pub elements: Option<Vec<String>>,
    /// What is left of matching offers' capacity (default 1).
    pub capacity_factor: Option<f64>,
    /// Multiplies their spot price (default 1).
    pub price_factor: Option<f64>,
}

/// `[horizon]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHorizon {
    /// Consecutive years, first to last.
    pub years: Vec<i64>,
    /// Year t's money weighs `(1 + r)^-(t - first)`.
    pub discount_rate: Option<f64>,
}

/// `[stockpile]`: tables by element symbol.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStockpile {
    /// Tonnes held at the start of the first year.
    #[serde(default)]
    pub initial_t: BTreeMap<String, f64>,
    /// Storage limit, tonnes.
    #[serde(default)]
    pub max_t: BTreeMap<String, f64>,
    /// Cost per kg held at each year's end.
    #[serde(default)]
    pub holding_cost_per_kg: BTreeMap<String, f64>,
    /// Year-end stock of at least so many days of that year's demand.
    #[serde(default)]
    pub target_days: BTreeMap<String, f64>,
    /// The last year's closing stock is at least the initial stock (default true).
    pub final_at_least_initial: Option<bool>,
}

/// A value per year, `{ 2027 = 200, 2028 = 500 }` (keys are TOML strings).
pub type ByYear = BTreeMap<String, f64>;

/// `[scenario]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// Output folder name, `[a-z0-9-]+`.
    pub name: String,
    /// Human title.
    pub title: Option<String>,
    /// The buyer: ISO 3166-1 alpha-2 code or a bloc.
    pub region: Option<String>,
    /// Plan year.
    pub year: Option<i64>,
    /// Currency of every price and total.
    pub currency: Option<String>,
    /// Free text.
    pub notes: Option<String>,
}

/// `[countries.XX]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCountry {
    /// Default risk of suppliers located there.
    pub risk: Option<f64>,
    /// Cap on this country's share of each element's demand.
    pub max_share: Option<f64>,
    /// Cap on the share of each element's demand mined in this country.
    pub max_mining_share: Option<f64>,
}

/// The kind of a supplier: `recycler` counts toward the recycled share,
/// `substitute` belongs to no country; the kind also sets the default
/// mining origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SupplierKind {
    /// A mine selling concentrate or oxide.
    Mine,
    /// A separation plant or refinery.
    Refiner,
    /// Recycled material; counts toward `min_recycled_share`.
    Recycler,
    /// A stockpile release.
    Stockpile,
    /// Demand avoided by substitution or thrift: no country at any stage.
    Substitute,
}

impl SupplierKind {
    /// The word used in the TOML and in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            SupplierKind::Mine => "mine",
            SupplierKind::Refiner => "refiner",
            SupplierKind::Recycler => "recycler",
            SupplierKind::Stockpile => "stockpile",
            SupplierKind::Substitute => "substitute",
        }
    }
}

/// `[suppliers.id]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupplier {
    /// Human name; defaults to the id.
    pub name: Option<String>,
    /// Where it processes: two upper-case letters; absent for a substitute.
    pub country: Option<String>,
    /// mine | refiner | recycler | stockpile | substitute.
    pub kind: SupplierKind,
    /// Mining origin: fractions by country, summing to 1.
    pub origin: Option<BTreeMap<String, f64>>,
    /// Own risk score; defaults to the country's.
    pub risk: Option<f64>,
    /// Cap on the sum of all its offers.
    pub capacity_t: Option<f64>,
    /// Yes/no contract cost (MIP).
    pub fixed_cost: Option<f64>,
    /// Offers by element symbol.
    #[serde(default)]
    pub offers: BTreeMap<String, RawOffer>,
    /// Offers from a spreadsheet beside the scenario.
    pub offers_csv: Option<String>,
    /// A fixed-ratio mix of elements sold as one product.
    pub basket: Option<RawBasket>,
    /// First year with capacity (inclusive).
    pub available_from: Option<i64>,
    /// Last year with capacity (inclusive).
    pub available_until: Option<i64>,
    /// Ramps of `capacity_t`.
    pub capacity_by_year: Option<ByYear>,
}

/// `basket = { price_per_kg, capacity_t, composition = { La = 0.25, .. } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBasket {
    /// Price per kg of the mix (rare-earth oxide).
    pub price_per_kg: f64,
    /// Cap on tonnes of the mix.
    pub capacity_t: Option<f64>,
    /// Fraction of each element in the mix.
    pub composition: BTreeMap<String, f64>,
    /// Ramps of `capacity_t`.
    pub capacity_by_year: Option<ByYear>,
    /// Changes of `price_per_kg`.
    pub price_by_year: Option<ByYear>,
}

/// `policy.resale.<e> = { price_per_kg, capacity_t }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResale {
    /// Price per kg the surplus sells for.
    pub price_per_kg: f64,
    /// Most tonnes the market takes.
    pub capacity_t: f64,
}

/// One offer `offers.Nd = { ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOffer {
    /// Price per kg.
    pub price_per_kg: Option<f64>,
    /// Cap on tonnes bought.
    pub capacity_t: Option<f64>,
    /// Minimum order when used (MIP).
    pub min_order_t: Option<f64>,
    /// Volume tiers replacing `price_per_kg`.
    pub tiers: Option<Vec<RawTier>>,
    /// Mining origin of this offer, winning over the supplier's.
    pub origin: Option<BTreeMap<String, f64>>,
    /// Ramps of `capacity_t`.
    pub capacity_by_year: Option<ByYear>,
    /// Changes of `price_per_kg`.
    pub price_by_year: Option<ByYear>,
}

/// One volume tier.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// Cumulative upper end of the band.
    pub up_to_t: Option<f64>,
    /// Price inside the band.
    pub price_per_kg: f64,
}

/// Which quantity the plan minimises first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectiveKind {
    /// Total cost plus shortfall penalties.
    #[default]
    Cost,
    /// Sum of the elements' mean risk, then cost (lexicographic).
    Risk,
}

impl ObjectiveKind {
    /// The word used in the TOML and in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectiveKind::Cost => "cost",
            ObjectiveKind::Risk => "risk",
        }
    }
}

/// The per-element caps, as given at one level (policy-wide or per element).
#[derive(Debug, Default, Clone, Copy)]
pub struct CapSet {
    /// Default cap on any country's share.
    pub max_country_share: Option<f64>,
    /// Cap on any single supplier's share.
    pub max_supplier_share: Option<f64>,
    /// Cap on the demand-weighted mean risk.
    pub max_avg_risk: Option<f64>,
    /// Floor on the recycled share.
    pub min_recycled_share: Option<f64>,
    /// Minimum number of suppliers (MIP).
    pub min_suppliers: Option<i64>,
    /// Maximum number of suppliers (MIP).
    pub max_suppliers: Option<i64>,
    /// Minimum share of an offer that is used (MIP).
    pub min_share_if_used: Option<f64>,
    /// Default cap on any country's share at the mining stage.
    pub max_mining_share: Option<f64>,
    /// Cap on the processing-stage HHI.
    pub max_hhi: Option<f64>,
}

// serde cannot combine `flatten` with `deny_unknown_fields`, so both levels
// spell the caps out and expose them as one `CapSet`.
macro_rules! with_caps {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Default cap on any country's share.
            pub max_country_share: Option<f64>,
            /// Cap on any single supplier's share.
            pub max_supplier_share: Option<f64>,
            /// Cap on the demand-weighted mean risk.
            pub max_avg_risk: Option<f64>,
            /// Floor on the recycled share.
            pub min_recycled_share: Option<f64>,
            /// Minimum number of suppliers (MIP).
            pub min_suppliers: Option<i64>,
            /// Maximum number of suppliers (MIP).
            pub max_suppliers: Option<i64>,
            /// Minimum share of an offer that is used (MIP).
            pub min_share_if_used: Option<f64>,
            /// Default cap on any country's share at the mining stage.
            pub max_mining_share: Option<f64>,
            /// Cap on the processing-stage HHI.
            pub max_hhi: Option<f64>,
        }

        impl $name {
            /// The caps given at this level.
            pub fn caps(&self) -> CapSet {
                CapSet {
                    max_country_share: self.max_country_share,
                    max_supplier_share: self.max_supplier_share,
                    max_avg_risk: self.max_avg_risk,
                    min_recycled_share: self.min_recycled_share,
                    min_suppliers: self.min_suppliers,
                    max_suppliers: self.max_suppliers,
                    min_share_if_used: self.min_share_if_used,
                    max_mining_share: self.max_mining_share,
                    max_hhi: self.max_hhi,
                }
            }
        }
    };
}

with_caps! {
    /// `[policy]`.
    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RawPolicy {
        /// `cost` (default) or `risk`.
        pub objective: Option<ObjectiveKind>,
        /// Cap on total cost (each year's, with a horizon).
        pub budget: Option<f64>,
        /// Cap on the undiscounted cost of the whole horizon.
        pub horizon_budget: Option<f64>,
        /// Price of unmet demand; absent means unmet demand is forbidden.
        pub shortfall_penalty_per_kg: Option<f64>,
        /// With disruptions: the premium of a spot purchase over the price.
        pub spot_premium: Option<f64>,
        /// With disruptions: the weight of CVaR against the expected cost.
        pub risk_aversion: Option<f64>,
        /// With disruptions: the CVaR's level.
        pub cvar_alpha: Option<f64>,
        /// `[policy.elements.XX]` overrides.
        #[serde(default)]
        pub elements: BTreeMap<String, RawElementPolicy>,
        /// `[[policy.group_share]]`: floors and caps on a group's share.
        #[serde(default)]
        pub group_share: Vec<RawGroupShare>,
        /// `[policy.resale.<e>]`: where a basket's surplus can be sold.
        #[serde(default)]
        pub resale: BTreeMap<String, RawResale>,
    }
}

with_caps! {
    /// `[policy.elements.XX]`.
    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RawElementPolicy {
        /// Cap for one country and this element only.
        #[serde(default)]
        pub country_share: BTreeMap<String, f64>,
        /// Mining-stage cap for one country and this element only.
        #[serde(default)]
        pub mining_share: BTreeMap<String, f64>,
    }
}

/// A stage of the supply chain.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SupplyStage {
    /// Where the ore was mined (`origin`).
    Mining,
    /// Where the oxide is produced and sold (the supplier's `country`).
    #[default]
    Processing,
}

impl SupplyStage {
    /// The word used in the TOML and in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            SupplyStage::Mining => "mining",
            SupplyStage::Processing => "processing",
        }
    }
}

/// One `[[policy.group_share]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroupShare {
    /// A name of `[groups]`.
    pub group: String,
    /// `processing` (default) or `mining`.
    #[serde(default)]
    pub stage: SupplyStage,
    /// Floor on the group's share of each element's demand.
    pub min: Option<f64>,
    /// Cap on the group's share of each element's demand.
    pub max: Option<f64>,
    /// The elements it applies to; default every demanded element.
    pub elements: Option<Vec<String>>,
}

/// `[data]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    /// One price list for all suppliers.
    pub offers_csv: Option<String>,
}
