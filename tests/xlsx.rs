//! `plan.xlsx`, read back with an independent reader (calamine): one sheet per
//! CSV file of the run, holding the CSV's values (numbers as numbers, text as
//! text), and share columns in a percent format.

mod common;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx};
use common::{fixture, ROOT};
use std::fs;
use std::io::Read;
use std::path::Path;

/// Runs `remopt ARGS --out <dir>/out` from the repository root; returns the
/// output folder.
fn run(dir: &Path, args: &[&str], code: i32) -> std::path::PathBuf {
    let out = dir.join("out");
    Command::cargo_bin("remopt")
        .unwrap()
        .current_dir(ROOT)
        .args(args)
        .args(["--xlsx", "--out"])
        .arg(&out)
        .assert()
        .code(code);
    out
}

/// The CSV files of `out`, in the order of the workbook's sheets.
fn csv_files(out: &Path, order: &[&str]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut on_disk: Vec<String> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|f| f.ends_with(".csv"))
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = order.iter().map(|f| f.to_string()).collect();
    expected.sort();
    assert_eq!(on_disk, expected, "the CSV files written");
    order
        .iter()
        .map(|file| {
            let rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(out.join(file))
                .unwrap()
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            (file.to_string(), rows)
        })
        .collect()
}

/// Every cell of every CSV file of `out` is in `plan.xlsx`, on the sheet
/// named after the file, with the same value; `order` is the files' order.
fn assert_workbook_holds(out: &Path, order: &[&str]) {
    let files = csv_files(out, order);
    let mut book: Xlsx<_> = calamine::open_workbook(out.join("plan.xlsx")).unwrap();
    let stems: Vec<&str> = order.iter().map(|f| f.trim_end_matches(".csv")).collect();
    assert_eq!(book.sheet_names(), stems);
    for (file, rows) in files {
        let sheet = book.worksheet_range(file.trim_end_matches(".csv")).unwrap();
        assert_eq!(sheet.start(), Some((0, 0)), "{file}");
        let width = rows.iter().map(Vec::len).max().unwrap();
        assert_eq!(sheet.get_size(), (rows.len(), width), "{file}");
        let mut numbers = 0;
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let cell = sheet.get((r, c)).unwrap_or(&Data::Empty);
                let at = format!("{file} row {} column {c} ({text:?})", r + 1);
                match cell {
                    Data::Empty => assert!(text.is_empty(), "{at}: empty in the workbook"),
                    Data::Float(value) => {
                        numbers += 1;
                        assert!(r > 0, "{at}: a header is text");
                        assert_eq!(*value, text.parse::<f64>().unwrap(), "{at}");
                    }
                    Data::Bool(value) => assert_eq!(value.to_string(), *text, "{at}"),
                    Data::String(value) => {
                        assert_eq!(value, text, "{at}");
                        assert!(
                            r == 0 || text.parse::<f64>().is_err(),
                            "{at}: a number stored as text"
                        );
                    }
                    other => panic!("{at}: unexpected cell {other:?}"),
                }
            }
        }
        assert!(rows.len() == 1 || numbers > 0, "{file}: numbers are numbers");
    }
}

/// The text of a part of the xlsx (a zip archive).
fn part(xlsx: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(fs::File::open(xlsx).unwrap()).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// The number format of cell `reference` (`G2`) of the `sheet`-th worksheet
/// (from 1), read from the xlsx's XML: calamine tells dates from other
/// numbers but does not expose a cell's format code.
fn number_format(xlsx: &Path, sheet: usize, reference: &str) -> String {
    let xml = part(xlsx, &format!("xl/worksheets/sheet{sheet}.xml"));
    let cell = &xml[xml.find(&format!("<c r=\"{reference}\"")).unwrap()..];
    let cell = &cell[..cell.find('>').unwrap()];
    let Some(style) = attribute(cell, "s") else {
        return "General".into();
    };
    let styles = part(xlsx, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs
        .split("<xf ")
        .nth(style.parse::<usize>().unwrap() + 1)
        .unwrap();
    let id = attribute(xf, "numFmtId").unwrap();
    let custom = styles
        .split("<numFmt ")
        .skip(1)
        .find(|f| attribute(f, "numFmtId").as_deref() == Some(id.as_str()));
    match (custom, id.as_str()) {
        (Some(f), _) => attribute(f, "formatCode").unwrap(),
        (None, "0") => "General".into(),
        (None, "9") => "0%".into(),
        (None, "10") => "0.00%".into(),
        (None, other) => format!("builtin {other}"),
    }
}

fn attribute(element: &str, name: &str) -> Option<String> {
    let element = format!(" {element}");
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = element[start..].find('"')? + start;
    Some(element[start..end].to_string())
}

#[test]
fn a_solve_s_workbook_holds_every_csv_with_shares_as_percents() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["solve", "inputs/japan.toml"], 0);
    let order = [
        "plan.csv",
        "summary.csv",
        "constraints.csv",
        "security.csv",
        "stages.csv",
        "sensitivity.csv",
    ];
    assert_workbook_holds(&out, &order);
    let xlsx = out.join("plan.xlsx");
    // plan.csv's `share_of_demand` is column G; its `quantity_t` (F) is not a share.
    assert_eq!(number_format(&xlsx, 1, "G2"), "0.0%");
    assert_eq!(number_format(&xlsx, 1, "F2"), "General");
    // summary.csv's `top_country_share` (J), security.csv's `cap` (E) of a
    // country share, stages.csv's `share_of_supplied` (E).
    assert_eq!(number_format(&xlsx, 2, "J2"), "0.0%");
    let security = fs::read_to_string(out.join("security.csv")).unwrap();
    assert!(security.lines().nth(1).unwrap().contains(",country_share,"));
    assert_eq!(number_format(&xlsx, 4, "E2"), "0.0%");
    // A mean risk cap is a score, not a share.
    let risk_row = security.lines().position(|l| l.contains(",avg_risk,")).unwrap();
    assert_eq!(number_format(&xlsx, 4, &format!("E{}", risk_row + 1)), "General");
    assert_eq!(number_format(&xlsx, 5, "E2"), "0.0%");
    // Headers bold and frozen, data filterable.
    let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\""), "{sheet}");
    assert!(sheet.contains("<autoFilter ref=\"A1:J"), "{sheet}");
    assert!(part(&xlsx, "xl/styles.xml").contains("<b/>"));

    // The same run gives the same workbook, byte for byte.
    let again = tempfile::tempdir().unwrap();
    let second = run(again.path(), &["solve", "inputs/japan.toml"], 0);
    assert_eq!(
        fs::read(&xlsx).unwrap(),
        fs::read(second.join("plan.xlsx")).unwrap()
    );
}

#[test]
fn an_infeasible_run_s_workbook_holds_the_diagnosis() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("infeasible.toml");
    let out = run(dir.path(), &["solve", scenario.to_str().unwrap()], 3);
    assert_workbook_holds(&out, &["diagnosis.csv"]);
}

#[test]
fn a_sweep_s_and_a_frontier_s_workbooks_hold_their_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "sweep",
            "inputs/japan.toml",
            "--vary",
            "policy.max_country_share~uniform(0.5,0.7)",
            "--vary",
            "suppliers.*.offers.Dy.price_per_kg*~uniform(0.8,1.5)",
            "--samples",
            "3",
            "--jobs",
            "1",
        ],
        0,
    );
    let order = ["runs.csv", "plans.csv", "summary.csv", "percentiles.csv"];
    assert_workbook_holds(&out, &order);
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    assert!(runs.starts_with("run,policy.max_country_share,suppliers.*.offers.Dy.price_per_kg*,"));
    let xlsx = out.join("plan.xlsx");
    // A varied share is a percent; a varied factor is not.
    assert_eq!(number_format(&xlsx, 1, "B2"), "0.0%");
    assert_eq!(number_format(&xlsx, 1, "C2"), "General");

    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["frontier", "inputs/japan.toml", "--points", "3"], 0);
    assert_workbook_holds(&out, &["frontier.csv", "plans.csv"]);
}
