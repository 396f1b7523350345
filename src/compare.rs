//! `remopt compare` and `remopt solve --baseline`: the figures of several
//! runs, gathered the same way whether a run is solved now (a scenario
//! file) or was solved before (an output folder of `remopt solve`).
//!
//! A scenario is solved in memory and its files are rendered to bytes as
//! `remopt solve` would write them; a folder's files are read from disk.
//! Both are then read by the one parser here, so a comparison never
//! depends on where a run came from. The renderers are in
//! [`crate::report::compare`].

use crate::model::ConstraintKind;
use crate::pipeline::{Failure, SolveSettings};
use crate::report;
use crate::scenario::{self, InvalidScenario};
use crate::solve::Status;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The files of an output folder a comparison reads.
pub const FOLDER_FILES: [&str; 4] = ["summary.csv", "plan.csv", "constraints.csv", "run.json"];

/// The country of tonnes that belong to no country (substitutes), as in
/// `stages.csv`.
pub const NO_COUNTRY: &str = report::stages::NO_COUNTRY;

/// The figures of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The argument as given (a scenario file or a folder).
    pub source: String,
    /// The scenario's name (`run.json` `scenario.name`).
    pub name: String,
    /// The currency of every money figure.
    pub currency: String,
    /// `optimal` or `time_limit`.
    pub status: String,
    /// The value optimised.
    pub objective: f64,
    /// Purchases plus fixed costs, less resale revenue.
    pub total_cost: f64,
    /// Unmet demand over all elements, tonnes.
    pub total_shortfall_t: f64,
    /// Each demanded element, in `summary.csv` order.
    pub elements: Vec<ElementFigures>,
    /// Binding policy caps of no single element (a budget, a supplier's
    /// capacity).
    pub shared_binding: BTreeSet<String>,
}

/// One element's figures in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementFigures {
    /// Element symbol.
    pub symbol: String,
    /// Purchase cost of its offers.
    pub cost: f64,
    /// Tonnes supplied.
    pub supplied_t: f64,
    /// Mean risk, when known.
    pub mean_risk: Option<f64>,
    /// HHI by country, when anything is supplied.
    pub hhi: Option<f64>,
    /// Tonnes by processing country (the plan's `country`; substitutes
    /// under [`NO_COUNTRY`]).
    pub by_country: BTreeMap<String, f64>,
    /// Names of the binding policy caps of this element.
    pub binding: BTreeSet<String>,
}

impl Run {
    /// The largest element mean risk; `None` when no element's is known.
    pub fn worst_mean_risk(&self) -> Option<f64> {
        max(self.elements.iter().filter_map(|e| e.mean_risk))
    }

    /// The largest element HHI.
    pub fn worst_hhi(&self) -> Option<f64> {
        max(self.elements.iter().filter_map(|e| e.hhi))
    }

    /// The element `symbol`.
    pub fn element(&self, symbol: &str) -> Option<&ElementFigures> {
        self.elements.iter().find(|e| e.symbol == symbol)
    }
}

fn max(values: impl Iterator<Item = f64>) -> Option<f64> {
    values.fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))))
}

/// Why a run could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// No such file or folder (exit 2).
    #[error("{0}: no such scenario file or output folder")]
    Missing(String),
    /// A folder that is not the output of a solved run (exit 2).
    #[error("{arg}: not the output folder of a solved `remopt solve` run: {why}")]
    NotARun {
        /// The argument.
        arg: String,
        /// What is missing or wrong.
        why: String,
    },
    /// An invalid scenario file (exit 2).
    #[error("{0}")]
    Invalid(#[from] InvalidScenario),
    /// A scenario without a plan (exit 3).
    #[error("{0}: no plan meets every hard constraint, so there is nothing to compare; `remopt solve {0}` diagnoses why")]
    Infeasible(String),
    /// The time limit stopped the solve before any plan (exit 4).
    #[error("{arg}: {message}")]
    NoPlan {
        /// The argument.
        arg: String,
        /// The solver's message.
        message: String,
    },
    /// A bug, or HiGHS failing (exit 1).
    #[error("{arg}: {message}")]
    Internal {
        /// The argument.
        arg: String,
        /// What failed.
        message: String,
    },
}

/// The run `path` stands for: an output folder is read, a scenario file
/// is solved in memory (nothing is written).
pub fn gather(path: &Path) -> Result<Run, CompareError> {
    let source = path.display().to_string();
    if path.is_dir() {
        return read_folder(path);
    }
    if !path.exists() {
        return Err(CompareError::Missing(source));
    }
    let files = solve_in_memory(path, &[], &SolveSettings::default())?;
    from_files(&source, |name| {
        files.iter().find(|(n, _)| *n == name).map(|(_, b)| b.clone())
    })
}

/// Solves the scenario file `path` (with `overrides`) and renders the
/// files `remopt solve` would write, without writing them.
pub fn solve_in_memory(
    path: &Path,
    overrides: &[scenario::overrides::Override],
    settings: &SolveSettings,
) -> Result<Vec<(&'static str, Vec<u8>)>, CompareError> {
    let source = path.display().to_string();
    let started = std::time::Instant::now();
    let scenario = scenario::ScenarioFile::read(path)?.scenario(overrides)?;
    let load_seconds = started.elapsed().as_secs_f64();
    let run = report::solve_and_render(&scenario, settings, load_seconds).map_err(|f| match f {
        Failure::Infeasible => CompareError::Infeasible(source.clone()),
        Failure::TimeLimitWithoutPlan(e) => CompareError::NoPlan {
            arg: source.clone(),
            message: e.to_string(),
        },
        other => CompareError::Internal {
            arg: source.clone(),
            message: other.to_string(),
        },
    })?;
    debug_assert!(matches!(run.outcome.status, Status::Optimal | Status::TimeLimit));
    Ok(run.files)
}

fn read_folder(dir: &Path) -> Result<Run, CompareError> {
    let source = dir.display().to_string();
    let missing: Vec<&str> = FOLDER_FILES
        .into_iter()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if !missing.is_empty() {
        let why = if dir.join("diagnosis.txt").is_file() {
            "it holds the diagnosis of an infeasible run (diagnosis.txt), not a plan".to_string()
        } else {
            format!(
                "{} missing (a solve's folder holds {})",
                missing.join(", "),
                FOLDER_FILES.join(", ")
            )
        };
        return Err(CompareError::NotARun { arg: source, why });
    }
    let mut read_errors = Vec::new();
    let run = from_files(&source, |name| match std::fs::read(dir.join(name)) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            read_errors.push(format!("{name}: {e}"));
            None
        }
    });
    match (run, read_errors.is_empty()) {
        (Err(e), true) => Err(e),
        (Ok(run), true) => Ok(run),
        (_, false) => Err(CompareError::NotARun {
            arg: source,
            why: read_errors.join("; "),
        }),
    }
}

/// A run from its files, as `remopt solve` writes them.
pub fn from_files(source: &str, mut file: impl FnMut(&str) -> Option<Vec<u8>>) -> Result<Run, CompareError> {
    let bad = |why: String| CompareError::NotARun {
        arg: source.to_string(),
        why,
    };
    let mut get = |name: &str| file(name).ok_or_else(|| bad(format!("{name} missing")));
    let run_json = get("run.json")?;
    let summary = get("summary.csv")?;
    let plan = get("plan.csv")?;
    let constraints = get("constraints.csv")?;

    let record: serde_json::Value =
        serde_json::from_slice(&run_json).map_err(|e| bad(format!("run.json: {e}")))?;
    let text = |field: &str| record[field].as_str().map(str::to_string);
    let number = |field: &str| {
        record[field]
            .as_f64()
            .ok_or_else(|| bad(format!("run.json: no number `{field}`")))
    };
    let status = text("status").ok_or_else(|| bad("run.json: no `status`".into()))?;
    if status != "optimal" && status != "time_limit" {
        return Err(bad(format!("run.json: status `{status}`: the run has no plan")));
    }
    let mut run = Run {
        source: source.to_string(),
        name: record["scenario"]["name"]
            .as_str()
            .ok_or_else(|| bad("run.json: no `scenario.name`".into()))?
            .to_string(),
        currency: text("currency").unwrap_or_default(),
        status,
        objective: number("objective")?,
        total_cost: number("total_cost")?,
        total_shortfall_t: number("total_shortfall_t")?,
        elements: Vec::new(),
        shared_binding: BTreeSet::new(),
    };

    // With a horizon, summary.csv has a row per year and element: an
    // element's figures are its years' together (mean risk weighted by
    // demand, the HHI from all years' tonnes below).
    let mut horizon = false;
    let mut risk_weight: Vec<(f64, Option<f64>)> = Vec::new();
    for row in csv_rows(&summary, "summary.csv", &bad)? {
        let symbol = field(&row, "element", "summary.csv", &bad)?;
        if symbol == "TOTAL" {
            continue;
        }
        horizon |= row.contains_key("year");
        let num = |column: &str| -> Result<Option<f64>, CompareError> {
            let cell = field(&row, column, "summary.csv", &bad)?;
            parse_cell(&cell).map_err(|_| bad(format!("summary.csv: {column} {cell:?} is not a number")))
        };
        let (cost, supplied) = (num("cost")?.unwrap_or(0.0), num("supplied_t")?.unwrap_or(0.0));
        let (demand, risk, hhi) = (num("demand_t")?.unwrap_or(0.0), num("mean_risk")?, num("hhi")?);
        let i = match run.elements.iter().position(|e| e.symbol == symbol) {
            Some(i) => i,
            None => {
                risk_weight.push((0.0, Some(0.0)));
                run.elements.push(ElementFigures {
                    symbol,
                    cost: 0.0,
                    supplied_t: 0.0,
                    mean_risk: risk,
                    hhi,
                    by_country: BTreeMap::new(),
                    binding: BTreeSet::new(),
                });
                run.elements.len() - 1
            }
        };
        let element = &mut run.elements[i];
        element.cost += cost;
        element.supplied_t += supplied;
        let (weight, weighted) = &mut risk_weight[i];
        *weight += demand;
        // A year without demand has no mean risk and adds none.
        if demand > 0.0 {
            *weighted = weighted.zip(risk).map(|(sum, r)| sum + r * demand);
        }
    }

    for row in csv_rows(&plan, "plan.csv", &bad)? {
        let symbol = field(&row, "element", "plan.csv", &bad)?;
        let country = field(&row, "country", "plan.csv", &bad)?;
        let cell = field(&row, "quantity_t", "plan.csv", &bad)?;
        let q = parse_cell(&cell)
            .ok()
            .flatten()
            .ok_or_else(|| bad(format!("plan.csv: quantity_t {cell:?} is not a number")))?;
        // Basket parts of an element without demand are not compared.
        if let Some(element) = run.elements.iter_mut().find(|e| e.symbol == symbol) {
            let country = if country.is_empty() {
                NO_COUNTRY.to_string()
            } else {
                country
            };
            *element.by_country.entry(country).or_default() += q;
        }
    }

    if horizon {
        for (element, &(demand, weighted)) in run.elements.iter_mut().zip(&risk_weight) {
            element.mean_risk = weighted.filter(|_| demand > 0.0).map(|w| w / demand);
            let processed = element
                .by_country
                .iter()
                .filter(|(c, _)| c.as_str() != NO_COUNTRY);
            element.hhi = (element.supplied_t > 0.0)
                .then(|| processed.map(|(_, q)| (q / element.supplied_t).powi(2)).sum());
        }
    }

    for row in csv_rows(&constraints, "constraints.csv", &bad)? {
        let kind = field(&row, "kind", "constraints.csv", &bad)?;
        let policy_cap = ConstraintKind::from_name(&kind).is_some_and(ConstraintKind::is_policy_cap);
        if !policy_cap || field(&row, "binding", "constraints.csv", &bad)? != "true" {
            continue;
        }
        let name = field(&row, "name", "constraints.csv", &bad)?;
        let symbol = field(&row, "element", "constraints.csv", &bad)?;
        match run.elements.iter_mut().find(|e| e.symbol == symbol) {
            Some(element) => element.binding.insert(name),
            None => run.shared_binding.insert(name),
        };
    }
    Ok(run)
}

/// A cell read back: empty is no value.
fn parse_cell(cell: &str) -> Result<Option<f64>, std::num::ParseFloatError> {
    match cell {
        "" => Ok(None),
        text => text.parse().map(Some),
    }
}

type Row = BTreeMap<String, String>;

fn csv_rows(
    bytes: &[u8],
    file: &str,
    bad: &impl Fn(String) -> CompareError,
) -> Result<Vec<Row>, CompareError> {
    let mut reader = ::csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(format!("{file}: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| bad(format!("{file}: {e}")))?;
            Ok(header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect())
        })
        .collect()
}

fn field(
    row: &Row,
    column: &str,
    file: &str,
    bad: &impl Fn(String) -> CompareError,
) -> Result<String, CompareError> {
    row.get(column)
        .cloned()
        .ok_or_else(|| bad(format!("{file}: no column `{column}`")))
}

/// One figure of the comparison, for every run: a row of `compare.csv`
/// per run, a row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// `total_cost`, `objective`, `total_shortfall_t`, `worst_mean_risk`,
    /// `worst_hhi`, `status`, `cost`, `supplied_t`, `supplied_by_country_t`
    /// or `binding_cap`.
    pub figure: &'static str,
    /// Element symbol; empty for the key figures (and caps of no element).
    pub element: String,
    /// Country code (`supplied_by_country_t`) or cap name (`binding_cap`).
    pub subject: String,
    /// One value per run, in run order.
    pub values: Vec<Value>,
}

/// A figure's value in one run.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A word (the status).
    Text(String),
    /// Whether a cap binds.
    Binds(bool),
    /// Not known (an element the run does not have, an unknown risk).
    Missing,
}

impl Value {
    /// The value as a number: a binding cap is 1, a free one 0.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            Value::Binds(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Text(_) | Value::Missing => None,
        }
    }

    /// The change from `reference` to `self`, when both are numbers.
    pub fn change_from(&self, reference: &Value) -> Option<f64> {
        Some(self.as_number()? - reference.as_number()?)
    }
}

/// Every figure of `runs` (the first is the reference): the key figures,
/// then per element (in the reference's order, then elements only later
/// runs have) its cost, supplied tonnes, tonnes by processing country and
/// binding caps (every cap that binds in some run), then the binding caps
/// of no element.
pub fn figures(runs: &[Run]) -> Vec<Figure> {
    let key = |figure: &'static str, value: fn(&Run) -> Value| Figure {
        figure,
        element: String::new(),
        subject: String::new(),
        values: runs.iter().map(value).collect(),
    };
    let mut figures = vec![
        key("total_cost", |r| Value::Number(r.total_cost)),
        key("objective", |r| Value::Number(r.objective)),
        key("total_shortfall_t", |r| Value::Number(r.total_shortfall_t)),
        key("worst_mean_risk", |r| {
            r.worst_mean_risk().map_or(Value::Missing, Value::Number)
        }),
        key("worst_hhi", |r| {
            r.worst_hhi().map_or(Value::Missing, Value::Number)
        }),
        key("status", |r| Value::Text(r.status.clone())),
    ];
    let mut symbols: Vec<&str> = Vec::new();
    for run in runs {
        for e in &run.elements {
            if !symbols.contains(&e.symbol.as_str()) {
                symbols.push(&e.symbol);
            }
        }
    }
    for symbol in symbols {
        let per_run = |f: &dyn Fn(&ElementFigures) -> Value| -> Vec<Value> {
            runs.iter()
                .map(|r| r.element(symbol).map_or(Value::Missing, f))
                .collect()
        };
        let element_figure = |figure, subject: &str, values| Figure {
            figure,
            element: symbol.to_string(),
            subject: subject.to_string(),
            values,
        };
        figures.push(element_figure("cost", "", per_run(&|e| Value::Number(e.cost))));
        figures.push(element_figure(
            "supplied_t",
            "",
            per_run(&|e| Value::Number(e.supplied_t)),
        ));
        let countries: BTreeSet<&str> = runs
            .iter()
            .filter_map(|r| r.element(symbol))
            .flat_map(|e| e.by_country.keys().map(String::as_str))
            .collect();
        for country in countries {
            let values = per_run(&|e| Value::Number(e.by_country.get(country).copied().unwrap_or(0.0)));
            figures.push(element_figure("supplied_by_country_t", country, values));
        }
        let caps: BTreeSet<&str> = runs
            .iter()
            .filter_map(|r| r.element(symbol))
            .flat_map(|e| e.binding.iter().map(String::as_str))
            .collect();
        for cap in caps {
            let values = per_run(&|e| Value::Binds(e.binding.contains(cap)));
            figures.push(element_figure("binding_cap", cap, values));
        }
    }
    let shared: BTreeSet<&str> = runs
        .iter()
        .flat_map(|r| r.shared_binding.iter().map(String::as_str))
        .collect();
    for cap in shared {
        figures.push(Figure {
            figure: "binding_cap",
            element: String::new(),
            subject: cap.to_string(),
            values: runs
                .iter()
                .map(|r| Value::Binds(r.shared_binding.contains(cap)))
                .collect(),
        });
    }
    figures
}

/// The labels of `runs` for column headers: each scenario's name, made
/// unique with ` (2)`, ` (3)` when names repeat.
pub fn labels(runs: &[Run]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for run in runs {
        let mut label = run.name.clone();
        let mut n = 1;
        while labels.contains(&label) {
            n += 1;
            label = format!("{} ({n})", run.name);
        }
        labels.push(label);
    }
    labels
}
