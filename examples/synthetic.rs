//! Prints a synthetic scenario:
//! `cargo run --release --example synthetic -- 17 2000 > big.toml`, or with
//! yes/no contracts: `cargo run --release --example synthetic -- 5 200 contracts`,
//! or over years: `cargo run --release --example synthetic -- 17 2000 years 5`,
//! or with its offers in a price list, written as DIR/scenario.toml and
//! DIR/offers.csv: `cargo run --release --example synthetic -- 17 2000 csv DIR`.

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
        ([Some(elements), Some(suppliers)], Some("csv")) if args.len() == 4 => {
            let dir = std::path::Path::new(&args[3]);
            let (text, list) = remopt::synthetic::scenario_with_price_list(*elements, *suppliers);
            let written = std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(dir.join("scenario.toml"), text))
                .and_then(|()| std::fs::write(dir.join("offers.csv"), list));
            if let Err(e) = written {
                eprintln!("cannot write {}: {e}", dir.display());
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!("usage: synthetic ELEMENTS SUPPLIERS [contracts | years N | csv DIR]   (e.g. 17 2000)");
            std::process::exit(2);
        }
    }
}
