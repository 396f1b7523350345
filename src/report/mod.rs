//! Outputs of docs/outputs.md: each report renders to bytes; [`write`] alone touches
//! the file system.

pub mod csv;
pub mod diagnosis;
pub mod frontier;
pub mod json;
pub mod sensitivity;
pub mod sweep;
pub mod table;
pub mod write;

/// A number as written in every output: shortest text that reads back to the
/// same `f64`, never `-0`.
pub fn number(value: f64) -> String {
    if value == 0.0 {
        "0".to_string()
    } else {
        value.to_string()
    }
}

/// An optional number: empty when absent.
pub fn optional(value: Option<f64>) -> String {
    value.map(number).unwrap_or_default()
}

/// Every file of a solved run, named, in the order they are written.
pub fn solve_files(
    scenario: &crate::scenario::Scenario,
    outcome: &crate::pipeline::Outcome,
    security: &[sensitivity::SecurityPrice],
    record: &json::RunRecord,
) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![
        ("plan.csv", csv::plan(scenario, outcome)),
        ("summary.csv", csv::summary(outcome)),
        ("constraints.csv", csv::constraints(scenario, outcome)),
        ("security.csv", sensitivity::security_csv(scenario, security)),
    ];
    if let Some(sensitivity) = sensitivity::sensitivity_csv(scenario, outcome) {
        files.push(("sensitivity.csv", sensitivity));
    }
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
}
