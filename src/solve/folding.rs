//! Rows of one non-zero handed to HiGHS as column bounds, and HiGHS's
//! results read back as if they had been rows.
//!
//! Many caps are rows of a single non-zero (`offer_capacity`,
//! `supplier_share`): 68,000 of the synthetic 17 x 2,000 model's 70,255.
//! HiGHS's presolve removes them too, but it then solves the whole LP once
//! more from the postsolved basis, and a solve from a basis (an HHI cut
//! round) skips presolve and carries them all through the simplex. Folded
//! here, HiGHS only ever sees the small LP.
//!
//! Each folded row gets back what HiGHS's own postsolve gives a row it
//! removed this way: when its column rests on the bound the row set
//! (HiGHS's basis says so), the row takes the column's reduced cost over
//! its coefficient as its dual, and the column keeps none; otherwise the
//! row is slack, with a dual of zero. Its bound's range is where the
//! column's bound can move before the basis changes, or before another of
//! the column's bounds takes over; a slack row's runs from its activity
//! outwards.

use super::{Basis, Ranging};
use crate::model::{Lp, Structure};
use highs_sys::HighsInt;

const LOWER: HighsInt = highs_sys::kHighsBasisStatusLower;
const UPPER: HighsInt = highs_sys::kHighsBasisStatusUpper;

/// A row folded into its column's bounds: `lower <= coefficient x[column] <= upper`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Single {
    row: usize,
    column: usize,
    coefficient: f64,
    /// The row's own bounds.
    lower: f64,
    upper: f64,
}

/// Which of a column's bounds a folded row set (`None`: the column's own),
/// and the bound that would take over on each side if that row's moved
/// away: the column's own, or another of its rows'.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sources {
    lower: Option<usize>,
    upper: Option<usize>,
    next_lower: f64,
    next_upper: f64,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            lower: None,
            upper: None,
            next_lower: f64::NEG_INFINITY,
            next_upper: f64::INFINITY,
        }
    }
}

/// Where a folded row stood at the last solve.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Standing {
    /// Its column rests on the row's bound on this side of the column.
    Resting { at_upper: bool },
    /// Its column does not rest on it: the row is slack (or only touches
    /// its bound), with this activity.
    Slack { activity: f64 },
}

/// How an [`Lp`] was folded: which of its rows HiGHS holds, which became
/// bounds, and where each of those stood at the last solve.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Folding {
    /// For each row HiGHS holds, in order, the model's row.
    kept: Vec<usize>,
    /// The folded rows, in row order.
    singles: Vec<Single>,
    /// Per column, the folded rows its bounds come from (indices into
    /// `singles`).
    sources: Vec<Sources>,
    /// Per column, the bounds HiGHS holds.
    column_lower: Vec<f64>,
    column_upper: Vec<f64>,
    /// The model's row count (rows added later come after).
    rows: usize,
    /// Per folded row, where it stood at the last solve.
    standing: Vec<Standing>,
}

/// HiGHS's default primal feasibility tolerance.
const PRIMAL_TOLERANCE: f64 = 1e-7;

/// `lp` with every row of one non-zero folded into its column's bounds,
/// and how to read the results back. A column's bound is the tightest of
/// its own and its rows'; on a tie the column's own bound, then the first
/// row in row order, is the one it rests on.
pub(super) fn fold(lp: &Lp) -> (Lp, Folding) {
    let structure = &lp.structure;
    let (n, m) = (lp.columns(), lp.rows());
    let mut count = vec![0usize; m];
    for &i in &structure.indices {
        count[i as usize] += 1;
    }
    let mut single: Vec<bool> = count.iter().map(|&c| c == 1).collect();
    // A row whose one entry is a stored zero bounds nothing: HiGHS keeps it.
    for (&i, &value) in structure.indices.iter().zip(&structure.values) {
        if value == 0.0 {
            single[i as usize] = false;
        }
    }
    // HiGHS gives no ranging for an LP without rows: keep one.
    if let (false, Some(first)) = (single.contains(&false), single.first_mut()) {
        *first = false;
    }
    let mut singles = Vec::new();
    for j in 0..n {
        for k in structure.starts[j] as usize..structure.starts[j + 1] as usize {
            let row = structure.indices[k] as usize;
            if single[row] {
                singles.push(Single {
                    row,
                    column: j,
                    coefficient: structure.values[k],
                    lower: lp.row_lower[row],
                    upper: lp.row_upper[row],
                });
            }
        }
    }
    // Rows in row order, so that on a tie the first row keeps the bound.
    singles.sort_by_key(|s| s.row);
    let mut column_lower = lp.column_lower.clone();
    let mut column_upper = lp.column_upper.clone();
    let mut sources = vec![Sources::default(); n];
    for (s, single) in singles.iter().enumerate() {
        let j = single.column;
        let (low, high) = single.column_bounds();
        // As HiGHS's presolve: a row takes over a bound only when it is
        // tighter by more than the primal feasibility tolerance (scaled by
        // its coefficient); closer than that, the bound keeps its source.
        let tolerance = (PRIMAL_TOLERANCE / single.coefficient.abs().max(1.0)).max(f64::EPSILON);
        let source = &mut sources[j];
        if high < column_upper[j] - tolerance {
            source.upper = Some(s);
        }
        if low > column_lower[j] + tolerance {
            source.lower = Some(s);
        }
        column_upper[j] = column_upper[j].min(high);
        column_lower[j] = column_lower[j].max(low);
    }
    // An equality that sets one of its column's bounds fixes the column
    // at its value: it holds both (HiGHS's presolve leaves a side that only
    // ties with the column's own bound to the column, and so reports no
    // price for a row that does fix it).
    for (s, single) in singles.iter().enumerate() {
        let (j, source) = (single.column, &mut sources[single.column]);
        let sets_a_bound = source.lower == Some(s) || source.upper == Some(s);
        let (low, high) = single.column_bounds();
        if single.lower == single.upper && sets_a_bound && (column_lower[j], column_upper[j]) == (low, high) {
            (source.lower, source.upper) = (Some(s), Some(s));
        }
    }
    // The bound that takes over when a row's moves away: the tightest of
    // the column's own and its other rows'.
    for (j, source) in sources.iter_mut().enumerate() {
        source.next_upper = lp.column_upper[j];
        source.next_lower = lp.column_lower[j];
    }
    for (s, single) in singles.iter().enumerate() {
        let source = &mut sources[single.column];
        let (low, high) = single.column_bounds();
        if source.upper != Some(s) {
            source.next_upper = source.next_upper.min(high);
        }
        if source.lower != Some(s) {
            source.next_lower = source.next_lower.max(low);
        }
    }
    let kept: Vec<usize> = (0..m).filter(|&i| !single[i]).collect();
    let mut new_index = vec![HighsInt::MAX; m];
    for (k, &i) in kept.iter().enumerate() {
        new_index[i] = k as HighsInt;
    }
    let mut starts = Vec::with_capacity(n + 1);
    let mut indices = Vec::with_capacity(structure.indices.len() - singles.len());
    let mut values = Vec::with_capacity(structure.indices.len() - singles.len());
    starts.push(0);
    for j in 0..n {
        for k in structure.starts[j] as usize..structure.starts[j + 1] as usize {
            let row = structure.indices[k] as usize;
            if !single[row] {
                indices.push(new_index[row]);
                values.push(structure.values[k]);
            }
        }
        starts.push(indices.len() as HighsInt);
    }
    let folded = Lp {
        costs: lp.costs.clone(),
        column_lower: column_lower.clone(),
        column_upper: column_upper.clone(),
        row_lower: kept.iter().map(|&i| lp.row_lower[i]).collect(),
        row_upper: kept.iter().map(|&i| lp.row_upper[i]).collect(),
        structure: Structure {
            starts,
            indices,
            values,
            integrality: structure.integrality.clone(),
        },
    };
    let standing = singles
        .iter()
        .map(|_| Standing::Slack { activity: 0.0 })
        .collect();
    let folding = Folding {
        kept,
        singles,
        sources,
        column_lower,
        column_upper,
        rows: m,
        standing,
    };
    (folded, folding)
}

impl Single {
    /// The bounds the row puts on its column.
    fn column_bounds(&self) -> (f64, f64) {
        let a = self.coefficient;
        match a > 0.0 {
            true => (self.lower / a, self.upper / a),
            false => (self.upper / a, self.lower / a),
        }
    }

    /// A range of its column's value as a range of the row's activity.
    fn row_range(&self, low: f64, high: f64) -> (f64, f64) {
        let a = self.coefficient;
        match a > 0.0 {
            true => (a * low, a * high),
            false => (a * high, a * low),
        }
    }
}

impl Folding {
    /// Records `count` rows added after the model's (they are kept).
    pub(super) fn add_rows(&mut self, count: usize) {
        self.kept.extend(self.rows..self.rows + count);
        self.rows += count;
    }

    /// Each model row's activity and dual from HiGHS's results on the
    /// folded LP, the way HiGHS's postsolve undoes a singleton row: a
    /// folded row's activity is its coefficient times the column's value;
    /// when `basis` has the column at a bound a row set, that row takes
    /// the column's reduced cost (over its coefficient) and the column
    /// keeps none. Without a basis, the reduced cost's sign tells the
    /// bound (negative: the upper one).
    pub(super) fn unfold_solution(
        &mut self,
        columns: &[f64],
        kept_activity: &[f64],
        kept_duals: &[f64],
        column_duals: &mut [f64],
        basis: Option<&Basis>,
    ) -> (Vec<f64>, Vec<f64>) {
        let mut activity = vec![0.0; self.rows];
        let mut duals = vec![0.0; self.rows];
        for (k, &i) in self.kept.iter().enumerate() {
            activity[i] = kept_activity[k];
            duals[i] = kept_duals[k];
        }
        for (single, standing) in self.singles.iter().zip(&mut self.standing) {
            activity[single.row] = single.coefficient * columns[single.column];
            *standing = Standing::Slack {
                activity: activity[single.row],
            };
        }
        for (j, reduced_cost) in column_duals.iter_mut().enumerate() {
            let source = self.sources[j];
            let fixed = self.column_lower[j] == self.column_upper[j];
            // A fixed column rests on the bound its reduced cost pushes it
            // to, as HiGHS's postsolve decides for a column it fixed.
            let status = match basis {
                Some(basis) if !fixed => basis.columns[j],
                _ if *reduced_cost < 0.0 => UPPER,
                _ if *reduced_cost > 0.0 || fixed => LOWER,
                _ => continue,
            };
            let (resting_on, at_upper) = match status {
                UPPER => (source.upper, true),
                LOWER => (source.lower, false),
                _ => continue,
            };
            if let Some(s) = resting_on {
                let single = self.singles[s];
                duals[single.row] = *reduced_cost / single.coefficient;
                *reduced_cost = 0.0;
                self.standing[s] = Standing::Resting { at_upper };
            }
        }
        (activity, duals)
    }

    /// Each model row's bound range from HiGHS's ranging of the folded LP
    /// (after [`Folding::unfold_solution`]). A row its column rests on
    /// ranges as the column's bound does, up to where another of the
    /// column's bounds takes over; a slack row's bound can move from its
    /// activity outwards (one bounded on both sides, nowhere). Cost ranges
    /// are the folded LP's.
    pub(super) fn unfold_ranging(&self, folded: Ranging) -> Ranging {
        let (mut low, mut high) = (vec![0.0; self.rows], vec![0.0; self.rows]);
        for (k, &i) in self.kept.iter().enumerate() {
            low[i] = folded.bound_low[k];
            high[i] = folded.bound_high[k];
        }
        for (s, (single, standing)) in self.singles.iter().zip(&self.standing).enumerate() {
            let j = single.column;
            let source = self.sources[j];
            let (l, h) = match *standing {
                Standing::Resting { at_upper: true } => {
                    let other_lower = match source.lower == Some(s) {
                        true => source.next_lower,
                        false => self.column_lower[j],
                    };
                    single.row_range(
                        folded.column_bound_low[j].max(other_lower),
                        folded.column_bound_high[j].min(source.next_upper),
                    )
                }
                Standing::Resting { at_upper: false } => {
                    let other_upper = match source.upper == Some(s) {
                        true => source.next_upper,
                        false => self.column_upper[j],
                    };
                    single.row_range(
                        folded.column_bound_low[j].max(source.next_lower),
                        folded.column_bound_high[j].min(other_upper),
                    )
                }
                // Its zero price holds with the bound beyond the activity;
                // a row bounded on both sides is only known to keep it where
                // it is.
                Standing::Slack { activity } => match (single.lower.is_finite(), single.upper.is_finite()) {
                    (false, true) => (activity, f64::INFINITY),
                    (true, false) => (f64::NEG_INFINITY, activity),
                    _ => (activity, activity),
                },
            };
            (low[single.row], high[single.row]) = (trim(l), trim(h));
        }
        Ranging {
            bound_low: low,
            bound_high: high,
            ..folded
        }
    }
}

/// HiGHS's ranging reports values below 1e-13 as zero.
fn trim(value: f64) -> f64 {
    if value.abs() < 1e-13 {
        0.0
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SolveError, SolveOptions, Solved};
    use crate::model::{Lp, Structure};
    use proptest::prelude::*;

    const INF: f64 = f64::INFINITY;

    /// An LP of `columns` (each a list of `(row, value)`) over rows with
    /// bounds `rows`, at costs `costs`, every column in `[0, inf)`.
    fn lp(costs: &[f64], columns: &[&[(i32, f64)]], rows: &[(f64, f64)]) -> Lp {
        let mut structure = Structure {
            starts: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            integrality: Vec::new(),
        };
        for column in columns {
            for &(row, value) in column.iter() {
                structure.indices.push(row);
                structure.values.push(value);
            }
            structure.starts.push(structure.indices.len() as i32);
        }
        Lp {
            costs: costs.to_vec(),
            column_lower: vec![0.0; costs.len()],
            column_upper: vec![INF; costs.len()],
            row_lower: rows.iter().map(|r| r.0).collect(),
            row_upper: rows.iter().map(|r| r.1).collect(),
            structure,
        }
    }

    /// `lp` solved to optimality with ranging, folded or whole.
    fn solve(lp: &Lp, fold: bool) -> Solved {
        let solved = try_solve(lp, fold).unwrap();
        assert!(solved.ranging.is_some(), "no ranging (fold {fold}): {lp:?}");
        solved
    }

    /// `lp` solved folded or whole, as remopt solves an LP.
    fn try_solve(lp: &Lp, fold: bool) -> Result<Solved, SolveError> {
        let options = SolveOptions {
            fold_single_rows: fold,
            ..SolveOptions::default()
        };
        super::super::solve(lp, false, &options)
    }

    /// `x0 >= 2`, `x1 >= 3` and `x0 <= 5`: each row of one non-zero. HiGHS
    /// ranges no LP without rows, so the first is kept as a row.
    #[test]
    fn an_lp_of_rows_of_one_non_zero_keeps_one_row() {
        let singles = lp(
            &[1.0, 2.0],
            &[&[(0, 1.0), (2, 1.0)], &[(1, 1.0)]],
            &[(2.0, INF), (3.0, INF), (-INF, 5.0)],
        );
        let (folded, folding) = super::fold(&singles);
        assert_eq!(folding.kept, vec![0]);
        assert_eq!(
            (folded.column_lower, folded.column_upper),
            (vec![0.0, 3.0], vec![5.0, INF])
        );
        let solved = solve(&singles, true);
        assert_eq!(solved.row_duals, vec![1.0, 2.0, 0.0]);
        let ranging = solved.ranging.unwrap();
        assert_eq!(ranging.bound_low, vec![0.0, 0.0, 2.0]);
        assert_eq!(ranging.bound_high, vec![5.0, INF, INF]);
    }

    /// A floor of 5 and a cap of 3 on one column fold into bounds that
    /// cross: HiGHS calls that LP infeasible, as it does the whole one.
    #[test]
    fn crossing_rows_of_one_non_zero_are_infeasible() {
        let crossing = lp(
            &[1.0, 1.0],
            &[&[(0, 1.0), (1, 1.0), (2, 1.0)], &[(0, 1.0)]],
            &[(1.0, INF), (5.0, INF), (-INF, 3.0)],
        );
        for fold in [true, false] {
            assert_eq!(
                try_solve(&crossing, fold).err(),
                Some(SolveError::Infeasible),
                "fold {fold}"
            );
        }
    }

    /// Two columns and four rows, three of them of one non-zero:
    /// `x0 + x1 = 10` (demand), `x0 <= 6`, `2 x1 <= 14` and `-x1 >= -8`.
    fn two_caps(costs: [f64; 2]) -> Lp {
        lp(
            &costs,
            &[&[(0, 1.0), (1, 1.0)], &[(0, 1.0), (2, 2.0), (3, -1.0)]],
            &[(10.0, 10.0), (-INF, 6.0), (-INF, 14.0), (-8.0, INF)],
        )
    }

    #[test]
    fn only_rows_of_one_non_zero_fold_into_bounds() {
        let (folded, folding) = super::fold(&two_caps([1.0, 3.0]));
        assert_eq!(folded.rows(), 1);
        assert_eq!(folding.kept, vec![0]);
        // x0 <= 6 from row 1; x1 <= 7 from row 2 (14 / 2), tighter than
        // row 3's 8, which takes over when row 2's bound passes 16.
        assert_eq!(folded.column_upper, vec![6.0, 7.0]);
        assert_eq!(folding.sources[0].upper, Some(0));
        assert_eq!(folding.sources[1].upper, Some(1));
        assert_eq!(folding.sources[1].next_upper, 8.0);
    }

    /// A row no tighter than the column's own bound leaves the bound to
    /// the column, as HiGHS's presolve does; of two equal rows the first
    /// keeps it.
    #[test]
    fn on_a_tie_the_column_then_the_first_row_keeps_the_bound() {
        let mut tied = lp(
            &[1.0],
            &[&[(0, 1.0), (1, 1.0), (2, 1.0)]],
            &[(-INF, 5.0), (-INF, 5.0), (0.0, INF)],
        );
        let (_, folding) = super::fold(&tied);
        assert_eq!(
            (folding.sources[0].upper, folding.sources[0].lower),
            (Some(0), None)
        );
        tied.column_upper[0] = 5.0;
        let (_, folding) = super::fold(&tied);
        assert_eq!(folding.sources[0].upper, None);
    }

    /// Cheap x0 rests on `x0 <= 6`: x = (6, 4), cost 18. Demand's dual is
    /// x1's cost 3; the cap's is 1 - 3 = -2 per tonne; the others are
    /// slack. The cap's dual holds while x1 = 10 - b stays in [0, 7]:
    /// b in [3, 10]. Folded or whole, HiGHS says the same.
    #[test]
    fn a_cap_on_one_column_gets_its_reduced_cost_as_its_dual() {
        for fold in [true, false] {
            let solved = solve(&two_caps([1.0, 3.0]), fold);
            assert_eq!(solved.objective, 18.0);
            assert_eq!(solved.columns, vec![6.0, 4.0]);
            assert_eq!(solved.row_activity, vec![10.0, 6.0, 8.0, -4.0]);
            assert_eq!(solved.row_duals, vec![3.0, -2.0, 0.0, 0.0]);
            assert_eq!(solved.column_duals, vec![0.0, 0.0]);
            // The binding rows' (a slack row's zero holds from its activity
            // outwards, whatever HiGHS says; `Outcome::bound_range`).
            let ranging = solved.ranging.unwrap();
            assert_eq!(ranging.bound_low[..2], [6.0, 3.0], "fold {fold}");
            assert_eq!(ranging.bound_high[..2], [13.0, 10.0], "fold {fold}");
            // x0 stays chosen up to x1's cost; x1 down to x0's.
            assert_eq!((ranging.cost_low[0], ranging.cost_high[0]), (-INF, 3.0));
            assert_eq!((ranging.cost_low[1], ranging.cost_high[1]), (1.0, INF));
        }
    }

    /// Cheap x1 rests on `2 x1 <= 14` (x1 = 7), not on the looser
    /// `-x1 >= -8`: x = (3, 7), cost 3·3 + 7 = 16. The demand's dual is 3;
    /// the cap's is (1 - 3) / 2 = -1 per unit of its left-hand side, and
    /// holds while x0 = 10 - b / 2 stays in [0, 6] and x1 = b / 2 under
    /// row 3's 8: b in [8, 16].
    #[test]
    fn a_scaled_cap_gets_the_reduced_cost_over_its_coefficient() {
        for fold in [true, false] {
            let solved = solve(&two_caps([3.0, 1.0]), fold);
            assert_eq!(solved.objective, 16.0);
            assert_eq!(solved.columns, vec![3.0, 7.0]);
            assert_eq!(solved.row_activity, vec![10.0, 3.0, 14.0, -7.0]);
            assert_eq!(solved.row_duals, vec![3.0, 0.0, -1.0, 0.0]);
            let ranging = solved.ranging.unwrap();
            assert_eq!(
                [ranging.bound_low[0], ranging.bound_low[2]],
                [7.0, 8.0],
                "fold {fold}"
            );
            assert_eq!(
                [ranging.bound_high[0], ranging.bound_high[2]],
                [13.0, 16.0],
                "fold {fold}"
            );
            if fold {
                assert_eq!([ranging.bound_low[1], ranging.bound_low[3]], [3.0, -INF]);
                assert_eq!([ranging.bound_high[1], ranging.bound_high[3]], [INF, -7.0]);
            }
        }
    }

    /// Demand met exactly by a cap: `x0 + x1 >= 10`, `x0 <= 10`,
    /// `x1 <= 3`, costs (1, 2). Raising the cap saves nothing and lowering
    /// it costs 1 per tonne (x1 takes over): the cap's dual per unit
    /// increase is 0, valid from 10 upwards. The folded LP says so; HiGHS
    /// on the whole LP reports the same dual but claims it holds down to 7.
    #[test]
    fn a_cap_met_exactly_by_demand_has_the_dual_of_an_increase() {
        let exact = lp(
            &[1.0, 2.0],
            &[&[(0, 1.0), (1, 1.0)], &[(0, 1.0), (2, 1.0)]],
            &[(10.0, INF), (-INF, 10.0), (-INF, 3.0)],
        );
        let solved = solve(&exact, true);
        assert_eq!(solved.columns, vec![10.0, 0.0]);
        assert_eq!(solved.row_duals, vec![1.0, 0.0, 0.0]);
        let ranging = solved.ranging.unwrap();
        assert_eq!((ranging.bound_low[1], ranging.bound_high[1]), (10.0, INF));
        let mut lower = exact.clone();
        lower.row_upper[1] = 9.0;
        assert_eq!(solve(&lower, true).objective, solved.objective + 1.0);
    }

    /// `x0 = 4` as a row of one non-zero (a fixed yes/no decision's shape)
    /// under `x0 + x1 >= 10`, x0 the dearer: the row's dual is what one
    /// more unit of x0 costs over x1 (5 - 2 = 3), and holds while x1 = 10 - b
    /// stays at or above 0.
    #[test]
    fn an_equality_row_of_one_non_zero_fixes_its_column() {
        let fixed = lp(
            &[5.0, 2.0],
            &[&[(0, 1.0), (1, 1.0)], &[(0, 1.0)]],
            &[(10.0, INF), (4.0, 4.0)],
        );
        for fold in [true, false] {
            let solved = solve(&fixed, fold);
            assert_eq!(solved.columns, vec![4.0, 6.0]);
            assert_eq!(solved.row_duals, vec![2.0, 3.0]);
            assert_eq!(solved.column_duals, vec![0.0, 0.0]);
            let ranging = solved.ranging.unwrap();
            assert_eq!(
                (ranging.bound_low[1], ranging.bound_high[1]),
                (0.0, 10.0),
                "fold {fold}"
            );
        }
    }

    /// A random LP with a known feasible point: `columns` columns, a few
    /// rows over several columns (`>=`, `<=` or both, each with slack at
    /// the point), and rows of one non-zero of either sign on most
    /// columns, some of them two or three on one column. `degenerate`
    /// also puts a quarter of the point's values at 0 and makes some rows
    /// of one non-zero meet the point exactly (a cap at 0 on an offer
    /// without capacity, a column fixed), so that optima are degenerate.
    fn random_lp(degenerate: bool) -> impl Strategy<Value = Lp> {
        let zero = if degenerate { 1 } else { 0 };
        let column = (1.0..10.0f64, prop_oneof![zero => Just(0.0), 3 => 0.0..2.0f64]);
        let wide = (
            prop::collection::vec((0usize..8, 0.2..2.0f64), 2..5),
            0..3u8,
            0.1..3.0f64,
        );
        let single = (
            0usize..8,
            prop_oneof![0.5..3.0f64, -3.0..-0.5f64],
            0..if degenerate { 5u8 } else { 3 },
            0.1..3.0f64,
        );
        (
            prop::collection::vec(column, 8),
            prop::collection::vec(wide, 1..5),
            prop::collection::vec(single, 0..16),
        )
            .prop_map(|(columns, wides, singles)| {
                let point: Vec<f64> = columns.iter().map(|c| c.1).collect();
                let mut entries: Vec<Vec<(i32, f64)>> = vec![Vec::new(); columns.len()];
                let mut rows = Vec::new();
                let bound = |rows: &mut Vec<(f64, f64)>, activity: f64, sense: u8, slack: f64| match sense {
                    0 => rows.push((activity - slack, INF)),
                    1 => rows.push((-INF, activity + slack)),
                    2 => rows.push((activity - slack, activity + slack)),
                    // Met exactly at the point: a cap at 0 on an offer
                    // with none, or a column fixed.
                    3 => rows.push((-INF, activity)),
                    _ => rows.push((activity, activity)),
                };
                for (terms, sense, slack) in wides {
                    let row = rows.len() as i32;
                    let mut activity = 0.0;
                    for (j, value) in terms {
                        if entries[j].last().is_some_and(|e| e.0 == row) {
                            continue;
                        }
                        entries[j].push((row, value));
                        activity += value * point[j];
                    }
                    bound(&mut rows, activity, sense, slack);
                }
                for (j, value, sense, slack) in singles {
                    entries[j].push((rows.len() as i32, value));
                    bound(&mut rows, value * point[j], sense, slack);
                }
                let costs: Vec<f64> = columns.iter().map(|c| c.0).collect();
                let columns: Vec<&[(i32, f64)]> = entries.iter().map(|e| e.as_slice()).collect();
                lp(&costs, &columns, &rows)
            })
    }

    fn close(a: f64, b: f64) -> bool {
        a == b || (a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-7 * a.abs().max(b.abs()).max(1.0))
    }

    /// Each folded row's dual, moved inside its bound range (halfway to a
    /// finite end, one unit towards an open one), changes the objective
    /// at that rate; and each column's cost, moved inside its range,
    /// leaves `folded`'s plan optimal. The whole LP, solved afresh, judges.
    fn check_ranges_hold(lp: &Lp, folded: &Solved) -> Result<(), TestCaseError> {
        let ranging = folded.ranging.as_ref().unwrap();
        let towards = |from: f64, end: f64, sign: f64| match end.is_finite() {
            true => (from + end) / 2.0,
            false => from + sign,
        };
        let (_, folding) = super::fold(lp);
        for single in &folding.singles {
            let i = single.row;
            let (lower, upper) = (lp.row_lower[i], lp.row_upper[i]);
            let bound = match (lower.is_finite(), upper.is_finite()) {
                (true, false) => lower,
                (false, true) => upper,
                (true, true) if lower == upper => lower,
                _ => continue,
            };
            let (low, high) = (ranging.bound_low[i], ranging.bound_high[i]);
            for target in [towards(bound, high, 1.0), towards(bound, low, -1.0)] {
                if !(low..=high).contains(&target) || target == bound {
                    continue;
                }
                let mut moved = lp.clone();
                if lower.is_finite() {
                    moved.row_lower[i] = target;
                }
                if upper.is_finite() {
                    moved.row_upper[i] = target;
                }
                let expected = folded.objective + folded.row_duals[i] * (target - bound);
                let objective = solve(&moved, false).objective;
                prop_assert!(
                    close(objective, expected),
                    "row {i} moved from {bound} to {target} in [{low}, {high}]: {objective}, not {expected}"
                );
            }
        }
        for (j, &cost) in lp.costs.iter().enumerate() {
            let (low, high) = (ranging.cost_low[j], ranging.cost_high[j]);
            for target in [towards(cost, high, 1.0), towards(cost, low, -1.0)] {
                if target == cost {
                    continue;
                }
                let mut moved = lp.clone();
                moved.costs[j] = target;
                let plan: f64 = moved.costs.iter().zip(&folded.columns).map(|(c, x)| c * x).sum();
                let objective = solve(&moved, false).objective;
                prop_assert!(
                    close(objective, plan),
                    "cost {j} moved from {cost} to {target} in [{low}, {high}]: optimum {objective}, the plan {plan}"
                );
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// On LPs of random numbers (so almost surely one optimal basis),
        /// the folded LP's plan, activities, duals and ranges are the
        /// whole LP's; and each folded row's dual is the objective's rate
        /// of change when its bound moves inside its range.
        #[test]
        fn folded_results_are_the_whole_lps(lp in random_lp(false)) {
            let (whole, folded) = (solve(&lp, false), solve(&lp, true));
            prop_assert!(close(whole.objective, folded.objective));
            let pairs = [
                ("column", &whole.columns, &folded.columns),
                ("activity", &whole.row_activity, &folded.row_activity),
                ("dual", &whole.row_duals, &folded.row_duals),
                ("reduced cost", &whole.column_duals, &folded.column_duals),
            ];
            for (what, a, b) in pairs {
                for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                    prop_assert!(close(*x, *y), "{what} {i}: whole {x}, folded {y}");
                }
            }
            let (w, f) = (whole.ranging.as_ref().unwrap(), folded.ranging.as_ref().unwrap());
            let costs = [("cost low", &w.cost_low, &f.cost_low), ("cost high", &w.cost_high, &f.cost_high)];
            for (what, a, b) in costs {
                for (j, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                    prop_assert!(close(*x, *y), "{what} {j}: whole {x}, folded {y}");
                }
            }
            // Bound ranges of binding rows only: a slack row's zero price
            // holds from its activity outwards (`Outcome::bound_range`).
            for (i, &activity) in whole.row_activity.iter().enumerate() {
                if !close(activity, lp.row_lower[i]) && !close(activity, lp.row_upper[i]) {
                    continue;
                }
                let (low, high) = ((w.bound_low[i], f.bound_low[i]), (w.bound_high[i], f.bound_high[i]));
                prop_assert!(close(low.0, low.1), "bound low {i}: whole {}, folded {}", low.0, low.1);
                prop_assert!(close(high.0, high.1), "bound high {i}: whole {}, folded {}", high.0, high.1);
            }
            check_ranges_hold(&lp, &folded)?;
        }

        /// On LPs with degenerate optima, where more than one basis (and
        /// set of duals) is optimal, the folded LP's may differ from the
        /// whole LP's; what it reports must still hold: the same optimum,
        /// each folded row's dual as the objective's rate of change inside
        /// its bound range, and the plan optimal over each cost range.
        #[test]
        fn folded_results_hold_at_degenerate_optima(lp in random_lp(true)) {
            let folded = solve(&lp, true);
            prop_assert!(close(solve(&lp, false).objective, folded.objective));
            check_ranges_hold(&lp, &folded)?;
        }
    }
}
