//! Helpers shared by the integration tests: scenarios from short TOML
//! bodies, solves, row lookups by the names `constraints.csv` uses, and
//! tolerance checks.
#![allow(dead_code)] // each test file uses its own subset

use remopt::pipeline::{optimise, ConstraintResult, Outcome, SolveSettings};
use remopt::scenario::{load, parse, Scenario};
use std::path::{Path, PathBuf};

/// The repository root.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A scenario from `body` under a `[scenario]` header named `name`.
pub fn scenario(name: &str, body: &str) -> Scenario {
    let text = format!("[scenario]\nname = \"{name}\"\n{body}");
    parse(Path::new(&format!("{name}.toml")), text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// The verified plan of `scenario`; panics when there is none.
pub fn solve(scenario: &Scenario) -> Outcome {
    optimise(scenario, &SolveSettings::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The scenario of `body` (see [`scenario`]) and its verified plan.
pub fn solved(name: &str, body: &str) -> (Scenario, Outcome) {
    let scenario = scenario(name, body);
    let outcome = solve(&scenario);
    (scenario, outcome)
}

/// A shipped scenario, `inputs/<name>.toml`, and its plan.
pub fn shipped(name: &str) -> (Scenario, Outcome) {
    let scenario = load(&Path::new(ROOT).join("inputs").join(format!("{name}.toml"))).unwrap();
    let outcome = solve(&scenario);
    (scenario, outcome)
}

/// A file of `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures").join(name)
}

/// The text of `dir/file`.
pub fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The `remopt` binary built for these tests.
pub fn remopt() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("remopt").unwrap()
}

/// Writes `text` (a whole scenario file) to `dir/<name>.toml`, solves it
/// with the `remopt` binary into `dir/<name>` quietly, and returns that
/// folder.
pub fn solve_quietly(dir: &Path, name: &str, text: &str) -> PathBuf {
    let scenario = dir.join(format!("{name}.toml"));
    std::fs::write(&scenario, text).unwrap();
    let out = dir.join(name);
    remopt()
        .arg("solve")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    out
}

/// `|actual - expected| <= tolerance * max(|expected|, 1)`: relative, and
/// absolute near zero.
pub fn close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance * expected.abs().max(1.0),
        "got {actual}, expected {expected} (tolerance {tolerance})"
    );
}

/// `|actual - expected| <= tolerance * |expected|`: relative only.
pub fn relative(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance * expected.abs(),
        "got {actual}, expected {expected} (relative tolerance {tolerance})"
    );
}

/// The row `constraints.csv` calls `name`.
pub fn row<'a>(scenario: &Scenario, outcome: &'a Outcome, name: &str) -> ConstraintResult<'a> {
    outcome
        .constraints()
        .find(|c| c.info.id.name(scenario) == name)
        .unwrap_or_else(|| panic!("no constraint {name}"))
}

/// Tonnes bought from `supplier`'s offer of `element`.
pub fn quantity(scenario: &Scenario, outcome: &Outcome, supplier: &str, element: &str) -> f64 {
    scenario
        .offers
        .iter()
        .zip(&outcome.plan().quantities_t)
        .find(|(o, _)| scenario.supplier_of(o).id == supplier && scenario.element_of(o).symbol == element)
        .map(|(_, &q)| q)
        .unwrap_or_else(|| panic!("no offer {supplier}/{element}"))
}

/// Tonnes bought from `supplier`, over all its offers.
pub fn bought(scenario: &Scenario, outcome: &Outcome, supplier: &str) -> f64 {
    scenario
        .offers
        .iter()
        .zip(&outcome.plan().quantities_t)
        .filter(|(o, _)| scenario.supplier_of(o).id == supplier)
        .map(|(_, &q)| q)
        .sum()
}

/// Every file under `dir` (its path relative to `dir`, its bytes), sorted.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files.sort();
    files
}
