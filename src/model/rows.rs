//! The model's rows: each added under its [`RowId`] with the diagnosis's
//! [`Relax`] rule that its family's definition states, kept in the order
//! added (the order of `constraints.csv`), and made into the model's
//! [`super::Lp`] once the objective is known.

use super::{Relax, RowId};
use good_lp::Expression;

/// One row: `lower <= activity <= upper`, with its identity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowInfo {
    /// Which row.
    pub id: RowId,
    /// Lower bound (`-inf` for a cap).
    pub lower: f64,
    /// Upper bound (`+inf` for a floor).
    pub upper: f64,
    /// Whether and how a diagnosis may move it.
    pub relax: Relax,
}

impl RowInfo {
    /// The bound a planner set: the upper one of a cap, else the lower one.
    pub fn bound(&self) -> f64 {
        if self.upper.is_finite() {
            self.upper
        } else {
            self.lower
        }
    }
}

/// The rows of a model being built, with their left-hand sides.
pub(super) struct Rows {
    pub info: Vec<RowInfo>,
    pub lhs: Vec<Expression>,
    /// The year the rows now added belong to (see [`Rows::in_year`]).
    year: Option<u16>,
    /// The disruption the rows now added belong to (see [`Rows::in_scenario`]).
    scenario: Option<u16>,
    /// Debug builds refuse a row identity added twice, as JuMP and linopy
    /// refuse a name registered twice (tests check it in release builds
    /// with [`super::Layout::duplicate_row`]).
    #[cfg(debug_assertions)]
    seen: std::collections::HashSet<RowId>,
}

impl Rows {
    pub fn new() -> Rows {
        Rows {
            info: Vec::new(),
            lhs: Vec::new(),
            year: None,
            scenario: None,
            #[cfg(debug_assertions)]
            seen: std::collections::HashSet::new(),
        }
    }

    /// Adds rows with `add`, those whose identity names no year belonging
    /// to `year` (a multi-year model adds each year's families in turn);
    /// afterwards rows belong where they did before.
    pub fn in_year<T>(&mut self, year: Option<u16>, add: impl FnOnce(&mut Rows) -> T) -> T {
        super::scoped(self, |r| &mut r.year, year, add)
    }

    /// Adds rows with `add`, those whose identity names no scenario
    /// belonging to disruption `w` (from 1; `None`: the base scenario);
    /// afterwards rows belong where they did before.
    pub fn in_scenario<T>(&mut self, w: Option<u16>, add: impl FnOnce(&mut Rows) -> T) -> T {
        super::scoped(self, |r| &mut r.scenario, w, add)
    }

    /// `lhs <= upper`, relaxable as its family says.
    pub fn at_most(&mut self, id: impl Into<RowId>, lhs: Expression, upper: f64) {
        self.push(id.into(), lhs, f64::NEG_INFINITY, upper, None);
    }

    /// `lhs >= lower`, relaxable as its family says.
    pub fn at_least(&mut self, id: impl Into<RowId>, lhs: Expression, lower: f64) {
        self.push(id.into(), lhs, lower, f64::INFINITY, None);
    }

    /// `lhs >= lower`, which a diagnosis must not move whatever its family.
    pub fn at_least_held(&mut self, id: impl Into<RowId>, lhs: Expression, lower: f64) {
        self.push(id.into(), lhs, lower, f64::INFINITY, Some(Relax::Never));
    }

    /// `lhs == value`, relaxable as its family says.
    pub fn equal(&mut self, id: impl Into<RowId>, lhs: Expression, value: f64) {
        self.push(id.into(), lhs, value, value, None);
    }

    fn push(&mut self, mut id: RowId, lhs: Expression, lower: f64, upper: f64, relax: Option<Relax>) {
        id.year = id.year.or(self.year);
        id.scenario = id.scenario.or(self.scenario);
        #[cfg(debug_assertions)]
        assert!(self.seen.insert(id), "row {id:?} added twice");
        let relax = relax.unwrap_or_else(|| id.kind().relax());
        self.info.push(RowInfo {
            id,
            lower,
            upper,
            relax,
        });
        self.lhs.push(lhs);
    }
}
