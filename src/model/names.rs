//! What each row family and each column is called in every output.

use crate::scenario::Scenario;

/// The family a constraint belongs to; its name prefix in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
    /// `supplier_share[s,e]`
    SupplierShare,
    /// `avg_risk[e]`
    AvgRisk,
    /// `recycled_share[e]`
    RecycledShare,
    /// `min_suppliers[e]`
    MinSuppliers,
    /// `max_suppliers[e]`
    MaxSuppliers,
    /// `supplier_capacity[s]`
    SupplierCapacity,
    /// `budget`
    Budget,
    /// `risk_level`: the first stage's optimum held in the second stage.
    RiskLevel,
    /// A yes/no decision held at its optimal value to price a MIP's plan.
    FixedDecision,
    /// Diagnosis only: a slack is used only when its cap is counted as relaxed.
    RelaxLink,
}

impl ConstraintKind {
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
            ConstraintKind::SupplierShare => "supplier_share",
            ConstraintKind::AvgRisk => "avg_risk",
            ConstraintKind::RecycledShare => "recycled_share",
            ConstraintKind::MinSuppliers => "min_suppliers",
            ConstraintKind::MaxSuppliers => "max_suppliers",
            ConstraintKind::SupplierCapacity => "supplier_capacity",
            ConstraintKind::Budget => "budget",
            ConstraintKind::RiskLevel => "risk_level",
            ConstraintKind::FixedDecision => "fixed_decision",
            ConstraintKind::RelaxLink => "relax_link",
        }
    }

    /// Whether the row is a planner's cap or floor that a diagnosis may
    /// propose to relax (demand and the bookkeeping links are not).
    pub fn is_relaxable(self) -> bool {
        matches!(
            self,
            ConstraintKind::OfferCapacity
                | ConstraintKind::TierEnd
                | ConstraintKind::MinOrder
                | ConstraintKind::CountryShare
                | ConstraintKind::SupplierShare
                | ConstraintKind::AvgRisk
                | ConstraintKind::RecycledShare
                | ConstraintKind::MinSuppliers
                | ConstraintKind::MaxSuppliers
                | ConstraintKind::SupplierCapacity
                | ConstraintKind::Budget
        )
    }
}

impl ConstraintKind {
    /// Whether a binding row of this family is a cap worth telling a planner
    /// about (the terminal's "binding caps"): not demand, not the yes/no
    /// bookkeeping links, and not a minimum order (which binds trivially at
    /// zero for every unused offer).
    pub fn is_policy_cap(self) -> bool {
        self.is_relaxable() && self != ConstraintKind::MinOrder
    }
}

/// What one column of the model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
            Column::Slack(k) => format!("v[{k}]"),
            Column::Relaxed(k) => format!("r[{k}]"),
        }
    }

    /// The element and subject (supplier id) the column concerns.
    pub fn about<'a>(&self, scenario: &'a Scenario) -> (Option<&'a str>, Option<&'a str>) {
        let offer = |o: usize| {
            let offer = &scenario.offers[o];
            (
                Some(scenario.element_of(offer).symbol.as_str()),
                Some(scenario.supplier_of(offer).id.as_str()),
            )
        };
        match *self {
            Column::Quantity(o)
            | Column::Band { offer: o, .. }
            | Column::OfferUsed(o)
            | Column::BandReached { offer: o, .. } => offer(o),
            Column::Shortfall(e) => (Some(scenario.elements[e].symbol.as_str()), None),
            Column::Contract(s) => (None, Some(scenario.suppliers[s].id.as_str())),
            Column::Slack(_) | Column::Relaxed(_) => (None, None),
        }
    }
}
