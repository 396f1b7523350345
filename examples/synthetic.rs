//! Prints a synthetic scenario:
//! `cargo run --release --example synthetic -- 17 2000 > big.toml`, or with
//! yes/no contracts: `cargo run --release --example synthetic -- 5 200 contracts`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let numbers: Vec<Option<usize>> = args.iter().take(2).map(|a| a.parse().ok()).collect();
    match (numbers.as_slice(), args.get(2).map(String::as_str)) {
        ([Some(elements), Some(suppliers)], None) => {
            print!("{}", remopt::synthetic::scenario_toml(*elements, *suppliers))
        }
        ([Some(elements), Some(suppliers)], Some("contracts")) => {
            print!("{}", remopt::synthetic::contracts_toml(*elements, *suppliers))
        }
        _ => {
            eprintln!("usage: synthetic ELEMENTS SUPPLIERS [contracts]   (e.g. 17 2000)");
            std::process::exit(2);
        }
    }
}
