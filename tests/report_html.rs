//! `report.html` in a real browser: headless Chromium loads the page of a
//! solved run (Japan) and of an infeasible one (the EU's CRMA benchmarks),
//! prints no console message (the page has no script, so any console line
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
    remopt()
        .args(["solve", &format!("{ROOT}/inputs/japan.toml"), "--quiet", "--out"])
        .arg(&japan)
        .assert()
        .code(0);
    let page = japan.join("report.html");
    self_contained(&fs::read_to_string(&page).unwrap());
    let shots = dir.path().join("japan-browser");
    fs::create_dir(&shots).unwrap();
    let dom = load(&page, &shots);
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
    remopt()
        .args([
            "solve",
            &format!("{ROOT}/inputs/eu-crma.toml"),
            "--quiet",
            "--out",
        ])
        .arg(&eu)
        .assert()
        .code(3);
    let page = eu.join("report.html");
    self_contained(&fs::read_to_string(&page).unwrap());
    let shots = dir.path().join("eu-browser");
    fs::create_dir(&shots).unwrap();
    let dom = load(&page, &shots);
    assert_eq!(dom.matches("<svg").count(), 0);
    assert!(dom.contains("No plan exists"));
    assert!(dom.contains("recycling is"), "{dom}");

    // A frontier: its curve.
    let frontier = dir.path().join("frontier");
    remopt()
        .args([
            "frontier",
            &format!("{ROOT}/inputs/japan.toml"),
            "--points",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(&frontier)
        .assert()
        .code(0);
    let page = frontier.join("report.html");
    self_contained(&fs::read_to_string(&page).unwrap());
    let shots = dir.path().join("frontier-browser");
    fs::create_dir(&shots).unwrap();
    let dom = load(&page, &shots);
    assert_eq!(dom.matches("<svg").count(), 1);
    assert!(dom.contains("Cost versus risk"));
}
