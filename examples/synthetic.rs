//! Prints a synthetic scenario:
//! `cargo run --release --example synthetic -- 17 2000 > big.toml`, or with
//! yes/no contracts: `cargo run --release --example synthetic -- 5 200 contracts`,
//! or over years: `cargo run --release --example synthetic -- 17 2000 years 5`.

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
        ([Some(elements), Some(suppliers)], Some("years")) => {
            let years = args.get(3).and_then(|y| y.parse().ok()).unwrap_or(5);
            print!(
                "{}",
                remopt::synthetic::horizon_toml(*elements, *suppliers, years)
            )
        }
        _ => {
            eprintln!("usage: synthetic ELEMENTS SUPPLIERS [contracts | years N]   (e.g. 17 2000)");
            std::process::exit(2);
        }
    }
}
