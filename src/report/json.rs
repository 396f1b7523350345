//! `run.json` (docs/outputs.md, "run.json") and the `--json` summary printed on stdout.

use crate::metrics::ElementMetrics;
use crate::model::ModelSize;
use crate::pipeline::{Duals, Outcome, Timing};
use crate::scenario::{ObjectiveKind, Scenario};
use serde::Serialize;

/// Everything `run.json` records about one solve.
#[derive(Debug, Serialize)]
pub struct RunRecord<'a> {
    /// Version of remopt that wrote the file.
    pub remopt_version: &'static str,
    /// The scenario file and its hash.
    pub scenario: ScenarioRecord<'a>,
    /// Solver name and version.
    pub solver: SolverRecord,
    /// `LP`, or `MIP` when the scenario asks for yes/no decisions.
    pub problem_type: &'static str,
    /// `cost` or `risk`.
    pub objective_kind: &'static str,
    /// `optimal` or `time_limit`.
    pub status: &'static str,
    /// The optimised value: cost plus penalties, or the stage-one risk sum.
    pub objective: f64,
    /// Currency of every money figure.
    pub currency: &'a str,
    /// Purchases plus fixed contract costs (with a horizon: plus holding
    /// costs, over every year, undiscounted).
    pub total_cost: f64,
    /// Shortfall penalties.
    pub penalty_cost: f64,
    /// Unmet demand over all elements, tonnes.
    pub total_shortfall_t: f64,
    /// Fixed costs of the signed contracts (included in `total_cost`).
    pub fixed_costs: f64,
    /// Suppliers whose contract (fixed cost) is signed.
    pub contracts_signed: Vec<&'a str>,
    /// Relative MIP gap achieved; `null` for an LP.
    pub mip_gap: Option<f64>,
    /// The MIP's best bound on the objective; `null` for an LP.
    pub mip_dual_bound: Option<f64>,
    /// Where the shadow prices in `constraints.csv` come from.
    pub shadow_prices: &'static str,
    /// Rows, columns, non-zeros of the final model.
    pub model: ModelSize,
    /// Simplex iterations over all stages.
    pub simplex_iterations: i64,
    /// Rounds of HHI tangent cuts (re-solves after adding cuts); only when
    /// some element has an HHI cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hhi_cut_rounds: Option<usize>,
    /// With a horizon: each year's purchases, fixed costs and holding,
    /// undiscounted, by year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_by_year: Option<std::collections::BTreeMap<String, f64>>,
    /// With a horizon: each year's shortfall penalties, undiscounted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub penalty_by_year: Option<std::collections::BTreeMap<String, f64>>,
    /// With a horizon: `cost_by_year` discounted to the first year and summed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discounted_cost: Option<f64>,
    /// With disruptions: the expected cost over the scenarios.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_cost: Option<f64>,
    /// With disruptions: the CVaR of the scenario costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvar: Option<f64>,
    /// With disruptions: the CVaR's level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvar_alpha: Option<f64>,
    /// With disruptions: the weight of the CVaR in the objective.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_aversion: Option<f64>,
    /// With disruptions: the value of the stochastic solution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vss: Option<f64>,
    /// Seconds per phase (the only fields that differ between runs).
    pub timing: TimingRecord,
    /// Warnings raised while validating the scenario.
    pub warnings: &'a [String],
}

/// The scenario part of `run.json`.
#[derive(Debug, Serialize)]
pub struct ScenarioRecord<'a> {
    /// Path as given.
    pub path: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: &'a str,
    /// `[scenario] name`.
    pub name: &'a str,
    /// `[scenario] title`.
    pub title: &'a str,
    /// `--set` overrides applied before validation.
    pub overrides: &'a [String],
}

/// The solver part of `run.json`.
#[derive(Debug, Serialize)]
pub struct SolverRecord {
    /// Always `HiGHS`.
    pub name: &'static str,
    /// Its version.
    pub version: String,
}

/// Timing fields of `run.json`.
#[derive(Debug, Serialize)]
pub struct TimingRecord {
    /// Reading and validating the scenario.
    pub load_seconds: f64,
    /// Building the model(s).
    pub build_seconds: f64,
    /// Inside HiGHS.
    pub solve_seconds: f64,
    /// Verifying the plan and computing metrics.
    pub verify_seconds: f64,
}

impl<'a> RunRecord<'a> {
    /// The record of `outcome`, solved from `scenario`.
    pub fn new(scenario: &'a Scenario, outcome: &Outcome, load_seconds: f64) -> RunRecord<'a> {
        let Timing {
            build_seconds,
            solve_seconds,
            verify_seconds,
        } = outcome.timing;
        RunRecord {
            remopt_version: env!("CARGO_PKG_VERSION"),
            scenario: ScenarioRecord {
                path: scenario.source.path.display().to_string(),
                sha256: &scenario.source.sha256,
                name: &scenario.name,
                title: &scenario.title,
                overrides: &scenario.source.overrides,
            },
            solver: SolverRecord {
                name: "HiGHS",
                version: crate::solve::highs_version(),
            },
            problem_type: if outcome.mip.is_some() { "MIP" } else { "LP" },
            objective_kind: scenario.policy.objective.as_str(),
            status: outcome.status.as_str(),
            objective: outcome.objective,
            currency: &scenario.currency,
            total_cost: outcome.metrics.total.cost,
            penalty_cost: outcome.metrics.penalty_cost,
            total_shortfall_t: outcome.metrics.total.shortfall_t,
            fixed_costs: outcome.metrics.fixed_costs,
            contracts_signed: scenario
                .suppliers
                .iter()
                .zip(&outcome.schedule.years[0].contracts)
                .filter(|(_, &signed)| signed)
                .map(|(s, _)| s.id.as_str())
                .collect(),
            mip_gap: outcome.mip.map(|m| m.gap),
            mip_dual_bound: outcome.mip.map(|m| m.dual_bound),
            shadow_prices: match (outcome.duals, scenario.policy.objective) {
                (Duals::Lp, ObjectiveKind::Cost) => "row duals of the LP",
                (Duals::Lp, ObjectiveKind::Risk) => "row duals of the second (cost) stage LP",
                (Duals::FixedLp, ObjectiveKind::Cost) => {
                    "row duals of the LP with every yes/no decision fixed at its optimal value (rows of kind fixed_decision)"
                }
                (Duals::FixedLp, ObjectiveKind::Risk) => {
                    "row duals of the second (cost) stage LP with every yes/no decision fixed at its optimal value (rows of kind fixed_decision)"
                }
                (Duals::Unavailable, _) => {
                    "unavailable: the LP with the yes/no decisions fixed failed in HiGHS, so every shadow price is written as 0"
                }
            },
            model: outcome.size,
            simplex_iterations: outcome.iterations,
            hhi_cut_rounds: scenario
                .elements
                .iter()
                .any(|e| e.caps.max_hhi.is_some())
                .then_some(outcome.hhi_cut_rounds),
            cost_by_year: by_year(scenario, outcome, |m| m.total.cost),
            penalty_by_year: by_year(scenario, outcome, |m| m.penalty_cost),
            discounted_cost: scenario.horizon.as_ref().map(|h| {
                let costs = outcome.year_metrics.iter().map(|m| m.total.cost);
                costs.enumerate().map(|(t, cost)| h.discount(t) * cost).sum()
            }),
            expected_cost: outcome.stochastic.as_ref().map(|s| s.expected_cost),
            cvar: outcome.stochastic.as_ref().map(|s| s.cvar),
            cvar_alpha: scenario.disruptions.as_ref().map(|d| d.cvar_alpha),
            risk_aversion: scenario.disruptions.as_ref().map(|d| d.risk_aversion),
            vss: outcome.stochastic.as_ref().and_then(|s| s.vss(outcome.objective)),
            timing: TimingRecord {
                load_seconds,
                build_seconds,
                solve_seconds,
                verify_seconds,
            },
            warnings: &scenario.warnings,
        }
    }
}

/// One figure per year of a horizon, keyed by year.
fn by_year(
    scenario: &Scenario,
    outcome: &Outcome,
    figure: impl Fn(&crate::metrics::Metrics) -> f64,
) -> Option<std::collections::BTreeMap<String, f64>> {
    let horizon = scenario.horizon.as_ref()?;
    let years = horizon.years.iter().zip(&outcome.year_metrics);
    Some(years.map(|(year, m)| (year.to_string(), figure(m))).collect())
}

/// `run.json`, pretty-printed with a final newline.
pub fn run_json(record: &RunRecord<'_>) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(record).expect("run record serialises");
    bytes.push(b'\n');
    bytes
}

/// The `--json` summary: the run record, each element's metrics, the
/// binding constraints, and where the files went.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// Everything in `run.json`.
    #[serde(flatten)]
    pub run: &'a RunRecord<'a>,
    /// Per-element metrics, then `TOTAL`.
    pub elements: Vec<&'a ElementMetrics>,
    /// Names of the binding policy caps (see [`crate::model::ConstraintKind::is_policy_cap`]).
    pub binding: Vec<String>,
    /// Folder the outputs were written to.
    pub output_dir: String,
}

/// Renders the `--json` summary.
pub fn summary_json(summary: &Summary<'_>) -> String {
    serde_json::to_string_pretty(summary).expect("summary serialises")
}
