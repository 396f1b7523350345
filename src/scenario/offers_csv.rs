//! Price lists in CSV beside the scenario (docs/scenario.md): `offers_csv` per
//! supplier (`element,price_per_kg,capacity_t,min_order_t`) or one
//! `[data] offers_csv` for all (a leading `supplier` column). Rows become
//! ordinary offers before validation; every error names the file, the row
//! and the column.

use super::raw::{RawOffer, RawScenario};
use super::validate::{PER_KG, TONNES};
use super::{LineCol, ScenarioError};
use std::path::{Path, PathBuf};

const COLUMNS: [&str; 4] = ["element", "price_per_kg", "capacity_t", "min_order_t"];

/// Moves every CSV row into `raw` as an offer; `base` is the scenario's
/// folder. The `offers_csv` keys are consumed.
pub(crate) fn merge(raw: &mut RawScenario, base: &Path) -> Result<(), Vec<ScenarioError>> {
    let mut errors = Vec::new();
    let mut lists: Vec<(Option<String>, PathBuf)> = Vec::new();
    if let Some(file) = raw.data.as_mut().and_then(|d| d.offers_csv.take()) {
        lists.push((None, base.join(file)));
    }
    for (id, supplier) in &mut raw.suppliers {
        if let Some(file) = supplier.offers_csv.take() {
            lists.push((Some(id.clone()), base.join(file)));
        }
    }
    for (owner, path) in lists {
        if let Err(mut e) = read_list(raw, owner.as_deref(), &path) {
            errors.append(&mut e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn read_list(raw: &mut RawScenario, owner: Option<&str>, path: &Path) -> Result<(), Vec<ScenarioError>> {
    let fail =
        |line: Option<usize>, column: Option<usize>, key: String, value: Option<String>, message: String| {
            ScenarioError {
                file: path.to_path_buf(),
                position: line.map(|line| LineCol {
                    line,
                    column: column.unwrap_or(1),
                }),
                key_path: key,
                value,
                message,
            }
        };
    let bytes = std::fs::read(path).map_err(|e| {
        vec![fail(
            None,
            None,
            String::new(),
            None,
            format!("cannot read the price list: {e}"),
        )]
    })?;
    // The line of a record, counted from its byte offset: after a CRLF line
    // end the csv crate's record starts at the `\n` and its own line count
    // runs one short.
    let line_of = |position: Option<&csv::Position>| {
        position.map(|p| {
            let mut start = (p.byte() as usize).min(bytes.len());
            while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            bytes[..start].iter().filter(|&&b| b == b'\n').count() + 1
        })
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(&bytes[..]);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            vec![fail(
                Some(1),
                None,
                String::new(),
                None,
                format!("cannot read the header: {e}"),
            )]
        })?
        .iter()
        .map(str::to_string)
        .collect();
    let expected: Vec<&str> = owner.map_or_else(
        || ["supplier"].into_iter().chain(COLUMNS).collect(),
        |_| COLUMNS.to_vec(),
    );
    let mut errors = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if !expected.contains(&name.as_str()) {
            errors.push(fail(
                Some(1),
                Some(i + 1),
                "header".into(),
                Some(name.clone()),
                format!("unknown column; the columns are {}", expected.join(",")),
            ));
        }
    }
    for required in expected
        .iter()
        .filter(|c| matches!(**c, "supplier" | "element" | "price_per_kg"))
    {
        if !header.iter().any(|h| h == required) {
            errors.push(fail(
                Some(1),
                None,
                String::new(),
                None,
                format!("the column `{required}` is missing"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = line_of(e.position());
                errors.push(fail(
                    line,
                    None,
                    String::new(),
                    None,
                    format!("unreadable row: {e}"),
                ));
                continue;
            }
        };
        let line = line_of(record.position());
        let cell = |name: &str| column(name).and_then(|i| record.get(i)).filter(|v| !v.is_empty());
        let supplier = match owner {
            Some(id) => id.to_string(),
            None => cell("supplier").unwrap_or_default().to_string(),
        };
        let element = cell("element").unwrap_or_default().to_string();
        let key = |field: &str| format!("suppliers.{supplier}.offers.{element}.{field}");
        let mut number = |name: &str, required: bool| -> Option<f64> {
            let at = column(name).map(|i| i + 1);
            match cell(name) {
                None if required => {
                    errors.push(fail(
                        line,
                        at,
                        key(name),
                        None,
                        format!("`{name}` is empty; give a number >= 0"),
                    ));
                    None
                }
                None => None,
                Some(text) => match text.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => {
                        let limit = if name == "price_per_kg" { PER_KG } else { TONNES };
                        if v > limit.max {
                            errors.push(fail(
                                line,
                                at,
                                key(name),
                                Some(text.to_string()),
                                limit.exceeded("the value"),
                            ));
                            return None;
                        }
                        Some(v)
                    }
                    _ => {
                        errors.push(fail(
                            line,
                            at,
                            key(name),
                            Some(text.to_string()),
                            "must be a finite number >= 0".into(),
                        ));
                        None
                    }
                },
            }
        };
        let price = number("price_per_kg", true);
        let capacity = number("capacity_t", false);
        let min_order = number("min_order_t", false);
        let Some(target) = raw.suppliers.get_mut(&supplier) else {
            let known: Vec<&str> = raw.suppliers.keys().map(String::as_str).collect();
            errors.push(fail(
                line,
                column("supplier").map(|i| i + 1),
                "supplier".into(),
                Some(supplier.clone()),
                format!("no such supplier in the scenario; known: {}", known.join(" ")),
            ));
            continue;
        };
        if element.is_empty() {
            errors.push(fail(
                line,
                column("element").map(|i| i + 1),
                key("element"),
                None,
                "the element is empty".into(),
            ));
            continue;
        }
        if target.offers.contains_key(&element) {
            errors.push(fail(
                line,
                column("element").map(|i| i + 1),
                format!("suppliers.{supplier}.offers.{element}"),
                None,
                "offered twice (in the scenario or an earlier row): give each supplier's element once".into(),
            ));
            continue;
        }
        if let Some(price) = price {
            target.offers.insert(
                element,
                RawOffer {
                    price_per_kg: Some(price),
                    capacity_t: capacity,
                    min_order_t: min_order,
                    tiers: None,
                    origin: None,
                },
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
