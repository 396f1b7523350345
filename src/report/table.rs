//! The short human summary printed on stdout after a solve.

use super::sensitivity::SecurityPrice;
use crate::metrics::ElementMetrics;
use crate::pipeline::Outcome;
use crate::scenario::Scenario;
use comfy_table::{presets::ASCII_BORDERS_ONLY_CONDENSED, CellAlignment, ContentArrangement, Table};

/// The widest line the summary prints: a terminal of 100 columns shows it
/// whole (binding caps wrap inside their cell).
pub const WIDTH: u16 = 100;
use std::path::Path;

fn tonnes(t: f64) -> String {
    format!("{t:.1}")
}

fn money(amount: f64) -> String {
    format!("{:.2} M", amount / 1e6)
}

fn top(m: &ElementMetrics) -> String {
    match (&m.top_country, m.top_country_share) {
        (Some(c), Some(s)) => format!("{c} {:.1}%", 100.0 * s),
        _ => "-".to_string(),
    }
}

/// Binding policy caps whose element is `element`, or which concern
/// no single element when `element` is `None`.
fn binding_caps(scenario: &Scenario, outcome: &Outcome, element: Option<usize>) -> Vec<String> {
    outcome
        .constraints()
        .filter(|c| c.info.id.kind().is_policy_cap() && c.info.id.element(scenario) == element)
        .filter(|c| c.is_binding())
        .map(|c| match (c.info.id.subject(scenario), element.is_some()) {
            // Inside an element's row the element is implied: print `country_share[CN]`.
            (Some(subject), true) => format!("{}[{subject}]", c.info.id.kind().as_str()),
            _ => c.info.id.name(scenario),
        })
        .collect()
}

/// At most a few names, one per line (a name never breaks across lines),
/// then how many more: the full list is in constraints.csv.
fn listing(names: Vec<String>) -> String {
    const SHOWN: usize = 4;
    match names.len() {
        0 => "-".to_string(),
        n if n <= SHOWN => names.join("\n"),
        n => format!("{}\n+{} more", names[..SHOWN - 1].join("\n"), n - (SHOWN - 1)),
    }
}

/// The terminal summary of a solved plan.
pub fn render(
    scenario: &Scenario,
    outcome: &Outcome,
    security: &[SecurityPrice],
    output_dir: &Path,
) -> String {
    let mut text = headline(scenario, outcome);
    match &scenario.horizon {
        None => text.push_str(&element_table(scenario, outcome).to_string()),
        Some(horizon) => {
            text.push_str(&year_table(scenario, outcome, &horizon.years).to_string());
            if let Some(stock) = stock_table(scenario, outcome, &horizon.years) {
                text.push_str("\nstockpile, closing / target t (stock.csv):\n");
                text.push_str(&stock.to_string());
            }
        }
    }
    text.push('\n');
    text.push_str(&disruption_lines(scenario, outcome));
    text.push_str(&contracts_signed(scenario, outcome));
    text.push_str(&shortfall_penalties(scenario, outcome));
    text.push_str(&security_prices(scenario, security));
    for warning in &scenario.warnings {
        text.push_str(&format!("warning: {warning}\n"));
    }
    text.push_str(&format!(
        "plan verified against every cap; outputs in {}/\n",
        output_dir.display()
    ));
    text
}

/// The scenario, how the solve ended, and the objective.
fn headline(scenario: &Scenario, outcome: &Outcome) -> String {
    let status = match outcome.status {
        crate::solve::Status::Optimal => "optimal",
        crate::solve::Status::TimeLimit => "NOT PROVEN OPTIMAL (stopped by the time limit)",
    };
    let problem = match outcome.mip {
        Some(mip) => format!("MIP (gap {:.2e})", mip.gap),
        None => "LP".to_string(),
    };
    let span = match &scenario.horizon {
        Some(h) if scenario.policy.objective == crate::scenario::ObjectiveKind::Cost => format!(
            "\nover {}-{}: money discounted at {}% a year; {} {} undiscounted",
            h.years[0],
            h.years[h.years.len() - 1],
            100.0 * h.discount_rate,
            money(outcome.metrics.total.cost + outcome.metrics.penalty_cost),
            scenario.currency
        ),
        Some(h) => format!("\nsummed over {}-{}", h.years[0], h.years[h.years.len() - 1]),
        None => String::new(),
    };
    format!(
        "{}\n{status} {problem}, objective {} = {}{span}\n",
        fit(&format!("{} ({})", scenario.title, scenario.name)),
        scenario.policy.objective.as_str(),
        objective_text(scenario, outcome),
    )
}

/// `text` cut to [`WIDTH`] characters, with an ellipsis when cut (a long
/// scenario title).
fn fit(text: &str) -> String {
    let width = usize::from(WIDTH);
    match text.chars().count() > width {
        true => text.chars().take(width - 1).chain(['…']).collect(),
        false => text.to_string(),
    }
}

/// One row per element, then the total, with the caps that bind each.
fn element_table(scenario: &Scenario, outcome: &Outcome) -> Table {
    let mut table = Table::new();
    table
        .load_preset(ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(vec![
            "element",
            "demand t",
            "supplied t",
            "unmet t",
            &format!("cost {}", scenario.currency),
            "top country",
            "binding caps",
        ]);
    for (e, m) in outcome.metrics.elements.iter().enumerate() {
        let caps = binding_caps(scenario, outcome, Some(e));
        table.add_row(metrics_row(m.symbol.clone(), m, caps));
    }
    let shared = binding_caps(scenario, outcome, None);
    table.add_row(metrics_row("TOTAL".to_string(), &outcome.metrics.total, shared));
    for column in 1..=4 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// With a horizon: one row per year, each element's supplied tonnes
/// (and unmet, when any), the year's cost, and its binding caps; then the
/// horizon's total.
fn year_table(scenario: &Scenario, outcome: &Outcome, years: &[i64]) -> Table {
    let mut header = vec!["year".to_string()];
    header.extend(scenario.elements.iter().map(|e| format!("{} t", e.symbol)));
    header.push(format!("cost {}", scenario.currency));
    header.push("binding caps".to_string());
    let mut table = Table::new();
    table
        .load_preset(ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(header);
    let supplied = |m: &ElementMetrics| match m.shortfall_t > 0.0 {
        true => format!("{}\n({} unmet)", tonnes(m.supplied_t), tonnes(m.shortfall_t)),
        false => tonnes(m.supplied_t),
    };
    for (&year, metrics) in years.iter().zip(&outcome.year_metrics) {
        let mut row = vec![year.to_string()];
        row.extend(metrics.elements.iter().map(supplied));
        row.push(money(metrics.total.cost));
        // Per year, how many caps of each kind bind (the names are in
        // constraints.csv).
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        let binding = outcome
            .constraints()
            .filter(|c| c.info.id.kind().is_policy_cap() && c.info.id.year == Some(year as u16))
            .filter(|c| c.is_binding());
        for c in binding {
            let kind = c.info.id.kind().as_str();
            match kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((kind, 1)),
            }
        }
        let caps = kinds.iter().map(|(kind, n)| format!("{kind} x{n}")).collect();
        row.push(listing(caps));
        table.add_row(row);
    }
    let mut total = vec!["ALL".to_string()];
    total.extend(outcome.metrics.elements.iter().map(supplied));
    total.push(money(outcome.metrics.total.cost));
    // Caps that span the years: the horizon budget, the final stock.
    let spanning = outcome
        .constraints()
        .filter(|c| c.info.id.kind().is_policy_cap() && c.info.id.year.is_none() && c.is_binding())
        .map(|c| c.info.id.name(scenario))
        .collect();
    total.push(listing(spanning));
    table.add_row(total);
    for column in 1..=scenario.elements.len() + 1 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// With a stockpile: each stocked element's closing stock and target, year
/// by year.
fn stock_table(scenario: &Scenario, outcome: &Outcome, years: &[i64]) -> Option<Table> {
    let stockpile = scenario.stockpile()?;
    let mut header = vec!["year".to_string()];
    header.extend(
        stockpile
            .elements
            .iter()
            .map(|s| scenario.elements[s.element].symbol.clone()),
    );
    let mut table = Table::new();
    table
        .load_preset(ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(header);
    let initial =
        std::iter::once("start".to_string()).chain(stockpile.elements.iter().map(|s| tonnes(s.initial_t)));
    table.add_row(initial.collect::<Vec<_>>());
    for (t, (&year, slice)) in years.iter().zip(scenario.slices()).enumerate() {
        let mut row = vec![year.to_string()];
        row.extend(stockpile.elements.iter().map(|s| {
            let target = s.target_t(slice.elements[s.element].demand_t);
            format!(
                "{} / {}",
                tonnes(outcome.schedule.stock_t[t][s.element]),
                tonnes(target)
            )
        }));
        table.add_row(row);
    }
    for column in 1..=stockpile.elements.len() {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    Some(table)
}

fn metrics_row(label: String, m: &ElementMetrics, binding_caps: Vec<String>) -> Vec<String> {
    vec![
        label,
        tonnes(m.demand_t),
        tonnes(m.supplied_t),
        tonnes(m.shortfall_t),
        money(m.cost),
        top(m),
        listing(binding_caps),
    ]
}

/// The yes/no contracts taken, whenever there were any to take.
fn contracts_signed(scenario: &Scenario, outcome: &Outcome) -> String {
    let signed: Vec<&str> = scenario
        .suppliers
        .iter()
        .zip(&outcome.schedule.years[0].contracts)
        .filter(|(_, &signed)| signed)
        .map(|(s, _)| s.id.as_str())
        .collect();
    if outcome.mip.is_none() && signed.is_empty() {
        return String::new();
    }
    format!(
        "contracts signed: {} (fixed costs {} {}, in the total)\n",
        if signed.is_empty() {
            "none".to_string()
        } else {
            signed.join(", ")
        },
        money(outcome.metrics.fixed_costs),
        scenario.currency
    )
}

/// With disruptions: each scenario's cost and shortfall, and what hedging
/// buys against the plan that ignores them.
fn disruption_lines(scenario: &Scenario, outcome: &Outcome) -> String {
    let (Some(disruptions), Some(stochastic)) = (&scenario.disruptions, &outcome.stochastic) else {
        return String::new();
    };
    let mut table = Table::new();
    table
        .load_preset(ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(vec![
            "scenario".to_string(),
            "probability".to_string(),
            format!("cost {}", scenario.currency),
            "unmet t".to_string(),
            "spot t".to_string(),
        ]);
    for f in super::disruptions::figures(scenario, outcome) {
        table.add_row(vec![
            f.name,
            format!("{:.1}%", 100.0 * f.probability),
            money(f.cost),
            tonnes(f.shortfall_t),
            tonnes(f.spot_t),
        ]);
    }
    let tail = 100.0 * (1.0 - disruptions.cvar_alpha);
    let mut text = format!(
        "disruptions (scenarios.csv): expected cost {} {}, CVaR of the worst {tail:.0}% {} {}\n{table}\n",
        money(stochastic.expected_cost),
        scenario.currency,
        money(stochastic.cvar),
        scenario.currency,
    );
    let vss = stochastic.vss(outcome.objective).unwrap_or(0.0);
    if stochastic.ignoring.is_some() && vss <= 1e-9 * outcome.objective.abs().max(1.0) {
        text.push_str("this is also the plan that ignores disruptions: hedging does not pay here (value of the stochastic solution 0)\n");
    } else if let Some(ignoring) = &stochastic.ignoring {
        let more = stochastic.costs[0] - ignoring.base_cost;
        text.push_str(&format!(
            "against the plan that ignores disruptions, this plan costs {} {} more in a calm {}\nand saves {} in expectation, {} in the worst {tail:.0}%\n",
            money(more),
            scenario.currency,
            if scenario.horizon.is_some() { "horizon" } else { "year" },
            money(ignoring.expected_cost - stochastic.expected_cost),
            money(ignoring.cvar - stochastic.cvar),
        ));
    }
    text
}

fn shortfall_penalties(scenario: &Scenario, outcome: &Outcome) -> String {
    if outcome.metrics.penalty_cost > 0.0 {
        format!(
            "shortfall penalties: {} {}\n",
            money(outcome.metrics.penalty_cost),
            scenario.currency
        )
    } else {
        String::new()
    }
}

fn security_prices(scenario: &Scenario, security: &[SecurityPrice]) -> String {
    if security.is_empty() {
        return String::new();
    }
    let mut text = "price of security (security.csv):\n".to_string();
    for price in security {
        text.push_str(&format!("  {}\n", price.statement(&scenario.currency)));
    }
    text
}

fn objective_text(scenario: &Scenario, outcome: &Outcome) -> String {
    match scenario.policy.objective {
        crate::scenario::ObjectiveKind::Cost => format!("{} {}", money(outcome.objective), scenario.currency),
        crate::scenario::ObjectiveKind::Risk => format!("{:.6} (sum of mean risks)", outcome.objective),
    }
}
