//! Scenario → model → HiGHS → verified plan: the solve recipe of
//! `models/README.md` (objectives, MIP pricing) and `docs/outputs.md`
//! (what each reported figure means).

use crate::hhi_rounds;
use crate::metrics::{self, Metrics};
use crate::model::{self, ConstraintKind, Family, HhiCut, Layout, ModelSize, RowInfo, Stage};
use crate::plan::Schedule;
use crate::scenario::{ObjectiveKind, Scenario};
use crate::solve::{Basis, MipBound, Ranging, Session, SolveError, SolveOptions, Solved, Status};
use crate::verify::{self, Violation};
use std::time::Instant;

/// What the planner asked of this solve.
#[derive(Debug, Clone, Default)]
pub struct SolveSettings {
    /// Wall-clock limit for all solver stages together, seconds.
    pub time_limit: Option<f64>,
    /// Relative MIP gap (default [`crate::solve::DEFAULT_MIP_GAP`]).
    pub mip_gap: Option<f64>,
    /// A basis to start a least-cost LP from (sweeps start every point from
    /// the base scenario's, the same whatever the order of the points).
    pub warm_start: Option<std::sync::Arc<Basis>>,
    /// Skip HiGHS ranging (no `sensitivity.csv`): sweeps do not report it.
    pub skip_sensitivity: bool,
    /// Skip the value of the stochastic solution (two more solves with
    /// disruptions): sweeps do not report it.
    pub skip_vss: bool,
    /// Solve a least-cost LP in the thread's kept HiGHS instance when it
    /// holds the same matrix, changing only costs and bounds (sweeps: one
    /// instance per worker; every point still starts from `warm_start`).
    pub reuse_instance: bool,
    /// With disruptions: hold the contracted plan at this one and optimise
    /// only the recourse (the value of the stochastic solution).
    pub first_stage: Option<std::sync::Arc<Schedule>>,
}

/// A named constraint with its solved activity and shadow price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConstraintResult<'a> {
    /// Its position among the outcome's rows (ranging is by position).
    pub index: usize,
    /// Identity and bounds.
    pub info: &'a RowInfo,
    /// Left-hand side at the plan.
    pub activity: f64,
    /// Change of the objective per unit increase of the bound.
    pub shadow_price: f64,
}

/// Relative slack under which a constraint counts as binding (docs/outputs.md, "constraints.csv").
pub const BINDING_TOLERANCE: f64 = 1e-9;

pub use crate::hhi_rounds::HHI_TOLERANCE;

/// Cut rounds after which remopt gives up on an HHI cap (a bug, not a
/// planner's problem: supporting cuts converge in a handful).
const MAX_CUT_ROUNDS: usize = 200;

impl ConstraintResult<'_> {
    /// Distance from the activity to the nearer finite bound.
    pub fn slack(&self) -> f64 {
        [self.info.lower, self.info.upper]
            .into_iter()
            .filter(|b| b.is_finite())
            .map(|b| (self.activity - b).abs())
            .fold(f64::INFINITY, f64::min)
    }

    /// Whether the slack is within [`BINDING_TOLERANCE`] of the bound
    /// (relative; absolute below 1). An HHI cap, met by cuts only to
    /// [`HHI_TOLERANCE`] of itself, binds within that.
    pub fn is_binding(&self) -> bool {
        let bound = self.info.bound();
        match self.info.id.kind() {
            ConstraintKind::Hhi => self.slack() <= HHI_TOLERANCE * bound,
            _ => self.slack() <= BINDING_TOLERANCE * bound.abs().max(1.0),
        }
    }
}

/// Where an outcome's shadow prices come from (docs/outputs.md, "constraints.csv").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duals {
    /// The LP itself.
    Lp,
    /// The LP with every yes/no decision fixed at the MIP's value.
    FixedLp,
    /// None: that LP failed; every shadow price is written as 0.
    Unavailable,
}

/// Seconds spent in each phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Timing {
    /// Building the model(s).
    pub build_seconds: f64,
    /// Inside HiGHS.
    pub solve_seconds: f64,
    /// Verifying the plan and computing metrics.
    pub verify_seconds: f64,
}

/// A verified plan with everything the reports need.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Optimal, or stopped by the time limit.
    pub status: Status,
    /// The plan of every year (one without a horizon).
    pub schedule: Schedule,
    /// Per-element and total metrics over every year (without a horizon:
    /// of the one year).
    pub metrics: Metrics,
    /// Per-element and total metrics of each year.
    pub year_metrics: Vec<Metrics>,
    /// Costs and risk recomputed from the plan by the verifier.
    pub recomputed: verify::Recomputed,
    /// With disruptions: each scenario's cost and recourse.
    pub stochastic: Option<Stochastic>,
    /// Every named row of the final stage, in row order.
    rows: Vec<RowInfo>,
    /// Left-hand side of each row at the plan.
    row_activity: Vec<f64>,
    /// Shadow price of each row.
    row_duals: Vec<f64>,
    /// Reduced cost of each offer's column (money per tonne), per year:
    /// `offer_reduced_costs[t][o]`.
    pub offer_reduced_costs: Vec<Vec<f64>>,
    /// Each offer's column in the final model, per year (for ranging).
    pub offer_columns: Vec<Vec<usize>>,
    /// HiGHS ranging of the final LP (`None` for a MIP).
    pub ranging: Option<Ranging>,
    /// The final LP's optimal basis (`None` for a MIP).
    pub basis: Option<Basis>,
    /// The optimised value: cost plus penalties, or the stage-one risk sum.
    pub objective: f64,
    /// Size of the model solved (the MIP's, for a MIP).
    pub size: ModelSize,
    /// The MIP's gap and dual bound; `None` for an LP.
    pub mip: Option<MipBound>,
    /// Where the shadow prices come from.
    pub duals: Duals,
    /// Phase timings.
    pub timing: Timing,
    /// Simplex iterations over all stages.
    pub iterations: i64,
    /// Rounds of HHI cuts (re-solves after adding cuts), over all stages.
    pub hhi_cut_rounds: usize,
    /// The HHI caps' tangent cuts of the final model.
    pub hhi_cuts: Vec<HhiCut>,
}

/// Why no verified plan came out.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// No plan meets every hard constraint: see [`crate::diagnose`].
    #[error("infeasible: no plan meets every hard constraint")]
    Infeasible,
    /// The time limit came before any feasible plan.
    #[error("{0}")]
    TimeLimitWithoutPlan(SolveError),
    /// HiGHS failed in a way remopt did not expect.
    #[error("{0}")]
    Solver(SolveError),
    /// The plan broke the scenario: a bug in remopt.
    #[error("{0}")]
    Verification(Violation),
}

impl Outcome {
    /// The plan of the first year: a one-year scenario's only plan.
    pub fn plan(&self) -> &crate::plan::Plan {
        &self.schedule.years[0]
    }

    /// The bound range over which row `row`'s shadow price holds: HiGHS's
    /// ranging for a binding row; for a slack one, its zero price holds as
    /// long as the bound stays beyond the activity.
    pub fn bound_range(&self, c: &ConstraintResult) -> Option<(f64, f64)> {
        let r = self.ranging.as_ref()?;
        if c.is_binding() {
            Some((*r.bound_low.get(c.index)?, *r.bound_high.get(c.index)?))
        } else if c.info.upper.is_finite() {
            Some((c.activity, f64::INFINITY))
        } else {
            Some((f64::NEG_INFINITY, c.activity))
        }
    }

    /// How many rows the final stage has (its cuts included).
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// Every named row of the final stage with its activity and shadow
    /// price, as `constraints.csv` lists them: an HHI cap is one row
    /// `hhi[e]`, not its cuts nor the rows that define its countries'
    /// tonnes.
    pub fn constraints(&self) -> impl Iterator<Item = ConstraintResult<'_>> {
        self.rows
            .iter()
            .zip(self.row_activity.iter().zip(&self.row_duals))
            .enumerate()
            .filter(|(_, (info, _))| {
                !matches!(info.id.family, Family::HhiCut { .. } | Family::HhiTonnes { .. })
            })
            .map(|(index, (info, (&activity, &shadow_price)))| ConstraintResult {
                index,
                info,
                activity,
                shadow_price,
            })
    }
}

/// Builds, solves and verifies the plan of `scenario`.
///
/// For a MIP, the plan and its shadow prices come from the LP with every
/// yes/no decision fixed at the MIP's value (docs/outputs.md, "constraints.csv"); the status and gap
/// are the MIP's.
pub fn optimise(scenario: &Scenario, settings: &SolveSettings) -> Result<Outcome, Failure> {
    optimise_with(scenario, settings, |_| ()).map(|(outcome, ())| outcome)
}

/// [`optimise`], running `beside` on the plan on another core while HiGHS
/// ranges it: what needs no ranging (nor the value of the stochastic
/// solution) is rendered meanwhile.
pub fn optimise_with<T: Send>(
    scenario: &Scenario,
    settings: &SolveSettings,
    beside: impl FnOnce(&Outcome) -> T + Send,
) -> Result<(Outcome, T), Failure> {
    let goal = match scenario.policy.objective {
        ObjectiveKind::Cost => Goal::Cost,
        ObjectiveKind::Risk => Goal::LeastRisk,
    };
    let (mut outcome, result) = optimise_for_with(scenario, settings, goal, beside)?;
    if settings.first_stage.is_none() && !settings.skip_vss {
        if let Some(stochastic) = outcome.stochastic.as_mut() {
            stochastic.ignoring = Some(Box::new(ignoring_disruptions(scenario, settings)?));
        }
    }
    Ok((outcome, result))
}

/// The plan made as if no disruption could happen (the base scenario
/// alone), its contracted quantities held, its recourse optimised in every
/// scenario: what the value of the stochastic solution is measured against.
fn ignoring_disruptions(scenario: &Scenario, settings: &SolveSettings) -> Result<Ignoring, Failure> {
    let mut calm = scenario.clone();
    calm.disruptions = None;
    let quiet = SolveSettings {
        skip_sensitivity: true,
        warm_start: None,
        first_stage: None,
        ..settings.clone()
    };
    let plan = optimise_for(&calm, &quiet, Goal::Cost)?;
    let held = SolveSettings {
        first_stage: Some(std::sync::Arc::new(plan.schedule)),
        ..quiet
    };
    let priced = optimise_for(scenario, &held, Goal::Cost)?;
    let stochastic = priced.stochastic.expect("a plan facing disruptions");
    Ok(Ignoring {
        objective: priced.objective,
        base_cost: stochastic.costs[0],
        expected_cost: stochastic.expected_cost,
        cvar: stochastic.cvar,
    })
}

/// What a solve minimises, whatever the scenario's own objective says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// Cost plus penalties.
    Cost,
    /// The lexicographic risk objective of models/README.md, "Objectives".
    LeastRisk,
    /// Cost plus penalties with the sum of mean risks held below a level
    /// (a point of the frontier, models/README.md, "The cost-versus-risk frontier").
    CostAtRisk(f64),
}

/// Like [`optimise`], for an explicit goal: solve the goal's stages, price
/// a MIP's plan with its decisions fixed, verify, and gather the outcome.
pub fn optimise_for(scenario: &Scenario, settings: &SolveSettings, goal: Goal) -> Result<Outcome, Failure> {
    optimise_for_with(scenario, settings, goal, |_| ()).map(|(outcome, ())| outcome)
}

/// [`optimise_for`], with `beside` run as in [`optimise_with`].
fn optimise_for_with<T: Send>(
    scenario: &Scenario,
    settings: &SolveSettings,
    goal: Goal,
    beside: impl FnOnce(&Outcome) -> T + Send,
) -> Result<(Outcome, T), Failure> {
    let mut stages = Stages {
        scenario,
        settings,
        started: Instant::now(),
        timing: Timing::default(),
        iterations: 0,
        cuts: hhi_rounds::initial_cuts(scenario),
        cut_rounds: 0,
        last_session: None,
    };
    let (layout, solved, risk_star) = stages.solve_goal(goal)?;
    let priced = stages.price(layout, solved)?;
    let objective = risk_star.unwrap_or(priced.solved.objective);

    let verify_start = Instant::now();
    let schedule = priced.layout.schedule(&priced.solved.columns);
    let recomputed = verify_plan(scenario, &schedule, priced.layout.stage, priced.solved.objective)?;
    let stochastic = match (&scenario.disruptions, priced.layout.stage) {
        (Some(disruptions), Stage::Cost) => {
            let recourse = priced
                .layout
                .recourse(&priced.solved.columns, &schedule, disruptions.list.len());
            let result =
                Stochastic::verified(scenario, &schedule, &recourse, recomputed.discounted_objective)?;
            verify::check_objective(
                "objective (expected cost and CVaR)",
                priced.solved.objective,
                result.objective(disruptions),
            )
            .map_err(Failure::Verification)?;
            Some(Stochastic { recourse, ..result })
        }
        _ => None,
    };
    let years: Vec<_> = scenario.slices().iter().zip(&schedule.years).collect();
    let mut year_metrics: Vec<Metrics> = years.iter().map(|&(s, p)| metrics::compute(s, p)).collect();
    let mut metrics = match scenario.horizon {
        None => year_metrics[0].clone(),
        Some(_) => metrics::compute_over(&years),
    };
    // A year's total cost includes the holding of its closing stock.
    let holding = metrics::holding_costs(scenario, &schedule);
    for (year, cost) in year_metrics.iter_mut().zip(&holding) {
        year.total.cost += cost;
    }
    metrics.total.cost += holding.iter().sum::<f64>();
    stages.timing.verify_seconds = verify_start.elapsed().as_secs_f64();
    let solution = Solution {
        schedule,
        metrics,
        year_metrics,
        recomputed,
        stochastic,
    };
    let session = stages.last_session.take();
    let mut outcome = priced.into_outcome(scenario, solution, objective, stages);
    // The ranging of an LP's optimum only (a MIP's plan has none).
    let ranged = (!settings.skip_sensitivity && outcome.mip.is_none() && outcome.status == Status::Optimal)
        .then_some(session)
        .flatten();
    match ranged {
        Some(session) if outcome.size.rows >= RANGING_BESIDE_ROWS => {
            return Ok(range_beside(outcome, session, beside));
        }
        Some(mut session) => {
            let start = Instant::now();
            outcome.ranging = session.range();
            // Ranging is HiGHS's work too: it counts as solver time.
            outcome.timing.solve_seconds += start.elapsed().as_secs_f64();
        }
        None => {}
    }
    let result = beside(&outcome);
    Ok((outcome, result))
}

/// The session's ranging, put in `outcome`, with `beside` run on rayon's
/// pool meanwhile: HiGHS stays on this thread (an instance may not move
/// between threads).
fn range_beside<T: Send>(
    mut outcome: Outcome,
    mut session: Session,
    beside: impl FnOnce(&Outcome) -> T + Send,
) -> (Outcome, T) {
    let start = Instant::now();
    let mut result = None;
    let ranging = rayon::in_place_scope(|scope| {
        let outcome = &outcome;
        scope.spawn(|_| result = Some(beside(outcome)));
        session.range()
    });
    outcome.timing.solve_seconds += start.elapsed().as_secs_f64();
    outcome.ranging = ranging;
    (outcome, result.expect("the scope waits for beside"))
}

/// Below this many rows HiGHS ranges an LP faster than another core takes
/// up `beside` (handing it over costs about 50 µs): both run in turn.
const RANGING_BESIDE_ROWS: usize = 10_000;

/// Runs model stages, keeping the time and iterations they take and the
/// HHI cuts they find.
struct Stages<'a> {
    scenario: &'a Scenario,
    settings: &'a SolveSettings,
    started: Instant,
    timing: Timing,
    iterations: i64,
    cuts: Vec<HhiCut>,
    cut_rounds: usize,
    /// The HiGHS session of the last stage solved, kept for its ranging.
    last_session: Option<Session>,
}

/// The final stage's layout and solution, ready to report.
struct Priced {
    layout: Layout,
    solved: Solved,
    /// The MIP's status, gap and size (the pricing LP's are not reported).
    status: Status,
    mip: Option<MipBound>,
    size: ModelSize,
    duals: Duals,
    /// `fixed_decision` rows: each decision with its value and reduced cost.
    fixed_decisions: Vec<(RowInfo, f64, f64)>,
}

impl Stages<'_> {
    /// Builds and solves one stage; `fixed` holds a MIP's decisions. While
    /// an HHI cap is broken by more than [`HHI_TOLERANCE`], adds tangent
    /// cuts to the solved model and solves it again (an LP from where it
    /// stopped). A MIP's pricing LP keeps the MIP's cuts and adds none: its
    /// plan meets them.
    fn run(&mut self, stage: Stage, fixed: Option<&[f64]>) -> Result<(Layout, Solved), Failure> {
        // The previous stage's instance is done with.
        self.last_session = None;
        let scenario = self.scenario;
        let build_start = Instant::now();
        let first_stage = self.settings.first_stage.as_deref();
        let model::Model { lp, mut layout } =
            model::build_given(scenario, stage, fixed, &self.cuts, first_stage);
        self.timing.build_seconds += build_start.elapsed().as_secs_f64();
        let least_cost = matches!((stage, fixed), (Stage::Cost, None));
        let options = SolveOptions {
            time_limit: self.time_left(fixed),
            mip_gap: self.settings.mip_gap,
            presolve: true,
            // Asked of the last stage's session once its plan is verified.
            ranging: false,
            warm_start: self.settings.warm_start.as_deref().filter(|_| least_cost),
            interior_point: false,
            reuse_instance: self.settings.reuse_instance && least_cost,
            fold_single_rows: true,
        };
        let failure = |e: SolveError| match e {
            SolveError::Infeasible if fixed.is_some() => Failure::Solver(SolveError::Solver(
                "the LP with the yes/no decisions fixed at the MIP's values is infeasible".into(),
            )),
            SolveError::Infeasible => Failure::Infeasible,
            SolveError::TimeLimitWithoutPlan { .. } => Failure::TimeLimitWithoutPlan(e),
            SolveError::Solver(_) => Failure::Solver(e),
        };
        let (mut session, mut solved) =
            Session::start_or_retry(&lp, layout.is_mip(), &options).map_err(failure)?;
        self.count(&solved);
        while fixed.is_none() && solved.status == Status::Optimal {
            let schedule = layout.schedule(&solved.columns);
            let cuts = hhi_rounds::cuts_for(scenario, &schedule, &layout, &solved);
            if cuts.is_empty() {
                break;
            }
            if self.cut_rounds >= MAX_CUT_ROUNDS {
                return Err(Failure::Solver(SolveError::Solver(format!(
                    "the HHI caps still do not hold after {MAX_CUT_ROUNDS} rounds of cuts"
                ))));
            }
            self.cut_rounds += 1;
            let mut numbers = vec![vec![0; scenario.elements.len()]; scenario.slices().len()];
            for cut in &self.cuts {
                numbers[cut.year][cut.element] += 1;
            }
            let mut rows = Vec::with_capacity(cuts.len());
            for cut in cuts {
                numbers[cut.year][cut.element] += 1;
                let number = numbers[cut.year][cut.element];
                let (columns, values, lower) = layout.push_hhi_cut(scenario, &cut, number);
                rows.push((columns, values, lower, f64::INFINITY));
                self.cuts.push(cut);
            }
            session.add_rows(&rows).map_err(Failure::Solver)?;
            session
                .set_time_limit(self.time_left(fixed))
                .map_err(Failure::Solver)?;
            solved = match session.solve() {
                // A re-solve from the last basis can end without a status
                // on a cut model at the edge of infeasible: solve the model
                // with every cut so far from scratch instead.
                Err(SolveError::Solver(_)) => {
                    let cuts = &self.cuts;
                    let fresh = model::build_given(scenario, stage, fixed, cuts, first_stage);
                    let options = SolveOptions {
                        time_limit: self.time_left(fixed),
                        ..options
                    };
                    let (fresh_session, fresh_solved) =
                        Session::start_or_retry(&fresh.lp, layout.is_mip(), &options).map_err(failure)?;
                    (session, layout) = (fresh_session, fresh.layout);
                    fresh_solved
                }
                other => other.map_err(failure)?,
            };
            self.count(&solved);
        }
        // Stopped by the time limit with a plan that breaks an HHI cap: no
        // plan that meets every cap was found in time.
        if fixed.is_none() && solved.status == Status::TimeLimit {
            let schedule = layout.schedule(&solved.columns);
            if !hhi_rounds::cuts_for(scenario, &schedule, &layout, &solved).is_empty() {
                let seconds = self.started.elapsed().as_secs_f64();
                return Err(Failure::TimeLimitWithoutPlan(SolveError::TimeLimitWithoutPlan {
                    seconds,
                }));
            }
        }
        let counted = solved.seconds;
        let solved = session.finish(solved);
        self.timing.solve_seconds += solved.seconds - counted;
        self.last_session = Some(session);
        Ok((layout, solved))
    }

    /// What is left of the time limit; none for a MIP's pricing LP, which
    /// always runs to the end (the limit is for the search).
    fn time_left(&self, fixed: Option<&[f64]>) -> Option<f64> {
        match fixed {
            Some(_) => None,
            None => self
                .settings
                .time_limit
                .map(|limit| (limit - self.started.elapsed().as_secs_f64()).max(0.0)),
        }
    }

    fn count(&mut self, solved: &Solved) {
        self.timing.solve_seconds += solved.seconds;
        self.iterations += solved.iterations;
    }

    /// The stages of `goal`; for the risk objective also its first-stage
    /// optimum `r*`.
    fn solve_goal(&mut self, goal: Goal) -> Result<(Layout, Solved, Option<f64>), Failure> {
        let stage = match goal {
            Goal::Cost => Stage::Cost,
            Goal::CostAtRisk(risk_bound) => Stage::CostWithinRisk { risk_bound },
            Goal::LeastRisk => {
                let (first_layout, first) = self.run(Stage::Risk, None)?;
                if first.status == Status::TimeLimit {
                    return Ok((first_layout, first, None));
                }
                let risk_star = first.objective;
                let risk_bound = risk_star * (1.0 + 1e-6) + 1e-9;
                let (layout, solved) = self.run(Stage::CostWithinRisk { risk_bound }, None)?;
                return Ok((layout, solved, Some(risk_star)));
            }
        };
        let (layout, solved) = self.run(stage, None)?;
        Ok((layout, solved, None))
    }

    /// A MIP's duals come from the LP with its decisions fixed. Should that
    /// LP fail (the MIP's plan sits within HiGHS's tolerances of a bound),
    /// the MIP's own plan is kept, without shadow prices.
    fn price(&mut self, layout: Layout, mut solved: Solved) -> Result<Priced, Failure> {
        let (status, mip, size) = (solved.status, solved.mip, layout.size);
        if !layout.is_mip() {
            return Ok(Priced {
                layout,
                solved,
                status,
                mip,
                size,
                duals: Duals::Lp,
                fixed_decisions: Vec::new(),
            });
        }
        let decisions = layout.decision_values(&solved.columns);
        match self.run(layout.stage, Some(&decisions)) {
            Ok((fixed_layout, fixed_solved)) => {
                let fixed_decisions = fixed_layout
                    .decisions
                    .iter()
                    .zip(&decisions)
                    .map(|(&c, &value)| {
                        let column = fixed_layout.columns[c];
                        let info = RowInfo {
                            id: model::RowId {
                                family: Family::FixedDecision {
                                    column: column.column,
                                },
                                year: column.year,
                                scenario: None,
                            },
                            lower: value,
                            upper: value,
                            relax: model::Relax::Never,
                        };
                        (info, value, fixed_solved.column_duals[c])
                    })
                    .collect();
                Ok(Priced {
                    layout: fixed_layout,
                    solved: fixed_solved,
                    status,
                    mip,
                    size,
                    duals: Duals::FixedLp,
                    fixed_decisions,
                })
            }
            Err(Failure::Solver(_)) => {
                solved.row_duals.iter_mut().for_each(|d| *d = 0.0);
                solved.column_duals.iter_mut().for_each(|d| *d = 0.0);
                Ok(Priced {
                    layout,
                    solved,
                    status,
                    mip,
                    size,
                    duals: Duals::Unavailable,
                    fixed_decisions: Vec::new(),
                })
            }
            Err(other) => Err(other),
        }
    }
}

/// The plan read back, with what is computed from it.
struct Solution {
    schedule: Schedule,
    metrics: Metrics,
    year_metrics: Vec<Metrics>,
    recomputed: verify::Recomputed,
    stochastic: Option<Stochastic>,
}

/// A plan facing disruptions: each scenario's cost and recourse, and the
/// figures of risk computed from them.
#[derive(Debug, Clone)]
pub struct Stochastic {
    /// `C_w` per scenario, the base first (discounted, recomputed from
    /// the plan).
    pub costs: Vec<f64>,
    /// `sum_w P_w C_w`.
    pub expected_cost: f64,
    /// `CVaR_alpha` of the scenario costs.
    pub cvar: f64,
    /// Each disruption's second stage (`recourse[w - 1]`).
    pub recourse: Vec<crate::plan::ScenarioPlan>,
    /// The plan that ignores disruptions, priced against them (`None`
    /// while that plan itself is being priced).
    pub ignoring: Option<Box<Ignoring>>,
}

/// The plan made as if no disruption could happen, with its recourse.
#[derive(Debug, Clone)]
pub struct Ignoring {
    /// Its objective: `(1 - lambda) E[C] + lambda CVaR`.
    pub objective: f64,
    /// Its base scenario's cost (a calm year, or years).
    pub base_cost: f64,
    /// Its expected cost.
    pub expected_cost: f64,
    /// Its CVaR.
    pub cvar: f64,
}

impl Stochastic {
    /// The scenario costs of `recourse`, checked independently of the
    /// model; `base_cost` is the base scenario's.
    fn verified(
        scenario: &Scenario,
        schedule: &Schedule,
        recourse: &[crate::plan::ScenarioPlan],
        base_cost: f64,
    ) -> Result<Stochastic, Failure> {
        let disruptions = scenario.disruptions.as_ref().expect("a plan facing disruptions");
        let mut costs = vec![base_cost];
        costs.extend(verify::verify_recourse(scenario, schedule, recourse).map_err(Failure::Verification)?);
        let outcomes: Vec<(f64, f64)> = costs
            .iter()
            .enumerate()
            .map(|(w, &cost)| (disruptions.probability(w), cost))
            .collect();
        Ok(Stochastic {
            expected_cost: outcomes.iter().map(|(p, c)| p * c).sum(),
            cvar: verify::cvar(&outcomes, disruptions.cvar_alpha),
            costs,
            recourse: Vec::new(),
            ignoring: None,
        })
    }

    /// `(1 - lambda) E[C] + lambda CVaR`.
    pub fn objective(&self, disruptions: &crate::scenario::Disruptions) -> f64 {
        let lambda = disruptions.risk_aversion;
        (1.0 - lambda) * self.expected_cost + lambda * self.cvar
    }

    /// The value of the stochastic solution: what ignoring the
    /// disruptions costs, in the objective's terms.
    pub fn vss(&self, objective: f64) -> Option<f64> {
        self.ignoring.as_ref().map(|i| i.objective - objective)
    }
}

/// Checks the plan against the scenario (independently of the model) and
/// the solver's objective against the one recomputed from the plan.
fn verify_plan(
    scenario: &Scenario,
    schedule: &Schedule,
    stage: Stage,
    solver_objective: f64,
) -> Result<verify::Recomputed, Failure> {
    let recomputed = verify::verify_schedule(scenario, schedule).map_err(Failure::Verification)?;
    match stage {
        // The objective of a plan facing disruptions is checked with its
        // recourse (see `stochastic`).
        Stage::Cost if scenario.disruptions.is_some() => Ok(()),
        Stage::Risk => {
            let risk_sum = recomputed.risk_sum.unwrap_or(f64::NAN);
            verify::check_objective("objective (risk sum)", solver_objective, risk_sum)
        }
        // optimise() solves no diagnosis stage.
        _ => verify::check_objective(
            "objective (cost plus penalties)",
            solver_objective,
            recomputed.discounted_objective,
        ),
    }
    .map_err(Failure::Verification)?;
    if let (Stage::CostWithinRisk { risk_bound }, Some(risk_sum)) = (stage, recomputed.risk_sum) {
        if risk_sum - risk_bound > verify::TOLERANCE * risk_bound.max(1.0) {
            return Err(Failure::Verification(Violation {
                constraint: "risk_level".into(),
                detail: format!("risk sum {risk_sum} > first-stage optimum bound {risk_bound}"),
            }));
        }
    }
    Ok(recomputed)
}

impl Priced {
    fn into_outcome(
        self,
        scenario: &Scenario,
        solution: Solution,
        objective: f64,
        stages: Stages,
    ) -> Outcome {
        let solved = self.solved;
        let offer_columns: Vec<Vec<usize>> = (0..scenario.slices().len())
            .map(|t| {
                let year = scenario.year_label(t).map(|y| y as u16);
                (0..scenario.offers.len())
                    .filter_map(|o| {
                        let column = model::Column::Quantity(o);
                        self.layout.column_index(model::ColumnId::new(column, year))
                    })
                    .collect()
            })
            .collect();
        let offer_reduced_costs = offer_columns
            .iter()
            .map(|columns| columns.iter().map(|&i| solved.column_duals[i]).collect())
            .collect();
        let (ranging, basis) = match self.mip {
            Some(_) => (None, None),
            None => (solved.ranging, solved.basis),
        };
        let (mut rows, mut row_activity, mut row_duals) =
            (self.layout.rows, solved.row_activity, solved.row_duals);
        hhi_rounds::report_rows(
            scenario,
            &solution.schedule,
            &mut rows,
            &mut row_activity,
            &mut row_duals,
        );
        for (info, value, dual) in self.fixed_decisions {
            rows.push(info);
            row_activity.push(value);
            row_duals.push(dual);
        }
        Outcome {
            status: self.status,
            schedule: solution.schedule,
            metrics: solution.metrics,
            year_metrics: solution.year_metrics,
            recomputed: solution.recomputed,
            stochastic: solution.stochastic,
            rows,
            row_activity,
            row_duals,
            offer_reduced_costs,
            offer_columns,
            ranging,
            basis,
            objective,
            size: self.size,
            mip: self.mip,
            duals: self.duals,
            timing: stages.timing,
            iterations: stages.iterations,
            hhi_cut_rounds: stages.cut_rounds,
            hhi_cuts: stages.cuts,
        }
    }
}
