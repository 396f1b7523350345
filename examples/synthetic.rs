//! Prints a synthetic scenario: `cargo run --release --example synthetic -- 17 2000 > big.toml`.

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    match (args.next(), args.next()) {
        (Some(Ok(elements)), Some(Ok(suppliers))) => {
            print!("{}", remopt::synthetic::scenario_toml(elements, suppliers))
        }
        _ => {
            eprintln!("usage: synthetic ELEMENTS SUPPLIERS   (e.g. 17 2000)");
            std::process::exit(2);
        }
    }
}
