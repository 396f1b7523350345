//! `compare.csv`, `compare.html` and the terminal table of `remopt compare`
//! (docs/outputs.md, "Compare outputs"): each renders the figures of
//! [`crate::compare::figures`] to bytes or text.

use super::number;
use crate::compare::{labels, Figure, Run, Value};
use comfy_table::{presets::ASCII_BORDERS_ONLY_CONDENSED, CellAlignment, ContentArrangement, Table};

/// Header of `compare.csv`.
pub const COMPARE_COLUMNS: [&str; 7] = [
    "figure", "element", "subject", "run", "scenario", "value", "change",
];

/// `compare.csv`: one row per figure and run, runs numbered from 0 (the
/// reference); `change` is the value less the reference's, empty for the
/// reference and for values that are not numbers.
pub fn compare_csv(runs: &[Run], figures: &[Figure]) -> Vec<u8> {
    let labels = labels(runs);
    let rows = figures.iter().flat_map(|f| {
        let labels = &labels;
        f.values.iter().enumerate().map(move |(r, value)| {
            let change = match r {
                0 => None,
                _ => value.change_from(&f.values[0]),
            };
            [
                f.figure.to_string(),
                f.element.clone(),
                f.subject.clone(),
                r.to_string(),
                labels[r].clone(),
                csv_value(value),
                change.map(number).unwrap_or_default(),
            ]
        })
    });
    super::csv::render(COMPARE_COLUMNS, rows)
}

fn csv_value(value: &Value) -> String {
    match value {
        Value::Number(x) => number(*x),
        Value::Text(t) => t.clone(),
        Value::Binds(b) => (if *b { "1" } else { "0" }).to_string(),
        Value::Missing => String::new(),
    }
}

/// The label of a figure's row in the table and the HTML page.
fn row_label(f: &Figure, currency: &str) -> String {
    let element = |what: String| format!("{} {what}", f.element);
    match f.figure {
        "total_cost" => format!("total cost {currency}"),
        "objective" => "objective".to_string(),
        "total_shortfall_t" => "shortfall t".to_string(),
        "worst_mean_risk" => "worst mean risk".to_string(),
        "worst_hhi" => "worst HHI".to_string(),
        "status" => "status".to_string(),
        "cost" => element(format!("cost {currency}")),
        "supplied_t" => element("supplied t".to_string()),
        "supplied_by_country_t" => element(format!("from {} t", f.subject)),
        "binding_cap" if f.element.is_empty() => format!("binds {}", f.subject),
        "binding_cap" => element(format!("binds {}", f.subject)),
        other => element(other.to_string()),
    }
}

/// How a figure's numbers are shown: money in millions, tonnes with one
/// decimal, risks and HHIs with four.
#[derive(Clone, Copy)]
enum Unit {
    Money,
    Tonnes,
    Index,
}

fn unit(f: &Figure) -> Unit {
    match f.figure {
        "total_cost" | "objective" | "cost" => Unit::Money,
        "worst_mean_risk" | "worst_hhi" => Unit::Index,
        _ => Unit::Tonnes,
    }
}

fn show(x: f64, unit: Unit, signed: bool) -> String {
    // Never `-0.0`.
    let x = if x == 0.0 { 0.0 } else { x };
    let text = match unit {
        Unit::Money if signed => format!("{:+.2} M", x / 1e6),
        Unit::Money => format!("{:.2} M", x / 1e6),
        Unit::Tonnes if signed => format!("{x:+.1}"),
        Unit::Tonnes => format!("{x:.1}"),
        Unit::Index if signed => format!("{x:+.4}"),
        Unit::Index => format!("{x:.4}"),
    };
    // A change that rounds to nothing reads as "no change".
    match signed && !text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        true => "=".to_string(),
        false => text,
    }
}

/// A cell's value as shown.
fn shown_value(f: &Figure, value: &Value) -> String {
    match value {
        Value::Number(x) => show(*x, unit(f), false),
        Value::Text(t) => t.clone(),
        Value::Binds(true) => "binds".to_string(),
        Value::Binds(false) => "-".to_string(),
        Value::Missing => "n/a".to_string(),
    }
}

/// A cell's change against the reference as shown; empty when there is
/// none to show.
fn shown_change(f: &Figure, value: &Value, reference: &Value) -> String {
    match (value, reference) {
        (Value::Binds(now), Value::Binds(before)) if now != before => {
            (if *now { "appears" } else { "gone" }).to_string()
        }
        (Value::Binds(_), _) => String::new(),
        (Value::Text(now), Value::Text(before)) if now != before => "changed".to_string(),
        _ => value
            .change_from(reference)
            .map(|c| show(c, unit(f), true))
            .unwrap_or_default(),
    }
}

/// The widest line the table prints.
pub const WIDTH: u16 = super::table::WIDTH;

/// The side-by-side table: one row per figure, one column per run; the
/// first run is the reference, the others show their value and, in
/// brackets, the change against it.
pub fn table(runs: &[Run], figures: &[Figure]) -> String {
    let labels = labels(runs);
    let currency = runs.first().map_or("", |r| r.currency.as_str());
    let mut text = format!("reference: {} ({})\n", labels[0], runs[0].source);
    for (label, run) in labels.iter().zip(runs).skip(1) {
        text.push_str(&format!("compared:  {label} ({})\n", run.source));
    }
    let mut table = Table::new();
    let mut header = vec!["figure".to_string()];
    header.extend(labels.iter().cloned());
    table
        .load_preset(ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(header);
    for f in figures {
        let mut row = vec![row_label(f, currency)];
        for (r, value) in f.values.iter().enumerate() {
            let shown = shown_value(f, value);
            let change = if r == 0 {
                String::new()
            } else {
                shown_change(f, value, &f.values[0])
            };
            row.push(match change.is_empty() {
                true => shown,
                false => format!("{shown} ({change})"),
            });
        }
        table.add_row(row);
    }
    for column in 1..=runs.len() {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    text.push_str(&table.to_string());
    text.push('\n');
    text
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `compare.html`: the same table as one self-contained page (no script,
/// no external resource), a value and a change column per compared run.
pub fn compare_html(runs: &[Run], figures: &[Figure]) -> Vec<u8> {
    let labels = labels(runs);
    let currency = runs.first().map_or("", |r| r.currency.as_str());
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>remopt compare</title>\n<style>\n\
         body { font-family: sans-serif; margin: 2em; }\n\
         table { border-collapse: collapse; }\n\
         th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; }\n\
         td.n { text-align: right; font-variant-numeric: tabular-nums; }\n\
         tr.key td { font-weight: bold; }\n\
         </style>\n</head>\n<body>\n<h1>remopt compare</h1>\n<ul>\n",
    );
    for (r, (label, run)) in labels.iter().zip(runs).enumerate() {
        let role = if r == 0 { "reference" } else { "compared" };
        html.push_str(&format!(
            "<li>run {r} ({role}): <b>{}</b>, from <code>{}</code></li>\n",
            escape(label),
            escape(&run.source)
        ));
    }
    html.push_str("</ul>\n<table>\n<thead>\n<tr><th>figure</th>");
    for (r, label) in labels.iter().enumerate() {
        match r {
            0 => html.push_str(&format!("<th>{}</th>", escape(label))),
            _ => html.push_str(&format!("<th>{}</th><th>change</th>", escape(label))),
        }
    }
    html.push_str("</tr>\n</thead>\n<tbody>\n");
    for f in figures {
        let class = if f.element.is_empty() && f.figure != "binding_cap" {
            " class=\"key\""
        } else {
            ""
        };
        html.push_str(&format!(
            "<tr{class}><td>{}</td>",
            escape(&row_label(f, currency))
        ));
        for (r, value) in f.values.iter().enumerate() {
            html.push_str(&format!(
                "<td class=\"n\">{}</td>",
                escape(&shown_value(f, value))
            ));
            if r > 0 {
                let change = shown_change(f, value, &f.values[0]);
                html.push_str(&format!("<td class=\"n\">{}</td>", escape(&change)));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n<p>Money in millions of ");
    html.push_str(&escape(currency));
    html.push_str("; tonnes per year; the figures, unrounded, are in compare.csv.</p>\n</body>\n</html>\n");
    html.into_bytes()
}
