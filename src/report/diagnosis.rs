//! `diagnosis.txt` and `diagnosis.csv` (docs/outputs.md, "When no plan exists").

use super::number;
use crate::diagnose::Diagnosis;
use crate::model::{Family, RowId};
use crate::scenario::Scenario;
use itertools::Itertools;
use std::fmt::Write;

/// Header of `diagnosis.csv`: one row per element that cannot be covered
/// (kind `demand`: bound = demand, relaxed_bound = the most the caps allow),
/// then one row per cap to relax.
pub const DIAGNOSIS_COLUMNS: [&str; 8] = [
    "constraint",
    "kind",
    "element",
    "subject",
    "bound",
    "relaxed_bound",
    "change",
    "settings",
];

fn tonnes(t: f64) -> String {
    format!("{t:.1} t")
}

fn settings_text(settings: &[(String, f64)]) -> String {
    settings
        .iter()
        .map(|(key, value)| format!("{key} = {}", number(*value)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The diagnosis in a planner's words.
pub fn text(scenario: &Scenario, diagnosis: &Diagnosis) -> String {
    let mut text = format!(
        "No plan meets every hard constraint of {} ({}).\n",
        scenario.title, scenario.name
    );
    if !diagnosis.shortages.is_empty() {
        text.push_str("\nElements that cannot be covered:\n");
        for s in &diagnosis.shortages {
            // With a horizon: "Dy in 2027".
            let element = match s.year {
                Some(year) => format!("{} in {year}", scenario.elements[s.element].symbol),
                None => scenario.elements[s.element].symbol.clone(),
            };
            let _ = match s.most_t {
                Some(most) => writeln!(
                    text,
                    "  {}: demand {}, but the caps allow at most {} (short by {}).",
                    element,
                    tonnes(s.demand_t),
                    tonnes(most),
                    tonnes(s.demand_t - most)
                ),
                None if s.year.is_some() => writeln!(
                    text,
                    "  {}: demand {}; its floors, or an earlier year's shortfall of its stock, leave nothing to count.",
                    element,
                    tonnes(s.demand_t)
                ),
                None => writeln!(
                    text,
                    "  {}: demand {}; its floors cannot be met even before the demand is counted.",
                    element,
                    tonnes(s.demand_t)
                ),
            };
        }
    }
    let n = diagnosis.relaxations.len();
    if n == 0 {
        text.push_str(
            "\nNo move of the caps (capacities, shares, risk caps, recycled floors, budget, minimum orders, \
             supplier counts) restores feasibility: the conflict lies in the demand itself or in the yes/no \
             links between offers and contracts.\n",
        );
        return text;
    }
    let _ = writeln!(
        text,
        "\nThe smallest set of caps whose relaxation restores feasibility ({n} cap{}):",
        if n == 1 { "" } else { "s" }
    );
    for r in &diagnosis.relaxations {
        let direction = if r.relaxed_bound >= r.bound {
            "raise"
        } else {
            "lower"
        };
        let _ = writeln!(
            text,
            "  {}: {direction} from {} to {} ({:+}){}",
            r.row.name(scenario),
            number(r.bound),
            number(r.relaxed_bound),
            r.relaxed_bound - r.bound,
            if r.settings.is_empty() {
                String::new()
            } else {
                format!("; set {}", settings_text(&r.settings))
            }
        );
    }
    for sentence in diagnosis.relaxations.iter().filter_map(|r| in_words(scenario, r)) {
        let _ = writeln!(text, "  {sentence}");
    }
    let _ = writeln!(text, "\nTo apply, set in the scenario:");
    for (key, value) in diagnosis.settings() {
        let _ = writeln!(text, "  {key} = {}", number(value));
    }
    text.push_str(if diagnosis.confirmed {
        "Confirmed: with exactly these settings, and nothing else changed, remopt solves the scenario.\n"
    } else {
        "Not confirmed: remopt could not solve the scenario with these settings applied; treat the amounts as a lower bound.\n"
    });
    text
}

/// `diagnosis.csv`.
pub fn csv(scenario: &Scenario, diagnosis: &Diagnosis) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer
        .write_record(DIAGNOSIS_COLUMNS)
        .expect("in-memory CSV write");
    for s in &diagnosis.shortages {
        let most = s.most_t.map(number).unwrap_or_default();
        let change = s.most_t.map(|m| number(m - s.demand_t)).unwrap_or_default();
        let row = RowId {
            family: Family::Demand { element: s.element },
            year: s.year.map(|y| y as u16),
            scenario: None,
        };
        let [name, kind, element, subject] = row.csv_fields(scenario);
        writer
            .write_record([
                name,
                kind,
                element,
                subject,
                number(s.demand_t),
                most,
                change,
                String::new(),
            ])
            .expect("in-memory CSV write");
    }
    for r in &diagnosis.relaxations {
        let [name, kind, element, subject] = r.row.csv_fields(scenario);
        writer
            .write_record([
                name,
                kind,
                element,
                subject,
                number(r.bound),
                number(r.relaxed_bound),
                number(r.relaxed_bound - r.bound),
                settings_text(&r.settings),
            ])
            .expect("in-memory CSV write");
    }
    writer.into_inner().expect("in-memory CSV flush")
}

/// `run.json` of an infeasible run.
pub fn run_json(scenario: &Scenario, diagnosis: &Diagnosis) -> Vec<u8> {
    let record = serde_json::json!({
        "remopt_version": env!("CARGO_PKG_VERSION"),
        "scenario": {
            "path": scenario.source.path.display().to_string(),
            "sha256": scenario.source.sha256,
            "name": scenario.name,
            "title": scenario.title,
            "overrides": scenario.source.overrides,
        },
        "solver": { "name": "HiGHS", "version": crate::solve::highs_version() },
        "problem_type": if scenario.is_mip() { "MIP" } else { "LP" },
        "objective_kind": scenario.policy.objective.as_str(),
        "status": "infeasible",
        "elements_short": diagnosis.shortages.iter().map(|s| scenario.elements[s.element].symbol.as_str()).unique().collect::<Vec<_>>(),
        "caps_to_relax": diagnosis.relaxations.iter().map(|r| r.row.name(scenario)).collect::<Vec<_>>(),
        "settings": diagnosis.settings().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "confirmed": diagnosis.confirmed,
        "warnings": scenario.warnings,
    });
    let mut bytes = serde_json::to_vec_pretty(&record).expect("run record serialises");
    bytes.push(b'\n');
    bytes
}

/// A planner's sentence for the moves whose row name says little by
/// itself: group floors and caps, mining caps and the recycled floor.
fn in_words(whole: &Scenario, r: &crate::diagnose::Relaxation) -> Option<String> {
    // The year's scenario: shares are of that year's demand.
    let first = whole.year_label(0).unwrap_or(0);
    let t = r.row.year.map_or(0, |y| (i64::from(y) - first) as usize);
    let scenario = &whole.slices()[t];
    let element = &scenario.elements[r.row.element(scenario)?];
    let share = |t: f64| format!("{:.0}%", 100.0 * t / element.demand_t);
    let gap = (r.bound - r.relaxed_bound).abs();
    let settings = settings_text(&r.settings);
    let (what, bound_word) = match r.row.family {
        Family::GroupMin { rule, .. } | Family::GroupMax { rule, .. } => {
            let rule = &scenario.policy.group_shares[rule];
            (
                format!("{} in {}", rule.stage.as_str(), scenario.groups[rule.group].name),
                if matches!(r.row.family, Family::GroupMin { .. }) {
                    "short of"
                } else {
                    "over"
                },
            )
        }
        Family::MiningShare { country, .. } => (format!("mining in {}", country.as_str()), "over"),
        Family::RecycledShare { .. } => ("recycling".to_string(), "short of"),
        _ => return None,
    };
    Some(format!(
        "{what} is {} t {bound_word} {} of {} demand ({} t); set {settings}",
        number_words(gap),
        share(r.bound),
        element.symbol,
        number_words(r.bound),
    ))
}

/// Tonnes as a planner reads them: `1,900`, or one decimal below 100.
fn number_words(t: f64) -> String {
    if t.abs() < 100.0 {
        return format!("{t:.1}");
    }
    let digits = format!("{:.0}", t.abs());
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if t < 0.0 {
        grouped.insert(0, '-');
    }
    grouped
}
