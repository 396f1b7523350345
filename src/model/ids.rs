//! The identity of every row and column of the model, and the one place
//! where each is rendered to the name that every output prints.
//!
//! A row is a [`RowId`]: a constraint [`Family`] carrying its indices
//! (element, offer, supplier, country, band), and room for the year and the
//! scenario of models that will have them. Everything that talks about a row
//! — the model builder, the verifier, the diagnosis, the sensitivity and
//! security reports, `constraints.csv`, the exported model — holds this
//! small `Copy` value and asks it for its name, its kind, its element or
//! its subject. Each question is an exhaustive `match`, so a new family does
//! not compile until every question has an answer for it.

use crate::scenario::Scenario;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The family a constraint belongs to, without its indices: the `kind`
/// column of `constraints.csv` and the prefix of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConstraintKind {
    /// `demand[e]`
    Demand,
    /// `offer_capacity[s,e]`
    OfferCapacity,
    /// `tiers[s,e]`: the offer's tonnes are the sum of its bands.
    Tiers,
    /// `tier_end[s,e]`: a tiered offer whose last band is closed sells no more
    /// than its last `up_to_t`.
    TierEnd,
    /// `tier_order[s,e,b]`: band `b-1` is full before band `b` opens (discounts).
    TierOrder,
    /// `tier_open[s,e,b]`: band `b` carries tonnes only once reached (discounts).
    TierOpen,
    /// `contract[s,e]`: no purchase without the supplier's contract.
    Contract,
    /// `offer_used[s,e]`: no purchase unless the offer is used.
    OfferUsed,
    /// `min_order[s,e]`: a used offer delivers at least its least purchase.
    MinOrder,
    /// `contract_offer[s,e]`: an offer is used only under its supplier's contract.
    ContractOffer,
    /// `country_share[c,e]`
    CountryShare,
    /// `mining_share[c,e]`: the share of demand mined in a country.
    MiningShare,
    /// `group_min[G,stage,e]`: a group's least share at a stage.
    GroupMin,
    /// `group_max[G,stage,e]`: a group's most share at a stage.
    GroupMax,
    /// `supplier_share[s,e]`
    SupplierShare,
    /// `avg_risk[e]`
    AvgRisk,
    /// `hhi[e]`: the processing-stage HHI cap (its cuts, `hhi[e]#k`, in
    /// the model; one row per element in `constraints.csv`).
    Hhi,
    /// `recycled_share[e]`
    RecycledShare,
    /// `min_suppliers[e]`
    MinSuppliers,
    /// `max_suppliers[e]`
    MaxSuppliers,
    /// `supplier_capacity[s]`
    SupplierCapacity,
    /// `basket_capacity[s]`: tonnes of a supplier's basket.
    BasketCapacity,
    /// `basket_contract[s]`: no basket without the supplier's contract.
    BasketContract,
    /// `resale_capacity[e]`: tonnes of surplus the market takes.
    ResaleCapacity,
    /// `resale_source[e]`: only a basket's output is resold.
    ResaleSource,
    /// `budget` (each year's, with a horizon)
    Budget,
    /// `risk_level`: the first stage's optimum held in the second stage.
    RiskLevel,
    /// `balance[e,t]`: a stocked element's demand, met from purchases and
    /// last year's stock, what is left over stored.
    Balance,
    /// `stock_target[e,t]`: year-end stock of at least so many days of demand.
    StockTarget,
    /// `stock_capacity[e,t]`: year-end stock within the storage limit.
    StockCapacity,
    /// `stock_final[e]`: the last year's closing stock at least the initial stock.
    StockFinal,
    /// `horizon_budget`: the undiscounted cost of all years.
    HorizonBudget,
    /// `spot_capacity[w,s,e,t]`: in a disruption, what is delivered and
    /// bought spot stays within what is left of the offer's capacity.
    SpotCapacity,
    /// `cvar[w]`: a scenario's cost above the CVaR threshold.
    Cvar,
    /// A yes/no decision held at its optimal value to price a MIP's plan.
    FixedDecision,
    /// Diagnosis only: a slack is used only when its cap is counted as
    /// relaxed, and the count of relaxed caps.
    RelaxLink,
}

impl ConstraintKind {
    /// Every family, in declaration order.
    pub const ALL: [ConstraintKind; 36] = [
        ConstraintKind::Demand,
        ConstraintKind::OfferCapacity,
        ConstraintKind::Tiers,
        ConstraintKind::TierEnd,
        ConstraintKind::TierOrder,
        ConstraintKind::TierOpen,
        ConstraintKind::Contract,
        ConstraintKind::OfferUsed,
        ConstraintKind::MinOrder,
        ConstraintKind::ContractOffer,
        ConstraintKind::CountryShare,
        ConstraintKind::MiningShare,
        ConstraintKind::GroupMin,
        ConstraintKind::GroupMax,
        ConstraintKind::SupplierShare,
        ConstraintKind::AvgRisk,
        ConstraintKind::Hhi,
        ConstraintKind::RecycledShare,
        ConstraintKind::MinSuppliers,
        ConstraintKind::MaxSuppliers,
        ConstraintKind::SupplierCapacity,
        ConstraintKind::BasketCapacity,
        ConstraintKind::BasketContract,
        ConstraintKind::ResaleCapacity,
        ConstraintKind::ResaleSource,
        ConstraintKind::Budget,
        ConstraintKind::RiskLevel,
        ConstraintKind::Balance,
        ConstraintKind::StockTarget,
        ConstraintKind::StockCapacity,
        ConstraintKind::StockFinal,
        ConstraintKind::HorizonBudget,
        ConstraintKind::SpotCapacity,
        ConstraintKind::Cvar,
        ConstraintKind::FixedDecision,
        ConstraintKind::RelaxLink,
    ];

    /// The family whose [`as_str`](Self::as_str) is `name` (the `kind`
    /// column of `constraints.csv` read back).
    pub fn from_name(name: &str) -> Option<ConstraintKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The family name as outputs print it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::Demand => "demand",
            ConstraintKind::OfferCapacity => "offer_capacity",
            ConstraintKind::Tiers => "tiers",
            ConstraintKind::TierEnd => "tier_end",
            ConstraintKind::TierOrder => "tier_order",
            ConstraintKind::TierOpen => "tier_open",
            ConstraintKind::Contract => "contract",
            ConstraintKind::OfferUsed => "offer_used",
            ConstraintKind::MinOrder => "min_order",
            ConstraintKind::ContractOffer => "contract_offer",
            ConstraintKind::CountryShare => "country_share",
            ConstraintKind::MiningShare => "mining_share",
            ConstraintKind::GroupMin => "group_min",
            ConstraintKind::GroupMax => "group_max",
            ConstraintKind::SupplierShare => "supplier_share",
            ConstraintKind::AvgRisk => "avg_risk",
            ConstraintKind::Hhi => "hhi",
            ConstraintKind::RecycledShare => "recycled_share",
            ConstraintKind::MinSuppliers => "min_suppliers",
            ConstraintKind::MaxSuppliers => "max_suppliers",
            ConstraintKind::SupplierCapacity => "supplier_capacity",
            ConstraintKind::BasketCapacity => "basket_capacity",
            ConstraintKind::BasketContract => "basket_contract",
            ConstraintKind::ResaleCapacity => "resale_capacity",
            ConstraintKind::ResaleSource => "resale_source",
            ConstraintKind::Budget => "budget",
            ConstraintKind::RiskLevel => "risk_level",
            ConstraintKind::Balance => "balance",
            ConstraintKind::StockTarget => "stock_target",
            ConstraintKind::StockCapacity => "stock_capacity",
            ConstraintKind::StockFinal => "stock_final",
            ConstraintKind::HorizonBudget => "horizon_budget",
            ConstraintKind::SpotCapacity => "spot_capacity",
            ConstraintKind::Cvar => "cvar",
            ConstraintKind::FixedDecision => "fixed_decision",
            ConstraintKind::RelaxLink => "relax_link",
        }
    }

    /// How a diagnosis may treat a row of this family unless the family's
    /// definition says otherwise: the planner's caps and floors may move,
    /// demand and the bookkeeping links may not.
    pub fn relax(self) -> Relax {
        match self {
            ConstraintKind::OfferCapacity
            | ConstraintKind::SupplierCapacity
            | ConstraintKind::BasketCapacity
            | ConstraintKind::ResaleCapacity
            | ConstraintKind::StockCapacity => Relax::Physical,
            ConstraintKind::TierEnd
            | ConstraintKind::MinOrder
            | ConstraintKind::CountryShare
            | ConstraintKind::MiningShare
            | ConstraintKind::GroupMin
            | ConstraintKind::GroupMax
            | ConstraintKind::SupplierShare
            | ConstraintKind::AvgRisk
            | ConstraintKind::RecycledShare
            | ConstraintKind::MinSuppliers
            | ConstraintKind::MaxSuppliers
            | ConstraintKind::Budget
            | ConstraintKind::StockTarget
            | ConstraintKind::StockFinal
            | ConstraintKind::HorizonBudget => Relax::Policy,
            ConstraintKind::Demand
            | ConstraintKind::Balance
            // A disruption's capacity is what the disruption leaves.
            | ConstraintKind::SpotCapacity
            | ConstraintKind::Cvar
            | ConstraintKind::Tiers
            | ConstraintKind::TierOrder
            | ConstraintKind::TierOpen
            | ConstraintKind::Contract
            | ConstraintKind::OfferUsed
            | ConstraintKind::ContractOffer
            | ConstraintKind::RiskLevel
            | ConstraintKind::BasketContract
            | ConstraintKind::ResaleSource
            // The diagnosis's elastic copy has no HHI cuts (see diagnose.rs).
            | ConstraintKind::Hhi
            | ConstraintKind::FixedDecision
            | ConstraintKind::RelaxLink => Relax::Never,
        }
    }

    /// Whether the family is a bound the planner wrote (a cap, a floor, a
    /// capacity, the budget): the rows `sensitivity.csv` ranges besides
    /// demand.
    pub fn is_planner_bound(self) -> bool {
        self.relax() != Relax::Never || self == ConstraintKind::Hhi
    }

    /// Whether a binding row of this family is a cap worth telling a planner
    /// about (the terminal's "binding caps"): not demand, not the yes/no
    /// bookkeeping links, and not a minimum order (which binds trivially at
    /// zero for every unused offer).
    pub fn is_policy_cap(self) -> bool {
        self.is_planner_bound() && self != ConstraintKind::MinOrder
    }
}

/// Whether and how a diagnosis may move a row's bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relax {
    /// Held: demand, bookkeeping links, and floors the diagnosis must keep.
    Never,
    /// A planner's cap or floor: the first thing to move.
    Policy,
    /// A physical capacity: moved only when no set of policy caps of the
    /// same size will do (a planner can change a cap, not a mine's output).
    Physical,
}

/// A two-letter country code, stored inline so that row identities stay
/// `Copy` (validation guarantees two ASCII upper-case letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// The code of `text`, e.g. `"CN"`.
    pub fn new(text: &str) -> CountryCode {
        debug_assert!(text.len() == 2, "country codes are validated to two letters");
        let bytes = text.as_bytes();
        CountryCode([bytes[0], bytes[1]])
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// A constraint family with its indices (elements, offers and suppliers
/// by their index in [`Scenario`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the fields are the indices the variant's name shows
pub enum Family {
    /// `demand[e]`
    Demand { element: usize },
    /// `offer_capacity[s,e]`
    OfferCapacity { offer: usize },
    /// `tiers[s,e]`
    Tiers { offer: usize },
    /// `tier_end[s,e]`
    TierEnd { offer: usize },
    /// `tier_order[s,e,b]`
    TierOrder { offer: usize, band: usize },
    /// `tier_open[s,e,b]`
    TierOpen { offer: usize, band: usize },
    /// `contract[s,e]`
    Contract { offer: usize },
    /// `offer_used[s,e]`
    OfferUsed { offer: usize },
    /// `min_order[s,e]`
    MinOrder { offer: usize },
    /// `contract_offer[s,e]`
    ContractOffer { offer: usize },
    /// `country_share[c,e]`
    CountryShare { country: CountryCode, element: usize },
    /// `mining_share[c,e]`
    MiningShare { country: CountryCode, element: usize },
    /// `group_min[G,stage,e]`: `rule` indexes `policy.group_share`.
    GroupMin { rule: usize, element: usize },
    /// `group_max[G,stage,e]`
    GroupMax { rule: usize, element: usize },
    /// `supplier_share[s,e]`: its offer and its basket's part.
    SupplierShare { supplier: usize, element: usize },
    /// `avg_risk[e]`
    AvgRisk { element: usize },
    /// `hhi[e]`: `sum_c h[c,e] <= H_e` (`constraints.csv` shows the HHI
    /// itself as its activity).
    Hhi { element: usize },
    /// `hhi[e]#k`: the k-th tangent cut of the HHI cap (from 1), on one
    /// country's term.
    HhiCut { element: usize, cut: usize },
    /// `hhi_tonnes[c,e]`: `p[c,e]` is the tonnes of element e processed in
    /// country c (what its HHI term's cuts are written in).
    HhiTonnes { country: CountryCode, element: usize },
    /// `recycled_share[e]`
    RecycledShare { element: usize },
    /// `min_suppliers[e]`
    MinSuppliers { element: usize },
    /// `max_suppliers[e]`
    MaxSuppliers { element: usize },
    /// `supplier_capacity[s]`
    SupplierCapacity { supplier: usize },
    /// `basket_capacity[s]`
    BasketCapacity { supplier: usize },
    /// `basket_contract[s]`
    BasketContract { supplier: usize },
    /// `resale_capacity[e]`: `resale` indexes `policy.resale`.
    ResaleCapacity { resale: usize },
    /// `resale_source[e]`
    ResaleSource { resale: usize },
    /// `budget`
    Budget,
    /// `risk_level`
    RiskLevel,
    /// `balance[e,t]`
    Balance { element: usize },
    /// `stock_target[e,t]`
    StockTarget { element: usize },
    /// `stock_capacity[e,t]`
    StockCapacity { element: usize },
    /// `stock_final[e]`
    StockFinal { element: usize },
    /// `horizon_budget`
    HorizonBudget,
    /// `spot_capacity[w,s,e,t]` (the scenario and year on the row id)
    SpotCapacity { offer: usize },
    /// `cvar[w]`
    Cvar,
    /// A yes/no decision held at its value; named like its column, `y[s]`.
    FixedDecision { column: Column },
    /// `relax[k]`: the k-th relaxable row's slack is used only when that
    /// row is marked relaxed (diagnosis only; never in an output).
    RelaxLink { slack: usize },
    /// `relaxation_count`: at most so many rows relaxed (diagnosis only).
    RelaxationCount,
}

/// Which row of a model: its family and indices, and the year and scenario
/// it belongs to in models that have several (absent until then).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowId {
    /// The family and its indices.
    pub family: Family,
    /// The year, in a multi-year model.
    pub year: Option<u16>,
    /// The scenario index, in a model with several scenarios.
    pub scenario: Option<u16>,
}

impl From<Family> for RowId {
    fn from(family: Family) -> RowId {
        RowId {
            family,
            year: None,
            scenario: None,
        }
    }
}

impl Family {
    /// The family without its indices.
    pub fn kind(&self) -> ConstraintKind {
        match self {
            Family::Demand { .. } => ConstraintKind::Demand,
            Family::OfferCapacity { .. } => ConstraintKind::OfferCapacity,
            Family::Tiers { .. } => ConstraintKind::Tiers,
            Family::TierEnd { .. } => ConstraintKind::TierEnd,
            Family::TierOrder { .. } => ConstraintKind::TierOrder,
            Family::TierOpen { .. } => ConstraintKind::TierOpen,
            Family::Contract { .. } => ConstraintKind::Contract,
            Family::OfferUsed { .. } => ConstraintKind::OfferUsed,
            Family::MinOrder { .. } => ConstraintKind::MinOrder,
            Family::ContractOffer { .. } => ConstraintKind::ContractOffer,
            Family::CountryShare { .. } => ConstraintKind::CountryShare,
            Family::MiningShare { .. } => ConstraintKind::MiningShare,
            Family::GroupMin { .. } => ConstraintKind::GroupMin,
            Family::GroupMax { .. } => ConstraintKind::GroupMax,
            Family::SupplierShare { .. } => ConstraintKind::SupplierShare,
            Family::AvgRisk { .. } => ConstraintKind::AvgRisk,
            Family::Hhi { .. } | Family::HhiCut { .. } | Family::HhiTonnes { .. } => ConstraintKind::Hhi,
            Family::RecycledShare { .. } => ConstraintKind::RecycledShare,
            Family::MinSuppliers { .. } => ConstraintKind::MinSuppliers,
            Family::MaxSuppliers { .. } => ConstraintKind::MaxSuppliers,
            Family::SupplierCapacity { .. } => ConstraintKind::SupplierCapacity,
            Family::BasketCapacity { .. } => ConstraintKind::BasketCapacity,
            Family::BasketContract { .. } => ConstraintKind::BasketContract,
            Family::ResaleCapacity { .. } => ConstraintKind::ResaleCapacity,
            Family::ResaleSource { .. } => ConstraintKind::ResaleSource,
            Family::Budget => ConstraintKind::Budget,
            Family::RiskLevel => ConstraintKind::RiskLevel,
            Family::Balance { .. } => ConstraintKind::Balance,
            Family::StockTarget { .. } => ConstraintKind::StockTarget,
            Family::StockCapacity { .. } => ConstraintKind::StockCapacity,
            Family::StockFinal { .. } => ConstraintKind::StockFinal,
            Family::HorizonBudget => ConstraintKind::HorizonBudget,
            Family::SpotCapacity { .. } => ConstraintKind::SpotCapacity,
            Family::Cvar => ConstraintKind::Cvar,
            Family::FixedDecision { .. } => ConstraintKind::FixedDecision,
            Family::RelaxLink { .. } | Family::RelaxationCount => ConstraintKind::RelaxLink,
        }
    }

    /// The offer the row concerns, if it concerns one.
    pub fn offer(&self) -> Option<usize> {
        match *self {
            Family::OfferCapacity { offer }
            | Family::Tiers { offer }
            | Family::TierEnd { offer }
            | Family::TierOrder { offer, .. }
            | Family::TierOpen { offer, .. }
            | Family::Contract { offer }
            | Family::OfferUsed { offer }
            | Family::MinOrder { offer }
            | Family::SpotCapacity { offer }
            | Family::ContractOffer { offer } => Some(offer),
            Family::FixedDecision { column } => column.offer(),
            Family::Demand { .. }
            | Family::CountryShare { .. }
            | Family::MiningShare { .. }
            | Family::GroupMin { .. }
            | Family::GroupMax { .. }
            | Family::AvgRisk { .. }
            | Family::Hhi { .. }
            | Family::HhiCut { .. }
            | Family::HhiTonnes { .. }
            | Family::RecycledShare { .. }
            | Family::MinSuppliers { .. }
            | Family::MaxSuppliers { .. }
            | Family::SupplierCapacity { .. }
            | Family::SupplierShare { .. }
            | Family::BasketCapacity { .. }
            | Family::BasketContract { .. }
            | Family::ResaleCapacity { .. }
            | Family::ResaleSource { .. }
            | Family::Budget
            | Family::RiskLevel
            | Family::Balance { .. }
            | Family::StockTarget { .. }
            | Family::StockCapacity { .. }
            | Family::StockFinal { .. }
            | Family::HorizonBudget
            | Family::Cvar
            | Family::RelaxLink { .. }
            | Family::RelaxationCount => None,
        }
    }

    /// The element (index) the row concerns, if any: `constraints.csv`'s
    /// `element` column.
    pub fn element(&self, scenario: &Scenario) -> Option<usize> {
        match *self {
            Family::Demand { element }
            | Family::CountryShare { element, .. }
            | Family::MiningShare { element, .. }
            | Family::GroupMin { element, .. }
            | Family::GroupMax { element, .. }
            | Family::AvgRisk { element }
            | Family::Hhi { element }
            | Family::HhiCut { element, .. }
            | Family::HhiTonnes { element, .. }
            | Family::RecycledShare { element }
            | Family::MinSuppliers { element }
            | Family::MaxSuppliers { element }
            | Family::Balance { element }
            | Family::StockTarget { element }
            | Family::StockCapacity { element }
            | Family::StockFinal { element }
            | Family::SupplierShare { element, .. } => Some(element),
            Family::ResaleCapacity { resale } | Family::ResaleSource { resale } => {
                scenario.policy.resale[resale].element
            }
            Family::FixedDecision { column } => column.element(scenario),
            _ => self.offer().map(|o| scenario.offers[o].element),
        }
    }

    /// The supplier id or country code the row concerns, if any:
    /// `constraints.csv`'s `subject` column.
    pub fn subject<'a>(&self, scenario: &'a Scenario) -> Option<Cow<'a, str>> {
        match *self {
            Family::CountryShare { country, .. } | Family::MiningShare { country, .. } => {
                Some(Cow::Owned(country.as_str().to_string()))
            }
            Family::GroupMin { rule, .. } | Family::GroupMax { rule, .. } => {
                let group = scenario.policy.group_shares[rule].group;
                Some(Cow::Borrowed(scenario.groups[group].name.as_str()))
            }
            Family::SupplierCapacity { supplier }
            | Family::SupplierShare { supplier, .. }
            | Family::BasketCapacity { supplier }
            | Family::BasketContract { supplier } => {
                Some(Cow::Borrowed(scenario.suppliers[supplier].id.as_str()))
            }
            Family::FixedDecision { column } => column.supplier(scenario).map(Cow::Borrowed),
            _ => self
                .offer()
                .map(|o| Cow::Borrowed(scenario.suppliers[scenario.offers[o].supplier].id.as_str())),
        }
    }
}

impl RowId {
    /// The family without its indices.
    pub fn kind(&self) -> ConstraintKind {
        self.family.kind()
    }

    /// See [`Family::element`].
    pub fn element(&self, scenario: &Scenario) -> Option<usize> {
        self.family.element(scenario)
    }

    /// See [`Family::subject`].
    pub fn subject<'a>(&self, scenario: &'a Scenario) -> Option<Cow<'a, str>> {
        self.family.subject(scenario)
    }

    /// The columns that identify the row in every CSV: `name`, `kind`,
    /// `element` (its symbol) and `subject` (empty when absent).
    pub fn csv_fields(&self, scenario: &Scenario) -> [String; 4] {
        [
            self.name(scenario),
            self.kind().as_str().to_string(),
            self.element_symbol(scenario).to_string(),
            self.subject(scenario).map(Cow::into_owned).unwrap_or_default(),
        ]
    }

    /// The symbol of the element the row concerns, empty when none.
    pub fn element_symbol<'a>(&self, scenario: &'a Scenario) -> &'a str {
        match self.family {
            // An undemanded element's resale has no element index.
            Family::ResaleCapacity { resale } | Family::ResaleSource { resale } => {
                &scenario.policy.resale[resale].symbol
            }
            _ => self
                .element(scenario)
                .map_or("", |e| scenario.elements[e].symbol.as_str()),
        }
    }

    /// The row's name in every output, e.g. `country_share[CN,Dy]`: the
    /// family, then in brackets the scenario, the family's indices and the
    /// year, those present, comma-separated. The only place a row name is
    /// written.
    pub fn name(&self, scenario: &Scenario) -> String {
        let offer = |o: usize| {
            let offer = &scenario.offers[o];
            [
                scenario.suppliers[offer.supplier].id.as_str(),
                scenario.elements[offer.element].symbol.as_str(),
            ]
        };
        let symbol = |e: usize| scenario.elements[e].symbol.as_str();
        let band;
        let indices: Vec<&str> = match &self.family {
            Family::FixedDecision { column } => {
                return ColumnId {
                    column: *column,
                    year: self.year,
                    scenario: self.scenario,
                }
                .name(scenario)
            }
            Family::RelaxLink { slack } => {
                band = slack.to_string();
                vec![band.as_str()]
            }
            Family::Budget | Family::RiskLevel | Family::HorizonBudget | Family::Cvar => Vec::new(),
            Family::RelaxationCount => return "relaxation_count".to_string(),
            Family::Demand { element }
            | Family::AvgRisk { element }
            | Family::Hhi { element }
            | Family::HhiCut { element, .. }
            | Family::RecycledShare { element }
            | Family::MinSuppliers { element }
            | Family::MaxSuppliers { element }
            | Family::Balance { element }
            | Family::StockTarget { element }
            | Family::StockCapacity { element }
            | Family::StockFinal { element } => vec![symbol(*element)],
            Family::CountryShare { country, element }
            | Family::MiningShare { country, element }
            | Family::HhiTonnes { country, element } => vec![country.as_str(), symbol(*element)],
            Family::GroupMin { rule, element } | Family::GroupMax { rule, element } => {
                let share = &scenario.policy.group_shares[*rule];
                vec![
                    scenario.groups[share.group].name.as_str(),
                    share.stage.as_str(),
                    symbol(*element),
                ]
            }
            Family::SupplierCapacity { supplier }
            | Family::BasketCapacity { supplier }
            | Family::BasketContract { supplier } => vec![scenario.suppliers[*supplier].id.as_str()],
            Family::SupplierShare { supplier, element } => {
                vec![scenario.suppliers[*supplier].id.as_str(), symbol(*element)]
            }
            Family::ResaleCapacity { resale } | Family::ResaleSource { resale } => {
                vec![scenario.policy.resale[*resale].symbol.as_str()]
            }
            Family::TierOrder { offer: o, band: b } | Family::TierOpen { offer: o, band: b } => {
                band = b.to_string();
                let [id, symbol] = offer(*o);
                vec![id, symbol, band.as_str()]
            }
            Family::OfferCapacity { offer: o }
            | Family::Tiers { offer: o }
            | Family::TierEnd { offer: o }
            | Family::Contract { offer: o }
            | Family::OfferUsed { offer: o }
            | Family::MinOrder { offer: o }
            | Family::SpotCapacity { offer: o }
            | Family::ContractOffer { offer: o } => offer(*o).to_vec(),
        };
        let family = match self.family {
            Family::RelaxLink { .. } => "relax",
            Family::HhiTonnes { .. } => "hhi_tonnes",
            _ => self.kind().as_str(),
        };
        let mut name = String::with_capacity(family.len() + 32);
        name.push_str(family);
        let mut separator = '[';
        let mut part = |name: &mut String, text: &dyn std::fmt::Display| {
            let _ = write!(name, "{separator}{text}");
            separator = ',';
        };
        if let Some(w) = self.scenario {
            part(&mut name, &scenario_name(scenario, w));
        }
        for index in indices {
            part(&mut name, &index);
        }
        if let Some(year) = self.year {
            part(&mut name, &year);
        }
        if separator == ',' {
            name.push(']');
        }
        // A cut is its cap's row with a number: `hhi[Nd]#3`.
        if let Family::HhiCut { cut, .. } = self.family {
            let _ = write!(name, "#{cut}");
        }
        name
    }
}

/// What one column of the model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `x[s,e]`: tonnes bought from an offer.
    Quantity(usize),
    /// `u[e]`: unmet demand of an element.
    Shortfall(usize),
    /// `q[s,e,b]`: tonnes of an offer bought inside band `b`.
    Band {
        /// Offer index.
        offer: usize,
        /// Band index, from 0.
        band: usize,
    },
    /// `y[s]`: the contract with a supplier is signed.
    Contract(usize),
    /// `z[s,e]`: the offer is used.
    OfferUsed(usize),
    /// `w[s,e,b]`: band `b` of a discounted offer is reached.
    BandReached {
        /// Offer index.
        offer: usize,
        /// Band index, from 1.
        band: usize,
    },
    /// `b[s]`: tonnes of supplier s's basket.
    Basket(usize),
    /// `w[e]`: surplus tonnes resold, by index into `policy.resale`.
    Resold(usize),
    /// `h[c,e]`: at least `(q_ce / D_e)^2`, country c's term of element
    /// e's HHI, as far as the cuts so far tell (an element with an HHI cap).
    HhiTerm {
        /// The processing country.
        country: CountryCode,
        /// Element index.
        element: usize,
    },
    /// `p[c,e]`: `q_ce`, the tonnes of element e processed in country c
    /// (an element with an HHI cap).
    CountryTonnes {
        /// The processing country.
        country: CountryCode,
        /// Element index.
        element: usize,
    },
    /// `s[e]`: a stocked element's closing stock (of a year).
    Stock(usize),
    /// `v[s,e]`: tonnes bought spot from an offer in a disruption.
    Spot(usize),
    /// `eta`: the CVaR's threshold.
    CvarThreshold,
    /// `z`: a scenario's cost above the CVaR's threshold.
    CvarExcess,
    /// `v[k]`: how far the k-th relaxable row moves (diagnosis only).
    Slack(usize),
    /// `r[k]`: the k-th relaxable row is relaxed (diagnosis only).
    Relaxed(usize),
}

impl Column {
    /// The column's name, e.g. `x[lynas,Nd]`.
    pub fn name(&self, scenario: &Scenario) -> String {
        let offer = |o: usize| {
            let offer = &scenario.offers[o];
            format!(
                "{},{}",
                scenario.supplier_of(offer).id,
                scenario.element_of(offer).symbol
            )
        };
        match *self {
            Column::Quantity(o) => format!("x[{}]", offer(o)),
            Column::Shortfall(e) => format!("u[{}]", scenario.elements[e].symbol),
            Column::Band { offer: o, band } => format!("q[{},{band}]", offer(o)),
            Column::Contract(s) => format!("y[{}]", scenario.suppliers[s].id),
            Column::OfferUsed(o) => format!("z[{}]", offer(o)),
            Column::BandReached { offer: o, band } => format!("w[{},{band}]", offer(o)),
            Column::Basket(s) => format!("b[{}]", scenario.suppliers[s].id),
            Column::Resold(r) => format!("w[{}]", scenario.policy.resale[r].symbol),
            Column::HhiTerm { country, element } => {
                format!("h[{},{}]", country.as_str(), scenario.elements[element].symbol)
            }
            Column::CountryTonnes { country, element } => {
                format!("p[{},{}]", country.as_str(), scenario.elements[element].symbol)
            }
            Column::Stock(e) => format!("s[{}]", scenario.elements[e].symbol),
            Column::Spot(o) => format!("v[{}]", offer(o)),
            Column::CvarThreshold => "eta".to_string(),
            Column::CvarExcess => "z".to_string(),
            Column::Slack(k) => format!("v[{k}]"),
            Column::Relaxed(k) => format!("r[{k}]"),
        }
    }

    /// The offer the column belongs to, if any.
    pub fn offer(&self) -> Option<usize> {
        match *self {
            Column::Quantity(o)
            | Column::Band { offer: o, .. }
            | Column::OfferUsed(o)
            | Column::BandReached { offer: o, .. }
            | Column::Spot(o) => Some(o),
            Column::Shortfall(_)
            | Column::Contract(_)
            | Column::Basket(_)
            | Column::Resold(_)
            | Column::HhiTerm { .. }
            | Column::CountryTonnes { .. }
            | Column::Stock(_)
            | Column::CvarThreshold
            | Column::CvarExcess
            | Column::Slack(_)
            | Column::Relaxed(_) => None,
        }
    }

    /// The element (index) the column concerns, if any.
    pub fn element(&self, scenario: &Scenario) -> Option<usize> {
        match *self {
            Column::Shortfall(e)
            | Column::Stock(e)
            | Column::HhiTerm { element: e, .. }
            | Column::CountryTonnes { element: e, .. } => Some(e),
            Column::Resold(r) => scenario.policy.resale[r].element,
            _ => self.offer().map(|o| scenario.offers[o].element),
        }
    }

    /// The supplier id the column concerns, if any.
    pub fn supplier<'a>(&self, scenario: &'a Scenario) -> Option<&'a str> {
        match *self {
            Column::Contract(s) | Column::Basket(s) => Some(scenario.suppliers[s].id.as_str()),
            _ => self
                .offer()
                .map(|o| scenario.suppliers[scenario.offers[o].supplier].id.as_str()),
        }
    }
}

/// A column with its year and scenario: `x[lynas,Nd,2027]`,
/// `v[cn-embargo,lynas,Nd,2027]` (each absent where the model has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ColumnId {
    /// What the column is.
    pub column: Column,
    /// The year, in a multi-year model.
    pub year: Option<u16>,
    /// The disruption (from 1; the base is none), in a model with them.
    pub scenario: Option<u16>,
}

impl ColumnId {
    /// The base scenario's column `column` of `year`.
    pub fn new(column: Column, year: Option<u16>) -> ColumnId {
        ColumnId {
            column,
            year,
            scenario: None,
        }
    }

    /// The column's name in every output: its bracket gains the scenario
    /// first and the year last.
    pub fn name(&self, scenario: &Scenario) -> String {
        let name = self.column.name(scenario);
        let (open, inside) = match name.split_once('[') {
            Some((family, rest)) => (family.to_string(), rest.trim_end_matches(']').to_string()),
            None => (name.clone(), String::new()),
        };
        let parts: Vec<String> = self
            .scenario
            .map(|w| scenario_name(scenario, w).to_string())
            .into_iter()
            .chain((!inside.is_empty()).then_some(inside))
            .chain(self.year.map(|y| y.to_string()))
            .collect();
        match parts.is_empty() {
            true => open,
            false => format!("{open}[{}]", parts.join(",")),
        }
    }
}

/// The name of scenario `w` of a model with disruptions (`base` for 0).
fn scenario_name(scenario: &Scenario, w: u16) -> &str {
    scenario
        .disruptions
        .as_ref()
        .map_or("base", |d| d.name(usize::from(w)))
}
