//! One test per rule of docs/scenario.md: each bad input names file, line:column,
//! key path, value and what would be valid.

use remopt::scenario::{parse, InvalidScenario, LineCol, Scenario, ScenarioError};
use std::path::Path;

const BASE: &str = r#"[scenario]
name = "t"

[demand]
Nd = 100

[suppliers.a]
country = "CN"
kind = "mine"
offers.Nd = { price_per_kg = 10, capacity_t = 60 }

[suppliers.b]
country = "AU"
kind = "recycler"
offers.Nd = { price_per_kg = 20 }
"#;

fn load(text: &str) -> Result<Scenario, InvalidScenario> {
    parse(Path::new("s.toml"), text.as_bytes())
}

fn errors(text: &str) -> Vec<ScenarioError> {
    match load(text) {
        Ok(_) => panic!("expected the scenario to be rejected:\n{text}"),
        Err(e) => e.errors,
    }
}

/// The single error of `text`, with its rendered message.
fn only_error(text: &str) -> (ScenarioError, String) {
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    let rendered = errors[0].to_string();
    (errors[0].clone(), rendered)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

#[test]
fn the_base_scenario_is_valid() {
    let s = load(BASE).unwrap();
    assert_eq!(s.elements.len(), 1);
    assert_eq!(s.offers.len(), 2);
    assert!(s.warnings.is_empty());
}

#[test]
fn a_typo_in_a_key_names_its_line_and_key_path() {
    let text = format!("{BASE}\n[policy]\nmax_contry_share = 0.5\n");
    let (e, msg) = only_error(&text);
    assert_eq!(e.key_path, "policy.max_contry_share");
    assert_eq!(e.position.unwrap().line, line_of(&text, "max_contry_share"));
    assert!(msg.starts_with("s.toml:"), "{msg}");
    assert!(msg.contains("unknown field `max_contry_share`"), "{msg}");
    assert!(msg.contains("max_country_share"), "names what is valid: {msg}");
}

#[test]
fn a_typo_inside_an_inline_offer_is_caught() {
    let text = BASE.replace("price_per_kg = 10,", "price_per_kilo = 10,");
    let (e, msg) = only_error(&text);
    assert_eq!(e.key_path, "suppliers.a.offers.Nd.price_per_kilo");
    assert_eq!(e.position.unwrap().line, 10);
    assert!(msg.contains("unknown field"), "{msg}");
}

#[test]
fn element_symbols_must_be_rare_earths() {
    let text = BASE.replace("Nd = 100", "Nd = 100\nFe = 5");
    let (e, msg) = only_error(&text);
    assert_eq!(e.key_path, "demand.Fe");
    assert_eq!(e.position, Some(LineCol { line: 6, column: 1 }));
    assert!(msg.contains("La Ce Pr Nd"), "lists the valid symbols: {msg}");
}

#[test]
fn a_demanded_element_needs_an_offer() {
    let text = BASE.replace("Nd = 100", "Nd = 100\nDy = 5");
    let (e, msg) = only_error(&text);
    assert_eq!(e.key_path, "demand.Dy");
    assert!(msg.contains("no supplier offers it"), "{msg}");
}

#[test]
fn an_invalid_only_offer_is_reported_as_itself() {
    let text = BASE.replace("Nd = 100", "Nd = 100\nDy = 5") + "offers.Dy = { price_per_kg = -1 }\n";
    let (e, msg) = only_error(&text);
    assert_eq!(e.key_path, "suppliers.b.offers.Dy.price_per_kg");
    assert!(!msg.contains("no supplier offers it"), "{msg}");
}

#[test]
fn an_element_at_zero_is_ignored_and_an_offer_without_demand_warns() {
    let text = BASE.replace("Nd = 100", "Nd = 100\nDy = 0") + "offers.Tb = { price_per_kg = 900 }\n";
    let s = load(&text).unwrap();
    assert_eq!(s.elements.len(), 1, "Dy at 0 is not an element of the plan");
    assert_eq!(s.offers.len(), 2);
    assert_eq!(s.warnings.len(), 1);
    assert!(
        s.warnings[0].contains("suppliers.b.offers.Tb"),
        "{:?}",
        s.warnings
    );
}

#[test]
fn numbers_must_be_finite() {
    let (e, msg) = only_error(&BASE.replace("price_per_kg = 10,", "price_per_kg = nan,"));
    assert_eq!(e.key_path, "suppliers.a.offers.Nd.price_per_kg");
    assert_eq!(e.value.as_deref(), Some("NaN"));
    assert!(msg.contains("finite number >= 0"), "{msg}");
    let (e, _) = only_error(&BASE.replace("Nd = 100", "Nd = inf"));
    assert_eq!(e.key_path, "demand.Nd");
}

#[test]
fn quantities_prices_capacities_and_costs_are_not_negative() {
    for (from, to, path) in [
        ("Nd = 100", "Nd = -1", "demand.Nd"),
        (
            "price_per_kg = 10,",
            "price_per_kg = -10,",
            "suppliers.a.offers.Nd.price_per_kg",
        ),
        (
            "capacity_t = 60",
            "capacity_t = -60",
            "suppliers.a.offers.Nd.capacity_t",
        ),
        (
            "kind = \"mine\"",
            "kind = \"mine\"\ncapacity_t = -5",
            "suppliers.a.capacity_t",
        ),
        (
            "kind = \"mine\"",
            "kind = \"mine\"\nfixed_cost = -5",
            "suppliers.a.fixed_cost",
        ),
    ] {
        let (e, msg) = only_error(&BASE.replace(from, to));
        assert_eq!(e.key_path, path);
        assert!(msg.contains(">= 0"), "{msg}");
        assert!(e.value.unwrap().starts_with('-'));
    }
    let (e, _) = only_error(&format!("{BASE}\n[policy]\nbudget = -1\n"));
    assert_eq!(e.key_path, "policy.budget");
    let (e, _) = only_error(&format!("{BASE}\n[policy]\nshortfall_penalty_per_kg = -1\n"));
    assert_eq!(e.key_path, "policy.shortfall_penalty_per_kg");
}

#[test]
fn shares_and_risks_lie_in_the_unit_interval() {
    for (extra, path) in [
        ("[policy]\nmax_country_share = 1.5", "policy.max_country_share"),
        ("[policy]\nmax_supplier_share = -0.1", "policy.max_supplier_share"),
        ("[policy]\nmin_recycled_share = 2", "policy.min_recycled_share"),
        (
            "[policy.elements.Nd]\nmax_avg_risk = 1.01",
            "policy.elements.Nd.max_avg_risk",
        ),
        (
            "[policy.elements.Nd]\ncountry_share = { CN = 1.2 }",
            "policy.elements.Nd.country_share.CN",
        ),
        ("[countries.CN]\nrisk = 1.2", "countries.CN.risk"),
        ("[countries.CN]\nmax_share = -0.5", "countries.CN.max_share"),
    ] {
        let text = format!("{BASE}\n{extra}\n");
        let (e, msg) = only_error(&text);
        assert_eq!(e.key_path, path, "{msg}");
        assert!(msg.contains("between 0 and 1"), "{msg}");
        assert_eq!(e.position.unwrap().line, text.lines().count(), "{msg}");
    }
    let (e, _) = only_error(&BASE.replace("kind = \"mine\"", "kind = \"mine\"\nrisk = 7"));
    assert_eq!(e.key_path, "suppliers.a.risk");
}

#[test]
fn min_suppliers_may_not_exceed_max_suppliers() {
    let errors = errors(&format!(
        "{BASE}\n[policy]\nmin_suppliers = 3\nmax_suppliers = 2\nmin_share_if_used = 0.1\n"
    ));
    assert!(
        errors
            .iter()
            .any(|e| e.key_path == "policy.min_suppliers" && e.message.contains("<= max_suppliers (2)")),
        "{errors:#?}"
    );
}

#[test]
fn min_suppliers_needs_min_share_if_used() {
    let (e, msg) = only_error(&format!("{BASE}\n[policy.elements.Nd]\nmin_suppliers = 2\n"));
    assert_eq!(e.key_path, "policy.elements.Nd.min_suppliers");
    assert!(msg.contains("needs min_share_if_used > 0 for Nd"), "{msg}");
    assert!(msg.contains("delivering nothing"), "{msg}");
}

#[test]
fn yes_no_features_make_a_mip_and_explicit_zeros_keep_an_lp() {
    for (from, to) in [
        ("kind = \"mine\"", "kind = \"mine\"\nfixed_cost = 1e6"),
        ("capacity_t = 60 }", "capacity_t = 60, min_order_t = 5 }"),
        ("Nd = 100", "Nd = 100\n[policy]\nmax_suppliers = 3"),
        ("Nd = 100", "Nd = 100\n[policy]\nmin_share_if_used = 0.1"),
        (
            "Nd = 100",
            "Nd = 100\n[policy]\nmin_suppliers = 2\nmin_share_if_used = 0.1",
        ),
        (
            "offers.Nd = { price_per_kg = 20 }",
            "offers.Nd = { tiers = [ { up_to_t = 10, price_per_kg = 30 }, { price_per_kg = 20 } ] }",
        ),
    ] {
        let s = load(&BASE.replace(from, to)).unwrap_or_else(|e| panic!("{to}: {e}"));
        assert!(s.is_mip(), "{to}");
    }
    for (from, to) in [
        ("kind = \"mine\"", "kind = \"mine\"\nfixed_cost = 0"),
        ("capacity_t = 60 }", "capacity_t = 60, min_order_t = 0 }"),
        (
            "Nd = 100",
            "Nd = 100\n[policy]\nmin_suppliers = 0\nmin_share_if_used = 0",
        ),
        (
            "offers.Nd = { price_per_kg = 20 }",
            "offers.Nd = { tiers = [ { up_to_t = 10, price_per_kg = 20 }, { price_per_kg = 30 } ] }",
        ),
    ] {
        let s = load(&BASE.replace(from, to)).unwrap_or_else(|e| panic!("{to}: {e}"));
        assert!(!s.is_mip(), "{to}");
    }
}

#[test]
fn tiers_are_cumulative_and_replace_the_single_price() {
    let tiers = |t: &str| BASE.replace("offers.Nd = { price_per_kg = 20 }", &format!("offers.Nd = {t}"));
    let (e, msg) = only_error(&tiers("{ price_per_kg = 20, tiers = [ { price_per_kg = 20 } ] }"));
    assert_eq!(e.key_path, "suppliers.b.offers.Nd");
    assert!(msg.contains("not both"), "{msg}");
    let (e, msg) = only_error(&tiers(
        "{ tiers = [ { up_to_t = 10, price_per_kg = 30 }, { up_to_t = 10, price_per_kg = 20 } ] }",
    ));
    assert_eq!(e.key_path, "suppliers.b.offers.Nd.tiers.1.up_to_t");
    assert!(msg.contains("cumulative"), "{msg}");
    let (e, msg) = only_error(&tiers(
        "{ tiers = [ { price_per_kg = 30 }, { up_to_t = 10, price_per_kg = 20 } ] }",
    ));
    assert_eq!(e.key_path, "suppliers.b.offers.Nd.tiers.0.up_to_t");
    assert!(msg.contains("only the last tier"), "{msg}");
    let (e, _) = only_error(&tiers("{ tiers = [ { up_to_t = 10, price_per_kg = -3 } ] }"));
    assert_eq!(e.key_path, "suppliers.b.offers.Nd.tiers.0.price_per_kg");
    let (e, msg) = only_error(&tiers("{ tiers = [] }"));
    assert_eq!(e.key_path, "suppliers.b.offers.Nd.tiers");
    assert!(msg.contains("at least one tier"), "{msg}");
}

#[test]
fn country_codes_are_two_upper_case_letters() {
    let (e, msg) = only_error(&BASE.replace("country = \"CN\"", "country = \"China\""));
    assert_eq!(e.key_path, "suppliers.a.country");
    assert_eq!(e.value.as_deref(), Some("\"China\""));
    assert!(msg.contains("two upper-case letters"), "{msg}");
    let (e, _) = only_error(&format!("{BASE}\n[countries.cn]\nrisk = 0.5\n"));
    assert_eq!(e.key_path, "countries.cn");
}

#[test]
fn ids_and_names_use_the_allowed_characters() {
    let (e, msg) = only_error(&BASE.replace("[suppliers.a]", "[suppliers.CN_export]"));
    assert_eq!(e.key_path, "suppliers.CN_export");
    assert!(msg.contains("lower-case letters, digits and '-'"), "{msg}");
    let (e, _) = only_error(&BASE.replace("name = \"t\"", "name = \"Japan 2026\""));
    assert_eq!(e.key_path, "scenario.name");
}

#[test]
fn a_referenced_country_must_exist() {
    let (e, msg) = only_error(&format!(
        "{BASE}\n[policy.elements.Nd]\ncountry_share = {{ VN = 0.5 }}\n"
    ));
    assert_eq!(e.key_path, "policy.elements.Nd.country_share.VN");
    assert!(msg.contains("known countries: AU CN"), "{msg}");
    // A country known only from [countries] is fine; so is a supplier's
    // country that [countries] does not list.
    load(&format!(
        "{BASE}\n[countries.VN]\nrisk = 0.5\n[policy.elements.Nd]\ncountry_share = {{ VN = 0.5 }}\n"
    ))
    .unwrap();
}

#[test]
fn a_risk_must_be_known_when_it_is_used_and_is_never_guessed() {
    let text = format!("{BASE}\n[countries.CN]\nrisk = 0.6\n[policy]\nmax_avg_risk = 0.5\n");
    let (e, msg) = only_error(&text);
    assert_eq!(e.key_path, "suppliers.b.risk");
    assert!(msg.contains("max_avg_risk is set"), "{msg}");
    let (_, msg) = only_error(&format!(
        "{BASE}\n[countries.CN]\nrisk = 0.6\n[policy]\nobjective = \"risk\"\n"
    ));
    assert!(msg.contains("objective = \"risk\""), "{msg}");
    // Without either, an unknown risk is simply unknown.
    let s = load(&format!("{BASE}\n[countries.CN]\nrisk = 0.6\n")).unwrap();
    assert_eq!(s.suppliers[0].risk, Some(0.6));
    assert_eq!(s.suppliers[1].risk, None);
}

#[test]
fn an_impossible_cap_is_still_a_valid_scenario() {
    load(&format!("{BASE}\n[policy]\nmax_country_share = 0\n")).unwrap();
}

#[test]
fn wrong_types_and_enum_values_say_what_is_expected() {
    let (e, msg) = only_error(&BASE.replace("price_per_kg = 10,", "price_per_kg = \"ten\","));
    assert_eq!(e.key_path, "suppliers.a.offers.Nd.price_per_kg");
    assert!(msg.contains("invalid type"), "{msg}");
    let (e, msg) = only_error(&BASE.replace("kind = \"mine\"", "kind = \"mines\""));
    assert_eq!(e.key_path, "suppliers.a.kind");
    assert!(msg.contains("`recycler`"), "{msg}");
    let (e, msg) = only_error(&format!("{BASE}\n[policy]\nobjective = \"cheap\"\n"));
    assert_eq!(e.key_path, "policy.objective");
    assert!(msg.contains("`cost`") && msg.contains("`risk`"), "{msg}");
}

#[test]
fn a_missing_required_key_is_named() {
    let (_, msg) = only_error(&BASE.replace("country = \"AU\"\n", ""));
    assert!(msg.contains("needs `country"), "{msg}");
    assert!(msg.contains("suppliers.b"), "{msg}");
}

#[test]
fn syntax_errors_point_at_line_and_column() {
    let text = BASE.replace("Nd = 100", "Nd = = 100");
    let (e, msg) = only_error(&text);
    assert_eq!(e.position.unwrap().line, 5);
    assert!(msg.starts_with("s.toml:5:"), "{msg}");
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let text = BASE
        .replace("Nd = 100", "Nd = -1")
        .replace("price_per_kg = 20", "price_per_kg = -20");
    let errors = errors(&text);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].key_path, "demand.Nd");
    assert_eq!(errors[1].key_path, "suppliers.b.offers.Nd.price_per_kg");
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let err = remopt::scenario::load(Path::new("no/such/file.toml")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no/such/file.toml: cannot read the scenario file"),
        "{err}"
    );
}

#[test]
fn the_most_specific_country_cap_wins() {
    let text = format!(
        "{}\n[countries.CN]\nmax_share = 0.5\n[policy]\nmax_country_share = 0.6\n[policy.elements.Dy]\nmax_country_share = 0.75\ncountry_share = {{ CN = 0.8 }}\n",
        BASE.replace("Nd = 100", "Nd = 100\nDy = 10")
            .replace("offers.Nd = { price_per_kg = 20 }", "offers.Nd = { price_per_kg = 20 }\noffers.Dy = { price_per_kg = 300 }")
    );
    let s = load(&text).unwrap();
    let dy = s.elements.iter().position(|e| e.symbol == "Dy").unwrap();
    let nd = s.elements.iter().position(|e| e.symbol == "Nd").unwrap();
    assert_eq!(s.country_share_cap("CN", dy), Some(0.8), "element and country");
    assert_eq!(s.country_share_cap("CN", nd), Some(0.5), "the country's own cap");
    assert_eq!(s.country_share_cap("AU", dy), Some(0.75), "the element's default");
    assert_eq!(s.country_share_cap("AU", nd), Some(0.6), "the policy default");
}

#[test]
fn elements_and_offers_are_sorted() {
    let text = BASE.replace("Nd = 100", "Pr = 5\nDy = 10\nNd = 100")
        + "offers.Dy = { price_per_kg = 300 }\noffers.Pr = { price_per_kg = 70 }\n";
    let s = load(&text).unwrap();
    let symbols: Vec<_> = s.elements.iter().map(|e| e.symbol.as_str()).collect();
    assert_eq!(symbols, ["Dy", "Nd", "Pr"]);
    let offers: Vec<_> = s
        .offers
        .iter()
        .map(|o| format!("{}/{}", s.element_of(o).symbol, s.supplier_of(o).id))
        .collect();
    assert_eq!(offers, ["Dy/b", "Nd/a", "Nd/b", "Pr/b"]);
}
