//! `remopt merge`: the shard folders of one sweep (`remopt sweep --shard
//! I/N`) joined into the files the whole sweep writes. Every shard must be
//! there once and belong to the same sweep (same definition SHA-256 and
//! same `N`); the joined rows are put back in run order, so that
//! `runs.csv`, `plans.csv`, `summary.csv`, `percentiles.csv` and
//! `report.html` are the bytes the unsharded sweep writes.

use crate::report::sweep::{json_bytes, percentiles_csv, record, sweep_record, RunFigures};
use crate::report::sweep_html::{sweep_html, SweepPage};
use crate::sweep::Shard;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why shards cannot be merged; the message names the folder at fault.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

/// What a shard's `sweep.json` says of it.
struct ShardInfo {
    dir: PathBuf,
    shard: Shard,
    sweep_points: usize,
    definition_sha256: String,
    sweep: serde_json::Value,
    name: String,
    currency: String,
    jobs: usize,
    wall_seconds: f64,
}

fn fail<T>(dir: &Path, message: impl std::fmt::Display) -> Result<T, MergeError> {
    Err(MergeError(format!("{}: {message}", dir.display())))
}

fn read_info(dir: &Path) -> Result<ShardInfo, MergeError> {
    if !dir.is_dir() {
        return fail(
            dir,
            "not a folder (give the output folders of `remopt sweep --shard`)",
        );
    }
    let text = match std::fs::read_to_string(dir.join("sweep.json")) {
        Ok(text) => text,
        Err(e) => return fail(dir, format!("not a shard folder: cannot read sweep.json: {e}")),
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(e) => return fail(dir, format!("sweep.json is not valid JSON: {e}")),
    };
    let field = |v: &serde_json::Value| v.as_u64().map(|n| n as usize);
    let shard = &json["shard"];
    let (Some(index), Some(count), Some(sweep_points)) = (
        field(&shard["index"]),
        field(&shard["count"]),
        field(&shard["sweep_points"]),
    ) else {
        return fail(
            dir,
            "not a shard: its sweep.json has no `shard` (run `remopt sweep ... --shard I/N`)",
        );
    };
    let Ok(shard) = Shard::parse(&format!("{index}/{count}")) else {
        return fail(
            dir,
            format!("sweep.json names shard {index}/{count}, which is not a shard"),
        );
    };
    let Some(definition_sha256) = json["definition_sha256"].as_str() else {
        return fail(dir, "sweep.json has no definition_sha256");
    };
    Ok(ShardInfo {
        dir: dir.to_path_buf(),
        shard,
        sweep_points,
        definition_sha256: definition_sha256.to_string(),
        sweep: json["sweep"].clone(),
        name: json["name"].as_str().unwrap_or("sweep").to_string(),
        currency: json["currency"].as_str().unwrap_or("USD").to_string(),
        jobs: field(&json["jobs"]).unwrap_or(1),
        wall_seconds: json["wall_seconds"].as_f64().unwrap_or(0.0),
    })
}

/// Checks that `infos` are the shards `1/N` to `N/N` of one sweep, each once.
fn check_set(infos: &[ShardInfo]) -> Result<(), MergeError> {
    let first = &infos[0];
    let mut seen: BTreeMap<usize, &Path> = BTreeMap::new();
    for info in infos {
        if info.definition_sha256 != first.definition_sha256 || info.sweep_points != first.sweep_points {
            return fail(
                &info.dir,
                format!(
                    "a shard of another sweep: its definition's SHA-256 is {}, not {} as for {}",
                    info.definition_sha256,
                    first.definition_sha256,
                    first.dir.display()
                ),
            );
        }
        if info.shard.count != first.shard.count {
            return fail(
                &info.dir,
                format!(
                    "shard {} of a split into {}, but {} is shard {} (a split into {})",
                    info.shard,
                    info.shard.count,
                    first.dir.display(),
                    first.shard,
                    first.shard.count
                ),
            );
        }
        if let Some(other) = seen.insert(info.shard.index, &info.dir) {
            return fail(
                &info.dir,
                format!("shard {} is given twice (also {})", info.shard, other.display()),
            );
        }
    }
    let missing: Vec<String> = (1..=first.shard.count)
        .filter(|i| !seen.contains_key(i))
        .map(|i| format!("{i}/{}", first.shard.count))
        .collect();
    if !missing.is_empty() {
        let given: Vec<String> = infos.iter().map(|i| i.dir.display().to_string()).collect();
        return Err(MergeError(format!(
            "shard{} {} missing: the folders given ({}) hold {} of the {} shards",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            given.join(", "),
            seen.len(),
            first.shard.count
        )));
    }
    Ok(())
}

/// One CSV file of a shard: its header and its records grouped by run id
/// (in the order written), each re-rendered as the sweep renders it.
struct Table {
    header: Vec<u8>,
    rows: BTreeMap<usize, Vec<u8>>,
}

fn read_table(info: &ShardInfo, file: &str) -> Result<Table, MergeError> {
    let path = info.dir.join(file);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => return fail(&info.dir, format!("cannot read {file}: {e}")),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut header = None;
    let mut rows: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
    for result in reader.records() {
        let fields = match result {
            Ok(fields) => fields,
            Err(e) => return fail(&info.dir, format!("{file}: {e}")),
        };
        if header.is_none() {
            header = Some(record(fields.iter()));
            continue;
        }
        let Some(id) = fields.get(0).and_then(|f| f.parse::<usize>().ok()) else {
            return fail(&info.dir, format!("{file}: a row without a run id"));
        };
        if id >= info.sweep_points || !info.shard.holds(id) {
            return fail(
                &info.dir,
                format!("{file}: run {id} does not belong to shard {}", info.shard),
            );
        }
        rows.entry(id).or_default().extend(record(fields.iter()));
    }
    let Some(header) = header else {
        return fail(&info.dir, format!("{file} is empty"));
    };
    Ok(Table { header, rows })
}

/// The rows of `file` of every shard, which must all have one header.
fn join(infos: &[ShardInfo], file: &str) -> Result<Table, MergeError> {
    let mut all = read_table(&infos[0], file)?;
    for info in &infos[1..] {
        let table = read_table(info, file)?;
        if table.header != all.header {
            return fail(
                &info.dir,
                format!("{file} has another header than {}'s", infos[0].dir.display()),
            );
        }
        all.rows.extend(table.rows);
    }
    Ok(all)
}

/// The figures `percentiles.csv` needs of each solved run, from the rows
/// of `summary.csv` (element rows, then `TOTAL`).
fn figures(summary: &BTreeMap<usize, Vec<u8>>) -> Result<Vec<RunFigures>, MergeError> {
    let bad = |id: usize, e: String| MergeError(format!("summary.csv, run {id}: {e}"));
    let mut all = Vec::with_capacity(summary.len());
    for (&id, bytes) in summary {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        let mut run = RunFigures {
            total_cost: 0.0,
            total_shortfall_t: 0.0,
            elements: Vec::new(),
        };
        for result in reader.records() {
            let fields = result.map_err(|e| bad(id, e.to_string()))?;
            let cell = |i: usize| -> Result<Option<f64>, MergeError> {
                match fields.get(i).unwrap_or("") {
                    "" => Ok(None),
                    text => text
                        .parse()
                        .map(Some)
                        .map_err(|_| bad(id, format!("{text:?} is not a number"))),
                }
            };
            let element = fields.get(1).unwrap_or("").to_string();
            if element == "TOTAL" {
                run.total_cost = cell(5)?.unwrap_or(0.0);
                run.total_shortfall_t = cell(4)?.unwrap_or(0.0);
            } else {
                run.elements.push((element, cell(7)?, cell(10)?));
            }
        }
        all.push(run);
    }
    Ok(all)
}

/// Joins the shard folders `dirs` into the whole sweep's files: `runs.csv`,
/// `plans.csv`, `summary.csv`, `percentiles.csv` (Monte Carlo),
/// `report.html` and `sweep.json`.
pub fn merge(dirs: &[PathBuf]) -> Result<Vec<(&'static str, Vec<u8>)>, MergeError> {
    if dirs.is_empty() {
        return Err(MergeError(
            "remopt merge needs the shard folders of a sweep".into(),
        ));
    }
    let infos = dirs.iter().map(|d| read_info(d)).collect::<Result<Vec<_>, _>>()?;
    check_set(&infos)?;
    let runs = join(&infos, "runs.csv")?;
    let plans = join(&infos, "plans.csv")?;
    let summary = join(&infos, "summary.csv")?;
    // Every run of every shard is in runs.csv.
    for info in &infos {
        if let Some(id) = info
            .shard
            .ids(info.sweep_points)
            .find(|id| !runs.rows.contains_key(id))
        {
            return fail(
                &info.dir,
                format!(
                    "runs.csv lacks run {id} of shard {} (an incomplete shard?)",
                    info.shard
                ),
            );
        }
    }
    let statuses = status_counts(&runs)?;
    let concat = |table: &Table| -> Vec<u8> {
        let mut bytes = table.header.clone();
        for row in table.rows.values() {
            bytes.extend(row);
        }
        bytes
    };
    let mut files = vec![
        ("runs.csv", concat(&runs)),
        ("plans.csv", concat(&plans)),
        ("summary.csv", concat(&summary)),
    ];
    let first = &infos[0];
    if !first.sweep["samples"].is_null() {
        files.push(("percentiles.csv", percentiles_csv(&figures(&summary.rows)?)));
    }
    let page = SweepPage {
        definition: &first.sweep,
        name: &first.name,
        currency: &first.currency,
    };
    files.push(("report.html", sweep_html(&page, &files)));
    let jobs = infos.iter().map(|i| i.jobs).sum();
    // The shards may have run side by side: the longest is the wall time.
    let wall_seconds = infos.iter().map(|i| i.wall_seconds).fold(0.0, f64::max);
    let mut record = sweep_record(
        first.sweep.clone(),
        &first.definition_sha256,
        runs.rows.len(),
        serde_json::to_value(statuses).expect("counts serialise"),
        jobs,
        wall_seconds,
    );
    record["name"] = first.name.as_str().into();
    record["currency"] = first.currency.as_str().into();
    record["merged_shards"] = serde_json::json!(first.shard.count);
    files.push(("sweep.json", json_bytes(&record)));
    Ok(files)
}

/// How many runs ended in each status, from the `status` column.
fn status_counts(runs: &Table) -> Result<BTreeMap<String, usize>, MergeError> {
    let header: Vec<String> = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(runs.header.as_slice())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(String::from).collect())
        .unwrap_or_default();
    let Some(column) = header.iter().rposition(|c| c == "status") else {
        return Err(MergeError("runs.csv has no status column".into()));
    };
    let mut counts = BTreeMap::new();
    for row in runs.rows.values() {
        let fields = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(row.as_slice())
            .records()
            .next()
            .and_then(Result::ok);
        let status = fields
            .and_then(|f| f.get(column).map(String::from))
            .unwrap_or_default();
        *counts.entry(status).or_default() += 1;
    }
    Ok(counts)
}
