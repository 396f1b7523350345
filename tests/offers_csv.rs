//! Price lists from spreadsheets (docs/scenario.md): `offers_csv` per supplier and
//! `[data] offers_csv` for all, with row-numbered errors.

use remopt::pipeline::{optimise, SolveSettings};
use remopt::scenario::{load, InvalidScenario};
use std::fs;
use std::path::Path;

const SCENARIO: &str = r#"[scenario]
name = "csv"
[demand]
Nd = 100
Dy = 10
[countries.CN]
max_share = 0.5
[suppliers.a]
country = "CN"
kind = "mine"
offers_csv = "a.csv"
[suppliers.b]
country = "AU"
kind = "refiner"
"#;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
}

fn errors(dir: &Path) -> Vec<String> {
    match load(&dir.join("s.toml")) {
        Ok(_) => panic!("expected errors"),
        Err(InvalidScenario { errors }) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn supplier_and_shared_price_lists_become_offers() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "s.toml",
                &format!("{SCENARIO}\n[data]\noffers_csv = \"all.csv\"\n"),
            ),
            (
                "a.csv",
                "element,price_per_kg,capacity_t,min_order_t\nNd,10,60,\nDy,300,,\n",
            ),
            (
                "all.csv",
                "supplier,element,price_per_kg,capacity_t\nb,Nd,20,100\nb,Dy,500,\n",
            ),
        ],
    );
    let scenario = load(&dir.path().join("s.toml")).unwrap();
    assert_eq!(scenario.offers.len(), 4);
    // Nd: a 50 t (China's cap) at 10, b 50 t at 20; Dy: a 5 t at 300, b 5 t at 500.
    let outcome = optimise(&scenario, &SolveSettings::default()).unwrap();
    let expected = 500_000.0 + 1_000_000.0 + 1_500_000.0 + 2_500_000.0;
    assert!(
        (outcome.objective - expected).abs() < 1e-6 * expected,
        "{}",
        outcome.objective
    );
}

#[test]
fn bad_rows_are_named_by_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "s.toml",
                &format!(
                    "{SCENARIO}offers.Dy = {{ price_per_kg = 400 }}\n[data]\noffers_csv = \"all.csv\"\n"
                ),
            ),
            ("a.csv", "element,price_per_kg,capacity_t\nNd,10,60\nDy,-3,\n"),
            (
                "all.csv",
                "supplier,element,price_per_kg\nb,Nd,20\nzz,Nd,20\nb,Dy,1\n",
            ),
        ],
    );
    let errors = errors(dir.path());
    let joined = errors.join("\n");
    assert!(
        joined.contains("a.csv:3:2: suppliers.a.offers.Dy.price_per_kg = -3: must be a finite number >= 0"),
        "{joined}"
    );
    assert!(
        joined.contains("all.csv:3:1: supplier = zz: no such supplier in the scenario; known: a b"),
        "{joined}"
    );
    assert!(
        joined.contains("all.csv:4:2: suppliers.b.offers.Dy: offered twice"),
        "{joined}"
    );
}

#[test]
fn unknown_columns_and_missing_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("s.toml", SCENARIO),
            ("a.csv", "element,price,capacity_t\nNd,10,60\n"),
        ],
    );
    let joined = errors(dir.path()).join("\n");
    assert!(joined.contains("a.csv:1:2: header = price: unknown column; the columns are element,price_per_kg,capacity_t,min_order_t"), "{joined}");
    assert!(
        joined.contains("the column `price_per_kg` is missing"),
        "{joined}"
    );
    fs::remove_file(dir.path().join("a.csv")).unwrap();
    let joined = errors(dir.path()).join("\n");
    assert!(joined.contains("a.csv: cannot read the price list"), "{joined}");
}
