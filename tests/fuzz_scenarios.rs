//! Fuzzing: the shipped scenarios (`inputs/*.toml`), mutated — lines
//! deleted and duplicated, numbers swapped for 0, -1, 1e308, nan, inf, bytes
//! inserted, the file truncated — and run through the binary. Every case
//! ends with exit 0, 2, 3 or 4, never 1 (internal error) or a panic, and
//! nothing is written outside `--out` and its documented siblings; an
//! invalid case (exit 2) leaves the previous outputs as they were.
//!
//! CI runs 64 cases (about a second). A longer run, for maintainers, before
//! a release or after a change to validation or the model (about 120 cases a
//! second on 2 cores, so this takes about 5 minutes; 40,000 cases ran clean
//! when the test was written):
//!
//! ```sh
//! PROPTEST_CASES=40000 cargo test --release --test fuzz_scenarios -- --nocapture
//! ```
//!
//! A failing case is shrunk and printed; none is saved in the repository.

use assert_cmd::Command;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::fs;
use std::path::Path;

const SHIPPED: [&str; 6] = [
    "japan",
    "eu",
    "usa",
    "japan-contracts",
    "japan-2030",
    "japan-disruptions",
];

/// What replaces a number.
const NUMBERS: [&str; 9] = ["0", "-1", "1e308", "nan", "inf", "-inf", "1e-300", "1e9", "0.5"];

/// A position in a list of `size` items, drawn as any `u32` (shrinks to 0).
#[derive(Debug, Clone, Copy)]
struct Index(u32);

impl Index {
    fn index(self, size: usize) -> usize {
        self.0 as usize % size
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapNumber(Index, usize),
    InsertBytes(Index, Vec<u8>),
    Truncate(Index),
}

fn index() -> impl Strategy<Value = Index> {
    any::<u32>().prop_map(Index)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => index().prop_map(Mutation::DeleteLine),
        3 => index().prop_map(Mutation::DuplicateLine),
        6 => (index(), 0..NUMBERS.len()).prop_map(|(i, n)| Mutation::SwapNumber(i, n)),
        2 => (index(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::InsertBytes(i, b)),
        1 => index().prop_map(Mutation::Truncate),
    ]
}

/// Byte ranges of the lines of `text`, each with its newline.
fn lines(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < text.len() {
        ranges.push(start..text.len());
    }
    ranges
}

/// Byte ranges of the numbers written in `text` (not inside words).
fn numbers(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let word_before = i > 0 && (text[i - 1].is_ascii_alphanumeric() || b"_-.\"".contains(&text[i - 1]));
        if text[i].is_ascii_digit() && !word_before {
            let start = i;
            while i < text.len() && (text[i].is_ascii_digit() || b"._eE+-".contains(&text[i])) {
                i += 1;
            }
            ranges.push(start..i);
        } else {
            i += 1;
        }
    }
    ranges
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::DeleteLine(i) => {
            let lines = lines(text);
            if !lines.is_empty() {
                text.drain(lines[i.index(lines.len())].clone());
            }
        }
        Mutation::DuplicateLine(i) => {
            let lines = lines(text);
            if !lines.is_empty() {
                let line = lines[i.index(lines.len())].clone();
                let copy = text[line.clone()].to_vec();
                text.splice(line.end..line.end, copy);
            }
        }
        Mutation::SwapNumber(i, n) => {
            let numbers = numbers(text);
            if !numbers.is_empty() {
                let range = numbers[i.index(numbers.len())].clone();
                text.splice(range, NUMBERS[*n].bytes());
            }
        }
        Mutation::InsertBytes(i, bytes) => {
            let at = i.index(text.len() + 1);
            text.splice(at..at, bytes.iter().copied());
        }
        Mutation::Truncate(i) => {
            let at = i.index(text.len() + 1);
            text.truncate(at);
        }
    }
}

/// Every entry of `dir` (names only), sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// Runs one mutated scenario; `Err` describes what went wrong.
fn run_case(
    scenario: usize,
    mutations: &[Mutation],
    command: usize,
    codes: &std::cell::RefCell<std::collections::BTreeMap<i32, usize>>,
) -> Result<(), TestCaseError> {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("inputs")
        .join(format!("{}.toml", SHIPPED[scenario]));
    let mut text = fs::read(shipped).unwrap();
    for m in mutations {
        apply(&mut text, m);
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("case.toml"), &text).unwrap();
    // Previous outputs, which an invalid case must leave alone.
    fs::create_dir(root.join("out")).unwrap();
    fs::write(root.join("out/plan.csv"), b"previous\n").unwrap();

    let mut cmd = Command::cargo_bin("remopt").unwrap();
    cmd.current_dir(root).timeout(std::time::Duration::from_secs(60));
    match command {
        0 => cmd.args(["solve", "case.toml", "--out", "out", "--time-limit", "2"]),
        1 => cmd.args([
            "solve",
            "case.toml",
            "--out",
            "out",
            "--time-limit",
            "2",
            "--json",
        ]),
        _ => cmd.args([
            "sweep",
            "case.toml",
            "--vary",
            "demand.Nd*=1,2",
            "--jobs",
            "1",
            "--out",
            "out",
        ]),
    };
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    *codes.borrow_mut().entry(code.unwrap_or(-1)).or_default() += 1;
    let case = || {
        format!(
            "{}\n--- case.toml ---\n{}",
            stderr,
            String::from_utf8_lossy(&text)
        )
    };
    prop_assert!(
        matches!(code, Some(0 | 2 | 3 | 4)),
        "exit {code:?} (never 1 nor a signal): {}",
        case()
    );
    prop_assert!(!stderr.contains("panicked"), "a panic: {}", case());
    prop_assert!(!stderr.contains("internal error"), "{}", case());
    if code == Some(2) {
        prop_assert!(
            !stderr.trim().is_empty() && !stderr.contains('\u{0}'),
            "exit 2 says why: {}",
            case()
        );
        prop_assert_eq!(
            entries(&root.join("out")),
            vec!["plan.csv".to_string()],
            "an invalid case keeps the previous outputs: {}",
            case()
        );
    }
    // Nothing beside the scenario and `out` once remopt has exited (no
    // staging folder, no `out.partial`, no default `outputs/`).
    prop_assert_eq!(
        entries(root),
        vec!["case.toml".to_string(), "out".to_string()],
        "only --out is written: {}",
        case()
    );
    Ok(())
}

#[test]
fn mutated_shipped_scenarios_never_exit_1_nor_write_outside_out() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let config = Config {
        cases,
        // Failing cases are printed, not written into the repository.
        failure_persistence: None,
        ..Config::default()
    };
    let strategy = (
        0..SHIPPED.len(),
        prop::collection::vec(mutation(), 1..6),
        0..3usize,
    );
    let mut runner = TestRunner::new(config);
    let started = std::time::Instant::now();
    let codes = std::cell::RefCell::new(std::collections::BTreeMap::new());
    runner
        .run(&strategy, |(scenario, mutations, command)| {
            run_case(scenario, &mutations, command, &codes)
        })
        .unwrap();
    let codes = codes.into_inner();
    eprintln!(
        "{cases} mutated scenarios, all clean, in {:.1} s; runs by exit code: {codes:?}",
        started.elapsed().as_secs_f64()
    );
    // The mutations leave enough scenarios valid to reach the solver.
    if cases >= 64 {
        assert!(codes.get(&0).copied().unwrap_or(0) > 0, "{codes:?}");
    }
}

#[test]
fn the_mutations_do_what_they_say() {
    let mut text = b"a = 1\nb = 2.5e3\n".to_vec();
    apply(&mut text, &Mutation::SwapNumber(Index(0), 2));
    assert_eq!(text, b"a = 1e308\nb = 2.5e3\n");
    apply(&mut text, &Mutation::DuplicateLine(Index(1)));
    assert_eq!(text, b"a = 1e308\nb = 2.5e3\nb = 2.5e3\n");
    apply(&mut text, &Mutation::DeleteLine(Index(0)));
    assert_eq!(text, b"b = 2.5e3\nb = 2.5e3\n");
    apply(&mut text, &Mutation::Truncate(Index(10)));
    assert_eq!(text.len(), 10);
    // Numbers inside words are not numbers: `x1`, `"a-2"`, `v1.2`.
    let text = b"x1 = \"a-2\" # v1.2\ny = 3";
    let found: Vec<&[u8]> = numbers(text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(found, [b"3"]);
}
