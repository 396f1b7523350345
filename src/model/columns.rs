//! The model's columns: created in a fixed order, each recorded with what
//! it means ([`Column`]), and handed to the families as typed handles
//! ([`Vars`]) so that no family looks a variable up by name.

use super::ids::ColumnId;
use super::{Column, CountryCode, Stage};
use crate::plan::Schedule;
use crate::scenario::{Pricing, Scenario};
use good_lp::{variable, ProblemVariables, Variable, VariableDefinition};

/// Creates columns and records what each one means.
pub(super) struct Columns<'a> {
    pub variables: ProblemVariables,
    pub columns: Vec<ColumnId>,
    /// The year of the columns now added (see [`Columns::in_year`]).
    year: Option<u16>,
    /// The disruption of the columns now added (see [`Columns::in_scenario`]).
    scenario: Option<u16>,
    /// The year index of the columns now added.
    year_index: usize,
    /// A plan whose contracted quantities are held.
    first_stage: Option<&'a Schedule>,
    pub decisions: Vec<usize>,
    pub binaries: usize,
    fixed: Option<&'a [f64]>,
}

impl<'a> Columns<'a> {
    pub fn new(fixed: Option<&'a [f64]>, first_stage: Option<&'a Schedule>) -> Self {
        Columns {
            variables: ProblemVariables::new(),
            columns: Vec::new(),
            year: None,
            scenario: None,
            year_index: 0,
            decisions: Vec::new(),
            binaries: 0,
            fixed,
            first_stage,
        }
    }

    /// A first-stage column of the plan (`x`, `b`): held at the given
    /// plan's value when there is one (the value of the stochastic
    /// solution prices a plan made without the disruptions).
    fn first_stage(&mut self, column: Column) -> Variable {
        let held = self.first_stage.and_then(|plan| {
            let year = &plan.years[self.year_index];
            match column {
                Column::Quantity(o) => year.quantities_t.get(o).copied(),
                Column::Basket(s) => year.baskets_t.get(s).copied(),
                _ => None,
            }
        });
        match held {
            Some(value) => self.add(column, variable().min(value).max(value)),
            None => self.add(column, variable().min(0.0)),
        }
    }

    /// Whether the yes/no decisions are held at given values.
    pub fn decisions_fixed(&self) -> bool {
        self.fixed.is_some()
    }

    /// Adds columns with `add`, belonging to year index `t` labelled
    /// `year` (a contract, one decision for the whole horizon, belongs to
    /// none); afterwards columns belong where they did before.
    pub fn in_year<T>(&mut self, year: Option<u16>, t: usize, add: impl FnOnce(&mut Self) -> T) -> T {
        super::scoped(
            self,
            |c| &mut c.year,
            year,
            |c| super::scoped(c, |c| &mut c.year_index, t, add),
        )
    }

    /// Adds columns with `add`, belonging to disruption `w` (from 1;
    /// `None`: the base scenario and the first stage); afterwards columns
    /// belong where they did before.
    pub fn in_scenario<T>(&mut self, w: Option<u16>, add: impl FnOnce(&mut Self) -> T) -> T {
        super::scoped(self, |c| &mut c.scenario, w, add)
    }

    pub fn add(&mut self, column: Column, definition: VariableDefinition) -> Variable {
        let year = match column {
            Column::Contract(_) => None,
            _ => self.year,
        };
        self.columns.push(ColumnId {
            column,
            year,
            scenario: self.scenario,
        });
        self.variables.add(definition)
    }

    /// A binary column that is never fixed (the diagnosis's marks).
    pub fn binary(&mut self, column: Column) -> Variable {
        self.binaries += 1;
        self.add(column, variable().binary())
    }

    /// A yes/no decision: binary, or held at its fixed value.
    pub fn decision(&mut self, column: Column) -> Variable {
        let definition = match self.fixed {
            Some(values) => {
                let value = values[self.decisions.len()];
                variable().min(value).max(value)
            }
            None => {
                self.binaries += 1;
                variable().binary()
            }
        };
        self.decisions.push(self.columns.len());
        self.add(column, definition)
    }
}

/// One band of a tiered offer.
pub(super) struct Band {
    pub var: Variable,
    pub width: f64,
    pub price: f64,
}

/// How much an offer can and must deliver.
pub(super) struct OfferBounds {
    /// A bound no optimal plan needs to exceed: the tightest of the offer's
    /// capacity, its supplier's capacity and the supplier share cap; without
    /// any, the larger of the demand and the least purchase (a plan never
    /// needs more of one offer than the whole demand).
    pub upper: f64,
    /// `max(min_order_t, min_share_if_used * D_e)`: the least purchase when
    /// the offer is used.
    pub least: f64,
    /// The `M` of `x <= M y` and `x <= M z`: `upper` while the decisions
    /// are searched (tight for branching); looser than every cap once they
    /// are fixed to price the plan, so that the link, now `x <= M`, never
    /// binds and a cap's shadow price stays on the cap.
    pub link: f64,
}

impl OfferBounds {
    /// In an elastic copy the capacities themselves may move, so the bound
    /// rests on the demand and the least purchase alone. `stock_room` is
    /// what the element's stockpile may take beyond the year's demand.
    fn of(
        scenario: &Scenario,
        o: usize,
        elastic: bool,
        decisions_fixed: bool,
        stock_room: f64,
    ) -> OfferBounds {
        let offer = &scenario.offers[o];
        let element = scenario.element_of(offer);
        let least = scenario.least_purchase(offer);
        let unbounded = (element.demand_t + stock_room).max(least);
        let caps = [
            offer.capacity_t,
            scenario.supplier_of(offer).capacity_t,
            element.caps.max_supplier_share.map(|s| s * element.demand_t),
        ];
        // A year with no demand still buys for the stock.
        let unbounded = unbounded.max(1.0);
        let upper = match elastic {
            true => unbounded,
            false => caps.into_iter().flatten().reduce(f64::min).unwrap_or(unbounded),
        };
        let link = match decisions_fixed {
            true => 2.0 * upper.max(unbounded),
            false => upper,
        };
        OfferBounds { upper, least, link }
    }
}

/// Typed handles on the plan's columns, indexed like the scenario.
pub(super) struct Vars {
    /// `x[s,e]` per offer.
    pub x: Vec<Variable>,
    /// `u[e]` per element, when a shortfall penalty is set.
    pub u: Vec<Option<Variable>>,
    /// `q[s,e,b]` per band of each tiered offer (empty for a flat price).
    pub bands: Vec<Vec<Band>>,
    /// `y[s]` per supplier whose contract is decided.
    pub y: Vec<Option<Variable>>,
    /// `z[s,e]` per offer whose use is decided.
    pub z: Vec<Option<Variable>>,
    /// `w[s,e,b]` per band after the first of a discounted offer.
    pub w: Vec<Vec<Option<Variable>>>,
    /// Each offer's bounds.
    pub bounds: Vec<OfferBounds>,
    /// Per element with an HHI cap, each country offering it: its term
    /// `h[c,e]` and its tonnes `p[c,e]`.
    pub hhi_terms: Vec<Vec<HhiTerm>>,
    /// `b[s]` per supplier with a basket (its capacity is a row, which a
    /// diagnosis can move).
    pub baskets: Vec<Option<Variable>>,
    /// `w[e]` per `policy.resale` entry.
    pub resold: Vec<Variable>,
    /// Whether the yes/no decisions are held at given values.
    pub decisions_fixed: bool,
    /// Per element, what its stockpile may take beyond the year's demand
    /// (0 for an element without one).
    pub stock_room: Vec<f64>,
}

/// Creates one year's columns, in the order the model documents: `x`, `u`,
/// `q`, then the decisions `y`, `z`, `w`. `scenario` is the year's;
/// `contracts` the horizon's contracts when an earlier year made them (a
/// contract is one decision for every year). A stocked element's `u` is
/// at most the year's demand, so that declared shortfall cannot fill the
/// stock.
pub(super) fn define_variables(
    scenario: &Scenario,
    stage: Stage,
    cols: &mut Columns,
    contracts: Option<&[Option<Variable>]>,
    stock_room: Vec<f64>,
) -> Vars {
    let x = (0..scenario.offers.len())
        .map(|o| cols.first_stage(Column::Quantity(o)))
        .collect();
    let penalty = scenario.policy.shortfall_penalty_per_kg;
    let u = (0..scenario.elements.len())
        .map(|e| {
            let bound = match stock_room[e] > 0.0 {
                true => variable().min(0.0).max(scenario.elements[e].demand_t),
                false => variable().min(0.0),
            };
            penalty.map(|_| cols.add(Column::Shortfall(e), bound))
        })
        .collect();
    let bounds: Vec<OfferBounds> = (0..scenario.offers.len())
        .map(|o| {
            let room = stock_room[scenario.offers[o].element];
            OfferBounds::of(scenario, o, stage.is_elastic(), cols.decisions_fixed(), room)
        })
        .collect();
    let bands: Vec<Vec<Band>> = (0..scenario.offers.len())
        .map(|o| define_bands(scenario, o, &bounds[o], stage.is_elastic(), cols))
        .collect();

    let mut supplier_has_offers: Vec<bool> = scenario.suppliers.iter().map(|s| s.basket.is_some()).collect();
    for offer in &scenario.offers {
        supplier_has_offers[offer.supplier] = true;
    }
    let y = match contracts {
        Some(made) => made.to_vec(),
        None => scenario
            .suppliers
            .iter()
            .enumerate()
            .map(|(s, supplier)| {
                (scenario.decides_contract(supplier) && supplier_has_offers[s])
                    .then(|| cols.decision(Column::Contract(s)))
            })
            .collect(),
    };
    let z = scenario
        .offers
        .iter()
        .enumerate()
        .map(|(o, offer)| {
            scenario
                .decides_use(offer)
                .then(|| cols.decision(Column::OfferUsed(o)))
        })
        .collect();
    let w = scenario
        .offers
        .iter()
        .enumerate()
        .map(|(o, offer)| {
            let discounted = offer.has_discount();
            (0..bands[o].len())
                .map(|b| {
                    (discounted && b > 0).then(|| cols.decision(Column::BandReached { offer: o, band: b }))
                })
                .collect()
        })
        .collect();
    let hhi_terms = (0..scenario.elements.len())
        .map(|e| define_hhi_terms(scenario, e, cols))
        .collect();
    let baskets = scenario
        .suppliers
        .iter()
        .enumerate()
        .map(|(s, supplier)| {
            supplier
                .basket
                .as_ref()
                .map(|_| cols.first_stage(Column::Basket(s)))
        })
        .collect();
    let resold = (0..scenario.policy.resale.len())
        .map(|r| cols.add(Column::Resold(r), variable().min(0.0)))
        .collect();
    Vars {
        x,
        u,
        bands,
        y,
        z,
        w,
        bounds,
        hhi_terms,
        baskets,
        resold,
        decisions_fixed: cols.decisions_fixed(),
        stock_room,
    }
}

/// `h[c,e] >= 0` for each country offering element `e`, when it has an HHI
/// cap.
/// One country's part of an element's HHI: `h[c,e]`, its term, and
/// `p[c,e]`, the tonnes processed there (so that each cut on the term
/// names one column, not every offer of the country).
#[derive(Debug, Clone, Copy)]
pub(super) struct HhiTerm {
    pub country: CountryCode,
    pub term: Variable,
    pub tonnes: Variable,
}

fn define_hhi_terms(scenario: &Scenario, e: usize, cols: &mut Columns) -> Vec<HhiTerm> {
    if scenario.elements[e].caps.max_hhi.is_none() || scenario.elements[e].demand_t <= 0.0 {
        return Vec::new();
    }
    let countries = scenario.countries_offering(e);
    let terms: Vec<(CountryCode, Variable)> = countries
        .iter()
        .map(|c| {
            let country = CountryCode::new(c);
            let column = Column::HhiTerm { country, element: e };
            (country, cols.add(column, variable().min(0.0)))
        })
        .collect();
    terms
        .into_iter()
        .map(|(country, term)| {
            let column = Column::CountryTonnes { country, element: e };
            let tonnes = cols.add(column, variable().min(0.0));
            HhiTerm {
                country,
                term,
                tonnes,
            }
        })
        .collect()
}

/// The band columns of offer `o` (none for a flat price), each as wide as
/// its band, cut at the offer's upper bound.
fn define_bands(
    scenario: &Scenario,
    o: usize,
    bounds: &OfferBounds,
    elastic: bool,
    cols: &mut Columns,
) -> Vec<Band> {
    let Pricing::Tiers(tiers) = &scenario.offers[o].pricing else {
        return Vec::new();
    };
    let mut start = 0.0;
    tiers
        .iter()
        .enumerate()
        .map(|(b, tier)| {
            // In an elastic copy a closed last band stays open: its end is
            // the relaxable `tier_end` row instead.
            let last = b + 1 == tiers.len();
            let written_end = match (last && elastic, tier.up_to_t) {
                (true, _) | (false, None) => f64::INFINITY,
                (false, Some(end)) => end,
            };
            let end = written_end.min(bounds.upper.max(start));
            let width = (end - start).max(0.0);
            start = tier.up_to_t.unwrap_or(f64::INFINITY);
            let var = cols.add(Column::Band { offer: o, band: b }, variable().min(0.0).max(width));
            Band {
                var,
                width,
                price: tier.price_per_kg,
            }
        })
        .collect()
}
