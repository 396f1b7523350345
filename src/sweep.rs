//! Batch sensitivity sweeps and Monte Carlo (docs/scenario.md, "Sweep
//! definitions"): a set of points, each
//! a list of overrides of the base scenario, solved in parallel.

use crate::pipeline::{optimise, Failure, Outcome, SolveSettings};
use crate::scenario::overrides::{apply_all, parse_path, parse_value, path_text, Op, Override, Segment};
use crate::scenario::{Scenario, ScenarioFile};
use crate::solve::Status;
use rand::{rngs::StdRng, SeedableRng};
use rand_distr::Distribution as _;
use std::path::{Path, PathBuf};

/// The most points one sweep may have (a grid's product, or Monte Carlo
/// draws): beyond it the definition is surely a mistake, and the points
/// alone would fill memory.
const MAX_POINTS: usize = 10_000_000;

/// How several varied paths combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every combination (cartesian product).
    #[default]
    Grid,
    /// The i-th value of every path together.
    Zip,
}

/// A random law for Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Law {
    /// `uniform(a,b)`.
    Uniform(f64, f64),
    /// `triangular(a,mode,b)`.
    Triangular(f64, f64, f64),
    /// `normal(mu,sd)`.
    Normal(f64, f64),
}

/// The values one path takes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Values {
    /// A list or an inclusive range, as TOML literals.
    List(#[serde(serialize_with = "literals")] Vec<toml::Value>),
    /// A random law, sampled `--samples` times.
    Random(Law),
}

fn literals<S: serde::Serializer>(values: &[toml::Value], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(values.iter().map(ToString::to_string))
}

/// One varied path.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Vary {
    /// The path and operator as the planner wrote them: the column name in
    /// `runs.csv`, e.g. `suppliers.*.offers.Dy.price_per_kg*`.
    pub label: String,
    /// The key path.
    #[serde(skip)]
    pub path: Vec<Segment>,
    /// Set or multiply.
    #[serde(skip)]
    pub op: Op,
    /// Its values.
    pub values: Values,
}

/// A whole sweep.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sweep {
    /// The base scenario file.
    pub scenario: PathBuf,
    /// Grid or zip.
    pub mode: Mode,
    /// The varied paths.
    pub varies: Vec<Vary>,
    /// Monte Carlo draws.
    pub samples: Option<usize>,
    /// Monte Carlo seed.
    pub seed: u64,
}

fn number(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{text:?} is not a number"))
}

fn parse_law(text: &str) -> Result<Law, String> {
    let (name, rest) = text
        .trim()
        .split_once('(')
        .ok_or_else(|| format!("{text:?}: expected uniform(a,b), triangular(a,mode,b) or normal(mu,sd)"))?;
    let args: Vec<f64> = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("{text:?}: missing `)`"))?
        .split(',')
        .map(number)
        .collect::<Result<_, _>>()?;
    match (name.trim(), args.as_slice()) {
        ("uniform", &[a, b]) if a <= b => Ok(Law::Uniform(a, b)),
        ("triangular", &[a, m, b]) if a <= m && m <= b && a < b => Ok(Law::Triangular(a, m, b)),
        ("normal", &[mu, sd]) if sd >= 0.0 => Ok(Law::Normal(mu, sd)),
        _ => Err(format!(
            "{text:?}: expected uniform(a,b) with a <= b, triangular(a,mode,b) with a <= mode <= b, or normal(mu,sd) with sd >= 0"
        )),
    }
}

/// `from:to:step`, inclusive; integers stay integers.
fn parse_range(from: &str, to: &str, step: &str) -> Result<Vec<toml::Value>, String> {
    let (a, b, s) = (number(from)?, number(to)?, number(step)?);
    if s <= 0.0 || b < a {
        return Err(format!("range {from}:{to}:{step} needs from <= to and step > 0"));
    }
    let count = ((b - a) / s + 1e-9).floor() as usize + 1;
    if count > 1_000_000 {
        return Err(format!(
            "range {from}:{to}:{step} has {count} values; at most 1,000,000"
        ));
    }
    let integers = [from, to, step].iter().all(|t| t.trim().parse::<i64>().is_ok());
    // 0.45 + 3 x 0.05 is 0.6000000000000001 in binary: values keep the
    // decimals the planner wrote.
    let decimals = [from, to, step]
        .iter()
        .map(|t| {
            t.trim()
                .split_once('.')
                .map_or(0, |(_, d)| if d.contains(['e', 'E']) { 15 } else { d.len() })
        })
        .max()
        .unwrap_or(0);
    Ok((0..count)
        .map(|i| {
            if integers {
                toml::Value::Integer(
                    from.trim().parse::<i64>().unwrap_or(0)
                        + i as i64 * step.trim().parse::<i64>().unwrap_or(1),
                )
            } else {
                toml::Value::Float(round_to(a + i as f64 * s, decimals))
            }
        })
        .collect())
}

fn round_to(value: f64, decimals: usize) -> f64 {
    if decimals >= 15 {
        return value;
    }
    format!("{value:.decimals$}").parse().unwrap_or(value)
}

impl Vary {
    /// Parses `PATH=VALUES`, `PATH*=VALUES`, `PATH~LAW` or `PATH*~LAW`.
    pub fn parse(text: &str) -> Result<Vary, String> {
        let at = text.find(['=', '~']).ok_or_else(|| {
            format!("{text:?}: expected PATH=a,b,c, PATH=from:to:step, PATH*=..., or PATH~uniform(a,b)")
        })?;
        let (lhs, spec) = (&text[..at], &text[at + 1..]);
        let (path, op) = match lhs.strip_suffix('*') {
            Some(p) => (p, Op::Multiply),
            None => (lhs, Op::Set),
        };
        let values = if text.as_bytes()[at] == b'~' {
            Values::Random(parse_law(spec)?)
        } else {
            Values::List(parse_spec(spec)?)
        };
        Ok(Vary {
            label: lhs.to_string(),
            path: parse_path(path)?,
            op,
            values,
        })
    }
}

fn parse_spec(spec: &str) -> Result<Vec<toml::Value>, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    match parts.as_slice() {
        [from, to, step] => parse_range(from, to, step),
        [_] => spec.split(',').map(parse_value).collect(),
        _ => Err(format!("{spec:?}: a range is from:to:step")),
    }
}

/// A sweep file (docs/scenario.md, "Paths and overrides").
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    scenario: String,
    #[serde(default)]
    mode: Mode,
    samples: Option<usize>,
    seed: Option<u64>,
    #[serde(default)]
    vary: Vec<SweepFileVary>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFileVary {
    path: String,
    #[serde(default)]
    op: FileOp,
    values: Option<Vec<toml::Value>>,
    range: Option<FileRange>,
    distribution: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum FileOp {
    #[default]
    Set,
    Multiply,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRange {
    from: f64,
    to: f64,
    step: f64,
}

/// Whether `text` is a sweep file (a top-level `scenario = "path"`) rather
/// than a scenario (a `[scenario]` table).
pub fn is_sweep_file(text: &str) -> bool {
    text.parse::<toml::Table>()
        .is_ok_and(|t| matches!(t.get("scenario"), Some(toml::Value::String(_))))
}

impl Sweep {
    /// Reads a sweep file; its scenario path is relative to the file.
    pub fn from_file(path: &Path, text: &str) -> Result<Sweep, String> {
        let file: SweepFile =
            toml::from_str(text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
        let mut varies = Vec::with_capacity(file.vary.len());
        for (i, v) in file.vary.into_iter().enumerate() {
            let at = |e: String| format!("{}: vary[{i}] ({}): {e}", path.display(), v.path);
            let op = match v.op {
                FileOp::Set => Op::Set,
                FileOp::Multiply => Op::Multiply,
            };
            let values = match (v.values, v.range, v.distribution) {
                (Some(values), None, None) => Values::List(values),
                (None, Some(r), None) => Values::List(
                    parse_range(&r.from.to_string(), &r.to.to_string(), &r.step.to_string()).map_err(at)?,
                ),
                (None, None, Some(law)) => Values::Random(parse_law(&law).map_err(at)?),
                _ => {
                    return Err(at(
                        "give exactly one of `values`, `range` or `distribution`".into()
                    ))
                }
            };
            let label = format!("{}{}", v.path, if op == Op::Multiply { "*" } else { "" });
            varies.push(Vary {
                label,
                path: parse_path(&v.path).map_err(at)?,
                op,
                values,
            });
        }
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Sweep {
            scenario: base.join(file.scenario),
            mode: file.mode,
            varies,
            samples: file.samples,
            seed: file.seed.unwrap_or(0),
        })
    }

    /// Every point, as one override per varied path.
    pub fn points(&self) -> Result<Vec<Vec<Override>>, String> {
        if self.varies.is_empty() {
            return Err("nothing varies: give at least one --vary PATH=VALUES".into());
        }
        if self.is_monte_carlo()? {
            return self.monte_carlo_points();
        }
        let lists = self.value_lists()?;
        match self.mode {
            Mode::Zip => self.zip_points(&lists),
            Mode::Grid => self.grid_points(&lists),
        }
    }

    /// Whether every path follows a random law; a sweep that mixes laws
    /// with lists has no meaning, so that is an error.
    fn is_monte_carlo(&self) -> Result<bool, String> {
        let random = self
            .varies
            .iter()
            .filter(|v| matches!(v.values, Values::Random(_)))
            .count();
        if random > 0 && random < self.varies.len() {
            return Err(
                "a sweep varies either by lists and ranges or by random laws (Monte Carlo), not both".into(),
            );
        }
        Ok(random > 0)
    }

    fn monte_carlo_points(&self) -> Result<Vec<Vec<Override>>, String> {
        let samples = self
            .samples
            .ok_or("random laws need --samples N (and --seed S to reproduce)")?;
        if samples > MAX_POINTS {
            return Err(format!("--samples {samples}: at most 10,000,000 points"));
        }
        Ok((0..samples).map(|i| self.sample(i)).collect())
    }

    /// The values of each path, in path order, none empty; the sweep is
    /// not Monte Carlo.
    fn value_lists(&self) -> Result<Vec<&[toml::Value]>, String> {
        let lists: Vec<&[toml::Value]> = self
            .varies
            .iter()
            .map(|v| match &v.values {
                Values::List(values) => values.as_slice(),
                Values::Random(_) => unreachable!("checked by is_monte_carlo"),
            })
            .collect();
        if let Some(empty) = self.varies.iter().zip(&lists).find(|(_, l)| l.is_empty()) {
            return Err(format!("{} has no values", empty.0.label));
        }
        Ok(lists)
    }

    /// The point that takes value `choice[p]` of each path `p`.
    fn point(&self, lists: &[&[toml::Value]], choice: &[usize]) -> Vec<Override> {
        self.varies
            .iter()
            .zip(choice)
            .zip(lists)
            .map(|((v, &i), list)| Override {
                path: v.path.clone(),
                op: v.op,
                value: list[i].clone(),
            })
            .collect()
    }

    fn zip_points(&self, lists: &[&[toml::Value]]) -> Result<Vec<Vec<Override>>, String> {
        let n = lists[0].len();
        if lists.iter().any(|l| l.len() != n) {
            let lengths: Vec<String> = self
                .varies
                .iter()
                .zip(lists)
                .map(|(v, l)| format!("{} has {}", v.label, l.len()))
                .collect();
            return Err(format!(
                "--mode zip needs lists of one length: {}",
                lengths.join(", ")
            ));
        }
        Ok((0..n).map(|i| self.point(lists, &vec![i; lists.len()])).collect())
    }

    fn grid_points(&self, lists: &[&[toml::Value]]) -> Result<Vec<Vec<Override>>, String> {
        let total = lists
            .iter()
            .try_fold(1usize, |product, l| product.checked_mul(l.len()))
            .filter(|&total| total <= MAX_POINTS)
            .ok_or_else(|| {
                let sizes: Vec<String> = lists.iter().map(|l| l.len().to_string()).collect();
                format!("the grid has {} points; at most 10,000,000", sizes.join(" x "))
            })?;
        Ok((0..total)
            .map(|k| self.point(lists, &grid_choice(k, lists)))
            .collect())
    }

    /// Draw `i` of a Monte Carlo sweep: its own generator, seeded from the
    /// sweep's seed and `i`, so the draw does not depend on `--jobs`.
    fn sample(&self, i: usize) -> Vec<Override> {
        let mut rng = StdRng::seed_from_u64(self.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        self.varies
            .iter()
            .map(|v| {
                let value = match v.values {
                    Values::Random(Law::Uniform(a, b)) if a == b => a,
                    Values::Random(Law::Uniform(a, b)) => {
                        rand_distr::Uniform::new_inclusive(a, b).map_or(a, |d| d.sample(&mut rng))
                    }
                    Values::Random(Law::Triangular(a, m, b)) => {
                        rand_distr::Triangular::new(a, b, m).map_or(m, |d| d.sample(&mut rng))
                    }
                    Values::Random(Law::Normal(mu, sd)) => {
                        rand_distr::Normal::new(mu, sd).map_or(mu, |d| d.sample(&mut rng))
                    }
                    Values::List(_) => unreachable!("Monte Carlo sweeps vary by laws only"),
                };
                Override {
                    path: v.path.clone(),
                    op: v.op,
                    value: toml::Value::Float(value),
                }
            })
            .collect()
    }
}

/// Which value of each path point `k` of a grid takes: the last path
/// varies fastest, so that the points read like nested loops.
fn grid_choice(mut k: usize, lists: &[&[toml::Value]]) -> Vec<usize> {
    let mut choice = vec![0; lists.len()];
    for (slot, list) in choice.iter_mut().zip(lists).rev() {
        *slot = k % list.len();
        k /= list.len();
    }
    choice
}

/// How one point ended: the `status` column of `runs.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunStatus {
    /// Solved to optimality.
    Optimal,
    /// Stopped by the time limit with a plan.
    TimeLimit,
    /// The point is not a valid scenario.
    Invalid,
    /// No plan meets every hard constraint.
    Infeasible,
    /// Stopped before any plan, or failed.
    Error,
}

impl RunStatus {
    /// The word written in `runs.csv` and `sweep.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Optimal => Status::Optimal.as_str(),
            RunStatus::TimeLimit => Status::TimeLimit.as_str(),
            RunStatus::Invalid => "invalid",
            RunStatus::Infeasible => "infeasible",
            RunStatus::Error => "error",
        }
    }
}

/// How many points ended in each status, by the status's word (the order
/// of `sweep.json` and the terminal line).
pub fn count_statuses(statuses: &[RunStatus]) -> std::collections::BTreeMap<&'static str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for s in statuses {
        *counts.entry(s.as_str()).or_default() += 1;
    }
    counts
}

/// How one point ended, with what the reports need.
#[derive(Debug)]
pub enum RunResult {
    /// Solved (optimal or stopped by the time limit with a plan).
    Solved(Box<(Scenario, Outcome)>),
    /// The point is not a valid scenario.
    Invalid(String),
    /// No plan meets every hard constraint.
    Infeasible,
    /// Stopped before any plan, or failed.
    Failed(String),
}

impl RunResult {
    /// The status column of `runs.csv`.
    pub fn status(&self) -> RunStatus {
        match self {
            RunResult::Solved(solved) => match solved.1.status {
                Status::Optimal => RunStatus::Optimal,
                Status::TimeLimit => RunStatus::TimeLimit,
            },
            RunResult::Invalid(_) => RunStatus::Invalid,
            RunResult::Infeasible => RunStatus::Infeasible,
            RunResult::Failed(_) => RunStatus::Error,
        }
    }
}

/// One shard of a sweep, `--shard I/N`: the runs whose id (counted from
/// 0) is congruent to `I - 1` modulo `N`, so that shards `1/N` to `N/N`
/// together hold every run exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// `I`, from 1 to `count`.
    pub index: usize,
    /// `N`, at least 1.
    pub count: usize,
}

impl Shard {
    /// Parses `I/N` with `1 <= I <= N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?}: expected I/N, e.g. 2/4"))?;
        let parse = |t: &str| {
            t.trim()
                .parse::<usize>()
                .map_err(|_| format!("{text:?}: expected I/N, e.g. 2/4"))
        };
        let (index, count) = (parse(i)?, parse(n)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!("{text:?}: a shard I/N needs 1 <= I <= N"));
        }
        Ok(Shard { index, count })
    }

    /// Whether run `id` (counted from 0) belongs to this shard.
    pub fn holds(self, id: usize) -> bool {
        id % self.count == self.index - 1
    }

    /// The run ids of this shard among `points` runs, in order.
    pub fn ids(self, points: usize) -> impl Iterator<Item = usize> {
        (self.index - 1..points).step_by(self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The canonical form of a sweep's definition that its hash covers: the
/// base scenario's bytes (by their SHA-256), the varied paths with their
/// values or laws, the mode, the samples and the seed; not the scenario's
/// path, so that shards run from different folders still match.
#[derive(serde::Serialize)]
struct Canonical<'a> {
    scenario_sha256: &'a str,
    varies: &'a [Vary],
    mode: Mode,
    samples: Option<usize>,
    seed: u64,
}

impl Sweep {
    /// SHA-256 (hex) of the canonical serialisation of the definition,
    /// given the SHA-256 of the base scenario file's bytes.
    pub fn definition_sha256(&self, scenario_sha256: &str) -> String {
        use sha2::{Digest, Sha256};
        let canonical = Canonical {
            scenario_sha256,
            varies: &self.varies,
            mode: self.mode,
            samples: self.samples,
            seed: self.seed,
        };
        let bytes = serde_json::to_vec(&canonical).expect("a sweep definition serialises");
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Why a sweep cannot run at all (each point's own troubles are rows).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The sweep's definition is wrong: a bad spec, nothing varied, a path
    /// that matches nothing.
    #[error("invalid sweep: {0}")]
    Definition(String),
    /// The base scenario file cannot be read or parsed.
    #[error("{0}")]
    Scenario(#[from] crate::scenario::InvalidScenario),
    /// The worker threads could not start.
    #[error("cannot start {jobs} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        jobs: usize,
        /// Why not.
        message: String,
    },
}

/// A sweep ready to run: its base scenario, its points and the solve
/// settings every point shares.
pub struct Prepared {
    /// The base scenario file.
    pub file: ScenarioFile,
    /// Its document, before any override.
    pub base: toml::Table,
    /// One list of overrides per point, in run order.
    pub points: Vec<Vec<Override>>,
    /// The ids of the points to run (all of them, or one shard's).
    pub ids: Vec<usize>,
    /// The definition's SHA-256 ([`Sweep::definition_sha256`]).
    pub definition_sha256: String,
    /// `[scenario] name` of the base (for the default output folder).
    pub name: String,
    /// Whether the base has a `[horizon]` (its plans have a year column).
    pub horizon: bool,
    /// Whether the base lists disruptions (`runs.csv` adds their figures).
    pub disruptions: bool,
    settings: SolveSettings,
}

impl Sweep {
    /// Reads the base scenario, expands the points and checks that every
    /// path matches the base (a path that matches nothing would fail every
    /// point: that is the sweep's own error, reported once).
    pub fn prepare(&self) -> Result<Prepared, SweepError> {
        let file = ScenarioFile::read(&self.scenario)?;
        let base = file.document()?;
        let points = self.points().map_err(SweepError::Definition)?;
        if let Some(first) = points.first() {
            apply_all(&mut base.clone(), first).map_err(|(_, e)| SweepError::Definition(e))?;
        }
        let name = file.name().unwrap_or_else(|| "scenario".into());
        let settings = settings_for(&file);
        Ok(Prepared {
            ids: (0..points.len()).collect(),
            definition_sha256: self.definition_sha256(file.sha256()),
            file,
            horizon: base.contains_key("horizon"),
            disruptions: base.contains_key("disruptions"),
            base,
            points,
            name,
            settings,
        })
    }
}

impl Prepared {
    /// Keeps only the runs of `shard`.
    pub fn restrict(&mut self, shard: Shard) {
        self.ids = shard.ids(self.points.len()).collect();
    }

    /// Runs every point of [`Prepared::ids`] on `jobs` threads; `finish`
    /// sees each point (with its run id) as soon as it is solved (to stream
    /// its rows) and its results come back in id order, whatever order the
    /// points ran in.
    pub fn execute<T: Send>(
        &self,
        jobs: usize,
        finish: impl Fn(usize, &[Override], RunResult) -> T + Sync,
    ) -> Result<Vec<T>, SweepError> {
        let points: Vec<&[Override]> = self.ids.iter().map(|&id| self.points[id].as_slice()).collect();
        execute(
            &self.file,
            &self.base,
            &points,
            &self.settings,
            jobs,
            |k, point, result| finish(self.ids[k], point, result),
        )
    }
}

/// Validates and solves one point.
pub fn run_point(
    file: &ScenarioFile,
    base: &toml::Table,
    point: &[Override],
    settings: &SolveSettings,
) -> RunResult {
    let mut document = base.clone();
    let applied = match apply_all(&mut document, point) {
        Ok(applied) => applied,
        Err((o, e)) => return RunResult::Invalid(format!("{}: {e}", path_text(&o.path))),
    };
    let scenario = match file.scenario_from(document, point, &applied) {
        Ok(s) => s,
        Err(e) => return RunResult::Invalid(e.to_string()),
    };
    match optimise(&scenario, settings) {
        Ok(outcome) => RunResult::Solved(Box::new((scenario, outcome))),
        Err(Failure::Infeasible) => RunResult::Infeasible,
        Err(e) => RunResult::Failed(e.to_string()),
    }
}

/// The solve settings of every point: no sensitivity ranging, and the
/// simplex started from the base scenario's optimal basis (when it has one
/// and the point's LP has its shape) — much faster than a cold start, and
/// the same start whatever the order in which points run.
pub fn settings_for(file: &ScenarioFile) -> SolveSettings {
    let warm_start = file
        .scenario(&[])
        .ok()
        .and_then(|s| optimise(&s, &SolveSettings::default()).ok())
        .and_then(|o| o.basis)
        .map(std::sync::Arc::new);
    SolveSettings {
        warm_start,
        skip_sensitivity: true,
        skip_vss: true,
        reuse_instance: true,
        ..SolveSettings::default()
    }
}

/// Runs every point on `jobs` threads; `finish` sees each point as soon as
/// it is solved (to stream its rows) and its results come back in point
/// order, whatever order the points ran in.
pub fn execute<T: Send, P: AsRef<[Override]> + Sync>(
    file: &ScenarioFile,
    base: &toml::Table,
    points: &[P],
    settings: &SolveSettings,
    jobs: usize,
    finish: impl Fn(usize, &[Override], RunResult) -> T + Sync,
) -> Result<Vec<T>, SweepError> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        // No more threads than points: each would wait for nothing.
        .num_threads(jobs.min(points.len()).max(1))
        .build()
        .map_err(|e| SweepError::Threads {
            jobs,
            message: e.to_string(),
        })?;
    Ok(pool.install(|| {
        points
            .par_iter()
            .enumerate()
            .map(|(index, point)| {
                let point = point.as_ref();
                finish(index, point, run_point(file, base, point, settings))
            })
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_index_decodes_with_the_last_path_fastest() {
        let (a, b) = (vec![toml::Value::Integer(0); 2], vec![toml::Value::Integer(0); 3]);
        let lists = [a.as_slice(), b.as_slice()];
        let choices: Vec<Vec<usize>> = (0..6).map(|k| grid_choice(k, &lists)).collect();
        assert_eq!(choices, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    }

    #[test]
    fn shards_partition_the_runs() {
        for points in [0, 1, 5, 6, 7, 20] {
            for count in 1..=7 {
                let mut seen = vec![0; points];
                for index in 1..=count {
                    let shard = Shard::parse(&format!("{index}/{count}")).unwrap();
                    for id in shard.ids(points) {
                        assert!(shard.holds(id));
                        seen[id] += 1;
                    }
                }
                assert!(seen.iter().all(|&n| n == 1), "{points} points, {count} shards");
            }
        }
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
