//! The one place that talks to HiGHS: options, the solve, status and results.

mod folding;

use crate::model::{Lp, Structure};
use folding::Folding;
use std::cell::RefCell;
use std::time::Instant;

/// The optimal basis of an LP (HiGHS's status of every column and row): a
/// starting point for the simplex on an LP of the same shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    columns: Vec<highs_sys::HighsInt>,
    rows: Vec<highs_sys::HighsInt>,
}

/// How HiGHS is run.
#[derive(Debug, Clone, Copy)]
pub struct SolveOptions<'a> {
    /// Wall-clock limit in seconds, when given.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which a plan counts as optimal.
    pub mip_gap: Option<f64>,
    /// Whether HiGHS presolves (on unless a retry turns it off).
    pub presolve: bool,
    /// An LP basis to start the simplex from, used when the shapes match.
    pub warm_start: Option<&'a Basis>,
    /// Whether to ask HiGHS for ranging (sensitivity) after an LP.
    pub ranging: bool,
    /// Solve an LP by interior point rather than dual simplex (the last
    /// retry: a badly scaled LP, such as an HHI cap's cuts near
    /// infeasibility, can leave the simplex without a status).
    pub interior_point: bool,
    /// Keep this thread's HiGHS instance after the solve, and solve in it
    /// when it holds a model of the same matrix (only the costs and bounds
    /// change): a sweep's worker keeps one instance for all its points.
    pub reuse_instance: bool,
    /// Hand HiGHS an LP's rows of one non-zero as column bounds, and read
    /// their activities, duals and ranges back from the columns' (see
    /// [`folding`]); off, HiGHS gets every row as a row. A MIP is always
    /// handed over whole.
    pub fold_single_rows: bool,
}

impl Default for SolveOptions<'_> {
    fn default() -> Self {
        SolveOptions {
            time_limit: None,
            mip_gap: None,
            presolve: true,
            warm_start: None,
            ranging: true,
            interior_point: false,
            reuse_instance: false,
            fold_single_rows: true,
        }
    }
}

/// The relative MIP gap remopt asks for unless told otherwise: tight enough
/// that the reported optimum agrees with any exact solver to 1e-6.
pub const DEFAULT_MIP_GAP: f64 = 1e-6;

/// What a MIP solve proved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MipBound {
    /// Relative gap between the plan and the best bound.
    pub gap: f64,
    /// The best bound on the optimum.
    pub dual_bound: f64,
}

/// How a solve that produced a plan ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Proven optimal.
    Optimal,
    /// Stopped by the time limit with a feasible, unproven plan.
    TimeLimit,
}

impl Status {
    /// The word used in `run.json` and the terminal.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::TimeLimit => "time_limit",
        }
    }
}

/// A solve that produced a plan.
#[derive(Debug, Clone)]
pub struct Solved {
    /// Optimal or stopped early.
    pub status: Status,
    /// Objective value reported by HiGHS.
    pub objective: f64,
    /// Value of each column, in column order.
    pub columns: Vec<f64>,
    /// Activity (left-hand side) of each row, in row order.
    pub row_activity: Vec<f64>,
    /// Dual of each row: change of the objective per unit increase of its bound.
    pub row_duals: Vec<f64>,
    /// Reduced cost of each column.
    pub column_duals: Vec<f64>,
    /// Gap and bound, for a MIP.
    pub mip: Option<MipBound>,
    /// Cost and bound ranges, for an LP solved to optimality.
    pub ranging: Option<Ranging>,
    /// The optimal basis, for an LP solved to optimality.
    pub basis: Option<Basis>,
    /// Simplex iterations.
    pub iterations: i64,
    /// Wall-clock seconds inside HiGHS.
    pub seconds: f64,
}

/// How far each cost and bound can move before the optimal basis changes
/// (HiGHS ranging; LP only). Infinite ends are `±inf`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranging {
    /// Per column: lowest objective coefficient keeping the basis optimal.
    pub cost_low: Vec<f64>,
    /// Per column: highest objective coefficient keeping the basis optimal.
    pub cost_high: Vec<f64>,
    /// Per row: lowest bound over which its dual stays valid.
    pub bound_low: Vec<f64>,
    /// Per row: highest bound over which its dual stays valid.
    pub bound_high: Vec<f64>,
    /// Per column: lowest value its bound can take before the basis
    /// changes (for a column at a bound).
    pub column_bound_low: Vec<f64>,
    /// Per column: highest value its bound can take before the basis
    /// changes (for a column at a bound).
    pub column_bound_high: Vec<f64>,
}

/// A solve that produced no plan.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// No plan meets every hard constraint.
    #[error("infeasible: no plan meets every hard constraint")]
    Infeasible,
    /// The time limit came before any feasible plan.
    #[error("stopped by the time limit after {seconds:.3} s before any feasible plan was found")]
    TimeLimitWithoutPlan {
        /// Seconds spent.
        seconds: f64,
    },
    /// HiGHS failed or answered something remopt's models cannot produce.
    #[error("HiGHS: {0}")]
    Solver(String),
}

/// Solves `lp`; when HiGHS itself fails (its presolve, on some models),
/// solves it once more without presolve, and an LP a last time by
/// interior point.
pub fn solve_or_retry(lp: &Lp, is_mip: bool, options: &SolveOptions) -> Result<Solved, SolveError> {
    let (mut session, solved) = Session::start_or_retry(lp, is_mip, options)?;
    Ok(session.finish(solved))
}

/// Solves `lp` with HiGHS, kept silent and on one thread. `is_mip` says
/// whether it has integer columns (HiGHS reports a gap only then).
pub fn solve(lp: &Lp, is_mip: bool, options: &SolveOptions) -> Result<Solved, SolveError> {
    let mut session = Session::new(lp, is_mip, options)?;
    let solved = session.solve()?;
    Ok(session.finish(solved))
}

/// A HiGHS instance a thread keeps between solves, with the matrix it holds.
struct Resident {
    model: highs::Model,
    structure: Structure,
}

thread_local! {
    /// This thread's kept instance ([`SolveOptions::reuse_instance`]).
    /// Thread-local because a HiGHS instance may not move between threads.
    static RESIDENT: RefCell<Option<Resident>> = const { RefCell::new(None) };
    /// How many solves on this thread reused its kept instance.
    static REUSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many solves on the calling thread ran in its kept instance (rather
/// than a new one): what tests and benchmarks check the reuse by.
pub fn reuses_on_this_thread() -> usize {
    REUSES.with(|count| count.get())
}

/// One HiGHS instance kept between solves, so that rows can be added to a
/// solved model and the model solved again from where it stopped (the HHI
/// caps' cut rounds).
pub struct Session {
    /// The instance, before a solve or after rows were added.
    model: Option<highs::Model>,
    /// The instance after its last solve.
    solved: Option<highs::SolvedModel>,
    is_mip: bool,
    ranging: bool,
    /// The matrix the instance holds, when it goes back to the thread's
    /// [`RESIDENT`] once the session ends.
    keep: Option<Structure>,
    /// With [`SolveOptions::fold_single_rows`]: how HiGHS's LP was folded
    /// from the model's.
    folding: Option<Folding>,
}

impl Session {
    /// Loads `lp` (into the thread's kept instance when asked and it holds
    /// the same matrix) and sets HiGHS's options: silent, one thread, the
    /// time limit and MIP gap, and the warm start when the shapes match.
    pub fn new(lp: &Lp, is_mip: bool, options: &SolveOptions) -> Result<Session, SolveError> {
        let reuse = options.reuse_instance && !is_mip;
        let (folding, lp) = match options.fold_single_rows && !is_mip {
            true => {
                let (folded, folding) = folding::fold(lp);
                (Some(folding), std::borrow::Cow::Owned(folded))
            }
            false => (None, std::borrow::Cow::Borrowed(lp)),
        };
        let lp = lp.as_ref();
        let resident = reuse.then(|| take_resident(&lp.structure)).flatten();
        let mut highs_model = match resident {
            Some(mut model) => {
                change_numbers(&mut model, lp)?;
                model
            }
            None => load(lp)?,
        };
        let debug = std::env::var_os("REMOPT_DEBUG_HIGHS").is_some();
        set(&mut highs_model, "output_flag", debug)?;
        set(&mut highs_model, "log_to_console", debug)?;
        // One thread: deterministic, and no pool oversubscribing the machine.
        set(&mut highs_model, "threads", 1)?;
        // Always set: a HiGHS instance created on a thread after a
        // time-limited solve inherited that limit when left at its default
        // (measured with HiGHS 1.16: the pricing LP of a time-limited MIP
        // stopped at once).
        set(
            &mut highs_model,
            "time_limit",
            options.time_limit.unwrap_or(f64::INFINITY),
        )?;
        // Both set either way: a kept instance remembers the last solve's.
        set(
            &mut highs_model,
            "presolve",
            if options.presolve { "choose" } else { "off" },
        )?;
        set(
            &mut highs_model,
            "solver",
            if options.interior_point { "ipm" } else { "choose" },
        )?;
        if is_mip {
            set(
                &mut highs_model,
                "mip_rel_gap",
                options.mip_gap.unwrap_or(DEFAULT_MIP_GAP),
            )?;
        }
        let mut session = Session {
            model: Some(highs_model),
            solved: None,
            is_mip,
            ranging: options.ranging,
            keep: reuse.then(|| lp.structure.clone()),
            folding,
        };
        if let (Some(basis), false) = (options.warm_start, is_mip) {
            session.set_basis(basis);
        }
        Ok(session)
    }

    /// [`Session::new`] and a first solve; when HiGHS itself fails (its
    /// presolve, on some models), starts again without presolve, and an
    /// LP a last time by interior point.
    pub fn start_or_retry(
        lp: &Lp,
        is_mip: bool,
        options: &SolveOptions,
    ) -> Result<(Session, Solved), SolveError> {
        let attempt = |options: &SolveOptions| {
            Session::new(lp, is_mip, options).and_then(|mut session| {
                let solved = session.solve()?;
                Ok((session, solved))
            })
        };
        let without_presolve = SolveOptions {
            presolve: false,
            ..*options
        };
        match attempt(options) {
            Err(SolveError::Solver(_)) if options.presolve => match attempt(&without_presolve) {
                Err(SolveError::Solver(_)) if !is_mip => attempt(&SolveOptions {
                    interior_point: true,
                    ..without_presolve
                }),
                result => result,
            },
            result => result,
        }
    }

    /// Solves the model as it stands (from the last solve's basis, for an
    /// LP with added rows). Ranging and the basis are read by
    /// [`Session::finish`], once no more rows will come.
    pub fn solve(&mut self) -> Result<Solved, SolveError> {
        use highs::{HighsModelStatus as S, HighsSolutionStatus};
        let model = self.take_model();
        let start = Instant::now();
        let solved = model
            .try_solve()
            .map_err(|e| SolveError::Solver(format!("the solve failed: {e:?}")))?;
        let seconds = start.elapsed().as_secs_f64();
        // Kept even when the solve ends in an error: the instance can be
        // reused by the next point.
        let solved = self.solved.insert(solved);
        let status = match solved.status() {
            S::Optimal => Status::Optimal,
            // Every remopt LP has a cost bounded below by 0, so "unbounded or
            // infeasible" can only mean infeasible.
            S::Infeasible | S::UnboundedOrInfeasible => return Err(SolveError::Infeasible),
            S::ReachedTimeLimit | S::ReachedIterationLimit | S::ReachedInterrupt => {
                if solved.primal_solution_status() == HighsSolutionStatus::Feasible {
                    Status::TimeLimit
                } else {
                    return Err(SolveError::TimeLimitWithoutPlan { seconds });
                }
            }
            other => return Err(SolveError::Solver(format!("unexpected model status {other:?}"))),
        };
        let mip = self.is_mip.then(|| MipBound {
            gap: solved.mip_gap(),
            dual_bound: solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NAN),
        });
        let folded_basis = match (&self.folding, status) {
            (Some(_), Status::Optimal) => basis(solved),
            _ => None,
        };
        let solution = solved.get_solution();
        let mut column_duals = solution.dual_columns().to_vec();
        let (row_activity, row_duals) = match &mut self.folding {
            Some(folding) => folding.unfold_solution(
                solution.columns(),
                solution.rows(),
                solution.dual_rows(),
                &mut column_duals,
                folded_basis.as_ref(),
            ),
            None => (solution.rows().to_vec(), solution.dual_rows().to_vec()),
        };
        let result = Solved {
            status,
            objective: solved.objective_value(),
            columns: solution.columns().to_vec(),
            row_activity,
            row_duals,
            column_duals,
            mip,
            ranging: None,
            basis: None,
            iterations: solved.simplex_iteration_count(),
            seconds,
        };
        Ok(result)
    }

    /// Adds rows `lower <= sum_i values[i] x[columns[i]] <= upper`, all in
    /// one call (HiGHS rebuilds its matrix on every call).
    pub fn add_rows(&mut self, rows: &[(Vec<usize>, Vec<f64>, f64, f64)]) -> Result<(), SolveError> {
        let mut lower = Vec::with_capacity(rows.len());
        let mut upper = Vec::with_capacity(rows.len());
        let mut starts = Vec::with_capacity(rows.len());
        let (mut indices, mut values) = (Vec::new(), Vec::new());
        for (columns, coefficients, low, high) in rows {
            lower.push(*low);
            upper.push(*high);
            starts.push(indices.len() as highs_sys::HighsInt);
            indices.extend(columns.iter().map(|&c| c as highs_sys::HighsInt));
            values.extend_from_slice(coefficients);
        }
        let mut model = self.take_model();
        // Its matrix is no longer the one kept instances are matched on.
        self.keep = None;
        if let Some(folding) = &mut self.folding {
            folding.add_rows(rows.len());
        }
        // SAFETY: a live instance; `lower`, `upper` and `starts` hold one
        // entry per row, `indices` and `values` one per non-zero, and every
        // index names an existing column.
        let status = unsafe {
            highs_sys::Highs_addRows(
                model.as_mut_ptr(),
                rows.len() as highs_sys::HighsInt,
                lower.as_ptr(),
                upper.as_ptr(),
                indices.len() as highs_sys::HighsInt,
                starts.as_ptr(),
                indices.as_ptr(),
                values.as_ptr(),
            )
        };
        self.model = Some(model);
        check_status(status, "Highs_addRows")
    }

    /// Sets the time limit of the next solve.
    pub fn set_time_limit(&mut self, seconds: Option<f64>) -> Result<(), SolveError> {
        let mut model = self.take_model();
        let result = set(&mut model, "time_limit", seconds.unwrap_or(f64::INFINITY));
        self.model = Some(model);
        result
    }

    /// The last solve, with its ranging (when asked for) and its basis,
    /// for an LP solved to optimality.
    pub fn finish(&mut self, mut solved: Solved) -> Solved {
        if let (false, Status::Optimal) = (self.is_mip, solved.status) {
            // Ranging is HiGHS's work too: it counts as solver time.
            let start = Instant::now();
            if self.ranging {
                solved.ranging = self.range();
            }
            solved.basis = self.solved.as_mut().and_then(basis);
            solved.seconds += start.elapsed().as_secs_f64();
        }
        solved
    }

    /// HiGHS's ranging of the solved LP the session holds (after
    /// [`Session::finish`], for a session started without
    /// [`SolveOptions::ranging`]), with the folded rows' read back; `None`
    /// for a MIP or when HiGHS cannot give it.
    pub fn range(&mut self) -> Option<Ranging> {
        let ranging = match (self.solved.as_mut(), self.is_mip) {
            (Some(model), false) => ranging(model)?,
            _ => return None,
        };
        Some(match &self.folding {
            Some(folding) => folding.unfold_ranging(ranging),
            None => ranging,
        })
    }

    /// Starts the next solve from `basis` (when HiGHS accepts it: a basis
    /// it rejects only costs the warm start).
    fn set_basis(&mut self, basis: &Basis) {
        let mut model = self.take_model();
        let ptr = model.as_mut_ptr();
        // SAFETY: a live instance; the arrays are read only when they hold
        // exactly one status per column and per row.
        unsafe {
            let shape = (
                highs_sys::Highs_getNumCol(ptr) as usize,
                highs_sys::Highs_getNumRow(ptr) as usize,
            );
            if shape == (basis.columns.len(), basis.rows.len()) {
                highs_sys::Highs_setBasis(ptr, basis.columns.as_ptr(), basis.rows.as_ptr());
            }
        }
        self.model = Some(model);
    }

    /// The instance, ready to change or solve.
    fn take_model(&mut self) -> highs::Model {
        match (self.model.take(), self.solved.take()) {
            (Some(model), _) => model,
            (None, Some(solved)) => solved.into(),
            (None, None) => unreachable!("a session always holds its instance"),
        }
    }
}

impl Drop for Session {
    /// Hands a kept instance back to the thread.
    fn drop(&mut self) {
        let Some(structure) = self.keep.take() else { return };
        let model = match (self.model.take(), self.solved.take()) {
            (Some(model), _) => model,
            (None, Some(solved)) => solved.into(),
            (None, None) => return,
        };
        RESIDENT.with(|slot| *slot.borrow_mut() = Some(Resident { model, structure }));
    }
}

/// A fresh HiGHS instance holding `lp`.
fn load(lp: &Lp) -> Result<highs::Model, SolveError> {
    let mut model = highs::Model::try_new(highs::ColProblem::default())
        .map_err(|e| SolveError::Solver(format!("could not create a HiGHS instance: {e:?}")))?;
    let structure = &lp.structure;
    let count = |n: usize| {
        highs_sys::HighsInt::try_from(n).map_err(|_| SolveError::Solver(format!("{n} is too many for HiGHS")))
    };
    let (columns, rows, nonzeros) = (count(lp.columns())?, count(lp.rows())?, count(lp.nonzeros())?);
    // HiGHS reads no integrality from a null pointer: an LP.
    let integrality = match structure.integrality.is_empty() {
        true => std::ptr::null(),
        false => structure.integrality.as_ptr(),
    };
    // SAFETY: a live instance; every array holds one entry per column, per
    // row or per non-zero as its name says (`starts` one more), and
    // `integrality`, when not null, one per column.
    let status = unsafe {
        highs_sys::Highs_passMip(
            model.as_mut_ptr(),
            columns,
            rows,
            nonzeros,
            highs_sys::MATRIX_FORMAT_COLUMN_WISE,
            highs_sys::OBJECTIVE_SENSE_MINIMIZE,
            0.0,
            lp.costs.as_ptr(),
            lp.column_lower.as_ptr(),
            lp.column_upper.as_ptr(),
            lp.row_lower.as_ptr(),
            lp.row_upper.as_ptr(),
            structure.starts.as_ptr(),
            structure.indices.as_ptr(),
            structure.values.as_ptr(),
            integrality,
        )
    };
    check_status(status, "Highs_passMip")?;
    Ok(model)
}

/// The thread's kept instance, when it holds `structure`'s matrix.
fn take_resident(structure: &Structure) -> Option<highs::Model> {
    RESIDENT.with(|slot| {
        let mut slot = slot.borrow_mut();
        match slot.as_ref() {
            Some(resident) if resident.structure == *structure => {
                REUSES.with(|count| count.set(count.get() + 1));
                slot.take().map(|r| r.model)
            }
            _ => None,
        }
    })
}

/// Gives a kept instance `lp`'s costs and bounds (its matrix is already
/// `lp`'s) and forgets its last solve, so that the solve that follows
/// starts as it would in a fresh instance, whatever the instance solved
/// before.
fn change_numbers(model: &mut highs::Model, lp: &Lp) -> Result<(), SolveError> {
    let ptr = model.as_mut_ptr();
    let last_column = lp.columns() as highs_sys::HighsInt - 1;
    let last_row = lp.rows() as highs_sys::HighsInt - 1;
    // SAFETY: a live instance holding a model of `lp`'s shape; the arrays
    // hold one entry per column or per row.
    unsafe {
        check_status(highs_sys::Highs_clearSolver(ptr), "Highs_clearSolver")?;
        if last_column >= 0 {
            check_status(
                highs_sys::Highs_changeColsCostByRange(ptr, 0, last_column, lp.costs.as_ptr()),
                "Highs_changeColsCostByRange",
            )?;
            check_status(
                highs_sys::Highs_changeColsBoundsByRange(
                    ptr,
                    0,
                    last_column,
                    lp.column_lower.as_ptr(),
                    lp.column_upper.as_ptr(),
                ),
                "Highs_changeColsBoundsByRange",
            )?;
        }
        if last_row >= 0 {
            check_status(
                highs_sys::Highs_changeRowsBoundsByRange(
                    ptr,
                    0,
                    last_row,
                    lp.row_lower.as_ptr(),
                    lp.row_upper.as_ptr(),
                ),
                "Highs_changeRowsBoundsByRange",
            )?;
        }
    }
    Ok(())
}

/// The basis of a solved LP; `None` when HiGHS has none.
fn basis(solved: &mut highs::SolvedModel) -> Option<Basis> {
    let ptr = solved.as_mut_ptr();
    // SAFETY: a live, solved instance; the buffers hold one status per
    // column and per row, which is what Highs_getBasis writes.
    unsafe {
        let columns = usize::try_from(highs_sys::Highs_getNumCol(ptr)).ok()?;
        let rows = usize::try_from(highs_sys::Highs_getNumRow(ptr)).ok()?;
        let mut basis = Basis {
            columns: vec![0; columns],
            rows: vec![0; rows],
        };
        let status = highs_sys::Highs_getBasis(ptr, basis.columns.as_mut_ptr(), basis.rows.as_mut_ptr());
        (status != highs_sys::STATUS_ERROR).then_some(basis)
    }
}

/// HiGHS's ranging of a solved LP; `None` when HiGHS cannot give it.
fn ranging(solved: &mut highs::SolvedModel) -> Option<Ranging> {
    // SAFETY: a live, solved instance.
    unsafe { ranging_of(solved.as_mut_ptr()) }
}

/// HiGHS's ranging of the solved instance `ptr`.
///
/// # Safety
/// `ptr` must be a live Highs instance holding an optimal LP solution.
unsafe fn ranging_of(ptr: *mut std::ffi::c_void) -> Option<Ranging> {
    // SAFETY: `ptr` is a live, solved Highs instance (the caller's promise).
    let (columns, rows) = unsafe { (highs_sys::Highs_getNumCol(ptr), highs_sys::Highs_getNumRow(ptr)) };
    let (n, m) = (usize::try_from(columns).ok()?, usize::try_from(rows).ok()?);
    let f = |len: usize| vec![0.0_f64; len];
    let i = |len: usize| vec![0 as highs_sys::HighsInt; len];
    let (mut cu, mut cuo, mut cui, mut cuu) = (f(n), f(n), i(n), i(n));
    let (mut cd, mut cdo, mut cdi, mut cdu) = (f(n), f(n), i(n), i(n));
    let (mut bu, mut buo, mut bui, mut buu) = (f(n), f(n), i(n), i(n));
    let (mut bd, mut bdo, mut bdi, mut bdu) = (f(n), f(n), i(n), i(n));
    let (mut ru, mut ruo, mut rui, mut ruu) = (f(m), f(m), i(m), i(m));
    let (mut rd, mut rdo, mut rdi, mut rdu) = (f(m), f(m), i(m), i(m));
    // SAFETY: every buffer holds exactly as many entries as HiGHS has
    // columns (the first sixteen) or rows (the last eight), which is what
    // Highs_getRanging writes.
    let status = unsafe {
        highs_sys::Highs_getRanging(
            ptr,
            cu.as_mut_ptr(),
            cuo.as_mut_ptr(),
            cui.as_mut_ptr(),
            cuu.as_mut_ptr(),
            cd.as_mut_ptr(),
            cdo.as_mut_ptr(),
            cdi.as_mut_ptr(),
            cdu.as_mut_ptr(),
            bu.as_mut_ptr(),
            buo.as_mut_ptr(),
            bui.as_mut_ptr(),
            buu.as_mut_ptr(),
            bd.as_mut_ptr(),
            bdo.as_mut_ptr(),
            bdi.as_mut_ptr(),
            bdu.as_mut_ptr(),
            ru.as_mut_ptr(),
            ruo.as_mut_ptr(),
            rui.as_mut_ptr(),
            ruu.as_mut_ptr(),
            rd.as_mut_ptr(),
            rdo.as_mut_ptr(),
            rdi.as_mut_ptr(),
            rdu.as_mut_ptr(),
        )
    };
    (status != highs_sys::STATUS_ERROR).then_some(Ranging {
        cost_low: cd,
        cost_high: cu,
        bound_low: rd,
        bound_high: ru,
        column_bound_low: bd,
        column_bound_high: bu,
    })
}

fn set<V: highs::HighsOptionValue>(model: &mut highs::Model, name: &str, value: V) -> Result<(), SolveError> {
    model
        .try_set_option(name, value)
        .map_err(|e| SolveError::Solver(format!("cannot set option {name}: {e:?}")))
}

/// The HiGHS version linked into remopt, e.g. `1.16.0`.
pub fn highs_version() -> String {
    // SAFETY: Highs_version returns a pointer to a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(highs_sys::Highs_version()) }
        .to_string_lossy()
        .into_owned()
}

/// Writes `lp` to `path` in the format its extension names (`.lp` or
/// `.mps`), with the given column and row names.
pub fn write_model(
    lp: &Lp,
    column_names: &[String],
    row_names: &[String],
    path: &std::path::Path,
) -> Result<(), SolveError> {
    use std::ffi::CString;
    let mut model = load(lp)?;
    set(&mut model, "output_flag", false)?;
    let c_string = |text: &str| {
        CString::new(text).map_err(|_| SolveError::Solver(format!("name {text:?} contains a NUL byte")))
    };
    let ptr = model.as_mut_ptr();
    for (i, name) in column_names.iter().enumerate() {
        let name = c_string(name)?;
        // SAFETY: `ptr` is a live Highs instance; `i` is below its column
        // count (one name per column); HiGHS copies the string.
        let status = unsafe { highs_sys::Highs_passColName(ptr, i as highs_sys::HighsInt, name.as_ptr()) };
        check_status(status, "Highs_passColName")?;
    }
    for (i, name) in row_names.iter().enumerate() {
        let name = c_string(name)?;
        // SAFETY: as above, for rows.
        let status = unsafe { highs_sys::Highs_passRowName(ptr, i as highs_sys::HighsInt, name.as_ptr()) };
        check_status(status, "Highs_passRowName")?;
    }
    let file = c_string(&path.to_string_lossy())?;
    // SAFETY: `ptr` is live and `file` a NUL-terminated path.
    let status = unsafe { highs_sys::Highs_writeModel(ptr, file.as_ptr()) };
    check_status(status, "Highs_writeModel")
}

/// Reads a model file with HiGHS and solves it: the optimum of an exported
/// model, to check that the file is the model.
pub fn solve_file(path: &std::path::Path) -> Result<f64, SolveError> {
    use std::ffi::CString;
    let file = CString::new(path.to_string_lossy().as_bytes())
        .map_err(|_| SolveError::Solver("path contains a NUL byte".into()))?;
    // SAFETY: a fresh instance, used only here and destroyed below.
    unsafe {
        let highs = highs_sys::Highs_create();
        let quiet = CString::new("output_flag").expect("static option name");
        highs_sys::Highs_setBoolOptionValue(highs, quiet.as_ptr(), 0);
        let result = check_status(
            highs_sys::Highs_readModel(highs, file.as_ptr()),
            "Highs_readModel",
        )
        .and_then(|()| check_status(highs_sys::Highs_run(highs), "Highs_run"))
        .and_then(|()| match highs_sys::Highs_getModelStatus(highs) {
            highs_sys::MODEL_STATUS_OPTIMAL => Ok(highs_sys::Highs_getObjectiveValue(highs)),
            highs_sys::MODEL_STATUS_INFEASIBLE => Err(SolveError::Infeasible),
            other => Err(SolveError::Solver(format!("model status {other}"))),
        });
        highs_sys::Highs_destroy(highs);
        result
    }
}

/// What [`time_file`] measured: the optimum, and how long HiGHS took to
/// read the file and to solve it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FileTiming {
    /// The optimum.
    pub objective: f64,
    /// Reading (and parsing) the model file.
    pub read: std::time::Duration,
    /// Solving it (and ranging it, when asked).
    pub solve: std::time::Duration,
}

/// HiGHS alone on a model file (a benchmark's reference): reads the file,
/// solves it with output off on one thread, and with `ranging` also
/// ranges it.
pub fn time_file(path: &std::path::Path, ranging: bool) -> Result<FileTiming, SolveError> {
    use std::ffi::CString;
    let file = CString::new(path.to_string_lossy().as_bytes())
        .map_err(|_| SolveError::Solver("path contains a NUL byte".into()))?;
    let quiet = CString::new("output_flag").expect("static option name");
    // SAFETY: a fresh instance, used only here and destroyed below.
    unsafe {
        let highs = highs_sys::Highs_create();
        highs_sys::Highs_setBoolOptionValue(highs, quiet.as_ptr(), 0);
        // One thread, as remopt's own solves: HiGHS's scheduler is set up
        // once per process, and a later solve asking for another count fails.
        let threads = CString::new("threads").expect("static option name");
        highs_sys::Highs_setIntOptionValue(highs, threads.as_ptr(), 1);
        let start = Instant::now();
        let result = check_status(
            highs_sys::Highs_readModel(highs, file.as_ptr()),
            "Highs_readModel",
        )
        .and_then(|()| {
            let read = start.elapsed();
            let start = Instant::now();
            check_status(highs_sys::Highs_run(highs), "Highs_run")?;
            if highs_sys::Highs_getModelStatus(highs) != highs_sys::MODEL_STATUS_OPTIMAL {
                return Err(SolveError::Solver("not optimal".into()));
            }
            if ranging && ranging_of(highs).is_none() {
                return Err(SolveError::Solver("no ranging".into()));
            }
            Ok(FileTiming {
                objective: highs_sys::Highs_getObjectiveValue(highs),
                read,
                solve: start.elapsed(),
            })
        });
        highs_sys::Highs_destroy(highs);
        result
    }
}

fn check_status(status: highs_sys::HighsInt, call: &str) -> Result<(), SolveError> {
    if status == highs_sys::STATUS_ERROR {
        return Err(SolveError::Solver(format!("{call} failed")));
    }
    Ok(())
}
