//! Kill safety: `remopt solve` and `remopt sweep` killed with SIGKILL at
//! several moments never damage the previous outputs (the folder is either
//! the whole previous run or the whole new one, never missing), and a killed
//! sweep's `<out>.partial/` holds only complete rows.

mod common;

use common::snapshot;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Moments after the start at which remopt is killed, in milliseconds: from
/// before it has read its input (0, 5, 20, 50 ms) to fractions of the time
/// a whole run takes (`full_ms`), around the moment it writes and swaps its
/// outputs, and after it.
fn delays(full_ms: u64) -> Vec<u64> {
    let mut delays = vec![0, 5, 20, 50];
    delays.extend([30, 60, 80, 90, 95, 100, 105, 110, 150].map(|percent| full_ms * percent / 100));
    delays
}

/// Runs remopt to the end; its wall time in milliseconds.
fn timed_run(dir: &Path, args: &[&str]) -> u64 {
    let started = std::time::Instant::now();
    run(dir, args);
    started.elapsed().as_millis() as u64
}

fn remopt_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("remopt")
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(remopt_bin())
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn run(dir: &Path, args: &[&str]) {
    let status = spawn(dir, args).wait().unwrap();
    assert!(status.success(), "remopt {args:?}: {status}");
}

/// Runs remopt and kills it with SIGKILL after `delay_ms`; true when it
/// was still running (false: it had finished on its own).
fn kill_after(dir: &Path, args: &[&str], delay_ms: u64) -> bool {
    let mut child = spawn(dir, args);
    std::thread::sleep(Duration::from_millis(delay_ms));
    let running = child.try_wait().unwrap().is_none();
    // `Child::kill` is SIGKILL on Unix: no handler runs, nothing is cleaned.
    let _ = child.kill();
    let status = child.wait().unwrap();
    running && status.code().is_none()
}

/// The CSV files of a snapshot (run.json and sweep.json hold timings).
fn csv_only(files: &[(PathBuf, Vec<u8>)]) -> Vec<(PathBuf, Vec<u8>)> {
    files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "csv"))
        .cloned()
        .collect()
}

/// Nothing but `out`, `out.partial` and hidden staging folders beside them
/// (`.out.new-*`, `.out.old-*`, `.out.partial.new-*`) in `root`, besides
/// the inputs.
fn only_documented_siblings(root: &Path, inputs: &[&str]) {
    for entry in fs::read_dir(root).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let ok = inputs.contains(&name.as_str())
            || name == "out"
            || name == "out.partial"
            || name.starts_with(".out.new-")
            || name.starts_with(".out.old-")
            || name.starts_with(".out.partial.new-");
        assert!(ok, "unexpected {name} in {}", root.display());
    }
}

#[test]
fn a_killed_solve_leaves_the_previous_outputs_or_the_complete_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("big.toml"), remopt::synthetic::scenario_toml(17, 1000)).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.toml"),
        root.join("small.toml"),
    )
    .unwrap();
    // What the big solve writes when it is not killed.
    let full_ms = timed_run(root, &["solve", "big.toml", "--out", "complete"]);
    let complete = csv_only(&snapshot(&root.join("complete")));
    fs::remove_dir_all(root.join("complete")).unwrap();

    run(root, &["solve", "small.toml", "--out", "out"]);
    let mut previous = snapshot(&root.join("out"));
    let mut interrupted = 0;
    let delays = delays(full_ms);
    for &delay in &delays {
        kill_after(root, &["solve", "big.toml", "--out", "out"], delay);
        assert!(
            root.join("out").is_dir(),
            "outputs missing after a kill at {delay} ms"
        );
        let now = snapshot(&root.join("out"));
        if now == previous {
            interrupted += 1;
        } else {
            // The kill came after the swap: the new outputs, whole.
            assert_eq!(
                csv_only(&now),
                complete,
                "after a kill at {delay} ms the outputs are neither the previous nor the new ones"
            );
            assert!(now.iter().any(|(p, _)| p == Path::new("run.json")));
            // Start the next kill from the small outputs again.
            run(root, &["solve", "small.toml", "--out", "out"]);
            previous = snapshot(&root.join("out"));
        }
        only_documented_siblings(root, &["big.toml", "small.toml"]);
    }
    eprintln!(
        "solve: {interrupted} of {} kills interrupted the run",
        delays.len()
    );
    assert!(
        interrupted >= 3,
        "only {interrupted} kills interrupted the solve: too fast a scenario?"
    );
    // Leftover staging folders do not stop the next run.
    run(root, &["solve", "big.toml", "--out", "out"]);
    assert_eq!(csv_only(&snapshot(&root.join("out"))), complete);
}

/// Every chunk of a killed sweep's partial folder (`runs-000001.csv`,
/// ...; hidden files are chunks still being staged): its header, then whole
/// lines only, each with the header's column count, each a row of the
/// complete sweep's file of the same stream.
fn check_partial(partial: &Path, complete: &Path) -> usize {
    let mut rows = 0;
    for (name, bytes) in snapshot(partial) {
        let file = name.to_str().unwrap();
        if file.starts_with('.') {
            continue;
        }
        let (stem, chunk) = file.trim_end_matches(".csv").rsplit_once('-').unwrap();
        assert!(
            chunk.len() == 6 && chunk.bytes().all(|b| b.is_ascii_digit()),
            "{file}"
        );
        assert!(bytes.ends_with(b"\n"), "{file}: a cut line");
        let full = fs::read_to_string(complete.join(format!("{stem}.csv"))).unwrap();
        let full_lines: std::collections::HashSet<&str> = full.lines().collect();
        let text = String::from_utf8(bytes.clone()).expect("UTF-8 rows");
        assert_eq!(text.lines().next(), full.lines().next(), "{file}: its header");
        for line in text.lines() {
            assert!(
                full_lines.contains(line),
                "{file}: {line:?} is not a row of the complete sweep"
            );
        }
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let columns = reader.headers().map(|h| h.len()).unwrap_or(0);
        for record in reader.records() {
            let record = record.unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(record.len(), columns, "{file}");
            rows += 1;
        }
    }
    rows
}

#[test]
fn a_killed_sweep_keeps_the_previous_outputs_and_only_whole_rows() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("base.toml"), remopt::synthetic::scenario_toml(17, 200)).unwrap();
    let sweep = [
        "sweep",
        "base.toml",
        "--vary",
        "demand.Nd*=1:2:0.05",
        "--jobs",
        "1",
        "--out",
    ];
    let with_out = |out: &'static str| -> Vec<&'static str> { sweep.iter().copied().chain([out]).collect() };
    let full_ms = timed_run(root, &with_out("complete"));
    let complete = root.join("complete");

    // The previous outputs: a smaller sweep of the same scenario.
    let previous_args = ["sweep", "base.toml", "--vary", "demand.Nd*=1,2", "--out", "out"];
    run(root, &previous_args);
    let mut previous = snapshot(&root.join("out"));
    let out_args = with_out("out");
    let (mut interrupted, mut partial_rows) = (0, 0);
    let delays = delays(full_ms);
    for &delay in &delays {
        kill_after(root, &out_args, delay);
        assert!(
            root.join("out").is_dir(),
            "outputs missing after a kill at {delay} ms"
        );
        let now = snapshot(&root.join("out"));
        if now == previous {
            interrupted += 1;
        } else {
            assert_eq!(
                csv_only(&now),
                csv_only(&snapshot(&complete)),
                "after a kill at {delay} ms the outputs are neither the previous nor the new ones"
            );
            run(root, &previous_args);
            previous = snapshot(&root.join("out"));
        }
        if root.join("out.partial").is_dir() {
            partial_rows += check_partial(&root.join("out.partial"), &complete);
        }
        only_documented_siblings(root, &["base.toml", "complete"]);
    }
    eprintln!(
        "sweep: {interrupted} of {} kills interrupted the run; {partial_rows} streamed rows checked",
        delays.len()
    );
    assert!(interrupted >= 3, "only {interrupted} kills interrupted the sweep");
    assert!(partial_rows > 0, "no kill left streamed rows to check");
}
