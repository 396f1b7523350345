//! Outputs of docs/outputs.md: each report renders to bytes; [`write`] alone touches
//! the file system.

pub mod baskets;
pub mod compare;
pub mod csv;
pub mod diagnosis;
pub mod disruptions;
pub mod frontier;
pub mod html;
pub mod json;
pub mod sensitivity;
pub mod stages;
pub mod stock;
pub mod sweep;
pub mod sweep_html;
pub mod table;
pub mod write;
pub mod xlsx;

/// A number as written in every output: shortest text that reads back to the
/// same `f64`, never `-0`; an infinite or undefined value (an unbounded end of
/// a range) is an empty cell, so that no output ever holds `inf` or `NaN`
/// text that a spreadsheet would read as a word.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        String::new()
    } else if value == 0.0 {
        "0".to_string()
    } else {
        value.to_string()
    }
}

/// A value as given on the command line or in a sweep file (a varied value
/// in `runs.csv`), as TOML text; an infinite or undefined number (`inf`,
/// `nan`: valid TOML, rejected by validation) is an empty cell, as in
/// [`number`].
pub fn value(value: &toml::Value) -> String {
    match value {
        toml::Value::Float(f) if !f.is_finite() => String::new(),
        // `1e308`, not 309 digits.
        toml::Value::Float(f) if f.abs() >= 1e16 => format!("{f:e}"),
        other => other.to_string(),
    }
}

/// An optional number: empty when absent.
pub fn optional(value: Option<f64>) -> String {
    value.map(number).unwrap_or_default()
}

/// A solved run: its outcome, its record and every file it writes.
pub struct Rendered<'a> {
    /// The plan and its figures.
    pub outcome: crate::pipeline::Outcome,
    /// What `run.json` holds.
    pub record: json::RunRecord<'a>,
    /// The binding risk caps, priced (`security.csv`).
    pub security: Vec<sensitivity::SecurityPrice>,
    /// Every file, named, in the order they are written.
    pub files: Vec<(&'static str, Vec<u8>)>,
}

/// Solves `scenario` and renders every file of the run (`load_seconds`
/// is the time it took to read): the files that need no ranging are
/// rendered while HiGHS ranges the plan. What `remopt solve` and `remopt
/// compare` run, and the benchmarks time.
pub fn solve_and_render<'a>(
    scenario: &'a crate::scenario::Scenario,
    settings: &crate::pipeline::SolveSettings,
    load_seconds: f64,
) -> Result<Rendered<'a>, crate::pipeline::Failure> {
    let render = |outcome: &_| unranged_files(scenario, outcome);
    let (outcome, unranged) = crate::pipeline::optimise_with(scenario, settings, render)?;
    let record = json::RunRecord::new(scenario, &outcome, load_seconds);
    let security = sensitivity::security_prices(scenario, &outcome);
    let files = solve_files_from(unranged, scenario, &outcome, &security, &record);
    Ok(Rendered {
        outcome,
        record,
        security,
        files,
    })
}

/// The files of a solved run that need neither its ranging nor the value
/// of the stochastic solution: `pipeline::optimise_with` renders them
/// while HiGHS ranges the plan.
struct Unranged {
    plan: Vec<u8>,
    constraints: Vec<u8>,
}

/// Renders the [`Unranged`] files.
fn unranged_files(scenario: &crate::scenario::Scenario, outcome: &crate::pipeline::Outcome) -> Unranged {
    let (plan, constraints) = rayon::join(
        || csv::plan(scenario, outcome),
        || csv::constraints(scenario, outcome),
    );
    Unranged { plan, constraints }
}

/// Every file of a solved run, named, in the order they are written.
pub fn solve_files(
    scenario: &crate::scenario::Scenario,
    outcome: &crate::pipeline::Outcome,
    security: &[sensitivity::SecurityPrice],
    record: &json::RunRecord,
) -> Vec<(&'static str, Vec<u8>)> {
    solve_files_from(
        unranged_files(scenario, outcome),
        scenario,
        outcome,
        security,
        record,
    )
}

/// [`solve_files`], the [`Unranged`] ones already rendered.
fn solve_files_from(
    unranged: Unranged,
    scenario: &crate::scenario::Scenario,
    outcome: &crate::pipeline::Outcome,
    security: &[sensitivity::SecurityPrice],
    record: &json::RunRecord,
) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![
        ("plan.csv", unranged.plan),
        ("summary.csv", csv::summary(scenario, outcome)),
        ("constraints.csv", unranged.constraints),
        ("security.csv", sensitivity::security_csv(scenario, security)),
        ("stages.csv", stages::stages_csv(scenario, &outcome.schedule)),
    ];
    if scenario.horizon.is_some() {
        files.push(("stock.csv", stock::stock_csv(scenario, &outcome.schedule)));
    }
    if scenario.disruptions.is_some() {
        files.push(("scenarios.csv", disruptions::scenarios_csv(scenario, outcome)));
        files.push(("recourse.csv", disruptions::recourse_csv(scenario, outcome)));
    }
    if scenario.suppliers.iter().any(|s| s.basket.is_some()) {
        files.push(("baskets.csv", baskets::baskets_csv(scenario, &outcome.schedule)));
        files.push(("surplus.csv", baskets::surplus_csv(scenario, &outcome.schedule)));
    }
    // sensitivity.csv has a row per offer and per bound: it is rendered on
    // every core, the page beside it (the page reads none of it).
    let (ranging, page) = rayon::join(
        || sensitivity::sensitivity_csv(scenario, outcome),
        || {
            // benches/report_overhead.sh times the command with and without it.
            cfg!(not(feature = "bench-without-report-html"))
                .then(|| html::report_html(record, security, &files))
        },
    );
    files.extend(ranging.map(|bytes| ("sensitivity.csv", bytes)));
    files.extend(page.map(|bytes| ("report.html", bytes)));
    files.push(("run.json", json::run_json(record)));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_never_print_negative_zero() {
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number(1.5e9), "1500000000");
        let tiny = 1.234e-12;
        assert_eq!(number(tiny).parse::<f64>().unwrap(), tiny);
        assert_eq!(optional(None), "");
    }

    #[test]
    fn unbounded_or_undefined_numbers_are_empty_cells() {
        assert_eq!(number(f64::INFINITY), "");
        assert_eq!(number(f64::NEG_INFINITY), "");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(optional(Some(f64::NAN)), "");
        assert_eq!(number(f64::MAX).parse::<f64>().unwrap(), f64::MAX);
        assert_eq!(value(&toml::Value::Float(f64::INFINITY)), "");
        assert_eq!(value(&toml::Value::Float(-f64::NAN)), "");
        assert_eq!(value(&toml::Value::Float(1.5)), "1.5");
        assert_eq!(value(&toml::Value::Float(2.0)), "2.0");
        assert_eq!(value(&toml::Value::Float(1e308)), "1e308");
        assert_eq!(value(&toml::Value::Integer(3)), "3");
    }
}
