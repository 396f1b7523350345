//! `sensitivity.csv` (SPEC §5.6) and `security.csv`: how far prices and
//! bounds can move before the plan changes, and what each binding risk cap
//! costs per percentage point.

use super::csv::render;
use super::number;
use crate::model::ConstraintKind;
use crate::pipeline::{ConstraintResult, Outcome};
use crate::scenario::{Pricing, Scenario};

/// Header of `sensitivity.csv`. Offers (kind `offer`): `current` is the price
/// per kg, `marginal` the reduced cost (money per tonne), the range is the
/// price per kg over which the plan's basis stays optimal. Demand rows and
/// caps: `current` is the bound, `marginal` the shadow price, the range is
/// the bound (in the row's units) over which that shadow price holds.
pub const SENSITIVITY_COLUMNS: [&str; 8] = [
    "name",
    "kind",
    "element",
    "subject",
    "current",
    "marginal",
    "range_low",
    "range_high",
];

/// Header of `security.csv`.
pub const SECURITY_COLUMNS: [&str; 9] = [
    "constraint",
    "kind",
    "element",
    "subject",
    "cap",
    "shadow_price",
    "cost_per_point",
    "points_valid",
    "statement",
];

fn bound_of(c: &ConstraintResult<'_>) -> f64 {
    if c.info.upper.is_finite() {
        c.info.upper
    } else {
        c.info.lower
    }
}

/// `sensitivity.csv`, or `None` when the plan has no ranging (a MIP).
pub fn sensitivity_csv(scenario: &Scenario, outcome: &Outcome) -> Option<Vec<u8>> {
    let ranging = outcome.ranging.as_ref()?;
    let offers = scenario.offers.iter().enumerate().map(|(o, offer)| {
        let (current, low, high) = match offer.pricing {
            // The column's cost is 1000 x the price per kg.
            Pricing::Flat(price) => (
                number(price),
                number(ranging.cost_low[o] / 1000.0),
                number(ranging.cost_high[o] / 1000.0),
            ),
            Pricing::Tiers(_) => Default::default(),
        };
        [
            format!(
                "x[{},{}]",
                scenario.supplier_of(offer).id,
                scenario.element_of(offer).symbol
            ),
            "offer".to_string(),
            scenario.element_of(offer).symbol.clone(),
            scenario.supplier_of(offer).id.clone(),
            current,
            number(outcome.offer_reduced_costs[o]),
            low,
            high,
        ]
    });
    let rows = outcome
        .constraints()
        .enumerate()
        .filter(|(_, c)| c.info.kind == ConstraintKind::Demand || c.info.kind.is_relaxable())
        .map(|(row, c)| {
            let (low, high) = outcome.bound_range(row).unwrap_or((f64::NAN, f64::NAN));
            [
                c.info.name.clone(),
                c.info.kind.as_str().to_string(),
                c.info.element.clone().unwrap_or_default(),
                c.info.subject.clone().unwrap_or_default(),
                number(bound_of(&c)),
                number(c.shadow_price),
                number(low),
                number(high),
            ]
        });
    Some(render(
        SENSITIVITY_COLUMNS,
        offers.chain(rows).collect::<Vec<_>>(),
    ))
}

/// The price of one binding risk cap, in a planner's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityPrice {
    /// Constraint name.
    pub constraint: String,
    /// Its family.
    pub kind: ConstraintKind,
    /// Its element.
    pub element: String,
    /// Its supplier or country, if any.
    pub subject: Option<String>,
    /// The cap as a share of demand (a mean risk for `avg_risk`).
    pub cap: f64,
    /// Shadow price, money per tonne (per risk-tonne for `avg_risk`).
    pub shadow_price: f64,
    /// Money per year that tightening the cap by one percentage point costs.
    pub cost_per_point: f64,
    /// How many points the price holds for (from ranging; `None` for a MIP).
    pub points_valid: Option<f64>,
}

impl SecurityPrice {
    /// "tightening country_share[CN,Dy] from 60.0% to 59.0% costs ... USD per year".
    pub fn statement(&self, currency: &str) -> String {
        let tighter = match self.kind {
            ConstraintKind::RecycledShare => self.cap + 0.01,
            _ => self.cap - 0.01,
        };
        let what = match (self.kind, self.subject.as_deref()) {
            (ConstraintKind::CountryShare, Some(c)) => format!("{c}'s share of {}", self.element),
            (ConstraintKind::SupplierShare, Some(s)) => format!("{s}'s share of {}", self.element),
            (ConstraintKind::AvgRisk, _) => format!("the mean risk cap of {}", self.element),
            (ConstraintKind::RecycledShare, _) => format!("the recycled share of {}", self.element),
            _ => self.constraint.clone(),
        };
        let verb = if self.kind == ConstraintKind::RecycledShare {
            "raising"
        } else {
            "tightening"
        };
        // A mean risk is a score on 0..1, not a share: one point is 0.01.
        let (from, to) = match self.kind {
            ConstraintKind::AvgRisk => (format!("{:.2}", self.cap), format!("{tighter:.2}")),
            _ => (
                format!("{:.1}%", 100.0 * self.cap),
                format!("{:.1}%", 100.0 * tighter),
            ),
        };
        format!(
            "{verb} {what} from {from} to {to} costs {:.0} {currency} per year",
            self.cost_per_point
        )
    }
}

/// Every binding risk cap with a non-zero shadow price, priced per point.
pub fn security_prices(scenario: &Scenario, outcome: &Outcome) -> Vec<SecurityPrice> {
    outcome
        .constraints()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                c.info.kind,
                ConstraintKind::CountryShare
                    | ConstraintKind::SupplierShare
                    | ConstraintKind::AvgRisk
                    | ConstraintKind::RecycledShare
            ) && c.is_binding()
                && c.shadow_price.abs() > 1e-9
        })
        .filter_map(|(row, c)| {
            let element = scenario
                .elements
                .iter()
                .find(|e| Some(&e.symbol) == c.info.element.as_ref())?;
            let point = 0.01 * element.demand_t;
            let bound = bound_of(&c);
            let floor = c.info.kind == ConstraintKind::RecycledShare;
            // A cap tightens downwards, a floor upwards.
            let cost_per_point = if floor {
                c.shadow_price * point
            } else {
                -c.shadow_price * point
            };
            let points_valid = outcome.bound_range(row).map(|(low, high)| {
                if floor {
                    (high - bound) / point
                } else {
                    (bound - low) / point
                }
            });
            Some(SecurityPrice {
                constraint: c.info.name.clone(),
                kind: c.info.kind,
                element: element.symbol.clone(),
                subject: c.info.subject.clone(),
                cap: bound / element.demand_t,
                shadow_price: c.shadow_price,
                cost_per_point,
                points_valid,
            })
        })
        .collect()
}

/// `security.csv`.
pub fn security_csv(scenario: &Scenario, prices: &[SecurityPrice]) -> Vec<u8> {
    render(
        SECURITY_COLUMNS,
        prices
            .iter()
            .map(|p| {
                [
                    p.constraint.clone(),
                    p.kind.as_str().to_string(),
                    p.element.clone(),
                    p.subject.clone().unwrap_or_default(),
                    number(p.cap),
                    number(p.shadow_price),
                    number(p.cost_per_point),
                    p.points_valid.map(number).unwrap_or_default(),
                    p.statement(&scenario.currency),
                ]
            })
            .collect::<Vec<_>>(),
    )
}
