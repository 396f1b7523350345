//! Hostile inputs: numbers no plan comes near, duplicate keys and tables,
//! byte-order marks and CRLF line ends. Every invalid input exits 2 with
//! `file:line:column: key path: what is wrong, what would be valid`, writes
//! nothing and keeps the previous outputs; no input exits 1.

mod common;

use common::{remopt, snapshot, ROOT};
use std::fs;
use std::path::{Path, PathBuf};

fn small() -> String {
    fs::read_to_string(Path::new(ROOT).join("tests/fixtures/small.toml")).unwrap()
}

/// A folder with `s.toml` = `text` and previous outputs in `out/`.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(text: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("s.toml"), text).unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("plan.csv"), "previous\n").unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `remopt solve s.toml --out out ARGS`, expects exit 2 and a
    /// located message containing each of `needles`, and checks that
    /// nothing was written.
    fn rejected(&self, args: &[&str], needles: &[&str]) -> String {
        let before = snapshot(self.dir.path());
        let output = remopt()
            .current_dir(self.dir.path())
            .args(["solve", "s.toml", "--out", "out"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.starts_with("s.toml:"), "{stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
        }
        assert!(!stderr.contains("internal error"), "{stderr}");
        assert_eq!(snapshot(self.dir.path()), before, "nothing written");
        stderr
    }
}

/// The line:column prefix of a message: `s.toml:LINE:COL: `.
fn located(stderr: &str) -> (usize, usize) {
    let mut parts = stderr.splitn(4, ':');
    assert_eq!(parts.next(), Some("s.toml"));
    let line = parts.next().unwrap().parse().expect("a line number");
    let column = parts.next().unwrap().parse().expect("a column number");
    (line, column)
}

#[test]
fn huge_numbers_are_refused_with_the_limit_and_why() {
    let text = small();
    for (from, to, path, limit) in [
        ("Nd = 100", "Nd = 1e308", "demand.Nd = 1e308", "at most 1e9 t"),
        (
            "price_per_kg = 10,",
            "price_per_kg = 1e306,",
            "suppliers.a.offers.Nd.price_per_kg = 1e306",
            "at most 1e7 per kg",
        ),
        (
            "capacity_t = 60 }",
            "capacity_t = 2e9 }",
            "suppliers.a.offers.Nd.capacity_t = 2000000000",
            "at most 1e9 t",
        ),
        (
            "capacity_t = 60 }",
            "capacity_t = 60, min_order_t = 1e300 }",
            "suppliers.a.offers.Nd.min_order_t = 1e300",
            "at most 1e9 t",
        ),
        (
            "kind = \"mine\"",
            "kind = \"mine\"\ncapacity_t = 1e20\nfixed_cost = 5",
            "suppliers.a.capacity_t = 1e20",
            "at most 1e9 t",
        ),
        (
            "kind = \"mine\"",
            "kind = \"mine\"\nfixed_cost = 1e300",
            "suppliers.a.fixed_cost = 1e300",
            "at most 1e15",
        ),
        (
            "offers.Nd = { price_per_kg = 10, capacity_t = 60 }",
            "offers.Nd = { tiers = [ { up_to_t = 1e300, price_per_kg = 10 } ] }",
            "suppliers.a.offers.Nd.tiers.0.up_to_t = 1e300",
            "at most 1e9 t",
        ),
        (
            "offers.Nd = { price_per_kg = 10, capacity_t = 60 }",
            "offers.Nd = { tiers = [ { up_to_t = 10, price_per_kg = 10 }, { price_per_kg = 1e300 } ] }",
            "suppliers.a.offers.Nd.tiers.1.price_per_kg = 1e300",
            "at most 1e7 per kg",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let case = Case::new(&text.replacen(from, to, 1));
        let stderr = case.rejected(&[], &[path, limit]);
        let (line, _) = located(&stderr);
        let written = case.path("s.toml");
        let written = fs::read_to_string(written).unwrap();
        let key = path.split(" = ").next().unwrap().rsplit('.').next().unwrap();
        assert!(
            written.lines().nth(line - 1).unwrap().contains(key),
            "line {line} holds {key}: {stderr}"
        );
    }
}

#[test]
fn a_budget_and_a_penalty_are_bounded_too() {
    let case = Case::new(&format!("{}\n[policy]\nbudget = 1e300\n", small()));
    case.rejected(&[], &["policy.budget = 1e300", "at most 1e15"]);
    let case = Case::new(&format!(
        "{}\n[policy]\nshortfall_penalty_per_kg = 1e300\n",
        small()
    ));
    case.rejected(
        &[],
        &["policy.shortfall_penalty_per_kg = 1e300", "at most 1e7 per kg"],
    );
}

#[test]
fn a_cost_term_above_1e15_is_refused_before_the_solver_sees_it() {
    // Each number is within its own limit, but 1e9 t at 1e7 per kg costs
    // 1e19 a year.
    let text = small().replace(
        "price_per_kg = 10, capacity_t = 60",
        "price_per_kg = 1e7, capacity_t = 1e9",
    );
    let case = Case::new(&text);
    let stderr = case.rejected(
        &[],
        &[
            "suppliers.a.offers.Nd:",
            "1000000000 t at 10000000 per kg",
            "1e19",
            "above 1e15",
        ],
    );
    assert_eq!(located(&stderr), (21, 8), "{stderr}");
    // Without a capacity, the most it can supply is the demand: 100 t at
    // 1e7 per kg is 1e12, which is fine.
    let fine = small().replace("price_per_kg = 10, capacity_t = 60", "price_per_kg = 1e7");
    let case = Case::new(&fine);
    remopt()
        .current_dir(case.dir.path())
        .args(["solve", "s.toml", "--out", "out"])
        .assert()
        .code(0);
    // The penalty for leaving a demand unmet, too.
    let text = format!(
        "{}\n[policy]\nshortfall_penalty_per_kg = 1e7\n",
        small().replace("Nd = 100", "Nd = 1e9")
    );
    Case::new(&text).rejected(
        &[],
        &[
            "policy.shortfall_penalty_per_kg = 10000000",
            "1e19",
            "give a penalty of at most 1e3 per kg",
        ],
    );
}

#[test]
fn a_demand_below_one_kilogram_is_refused() {
    let case = Case::new(&small().replace("Nd = 100", "Nd = 1e-12"));
    case.rejected(&[], &["demand.Nd = 1e-12", "at least 0.001 t", "give 0"]);
}

#[test]
fn set_overrides_go_through_the_same_limits() {
    let case = Case::new(&small());
    for (set, needles) in [
        ("demand.Nd=1e308", ["demand.Nd = 1e308", "--set demand.Nd=1e308"]),
        (
            "suppliers.*.offers.Nd.price_per_kg=1e306",
            ["price_per_kg = 1e306", "at most 1e7 per kg"],
        ),
        (
            "suppliers.a.offers.Nd.price_per_kg*=1e300",
            ["price_per_kg = 1e301", "at most 1e7 per kg"],
        ),
        ("demand.Nd=inf", ["demand.Nd = inf", "finite number"]),
        ("demand.Nd=nan", ["demand.Nd = NaN", "finite number"]),
    ] {
        case.rejected(&["--set", set], &needles);
    }
}

#[test]
fn shipped_scenarios_with_huge_numbers_exit_2_not_1() {
    // The two inputs that reached HiGHS and exited 1 ("internal error").
    let dir = tempfile::tempdir().unwrap();
    for set in [
        "demand.Nd=1e308",
        "suppliers.*.offers.Nd.price_per_kg=1e306",
        "suppliers.lynas.fixed_cost=1e300",
        "demand.Nd=1e15",
    ] {
        remopt()
            .current_dir(ROOT)
            .args(["solve", "inputs/japan.toml", "--set", set, "--out"])
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicates::str::starts_with("inputs/japan.toml:"));
    }
    // Found by the fuzz test: one price of 1e9 per kg (5.6e14 a year at
    // its capacity, within the cost limit) made HiGHS fail on usa.toml.
    remopt()
        .current_dir(ROOT)
        .args([
            "solve",
            "inputs/usa.toml",
            "--set",
            "suppliers.lynas.offers.Ce.price_per_kg=1e9",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at most 1e7 per kg"));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_sweep_point_with_a_huge_number_is_an_invalid_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    remopt()
        .current_dir(ROOT)
        .args([
            "sweep",
            "tests/fixtures/small.toml",
            "--vary",
            "demand.Nd=100,1e308,inf,nan",
            "--jobs",
            "1",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(runs.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cells: Vec<(&str, &str)> = rows.iter().map(|r| (&r[1], &r[2])).collect();
    assert_eq!(
        cells,
        [
            ("100", "optimal"),
            ("1e308", "invalid"),
            ("", "invalid"),
            ("", "invalid")
        ]
    );
    assert!(rows[1][8].contains("at most 1e9 t"), "{:?}", rows[1]);
    assert_no_non_finite_cells(&out);
}

/// No cell of any CSV under `dir` reads as an infinite or undefined number.
fn assert_no_non_finite_cells(dir: &Path) {
    let mut checked = 0;
    for (path, bytes) in snapshot(dir) {
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[..]);
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let bad = cell.trim().parse::<f64>().is_ok_and(|v| !v.is_finite());
                assert!(!bad, "{}: cell {cell:?}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no CSV under {}", dir.display());
}

#[test]
fn no_csv_of_any_shipped_scenario_holds_inf_or_nan() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "japan",
        "eu",
        "usa",
        "japan-contracts",
        "japan-2030",
        "japan-disruptions",
    ] {
        remopt()
            .current_dir(ROOT)
            .args(["solve", &format!("inputs/{name}.toml"), "--out"])
            .arg(dir.path().join(name))
            .assert()
            .code(0);
    }
    // Japan's sensitivity ranges have unbounded ends: empty cells.
    let sensitivity = fs::read_to_string(dir.path().join("japan/sensitivity.csv")).unwrap();
    assert!(sensitivity.lines().any(|l| l.ends_with(',')), "{sensitivity}");
    assert_no_non_finite_cells(dir.path());
}

#[test]
fn a_duplicate_key_names_its_full_path_line_and_column() {
    let text = small().replace("risk = 0.2", "risk = 0.2\nrisk = 0.3");
    let stderr = Case::new(&text).rejected(&[], &[]);
    assert!(
        stderr.starts_with("s.toml:28:1: suppliers.b.risk: duplicate key"),
        "{stderr}"
    );
    assert!(stderr.contains("first at line 27"), "{stderr}");

    let text = small().replace(
        "price_per_kg = 10, capacity_t = 60",
        "price_per_kg = 10, price_per_kg = 11, capacity_t = 60",
    );
    let stderr = Case::new(&text).rejected(&[], &[]);
    assert!(
        stderr.starts_with("s.toml:21:34: suppliers.a.offers.Nd.price_per_kg: duplicate key"),
        "{stderr}"
    );
}

#[test]
fn a_duplicate_table_names_the_table() {
    let text = format!("{}\n[suppliers.b]\ncountry = \"FR\"\n", small());
    let stderr = Case::new(&text).rejected(&[], &[]);
    assert!(
        stderr.starts_with("s.toml:30:12: suppliers.b: duplicate table"),
        "{stderr}"
    );
    assert!(stderr.contains("first at line 23"), "{stderr}");
}

#[test]
fn five_megabytes_of_duplicate_keys_give_one_clear_fast_error() {
    let mut text = String::from("[scenario]\nname = \"x\"\n");
    while text.len() < 5_000_000 {
        text.push_str("[suppliers.lynas]\nrisk = 0.5\n");
    }
    let case = Case::new(&text);
    let started = std::time::Instant::now();
    let stderr = case.rejected(&[], &[]);
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        stderr.starts_with("s.toml:5:12: suppliers.lynas: duplicate table"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one error, not thousands");
    assert!(seconds < 10.0, "took {seconds} s");

    let mut text = String::from("[scenario]\nname = \"x\"\n[demand]\n");
    while text.len() < 5_000_000 {
        text.push_str("Nd = 1\n");
    }
    let stderr = Case::new(&text).rejected(&[], &[]);
    assert!(
        stderr.starts_with("s.toml:5:1: demand.Nd: duplicate key"),
        "{stderr}"
    );
}

#[test]
fn a_scenario_with_a_byte_order_mark_and_crlf_line_ends_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(small().replace('\n', "\r\n").into_bytes());
    fs::write(dir.path().join("s.toml"), bytes).unwrap();
    remopt()
        .current_dir(dir.path())
        .args(["solve", "s.toml", "--out", "out"])
        .assert()
        .code(0);
    let plan = fs::read_to_string(dir.path().join("out/plan.csv")).unwrap();
    assert!(plan.contains("\nNd,a,Supplier A,CN,mine,50,"), "{plan}");

    // An error in such a file is still located by line.
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(
        small()
            .replace("risk = 0.2", "risk = 2")
            .replace('\n', "\r\n")
            .into_bytes(),
    );
    fs::write(dir.path().join("s.toml"), bytes).unwrap();
    remopt()
        .current_dir(dir.path())
        .args(["check", "s.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with("s.toml:27:1: suppliers.b.risk = 2:"));
}

#[test]
fn a_crlf_price_list_with_a_byte_order_mark_loads() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("s.toml"),
        "[scenario]\nname = \"csv\"\n[demand]\nNd = 100\nDy = 10\n[suppliers.a]\ncountry = \"CN\"\nkind = \"mine\"\noffers_csv = \"a.csv\"\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("a.csv"),
        "\u{feff}element,price_per_kg,capacity_t,min_order_t\r\nNd,10,600,\r\nDy,300,,\r\n",
    )
    .unwrap();
    remopt()
        .current_dir(dir.path())
        .args(["solve", "s.toml", "--out", "out"])
        .assert()
        .code(0);
    let plan = fs::read_to_string(dir.path().join("out/plan.csv")).unwrap();
    assert!(plan.contains("\nDy,a,a,CN,mine,10,1,300,3000000,\n"), "{plan}");
    assert!(plan.contains("\nNd,a,a,CN,mine,100,1,10,1000000,\n"), "{plan}");

    // A huge number in a price list is refused with its row and column.
    fs::write(
        dir.path().join("a.csv"),
        "element,price_per_kg,capacity_t,min_order_t\r\nNd,1e300,600,\r\nDy,300,,\r\n",
    )
    .unwrap();
    remopt()
        .current_dir(dir.path())
        .args(["check", "s.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a.csv:2:2: suppliers.a.offers.Nd.price_per_kg = 1e300: the value must be at most 1e7 per kg",
        ));
}

/// A minimum order far above anything the caps allow is a valid scenario
/// with no plan: a diagnosis (exit 3), never an internal error, even where
/// its huge big-M strains the elastic copy's integrality tolerance.
#[test]
fn an_absurd_minimum_order_is_diagnosed_not_an_internal_error() {
    let dir = tempfile::tempdir().unwrap();
    remopt()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "solve",
            "inputs/japan.toml",
            "--set",
            "suppliers.lynas.offers.Nd.min_order_t=1e9",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .assert()
        .code(3);
    assert!(dir.path().join("out/diagnosis.txt").exists());
}

#[test]
fn an_endless_or_huge_input_is_refused_not_read() {
    // `/dev/zero` never ends; a scenario, a sweep file or a price list is
    // read up to 256 MB.
    for command in ["solve", "sweep"] {
        let mut run = remopt();
        run.args([command, "/dev/zero", "--quiet"]);
        if command == "sweep" {
            run.args(["--vary", "a.b=1"]);
        }
        let dir = tempfile::tempdir().unwrap();
        run.arg("--out")
            .arg(dir.path().join("o"))
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "it is larger than 256 MB, the most remopt reads from one file",
            ));
    }
}
