//! `report.html` in a real browser: headless Chromium loads the page of a
//! solved run (Japan), of an infeasible one (the EU's CRMA benchmarks), of
//! a run facing disruptions, of a grid sweep and a Monte Carlo sweep, and
//! of the frontiers over risk levels and over risk aversion; each prints
//! no console message (the page has no script, so any console line
//! is an error: a resource that failed to load, a malformed page), shows
//! the expected charts with their titles, and renders a screenshot.
//!
//! Without Chromium the test prints "chromium not installed: skipped" and
//! passes, unless `REMOPT_REQUIRE_CHROMIUM=1` (`.ci/run`, after
//! `scripts/setup.sh --with-chromium`), when it fails.

mod common;

use common::{remopt, ROOT};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

fn chromium_installed() -> bool {
    Command::new("sh")
        .arg("-c")
        .arg("command -v chromium")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs headless Chromium on `page` with `args`; returns stdout and the
/// console lines of stderr.
fn chromium(page: &Path, profile: &Path, args: &[&str]) -> (String, Vec<String>) {
    let url = format!("file://{}", page.display());
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(&url)
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "chromium failed on {url}: {stderr}");
    // D-Bus complaints (no session bus here) are noise, not page errors.
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&output.stdout).into_owned(), console)
}

/// Loads `page`: no console line, a non-empty screenshot; returns the DOM.
fn load(page: &Path, dir: &Path) -> String {
    let shot = dir.join("screenshot.png");
    let profile = dir.join("profile");
    let (_, console) = chromium(
        page,
        &profile,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    assert!(
        console.is_empty(),
        "console messages on {}: {console:#?}",
        page.display()
    );
    let png = fs::read(&shot).expect("a screenshot");
    assert!(
        png.len() > 1000,
        "screenshot of {} is {} bytes",
        page.display(),
        png.len()
    );
    assert_eq!(&png[1..4], b"PNG");
    let (dom, console) = chromium(page, &profile, &["--dump-dom"]);
    assert!(
        console.is_empty(),
        "console messages on {}: {console:#?}",
        page.display()
    );
    dom
}

fn self_contained(page: &str) {
    for external in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!page.contains(external), "report.html holds {external}");
    }
}

#[test]
fn report_html_renders_in_headless_chromium() {
    if !chromium_installed() {
        if std::env::var("REMOPT_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("REMOPT_REQUIRE_CHROMIUM=1 but chromium is missing (bash scripts/setup.sh --with-chromium installs it)");
        }
        println!("chromium not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();

    // A solved run: a stacked bar chart per element, and the cost chart.
    let japan = dir.path().join("japan");
    run_quietly(&["solve", "inputs/japan.toml"], &japan, 0);
    let dom = load_checked(&japan, dir.path());
    let elements = ["Ce", "Dy", "Nd", "Pr", "Tb", "Y"];
    assert_eq!(dom.matches("<svg").count(), elements.len() + 1, "{dom}");
    for e in elements {
        assert!(
            dom.contains(&format!("{e}: supply by country and stage")),
            "no {e} chart"
        );
    }
    assert!(dom.contains("Cost by element"));
    assert!(dom.contains("tonnes per year") && dom.contains("million USD per year"));
    assert!(dom.contains("tightening CN's share of Dy from 60.0% to 59.0% costs"));
    assert!(dom.contains("cn-heavy"), "the plan table");

    // An infeasible run: the diagnosis, no chart.
    let eu = dir.path().join("eu-crma");
    run_quietly(&["solve", "inputs/eu-crma.toml"], &eu, 3);
    let dom = load_checked(&eu, dir.path());
    assert_eq!(dom.matches("<svg").count(), 0);
    assert!(dom.contains("No plan exists"));
    assert!(dom.contains("recycling is"), "{dom}");

    // A frontier: its curve.
    let frontier = dir.path().join("frontier");
    run_quietly(&["frontier", "inputs/japan.toml", "--points", "3"], &frontier, 0);
    let dom = load_checked(&frontier, dir.path());
    assert_eq!(dom.matches("<svg").count(), 1);
    assert!(dom.contains("Cost versus risk"));

    // Disruptions: the cost of each scenario, expected cost and CVaR marked.
    let disruptions = dir.path().join("disruptions");
    run_quietly(&["solve", "inputs/japan-disruptions.toml"], &disruptions, 0);
    let dom = load_checked(&disruptions, dir.path());
    let elements = ["Ce", "Dy", "Nd", "Pr", "Tb", "Y"];
    assert_eq!(dom.matches("<svg").count(), elements.len() + 2, "{dom}");
    assert!(dom.contains("Cost per disruption scenario"));
    for scenario in [
        "base",
        "cn-heavy-licensing",
        "japan-embargo",
        "myanmar-closure",
        "malaysia-outage",
    ] {
        assert!(
            dom.contains(&format!("\n{scenario}\n</text>")),
            "no bar of {scenario}"
        );
    }
    let record: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(disruptions.join("run.json")).unwrap()).unwrap();
    let millions = |field: &str| format!("{:.2} M USD", record[field].as_f64().unwrap() / 1e6);
    assert!(
        dom.contains(&format!("expected cost: {}", millions("expected_cost"))),
        "{dom}"
    );
    assert!(dom.contains(&format!("CVaR: {}", millions("cvar"))));

    // A grid sweep over two paths: three figures against each path, the
    // runs without a plan counted, crossed out and listed.
    let sweep = dir.path().join("sweep");
    run_quietly(
        &[
            "sweep",
            "inputs/japan.toml",
            "--vary",
            "countries.CN.max_share=0.2,0.6,0.7,1.5",
            "--vary",
            "suppliers.*.offers.Dy.price_per_kg*=1,2",
        ],
        &sweep,
        0,
    );
    let dom = load_checked(&sweep, dir.path());
    assert_eq!(dom.matches("<svg").count(), 6, "{dom}");
    for path in ["countries.CN.max_share", "suppliers.*.offers.Dy.price_per_kg*"] {
        for figure in ["Total cost", "Total shortfall", "China's share"] {
            assert!(
                dom.contains(&format!("{figure} against {path}")),
                "no {figure} against {path}"
            );
        }
    }
    assert!(
        dom.contains("countries.CN.max_share = 0.6"),
        "a line per value of the other path"
    );
    assert_eq!(
        dom.matches("no plan (4 runs: infeasible, invalid or error)")
            .count(),
        6
    );
    assert!(dom.contains("Runs without a plan"));
    assert!(dom.contains("a country share cap must be between 0 and 1"));

    // A Monte Carlo sweep: the histogram of cost with p5, p50 and p95 (the
    // values of percentiles.csv), then cost, shortfall and China's share
    // against the drawn value.
    let monte_carlo = dir.path().join("monte-carlo");
    run_quietly(
        &[
            "sweep",
            "inputs/japan.toml",
            "--vary",
            "suppliers.*.offers.Dy.price_per_kg*~uniform(0.5,2)",
            "--samples",
            "40",
            "--seed",
            "3",
        ],
        &monte_carlo,
        0,
    );
    let dom = load_checked(&monte_carlo, dir.path());
    assert_eq!(dom.matches("<svg").count(), 4, "{dom}");
    assert!(dom.contains("Total cost over the Monte Carlo draws"));
    let percentiles = fs::read_to_string(monte_carlo.join("percentiles.csv")).unwrap();
    let cost = percentiles
        .lines()
        .find(|l| l.starts_with("total_cost,40,"))
        .unwrap();
    let values: Vec<f64> = cost.split(',').skip(2).map(|v| v.parse().unwrap()).collect();
    for (name, value) in ["p5", "p50", "p95"].iter().zip(values) {
        let mark = format!("{name}: {:.2} M USD", value / 1e6);
        assert!(dom.contains(&mark), "no {mark}");
    }
    assert!(dom.contains("Monte Carlo, 40 draws, seed 3"));

    // The frontier over risk aversion: expected cost against CVaR.
    let aversion = dir.path().join("aversion");
    run_quietly(
        &[
            "frontier",
            "inputs/japan-disruptions.toml",
            "--over",
            "risk_aversion",
            "--points",
            "3",
        ],
        &aversion,
        0,
    );
    let dom = load_checked(&aversion, dir.path());
    assert_eq!(dom.matches("<svg").count(), 1);
    assert!(dom.contains("Expected cost versus CVaR"));
    assert!(dom.contains("CVaR: mean cost of the worst outcomes, million USD"));
    assert!(dom.contains("risk_aversion"), "the points' table");
}

/// `remopt --quiet ARGS --out OUT` in the repository (paths in `args`
/// from its root), ending with exit `code`.
fn run_quietly(args: &[&str], out: &Path, code: i32) {
    remopt()
        .current_dir(ROOT)
        .arg("--quiet")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .code(code);
}

/// Loads `out`'s report.html (self-contained, no console line, a
/// screenshot in `shots/<out's name>-browser/`); returns the DOM.
fn load_checked(out: &Path, shots: &Path) -> String {
    let page = out.join("report.html");
    self_contained(&fs::read_to_string(&page).unwrap());
    let shots = shots.join(format!("{}-browser", out.file_name().unwrap().to_string_lossy()));
    fs::create_dir(&shots).unwrap();
    load(&page, &shots)
}
