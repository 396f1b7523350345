//! `sensitivity.csv` and `security.csv` (docs/outputs.md): how far prices and
//! bounds can move before the plan changes, and what each binding risk cap
//! costs per percentage point.

use super::csv::{in_parallel, render};
use super::number;
use crate::model::{Column, ColumnId, ConstraintKind};
use crate::pipeline::{ConstraintResult, Outcome};
use crate::scenario::{Pricing, Scenario, KG_PER_TONNE};

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

/// `sensitivity.csv`, or `None` when the plan has no ranging (a MIP).
pub fn sensitivity_csv(scenario: &Scenario, outcome: &Outcome) -> Option<Vec<u8>> {
    let ranging = outcome.ranging.as_ref()?;
    // Each year's offers, then the demand rows and planner bounds (an HHI
    // cap has no ranging: it is a set of cuts, not one row).
    let offers = scenario
        .slices()
        .iter()
        .enumerate()
        .flat_map(|(t, slice)| (0..slice.offers.len()).map(move |o| Row::Offer { year: t, offer: o }));
    let bounds = outcome
        .constraints()
        .filter(|c| {
            let kind = c.info.id.kind();
            kind == ConstraintKind::Demand || (kind.is_planner_bound() && kind != ConstraintKind::Hhi)
        })
        .map(Row::Bound);
    let rows: Vec<Row> = offers.chain(bounds).collect();
    Some(in_parallel(&SENSITIVITY_COLUMNS, &rows, |file, row| match row {
        Row::Offer { year: t, offer: o } => {
            let (t, o) = (*t, *o);
            let slice = &scenario.slices()[t];
            let offer = &slice.offers[o];
            let year = scenario.year_label(t).map(|y| y as u16);
            // A year's cost is discounted in the objective: its ranging and
            // reduced cost are undone to the year's own money.
            let discount = scenario.horizon.as_ref().map_or(1.0, |h| h.discount(t));
            let weight = discount * KG_PER_TONNE;
            let column = outcome.offer_columns[t][o];
            let name = ColumnId::new(Column::Quantity(o), year).name(slice);
            file.text(&name)
                .text("offer")
                .text(&slice.element_of(offer).symbol)
                .text(&slice.supplier_of(offer).id);
            // A tiered offer has no one price to range.
            // Facing disruptions a contracted tonne's objective cost weighs
            // every scenario's delivery: its range is no price range.
            let (current, low, high) = match (&offer.pricing, &scenario.disruptions) {
                (Pricing::Flat(price), None) => (
                    *price,
                    ranging.cost_low[column] / weight,
                    ranging.cost_high[column] / weight,
                ),
                (Pricing::Flat(price), Some(_)) => (*price, f64::NAN, f64::NAN),
                (Pricing::Tiers(_), _) => (f64::NAN, f64::NAN, f64::NAN),
            };
            file.number(current)
                .number(outcome.offer_reduced_costs[t][o] / discount)
                .number(low)
                .number(high)
                .end_row();
        }
        Row::Bound(c) => {
            let (low, high) = outcome.bound_range(c).unwrap_or((f64::NAN, f64::NAN));
            let id = c.info.id;
            let subject = id.subject(scenario);
            file.text(&id.name(scenario))
                .text(id.kind().as_str())
                .text(id.element_symbol(scenario))
                .text(subject.as_deref().unwrap_or_default())
                .number(c.info.bound())
                .number(c.shadow_price)
                .number(low)
                .number(high)
                .end_row();
        }
    }))
}

/// A row of `sensitivity.csv`.
enum Row<'a> {
    /// An offer's quantity in a year.
    Offer { year: usize, offer: usize },
    /// A demand row or a planner's bound.
    Bound(ConstraintResult<'a>),
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
    /// With a horizon, the years it sums ("2026-2030"): the cap is
    /// tightened in every year, and the cost is the discounted sum.
    pub years: Option<String>,
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
        let period = match &self.years {
            Some(years) => format!("over {years} (discounted)"),
            None => "per year".to_string(),
        };
        format!(
            "{verb} {what} from {from} to {to} costs {:.0} {currency} {period}",
            self.cost_per_point
        )
    }
}

/// Every binding risk cap with a non-zero shadow price, priced per point.
/// With a horizon a cap is the planner's for every year: its years' rows
/// are priced together (tightened in every year, the costs summed, valid
/// for as many points as its tightest year allows).
pub fn security_prices(scenario: &Scenario, outcome: &Outcome) -> Vec<SecurityPrice> {
    let rows = row_prices(scenario, outcome);
    let Some(horizon) = &scenario.horizon else {
        return rows.into_iter().map(|(_, price)| price).collect();
    };
    let span = format!("{}-{}", horizon.years[0], horizon.years[horizon.years.len() - 1]);
    let mut merged: Vec<SecurityPrice> = Vec::new();
    for (family, price) in rows {
        let name = crate::model::RowId::from(family).name(scenario);
        match merged.iter_mut().find(|m| m.constraint == name) {
            Some(m) => {
                m.shadow_price += price.shadow_price;
                m.cost_per_point += price.cost_per_point;
                m.points_valid = m.points_valid.zip(price.points_valid).map(|(a, b)| a.min(b));
            }
            None => merged.push(SecurityPrice {
                constraint: name,
                years: Some(span.clone()),
                ..price
            }),
        }
    }
    merged
}

/// [`security_prices`] row by row (each year's row apart), with each row's
/// family.
fn row_prices(scenario: &Scenario, outcome: &Outcome) -> Vec<(crate::model::Family, SecurityPrice)> {
    let first = scenario.year_label(0).unwrap_or(0);
    outcome
        .constraints()
        .filter(|c| {
            matches!(
                c.info.id.kind(),
                ConstraintKind::CountryShare
                    | ConstraintKind::SupplierShare
                    | ConstraintKind::AvgRisk
                    | ConstraintKind::RecycledShare
            ) && c.is_binding()
                && c.shadow_price.abs() > 1e-9
        })
        .filter_map(|c| {
            let t = c.info.id.year.map_or(0, |y| (i64::from(y) - first) as usize);
            let slice = &scenario.slices()[t];
            let element = &slice.elements[c.info.id.element(scenario)?];
            if element.demand_t <= 0.0 {
                return None;
            }
            let point = 0.01 * element.demand_t;
            let bound = c.info.bound();
            let floor = c.info.id.kind() == ConstraintKind::RecycledShare;
            // A cap tightens downwards, a floor upwards.
            let cost_per_point = if floor {
                c.shadow_price * point
            } else {
                -c.shadow_price * point
            };
            let points_valid = outcome.bound_range(&c).map(|(low, high)| {
                if floor {
                    (high - bound) / point
                } else {
                    (bound - low) / point
                }
            });
            let price = SecurityPrice {
                constraint: c.info.id.name(scenario),
                kind: c.info.id.kind(),
                element: element.symbol.clone(),
                subject: c.info.id.subject(scenario).map(|s| s.into_owned()),
                cap: bound / element.demand_t,
                shadow_price: c.shadow_price,
                cost_per_point,
                points_valid,
                years: None,
            };
            Some((c.info.id.family, price))
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
