//! The seventeen rare earth elements a scenario may name.

/// Symbols of the 17 rare earth elements: the lanthanides by atomic number, then Sc and Y.
pub const RARE_EARTHS: [&str; 17] = [
    "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Sc", "Y",
];

/// True when `symbol` is one of the 17 rare earth element symbols (case-sensitive).
pub fn is_rare_earth(symbol: &str) -> bool {
    RARE_EARTHS.contains(&symbol)
}

/// The valid symbols as one human-readable list, for error messages.
pub fn valid_symbols() -> String {
    RARE_EARTHS.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_seventeen_and_nothing_else() {
        assert!(is_rare_earth("Nd"));
        assert!(is_rare_earth("Y"));
        assert!(!is_rare_earth("nd"));
        assert!(!is_rare_earth("Fe"));
        assert_eq!(RARE_EARTHS.len(), 17);
    }
}
