//! The cost-versus-risk frontier of models/README.md, "The cost-versus-risk frontier", by the epsilon-constraint
//! method: the least-cost plan, the least-risk plan, and in between plans of
//! least cost with the sum of mean risks held at evenly spaced levels.

use crate::pipeline::{optimise_for, Failure, Goal, Outcome, SolveSettings};
use crate::scenario::Scenario;

/// One plan of the frontier.
#[derive(Debug)]
pub struct FrontierPoint {
    /// 0 for the least-cost plan, up to `points - 1` for the least-risk one.
    pub index: usize,
    /// The cap on the sum of mean risks this plan was solved under (the
    /// least-cost plan's own risk for the first point).
    pub level: f64,
    /// The sum of mean risks the plan reaches.
    pub risk_sum: f64,
    /// The solved plan.
    pub outcome: Outcome,
}

/// One plan of the trade-off between expected cost and CVaR.
#[derive(Debug, Clone)]
pub struct AversionPoint {
    /// From 0 (`risk_aversion = 0`) to `points - 1` (`= 1`).
    pub index: usize,
    /// The `policy.risk_aversion` it was solved with.
    pub risk_aversion: f64,
    /// The solved plan.
    pub outcome: Outcome,
}

/// Traces `points` plans facing the scenario's disruptions, with
/// `risk_aversion` evenly spaced from 0 (expected cost) to 1 (CVaR
/// alone). `progress` is told after each plan.
pub fn trace_aversion(
    scenario: &Scenario,
    points: usize,
    settings: &SolveSettings,
    progress: impl Fn(usize) + Sync,
) -> Result<Vec<AversionPoint>, FrontierError> {
    if !(2..=MAX_POINTS).contains(&points) {
        return Err(FrontierError::PointsOutOfRange(points));
    }
    if scenario.disruptions.is_none() {
        return Err(FrontierError::NoDisruptions);
    }
    use rayon::prelude::*;
    let done = std::sync::atomic::AtomicUsize::new(0);
    (0..points)
        .into_par_iter()
        .map(|index| {
            let risk_aversion = index as f64 / (points - 1) as f64;
            let mut point = scenario.clone();
            if let Some(d) = point.disruptions.as_mut() {
                d.risk_aversion = risk_aversion;
            }
            let outcome = optimise_for(&point, settings, Goal::Cost)?;
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            Ok(AversionPoint {
                index,
                risk_aversion,
                outcome,
            })
        })
        .collect()
}

/// The most plans a frontier traces: one solve each, and a curve that a
/// chart and a planner can read.
pub const MAX_POINTS: usize = 10_000;

/// Why a frontier cannot be traced.
#[derive(Debug, thiserror::Error)]
pub enum FrontierError {
    /// Some supplier's risk is unknown, so risk cannot be measured.
    #[error("the frontier measures risk, so every supplier needs one: {0}")]
    UnknownRisk(String),
    /// Fewer than two points, or more than [`MAX_POINTS`], were asked for.
    #[error("a frontier needs 2 to 10,000 points (the least-cost and the least-risk plans, and those between), not {0}")]
    PointsOutOfRange(usize),
    /// A frontier over risk aversion needs disruptions to weigh.
    #[error(
        "a frontier over risk_aversion weighs disruptions, and the scenario lists none: use --over risk"
    )]
    NoDisruptions,
    /// A frontier over the sum of mean risks was asked of a scenario with
    /// disruptions.
    #[error("with disruptions the frontier trades expected cost against CVaR: use --over risk_aversion (the default)")]
    OverRiskWithDisruptions,
    /// A solve failed.
    #[error(transparent)]
    Solve(#[from] Failure),
}

/// Traces `points` plans from least cost to least risk. `progress` is told
/// after each plan.
pub fn trace(
    scenario: &Scenario,
    points: usize,
    settings: &SolveSettings,
    progress: impl Fn(usize) + Sync,
) -> Result<Vec<FrontierPoint>, FrontierError> {
    if !(2..=MAX_POINTS).contains(&points) {
        return Err(FrontierError::PointsOutOfRange(points));
    }
    if scenario.disruptions.is_some() {
        return Err(FrontierError::OverRiskWithDisruptions);
    }
    if let Some(s) = scenario.suppliers.iter().find(|s| s.risk.is_none()) {
        return Err(FrontierError::UnknownRisk(format!(
            "give suppliers.{}.risk or countries.{}.risk",
            s.id,
            s.country.as_deref().unwrap_or("XX")
        )));
    }
    let risk_of = |outcome: &Outcome| outcome.recomputed.risk_sum.unwrap_or(f64::NAN);
    let cheapest = optimise_for(scenario, settings, Goal::Cost)?;
    progress(1);
    let safest = optimise_for(scenario, settings, Goal::LeastRisk)?;
    progress(2);
    let (high, low) = (risk_of(&cheapest), risk_of(&safest));
    let inner: Vec<f64> = (1..points - 1)
        .map(|i| high - (high - low) * i as f64 / (points - 1) as f64)
        .collect();

    use rayon::prelude::*;
    let done = std::sync::atomic::AtomicUsize::new(2);
    let middle: Vec<Result<FrontierPoint, Failure>> = inner
        .par_iter()
        .enumerate()
        .map(|(i, &level)| {
            let outcome = optimise_for(scenario, settings, Goal::CostAtRisk(level))?;
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            Ok(FrontierPoint {
                index: i + 1,
                level,
                risk_sum: risk_of(&outcome),
                outcome,
            })
        })
        .collect();

    let mut frontier = Vec::with_capacity(points);
    frontier.push(FrontierPoint {
        index: 0,
        level: high,
        risk_sum: high,
        outcome: cheapest,
    });
    for point in middle {
        frontier.push(point?);
    }
    frontier.push(FrontierPoint {
        index: points - 1,
        level: low,
        risk_sum: low,
        outcome: safest,
    });
    Ok(frontier)
}
