//! `scripts/find-libclang.sh DIR...`: the libclang that bindgen loads is
//! found by its file name alone, whatever the machine has installed (the
//! script searches only the folders it is given). `libclang-cpp` is the C++
//! library and does not count.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/find-libclang.sh");

/// A fresh folder holding an empty file for each of `names`.
fn folder_with(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        fs::write(dir.path().join(name), b"").unwrap();
    }
    dir
}

fn find(dir: &Path) -> assert_cmd::assert::Assert {
    Command::new("bash")
        .arg(SCRIPT)
        .arg(dir)
        // The folders given are the only ones searched, even when the
        // environment names another.
        .env("LIBCLANG_PATH", "/usr/lib")
        .assert()
}

#[test]
fn libclang_cpp_alone_is_reported_missing() {
    let dir = folder_with(&["libclang-cpp.so.14"]);
    find(dir.path()).code(1).stdout("");
}

#[test]
fn an_empty_folder_is_reported_missing() {
    let dir = folder_with(&[]);
    find(dir.path()).code(1).stdout("");
}

#[test]
fn a_missing_folder_is_reported_missing() {
    let dir = folder_with(&[]);
    find(&dir.path().join("no-such-folder")).code(1).stdout("");
}

#[test]
fn each_name_bindgen_loads_is_found_and_printed() {
    for name in ["libclang.so", "libclang.so.1", "libclang-14.so.1"] {
        // Beside the C++ library, as on a real system.
        let dir = folder_with(&["libclang-cpp.so.14", name]);
        let expected = format!("{}\n", dir.path().join(name).display());
        find(dir.path()).code(0).stdout(expected);
    }
}

#[test]
fn a_later_folder_is_searched_when_the_first_has_none() {
    let empty = folder_with(&["libclang-cpp.so.14"]);
    let full = folder_with(&["libclang.so.1"]);
    let expected = format!("{}\n", full.path().join("libclang.so.1").display());
    Command::new("bash")
        .arg(SCRIPT)
        .arg(empty.path())
        .arg(full.path())
        .assert()
        .code(0)
        .stdout(expected);
}

#[test]
fn setup_refuses_an_unknown_argument_before_installing_anything() {
    Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/setup.sh"))
        .arg("--with-slurmm")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown argument --with-slurmm"));
}
