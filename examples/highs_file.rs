//! HiGHS alone on a model file, the reference remopt's benchmarks compare
//! against: `cargo run --release --example highs_file -- model.mps`
//! (`remopt export` writes one). Prints the optimum and HiGHS's times to
//! read the file and to solve it; run it under `/usr/bin/time -v` for
//! memory.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: highs_file MODEL.lp|MODEL.mps [--ranging]");
        std::process::exit(2);
    };
    let ranging = std::env::args().any(|a| a == "--ranging");
    match remopt::solve::time_file(std::path::Path::new(&path), ranging) {
        Ok(timing) => println!(
            "objective {} in {:.3} s (reading the file took {:.3} s more)",
            timing.objective,
            timing.solve.as_secs_f64(),
            timing.read.as_secs_f64()
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
