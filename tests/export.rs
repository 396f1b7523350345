//! `remopt export`: the written model is the model — read back by HiGHS it
//! has the same optimum — and `models/` holds the current formulation of
//! every shipped scenario.

mod common;

use assert_cmd::Command;
use common::{relative, ROOT};
use predicates::prelude::*;
use remopt::export::{export, lp_name};
use remopt::pipeline::{optimise, SolveSettings};
use remopt::scenario::load;
use remopt::solve::solve_file;
use std::path::Path;

#[test]
fn every_shipped_model_reads_back_with_the_same_optimum_and_is_committed() {
    for file in [
        "japan",
        "eu",
        "usa",
        "japan-contracts",
        "japan-2030",
        "japan-disruptions",
    ] {
        let scenario = load(&Path::new(ROOT).join("inputs").join(format!("{file}.toml"))).unwrap();
        let optimum = optimise(&scenario, &SolveSettings::default()).unwrap().objective;
        let dir = tempfile::tempdir().unwrap();
        for format in ["lp", "mps"] {
            let path = dir.path().join(format!("model.{format}"));
            export(&scenario, &path).unwrap();
            relative(solve_file(&path).unwrap(), optimum, 1e-6);
        }
        let committed = std::fs::read_to_string(
            Path::new(ROOT)
                .join("models")
                .join(format!("{}.lp", scenario.name)),
        )
        .unwrap_or_else(|e| panic!("models/{}.lp: {e}", scenario.name));
        let fresh = std::fs::read_to_string(dir.path().join("model.lp")).unwrap();
        assert!(
            committed == fresh,
            "models/{}.lp is out of date: run `remopt export inputs/{file}.toml --lp models/{}.lp`",
            scenario.name,
            scenario.name
        );
    }
}

#[test]
fn the_files_keep_the_output_names() {
    let scenario = load(&Path::new(ROOT).join("tests/fixtures/small.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mps = dir.path().join("m.mps");
    export(&scenario, &mps).unwrap();
    let text = std::fs::read_to_string(&mps).unwrap();
    for name in [
        "demand[Nd]",
        "offer_capacity[a,Nd]",
        "country_share[CN,Nd]",
        "x[a,Nd]",
        "x[b,Nd]",
    ] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
    let lp = dir.path().join("m.lp");
    export(&scenario, &lp).unwrap();
    let text = std::fs::read_to_string(&lp).unwrap();
    assert!(
        text.contains(" country_share(CN,Nd): +1 x(a,Nd) <= +50"),
        "{text}"
    );
    assert_eq!(
        lp_name("offer_capacity[cn-light,Nd]"),
        "offer_capacity(cn_light,Nd)"
    );
}

#[test]
fn the_cli_needs_one_format_with_a_matching_extension() {
    let small = Path::new(ROOT).join("tests/fixtures/small.toml");
    let dir = tempfile::tempdir().unwrap();
    let remopt = || Command::cargo_bin("remopt").unwrap();
    remopt().arg("export").arg(&small).assert().code(2);
    remopt()
        .arg("export")
        .arg(&small)
        .arg("--lp")
        .arg(dir.path().join("m.mps"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must end in .lp"));
    remopt()
        .arg("export")
        .arg(&small)
        .arg("--mps")
        .arg(dir.path().join("m.mps"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("wrote the LP model of small"));
    assert!(dir.path().join("m.mps").exists());
}
