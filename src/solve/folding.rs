//! Rows of one non-zero handed to HiGHS as column bounds, for the HHI
//! caps' cut rounds, and their results read back as if they had been rows.
//!
//! Many caps are rows of a single non-zero (`offer_capacity`,
//! `supplier_share`): 68,000 of the synthetic 17 x 2,000 model's 70,255.
//! HiGHS's presolve folds them into bounds too, but each cut round solves
//! from the last basis, without presolve, and would carry them all through
//! the simplex. Folded, the rounds see the small LP; each folded row still
//! gets its activity and its shadow price (the column's reduced cost, when
//! the row's bound is the one the column rests on), which is all a round
//! reads. The plan reported comes from the whole LP, solved once more from
//! the folded optimum's basis ([`Folding::full_basis`]): its duals and
//! ranging are HiGHS's own.

use super::Basis;
use crate::model::{Lp, Structure};
use highs_sys::HighsInt;

/// A row folded into its column's bounds: `lower <= coefficient x[column] <= upper`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Single {
    row: usize,
    column: usize,
    coefficient: f64,
}

/// Which bound of a column a folded row set (`None`: the column's own).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sources {
    lower: Option<usize>,
    upper: Option<usize>,
}

/// How an [`Lp`] was folded: which of its rows HiGHS holds, and which
/// became bounds.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Folding {
    /// For each row HiGHS holds, in order, the model's row.
    kept: Vec<usize>,
    /// The folded rows, in row order.
    singles: Vec<Single>,
    /// Per column, the folded rows its bounds come from (indices into
    /// `singles`).
    sources: Vec<Sources>,
    /// The model's row count (rows added later come after).
    rows: usize,
}

/// `lp` with every row of one non-zero folded into its column's bounds,
/// and how to read the results back. A column's bound comes from the
/// tightest of its own and its rows'; on a tie a row wins (its shadow
/// price is the planner's), the first in row order.
pub(super) fn fold(lp: &Lp) -> (Lp, Folding) {
    let structure = &lp.structure;
    let (n, m) = (lp.columns(), lp.rows());
    let mut count = vec![0usize; m];
    for &i in &structure.indices {
        count[i as usize] += 1;
    }
    let mut column_lower = lp.column_lower.clone();
    let mut column_upper = lp.column_upper.clone();
    let mut sources = vec![Sources::default(); n];
    let single: Vec<bool> = count.iter().map(|&c| c == 1).collect();
    let mut singles = Vec::new();
    for j in 0..n {
        for k in structure.starts[j] as usize..structure.starts[j + 1] as usize {
            let row = structure.indices[k] as usize;
            if single[row] {
                singles.push(Single {
                    row,
                    column: j,
                    coefficient: structure.values[k],
                });
            }
        }
    }
    // Rows in row order, so that on a tie the first row keeps the bound.
    singles.sort_by_key(|s| s.row);
    let column_bounds = |single: &Single| {
        let (a, row) = (single.coefficient, single.row);
        match a > 0.0 {
            true => (lp.row_lower[row] / a, lp.row_upper[row] / a),
            false => (lp.row_upper[row] / a, lp.row_lower[row] / a),
        }
    };
    for (s, single) in singles.iter().enumerate() {
        let j = single.column;
        let (low, high) = column_bounds(single);
        let source = &mut sources[j];
        if high < column_upper[j] || (high == column_upper[j] && source.upper.is_none()) {
            column_upper[j] = high;
            source.upper = Some(s);
        }
        if low > column_lower[j] || (low == column_lower[j] && source.lower.is_none()) {
            column_lower[j] = low;
            source.lower = Some(s);
        }
    }
    let kept: Vec<usize> = (0..m).filter(|&i| !single[i]).collect();
    let mut new_index = vec![HighsInt::MAX; m];
    for (k, &i) in kept.iter().enumerate() {
        new_index[i] = k as HighsInt;
    }
    let mut starts = Vec::with_capacity(n + 1);
    let (mut indices, mut values) = (Vec::new(), Vec::new());
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
        column_lower,
        column_upper,
        row_lower: kept.iter().map(|&i| lp.row_lower[i]).collect(),
        row_upper: kept.iter().map(|&i| lp.row_upper[i]).collect(),
        structure: Structure {
            starts,
            indices,
            values,
            integrality: structure.integrality.clone(),
        },
    };
    let folding = Folding {
        kept,
        singles,
        sources,
        rows: m,
    };
    (folded, folding)
}

impl Folding {
    /// Records `count` rows added after the model's (they are kept).
    pub(super) fn add_rows(&mut self, count: usize) {
        self.kept.extend(self.rows..self.rows + count);
        self.rows += count;
    }

    /// The folded row (index into `singles`) whose bound column `j` rests
    /// on, given its reduced cost (`d < 0` at an upper bound, `d > 0` at a
    /// lower one).
    fn resting_on(&self, j: usize, reduced_cost: f64) -> Option<usize> {
        let source = self.sources[j];
        match reduced_cost {
            d if d < 0.0 => source.upper,
            d if d > 0.0 => source.lower,
            _ => None,
        }
    }

    /// Each model row's activity and dual, and each column's reduced cost,
    /// from HiGHS's results on the folded LP: a folded row's activity is
    /// its coefficient times the column's value; the row a column rests on
    /// takes the column's reduced cost (divided by the coefficient), and
    /// the column keeps none.
    pub(super) fn unfold_solution(
        &self,
        columns: &[f64],
        kept_activity: &[f64],
        kept_duals: &[f64],
        column_duals: &mut [f64],
    ) -> (Vec<f64>, Vec<f64>) {
        let mut activity = vec![0.0; self.rows];
        let mut duals = vec![0.0; self.rows];
        for (k, &i) in self.kept.iter().enumerate() {
            activity[i] = kept_activity[k];
            duals[i] = kept_duals[k];
        }
        for single in &self.singles {
            activity[single.row] = single.coefficient * columns[single.column];
        }
        for (j, reduced_cost) in column_duals.iter_mut().enumerate() {
            if let Some(s) = self.resting_on(j, *reduced_cost) {
                let single = self.singles[s];
                duals[single.row] = *reduced_cost / single.coefficient;
                *reduced_cost = 0.0;
            }
        }
        (activity, duals)
    }

    /// The whole LP's basis (with the rows added since) that matches
    /// `folded`, the folded LP's: a column resting at a bound a row set
    /// becomes basic and that row sits at its bound; every other folded
    /// row is basic. As many basic variables as rows either way.
    pub(super) fn full_basis(&self, folded: &Basis) -> Basis {
        const LOWER: HighsInt = highs_sys::kHighsBasisStatusLower;
        const BASIC: HighsInt = highs_sys::kHighsBasisStatusBasic;
        const UPPER: HighsInt = highs_sys::kHighsBasisStatusUpper;
        let mut columns = folded.columns.clone();
        let mut rows = vec![BASIC; self.rows];
        for (k, &i) in self.kept.iter().enumerate() {
            rows[i] = folded.rows[k];
        }
        for (j, status) in columns.iter_mut().enumerate() {
            let source = self.sources[j];
            let (s, at_upper) = match *status {
                UPPER => (source.upper, true),
                LOWER => (source.lower, false),
                _ => (None, false),
            };
            if let Some(s) = s {
                let single = self.singles[s];
                *status = BASIC;
                // A negative coefficient turns the column's upper bound
                // into the row's lower one.
                rows[single.row] = if at_upper == (single.coefficient > 0.0) {
                    UPPER
                } else {
                    LOWER
                };
            }
        }
        Basis { columns, rows }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Session, SolveOptions};
    use crate::model::{Lp, Structure};

    /// Two columns and four rows, three of them of one non-zero:
    /// `x0 + x1 = 10` (demand), `x0 <= 6`, `2 x1 <= 14` and `-x1 >= -8`,
    /// at costs `(c0, c1)`.
    fn lp(costs: [f64; 2]) -> Lp {
        Lp {
            costs: costs.to_vec(),
            column_lower: vec![0.0; 2],
            column_upper: vec![f64::INFINITY; 2],
            row_lower: vec![10.0, f64::NEG_INFINITY, f64::NEG_INFINITY, -8.0],
            row_upper: vec![10.0, 6.0, 14.0, f64::INFINITY],
            structure: Structure {
                starts: vec![0, 2, 5],
                indices: vec![0, 1, 0, 2, 3],
                values: vec![1.0, 1.0, 1.0, 2.0, -1.0],
                integrality: Vec::new(),
            },
        }
    }

    /// Solves `lp` folded, then whole from the folded optimum's basis;
    /// returns both solves and the whole solve's simplex iterations.
    fn folded_then_whole(lp: &Lp) -> (super::super::Solved, super::super::Solved, i64) {
        let options = SolveOptions {
            fold_single_rows: true,
            ..SolveOptions::default()
        };
        let mut session = Session::new(lp, false, &options).unwrap();
        let folded = session.solve().unwrap();
        let folded_iterations = folded.iterations;
        let whole = session.finish(folded.clone());
        // Ranged: the whole LP's solve succeeded (a failure keeps the
        // folded solve, unranged).
        assert!(whole.ranging.is_some(), "the whole LP was not solved");
        let iterations = whole.iterations - folded_iterations;
        (folded, whole, iterations)
    }

    #[test]
    fn only_rows_of_one_non_zero_fold_into_bounds() {
        let (folded, folding) = super::fold(&lp([1.0, 3.0]));
        assert_eq!(folded.rows(), 1);
        assert_eq!(folding.kept, vec![0]);
        // x0 <= 6 from row 1; x1 <= 7 from row 2 (14 / 2), tighter than
        // row 3's 8.
        assert_eq!(folded.column_upper, vec![6.0, 7.0]);
        assert_eq!(folding.sources[0].upper, Some(0));
        assert_eq!(folding.sources[1].upper, Some(1));
    }

    /// Cheap x0 rests on `x0 <= 6`: x = (6, 4), cost 18. Demand's dual
    /// is x1's cost 3; the cap's is 1 - 3 = -2 per tonne; the others are
    /// slack. The folded solve gives the same duals, read off x0's reduced
    /// cost, and its basis is the whole LP's optimum (no pivot).
    #[test]
    fn a_cap_on_one_column_gets_its_reduced_cost_as_its_dual() {
        let (folded, whole, iterations) = folded_then_whole(&lp([1.0, 3.0]));
        for solved in [&folded, &whole] {
            assert_eq!(solved.objective, 18.0);
            assert_eq!(solved.columns, vec![6.0, 4.0]);
            assert_eq!(solved.row_activity, vec![10.0, 6.0, 8.0, -4.0]);
            assert_eq!(solved.row_duals, vec![3.0, -2.0, 0.0, 0.0]);
            assert_eq!(solved.column_duals, vec![0.0, 0.0]);
        }
        assert_eq!(iterations, 0);
    }

    /// Cheap x1 rests on `2 x1 <= 14` (x1 = 7), not on the looser
    /// `-x1 >= -8`: x = (3, 7), cost 3·3 + 7 = 16. The demand's dual is 3;
    /// the cap's is (1 - 3) / 2 = -1 per unit of its left-hand side.
    #[test]
    fn a_scaled_cap_gets_the_reduced_cost_over_its_coefficient() {
        let (folded, whole, iterations) = folded_then_whole(&lp([3.0, 1.0]));
        for solved in [&folded, &whole] {
            assert_eq!(solved.objective, 16.0);
            assert_eq!(solved.columns, vec![3.0, 7.0]);
            assert_eq!(solved.row_activity, vec![10.0, 3.0, 14.0, -7.0]);
            assert_eq!(solved.row_duals, vec![3.0, 0.0, -1.0, 0.0]);
        }
        assert_eq!(iterations, 0);
    }
}
