//! Long-format outputs of `remopt sweep` (docs/scenario.md, "Paths and overrides"): `runs.csv`, `plans.csv`,
//! `summary.csv`, `percentiles.csv`, `report.html` ([`super::sweep_html`]) and `sweep.json`.

use super::csv::{plan_rows, summary_rows, PLAN_COLUMNS, SUMMARY_COLUMNS};
use super::sweep_html::{sweep_html, SweepPage};
use super::{number, optional};
use crate::metrics::{ElementMetrics, Metrics};
use crate::scenario::overrides::Override;
use crate::sweep::{count_statuses, RunResult, RunStatus, Shard, Sweep};

/// The fixed columns of `runs.csv` after `run` and the varied paths.
pub const RUN_COLUMNS: [&str; 7] = [
    "status",
    "objective",
    "total_cost",
    "total_shortfall_t",
    "worst_mean_risk",
    "worst_hhi",
    "error",
];

/// One CSV record, newline-terminated.
pub fn record<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(fields: I) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).expect("in-memory CSV write");
    writer.into_inner().expect("in-memory CSV flush")
}

/// The columns a sweep of a scenario with disruptions adds to `runs.csv`,
/// before `error`.
pub const DISRUPTION_COLUMNS: [&str; 2] = ["expected_cost", "cvar"];

/// Header of `runs.csv` (with `disruptions`, [`DISRUPTION_COLUMNS`]).
pub fn runs_header(sweep: &Sweep, disruptions: bool) -> Vec<u8> {
    let (before, error) = RUN_COLUMNS.split_at(RUN_COLUMNS.len() - 1);
    let added: &[&str] = if disruptions { &DISRUPTION_COLUMNS } else { &[] };
    record(
        ["run"]
            .into_iter()
            .map(String::from)
            .chain(sweep.varies.iter().map(|v| v.label.clone()))
            .chain(before.iter().chain(added).chain(error).map(|c| c.to_string())),
    )
}

/// Header of `plans.csv`: with a horizon, `year` after `run`.
pub fn plans_header(horizon: bool) -> Vec<u8> {
    let year = horizon.then_some("year");
    record(["run"].into_iter().chain(year).chain(PLAN_COLUMNS))
}

/// Header of `summary.csv`.
pub fn summary_header() -> Vec<u8> {
    record(["run"].into_iter().chain(SUMMARY_COLUMNS))
}

/// The rows one run adds to `runs.csv`, `plans.csv` and `summary.csv`.
pub struct RunRows {
    /// Its `runs.csv` record.
    pub run: Vec<u8>,
    /// Its `plans.csv` records.
    pub plans: Vec<u8>,
    /// Its `summary.csv` records.
    pub summary: Vec<u8>,
}

/// What the final files keep of one finished run.
pub struct FinishedRun {
    /// Its rows.
    pub rows: RunRows,
    /// How it ended.
    pub status: RunStatus,
    /// Its metrics, when it has a plan (for `percentiles.csv`).
    pub metrics: Option<Metrics>,
}

impl FinishedRun {
    /// Run `index` (of `point`) as the final files keep it: its rows (with
    /// the disruption columns when the sweep has `disruptions`), its
    /// status and its metrics.
    pub fn of(index: usize, point: &[Override], result: RunResult, disruptions: bool) -> FinishedRun {
        let rows = run_rows(index, point, &result, disruptions);
        let status = result.status();
        let metrics = match result {
            RunResult::Solved(solved) => Some(solved.1.metrics),
            _ => None,
        };
        FinishedRun {
            rows,
            status,
            metrics,
        }
    }
}

/// Which sweep the files belong to, for `sweep.json`.
pub struct Identity<'a> {
    /// The definition.
    pub sweep: &'a Sweep,
    /// Its SHA-256 ([`Sweep::definition_sha256`]).
    pub definition_sha256: &'a str,
    /// With `--shard`: the shard, and how many points the whole sweep has.
    pub shard: Option<(Shard, usize)>,
    /// `[scenario] name` of the base.
    pub name: &'a str,
    /// The base scenario's currency.
    pub currency: &'a str,
}

/// The sweep's final files, runs in run order: the same whatever `--jobs`.
pub fn final_files(
    identity: &Identity,
    horizon: bool,
    disruptions: bool,
    finished: &[FinishedRun],
    jobs: usize,
    wall_seconds: f64,
) -> Vec<(&'static str, Vec<u8>)> {
    let sweep = identity.sweep;
    let (mut runs, mut plans, mut summary) = (
        runs_header(sweep, disruptions),
        plans_header(horizon),
        summary_header(),
    );
    for run in finished {
        runs.extend(&run.rows.run);
        plans.extend(&run.rows.plans);
        summary.extend(&run.rows.summary);
    }
    let mut files = vec![("runs.csv", runs), ("plans.csv", plans), ("summary.csv", summary)];
    if sweep.samples.is_some() {
        let solved: Vec<RunFigures> = finished
            .iter()
            .filter_map(|r| r.metrics.as_ref().map(RunFigures::of))
            .collect();
        files.push(("percentiles.csv", percentiles_csv(&solved)));
    }
    let definition = serde_json::to_value(sweep).expect("a sweep definition serialises");
    let page = SweepPage {
        definition: &definition,
        name: identity.name,
        currency: identity.currency,
    };
    files.push(("report.html", sweep_html(&page, &files)));
    let statuses: Vec<RunStatus> = finished.iter().map(|r| r.status).collect();
    let counts = count_statuses(&statuses);
    let mut record = sweep_record(
        definition,
        identity.definition_sha256,
        statuses.len(),
        serde_json::to_value(counts).expect("counts serialise"),
        jobs,
        wall_seconds,
    );
    // What `remopt merge` needs to draw the same report.html.
    record["name"] = identity.name.into();
    record["currency"] = identity.currency.into();
    if let Some((shard, points)) = identity.shard {
        record["shard"] = serde_json::json!({
            "index": shard.index,
            "count": shard.count,
            "sweep_points": points,
        });
    }
    files.push(("sweep.json", json_bytes(&record)));
    files
}

/// Renders run `index`, whose overrides were `point`.
pub fn run_rows(index: usize, point: &[Override], result: &RunResult, disruptions: bool) -> RunRows {
    let blank_added = if disruptions { DISRUPTION_COLUMNS.len() } else { 0 };
    let id = index.to_string();
    let mut fields: Vec<String> = vec![id.clone()];
    fields.extend(point.iter().map(|o| super::value(&o.value)));
    fields.push(result.status().as_str().to_string());
    let (mut plans, mut summary) = (Vec::new(), Vec::new());
    match result {
        RunResult::Solved(solved) => {
            let (scenario, outcome) = solved.as_ref();
            let m = &outcome.metrics;
            let worst = |f: fn(&ElementMetrics) -> Option<f64>| {
                m.elements
                    .iter()
                    .filter_map(f)
                    .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))))
            };
            fields.extend([
                number(outcome.objective),
                number(m.total.cost),
                number(m.total.shortfall_t),
                optional(worst(|e| e.mean_risk)),
                optional(worst(|e| e.hhi)),
            ]);
            if disruptions {
                let stochastic = outcome.stochastic.as_ref();
                fields.push(optional(stochastic.map(|s| s.expected_cost)));
                fields.push(optional(stochastic.map(|s| s.cvar)));
            }
            fields.push(String::new());
            // With a horizon, each plan row is led by its year; the
            // summary is the horizon's (every year's tonnes together).
            let years = scenario.slices().iter().zip(&outcome.schedule.years);
            for (slice, plan) in years {
                let year = scenario.horizon.as_ref().and(slice.year).map(|y| y.to_string());
                for row in plan_rows(slice, plan) {
                    let lead = std::iter::once(id.as_str()).chain(year.as_deref());
                    plans.extend(record(lead.chain(row.iter().map(String::as_str))));
                }
            }
            for row in summary_rows(m) {
                summary.extend(record(
                    std::iter::once(id.as_str()).chain(row.iter().map(String::as_str)),
                ));
            }
        }
        RunResult::Infeasible => {
            fields.extend(std::iter::repeat_n(String::new(), 5 + blank_added));
            fields.push("no plan meets every hard constraint".to_string());
        }
        RunResult::Invalid(e) | RunResult::Failed(e) => {
            fields.extend(std::iter::repeat_n(String::new(), 5 + blank_added));
            fields.push(e.replace('\n', "; "));
        }
    }
    RunRows {
        run: record(&fields),
        plans,
        summary,
    }
}

/// The `q`-quantile of sorted `values` (linear between closest ranks).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = q * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// What `percentiles.csv` needs of one solved run: the figures of its
/// `summary.csv` rows (so that `remopt merge` finds them there too).
#[derive(Debug, Clone, PartialEq)]
pub struct RunFigures {
    /// Total cost.
    pub total_cost: f64,
    /// Total shortfall, tonnes.
    pub total_shortfall_t: f64,
    /// Per element, in the scenario's order: its symbol, mean risk and
    /// top country's share.
    pub elements: Vec<ElementFigures>,
}

/// An element's symbol, mean risk and top country's share.
pub type ElementFigures = (String, Option<f64>, Option<f64>);

impl RunFigures {
    /// The figures of a run's metrics.
    pub fn of(m: &Metrics) -> RunFigures {
        RunFigures {
            total_cost: m.total.cost,
            total_shortfall_t: m.total.shortfall_t,
            elements: m
                .elements
                .iter()
                .map(|e| (e.symbol.clone(), e.mean_risk, e.top_country_share))
                .collect(),
        }
    }
}

/// `percentiles.csv`: p5, p50 and p95 over the solved runs of the total
/// cost, the shortfall, and each element's mean risk and top-country share.
pub fn percentiles_csv(solved: &[RunFigures]) -> Vec<u8> {
    // Every solved point has the base scenario's elements.
    let symbols: Vec<&str> = solved
        .first()
        .map(|m| m.elements.iter().map(|e| e.0.as_str()).collect())
        .unwrap_or_default();
    let mut metrics: Vec<(String, Vec<f64>)> = vec![
        ("total_cost".into(), solved.iter().map(|m| m.total_cost).collect()),
        (
            "total_shortfall_t".into(),
            solved.iter().map(|m| m.total_shortfall_t).collect(),
        ),
    ];
    for (e, symbol) in symbols.iter().enumerate() {
        let per = |f: fn(&ElementFigures) -> Option<f64>| -> Vec<f64> {
            solved
                .iter()
                .filter_map(|m| m.elements.get(e).and_then(f))
                .collect()
        };
        metrics.push((format!("mean_risk_{symbol}"), per(|e| e.1)));
        metrics.push((format!("top_country_share_{symbol}"), per(|e| e.2)));
    }
    let mut out = record(["metric", "runs", "p5", "p50", "p95"]);
    for (name, mut values) in metrics {
        values.sort_by(f64::total_cmp);
        let cells: Vec<String> = if values.is_empty() {
            vec![String::new(); 3]
        } else {
            [0.05, 0.5, 0.95]
                .iter()
                .map(|&q| number(quantile(&values, q)))
                .collect()
        };
        out.extend(record([name, values.len().to_string()].into_iter().chain(cells)));
    }
    out
}

/// The record of `sweep.json`: the definition and its SHA-256, the
/// points written, counts by status, jobs, wall time and throughput.
pub fn sweep_record(
    sweep: serde_json::Value,
    definition_sha256: &str,
    points: usize,
    status_counts: serde_json::Value,
    jobs: usize,
    wall_seconds: f64,
) -> serde_json::Value {
    serde_json::json!({
        "remopt_version": env!("CARGO_PKG_VERSION"),
        "sweep": sweep,
        "definition_sha256": definition_sha256,
        "points": points,
        "status_counts": status_counts,
        "jobs": jobs,
        "wall_seconds": wall_seconds,
        "points_per_second": points as f64 / wall_seconds.max(1e-9),
    })
}

/// Pretty JSON with a final newline.
pub fn json_bytes(record: &serde_json::Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(record).expect("sweep record serialises");
    bytes.push(b'\n');
    bytes
}
