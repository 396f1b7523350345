//! `frontier.csv` and `plans.csv` of `remopt frontier` (models/README.md, "The cost-versus-risk frontier").

use super::csv::{plan_rows, render_prefixed, PLAN_COLUMNS};
use super::{number, optional};
use crate::frontier::FrontierPoint;
use crate::scenario::Scenario;

/// `frontier.csv`: one row per point, from least cost to least risk, with
/// each element's mean risk in its own column.
pub fn frontier_csv(scenario: &Scenario, points: &[FrontierPoint]) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "point",
        "risk_level",
        "risk_sum",
        "total_cost",
        "penalty_cost",
        "total_shortfall_t",
        "hhi",
    ]
    .map(String::from)
    .to_vec();
    header.extend(
        scenario
            .elements
            .iter()
            .map(|e| format!("mean_risk_{}", e.symbol)),
    );
    writer.write_record(&header).expect("in-memory CSV write");
    for p in points {
        let m = &p.outcome.metrics;
        let mut row = vec![
            p.index.to_string(),
            number(p.level),
            number(p.risk_sum),
            number(m.total.cost),
            number(m.penalty_cost),
            number(m.total.shortfall_t),
            optional(m.total.hhi),
        ];
        row.extend(
            (0..scenario.elements.len()).map(|e| optional(mean_over_years(&p.outcome.year_metrics, e))),
        );
        writer.write_record(&row).expect("in-memory CSV write");
    }
    writer.into_inner().expect("in-memory CSV flush")
}

/// Element `e`'s mean risk, averaged over the years (the year's own
/// without a horizon); `None` when a year's is unknown.
fn mean_over_years(years: &[crate::metrics::Metrics], e: usize) -> Option<f64> {
    let risks: Option<Vec<f64>> = years
        .iter()
        .filter(|m| m.elements[e].demand_t > 0.0)
        .map(|m| m.elements[e].mean_risk)
        .collect();
    let risks = risks?;
    (!risks.is_empty()).then(|| risks.iter().sum::<f64>() / risks.len() as f64)
}

/// `plans.csv`: every point's plan, in long format (with a horizon, each
/// row's year after its point).
pub fn plans_csv(scenario: &Scenario, points: &[FrontierPoint]) -> Vec<u8> {
    points_plans_csv(scenario, points.iter().map(|p| (p.index, &p.outcome)))
}

/// `plans.csv` of any frontier: each `(point, outcome)`'s plan.
fn points_plans_csv<'a>(
    scenario: &'a Scenario,
    points: impl Iterator<Item = (usize, &'a crate::pipeline::Outcome)>,
) -> Vec<u8> {
    let horizon = scenario.horizon.is_some();
    let header: &[&str] = if horizon { &["point", "year"] } else { &["point"] };
    render_prefixed(
        header,
        PLAN_COLUMNS,
        points.flat_map(|(index, outcome)| {
            let years = scenario.slices().iter().zip(&outcome.schedule.years);
            years.flat_map(move |(slice, plan)| {
                let mut lead = vec![index.to_string()];
                if horizon {
                    lead.push(slice.year.map(|y| y.to_string()).unwrap_or_default());
                }
                plan_rows(slice, plan).map(move |row| (lead.clone(), row))
            })
        }),
    )
}

/// The terminal table of a frontier.
pub fn table(scenario: &Scenario, points: &[FrontierPoint]) -> String {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_header(vec![
            "point".to_string(),
            "risk sum".to_string(),
            format!("total cost {}", scenario.currency),
            "HHI".to_string(),
        ]);
    for p in points {
        table.add_row(vec![
            p.index.to_string(),
            format!("{:.4}", p.risk_sum),
            format!("{:.2} M", p.outcome.metrics.total.cost / 1e6),
            p.outcome
                .metrics
                .total
                .hhi
                .map_or("-".into(), |h| format!("{h:.3}")),
        ]);
    }
    table.to_string()
}

/// `frontier.csv` over risk aversion: one row per plan, from expected
/// cost to CVaR alone.
pub fn aversion_csv(points: &[crate::frontier::AversionPoint]) -> Vec<u8> {
    let mut file = super::csv::CellWriter::new(
        &["point", "risk_aversion", "objective", "expected_cost", "cvar"],
        points.len(),
    );
    for p in points {
        let stochastic = p.outcome.stochastic.as_ref();
        file.text(&p.index.to_string())
            .number(p.risk_aversion)
            .number(p.outcome.objective)
            .number(stochastic.map_or(f64::NAN, |s| s.expected_cost))
            .number(stochastic.map_or(f64::NAN, |s| s.cvar))
            .end_row();
    }
    file.finish()
}

/// `plans.csv` over risk aversion: every point's contracted plan.
pub fn aversion_plans_csv(scenario: &Scenario, points: &[crate::frontier::AversionPoint]) -> Vec<u8> {
    points_plans_csv(scenario, points.iter().map(|p| (p.index, &p.outcome)))
}

/// The terminal table of a frontier over risk aversion.
pub fn aversion_table(scenario: &Scenario, points: &[crate::frontier::AversionPoint]) -> String {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_header(vec![
            "point".to_string(),
            "risk aversion".to_string(),
            format!("expected cost {}", scenario.currency),
            format!("CVaR {}", scenario.currency),
        ]);
    for p in points {
        let stochastic = p.outcome.stochastic.as_ref();
        table.add_row(vec![
            p.index.to_string(),
            format!("{:.2}", p.risk_aversion),
            stochastic.map_or("-".into(), |s| format!("{:.2} M", s.expected_cost / 1e6)),
            stochastic.map_or("-".into(), |s| format!("{:.2} M", s.cvar / 1e6)),
        ]);
    }
    table.to_string()
}
