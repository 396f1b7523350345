//! The built model in the form HiGHS takes it: costs, bounds and a
//! column-wise matrix, in the model's column and row order.
//!
//! good_lp's expressions are the modelling language; this is what they
//! become. Holding the arrays (rather than handing good_lp's problem to
//! HiGHS) lets one model be solved again without being rebuilt (a retry
//! without presolve), and a sweep point whose matrix equals the base's
//! change only the numbers of a HiGHS instance that already holds it.

use super::rows::RowInfo;
use good_lp::{Expression, IntoAffineExpression, ProblemVariables, Variable};
use highs_sys::HighsInt;
use rustc_hash::FxHashMap;

/// `row_lower <= A x <= row_upper`, `column_lower <= x <= column_upper`,
/// minimise `costs · x`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lp {
    /// Objective coefficient of each column.
    pub costs: Vec<f64>,
    /// Lower bound of each column.
    pub column_lower: Vec<f64>,
    /// Upper bound of each column.
    pub column_upper: Vec<f64>,
    /// Lower bound of each row (`-inf` for a cap).
    pub row_lower: Vec<f64>,
    /// Upper bound of each row (`+inf` for a floor).
    pub row_upper: Vec<f64>,
    /// The constraint matrix and which columns are integer: what must be
    /// equal for two models to share a HiGHS instance.
    pub structure: Structure,
}

/// The constraint matrix, column-wise, and the integer columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Structure {
    /// Where each column's entries start in `indices` and `values`, plus
    /// one past the last.
    pub starts: Vec<HighsInt>,
    /// Row of each non-zero.
    pub indices: Vec<HighsInt>,
    /// Value of each non-zero.
    pub values: Vec<f64>,
    /// Per column, 1 for an integer column and 0 otherwise; empty when no
    /// column is integer.
    pub integrality: Vec<HighsInt>,
}

impl Lp {
    /// Collects the arrays of `variables` (bounds, integrality), the linear
    /// part of `objective` (its constant is not optimised) and the rows
    /// (`lower <= lhs <= upper`, a left-hand side's constant moved to the
    /// bounds). Exact zeros are left out of the matrix.
    pub(super) fn new(
        variables: &ProblemVariables,
        objective: &Expression,
        rows: &[RowInfo],
        lhs: &[Expression],
    ) -> Lp {
        let n = variables.len();
        // good_lp keeps a variable's position to itself: look it up.
        let position: FxHashMap<Variable, usize> = variables
            .iter_variables_with_def()
            .enumerate()
            .map(|(j, (variable, _))| (variable, j))
            .collect();
        let index = |variable: Variable| position[&variable];
        let mut costs = vec![0.0; n];
        for (variable, coefficient) in objective.linear_coefficients() {
            costs[index(variable)] = coefficient;
        }
        let (mut column_lower, mut column_upper) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut integrality = Vec::new();
        for (j, (_, definition)) in variables.iter_variables_with_def().enumerate() {
            column_lower.push(definition.get_min());
            column_upper.push(definition.get_max());
            if definition.is_integer() {
                integrality.resize(n, 0);
                integrality[j] = 1;
            }
        }
        // Column-wise in two passes: count each column's entries, then
        // place every row's entries (so each column's rows come in order).
        let mut starts = vec![0 as HighsInt; n + 1];
        for row in lhs {
            for (variable, _) in row.linear_coefficients().filter(|(_, c)| *c != 0.0) {
                starts[index(variable) + 1] += 1;
            }
        }
        for j in 0..n {
            starts[j + 1] += starts[j];
        }
        let nonzeros = starts[n] as usize;
        let mut next: Vec<HighsInt> = starts[..n].to_vec();
        let (mut indices, mut values) = (vec![0 as HighsInt; nonzeros], vec![0.0; nonzeros]);
        let (mut row_lower, mut row_upper) = (Vec::with_capacity(rows.len()), Vec::with_capacity(rows.len()));
        for (i, (info, row)) in rows.iter().zip(lhs).enumerate() {
            for (variable, coefficient) in row.linear_coefficients().filter(|(_, c)| *c != 0.0) {
                let slot = &mut next[index(variable)];
                indices[*slot as usize] = i as HighsInt;
                values[*slot as usize] = coefficient;
                *slot += 1;
            }
            let constant = row.constant();
            row_lower.push(info.lower - constant);
            row_upper.push(info.upper - constant);
        }
        Lp {
            costs,
            column_lower,
            column_upper,
            row_lower,
            row_upper,
            structure: Structure {
                starts,
                indices,
                values,
                integrality,
            },
        }
    }

    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.costs.len()
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Number of non-zeros in the matrix.
    pub fn nonzeros(&self) -> usize {
        self.structure.values.len()
    }
}
