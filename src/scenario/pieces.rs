//! A large scenario file read in pieces, on every core.
//!
//! The `toml` crate holds a document as spanned tables while it reads it,
//! about fifty bytes of memory per byte of text: for the 2 MB file of
//! 34,000 offers that is over 100 MB, allocated and zeroed, and most of
//! the load's time. Such a file is mostly `[suppliers.ID]` tables, and
//! each is a TOML document of its own, so the file is cut before supplier
//! headers into pieces of a few dozen suppliers: each piece is read on
//! its own, in parallel, and its memory is reused by the next.
//!
//! Cutting must never change what the file means. Whenever it could (a
//! multi-line string, whose text might look like a header; a piece holding
//! anything but suppliers; a supplier named in two pieces) or a piece
//! fails to read, [`read`] gives up and the caller reads the whole file as
//! one document, so that every error is reported as it always was.

use super::raw::{RawScenario, RawSupplier};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Below this many suppliers a file is read whole: cutting would not pay.
const MIN_SUPPLIERS: usize = 256;

/// Suppliers per piece: enough that a piece's reading dwarfs its
/// scheduling, few enough that the pieces' memory stays small.
const SUPPLIERS_PER_PIECE: usize = 64;

/// A piece after the head: nothing but supplier tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Piece {
    suppliers: BTreeMap<String, RawSupplier>,
}

/// The raw scenario of `text` read in pieces, or `None` when the file is
/// small or cutting it could change its meaning (then read it whole).
pub(super) fn read(text: &str) -> Option<RawScenario> {
    if text.contains("\"\"\"") || text.contains("\'\'\'") {
        return None;
    }
    let Layout { headers, tail } = layout(text)?;
    if headers.len() < MIN_SUPPLIERS {
        return None;
    }
    // The tables after the suppliers (`[policy]`, say) are read with those
    // before them; each begins with its own header.
    let head = [&text[..headers[0]], "\n", &text[tail..]].concat();
    let pieces: Vec<&str> = headers
        .chunks(SUPPLIERS_PER_PIECE)
        .enumerate()
        .map(|(i, chunk)| {
            let end = headers
                .get((i + 1) * SUPPLIERS_PER_PIECE)
                .copied()
                .unwrap_or(tail);
            &text[chunk[0]..end]
        })
        .collect();
    let (head, pieces) = rayon::join(
        || toml::from_str::<RawScenario>(&head).ok(),
        || {
            pieces
                .par_iter()
                .map(|piece| toml::from_str::<Piece>(piece).ok())
                .collect::<Option<Vec<Piece>>>()
        },
    );
    let mut raw = head?;
    for piece in pieces? {
        for (id, supplier) in piece.suppliers {
            if raw.suppliers.insert(id, supplier).is_some() {
                return None;
            }
        }
    }
    Some(raw)
}

/// Where the suppliers are in a file.
#[derive(Debug, PartialEq)]
struct Layout {
    /// Byte offsets of the lines that open a supplier's table.
    headers: Vec<usize>,
    /// Where the first table after the suppliers begins (the file's length
    /// when none follows them).
    tail: usize,
}

/// The file's [`Layout`], or `None` when other tables sit between
/// suppliers.
fn layout(text: &str) -> Option<Layout> {
    let mut headers = Vec::new();
    let mut tail = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if opens_supplier(line) {
            if tail.is_some() {
                return None;
            }
            headers.push(start);
        } else if !headers.is_empty() && tail.is_none() && opens_other_table(line) {
            tail = Some(start);
        }
        start += line.len();
    }
    Some(Layout {
        headers,
        tail: tail.unwrap_or(text.len()),
    })
}

/// `[suppliers.ID]` with a bare key (a sub-table such as
/// `[suppliers.ID.offers]` opens no supplier).
fn opens_supplier(line: &str) -> bool {
    let Some(rest) = line.trim_start_matches([' ', '\t']).strip_prefix("[suppliers.") else {
        return false;
    };
    let id = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    id > 0 && rest[id..].trim_start_matches([' ', '\t']).starts_with(']')
}

/// A header (`[x]` or `[[x]]`) of a table outside `suppliers`.
fn opens_other_table(line: &str) -> bool {
    let Some(key) = line.trim_start_matches([' ', '\t']).strip_prefix('[') else {
        return false;
    };
    let key = key.trim_start_matches('[').trim_start_matches([' ', '\t']);
    match key.strip_prefix("suppliers") {
        Some(rest) => !rest.trim_start_matches([' ', '\t']).starts_with(['.', ']']),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Result<String, String> {
        toml::from_str::<RawScenario>(text)
            .map(|raw| format!("{raw:?}"))
            .map_err(|e| e.to_string())
    }

    fn synthetic(suppliers: usize) -> String {
        crate::synthetic::scenario_toml(5, suppliers)
    }

    #[test]
    fn a_large_file_read_in_pieces_is_the_file_read_whole() {
        for suppliers in [MIN_SUPPLIERS, 300, 1000] {
            let text = synthetic(suppliers);
            let pieces = read(&text).expect("a plain synthetic file is cut");
            assert_eq!(pieces.suppliers.len(), suppliers);
            assert_eq!(Ok(format!("{pieces:?}")), whole(&text));
        }
        // Windows line ends.
        let text = synthetic(300).replace('\n', "\r\n");
        let pieces = read(&text).expect("cut");
        assert_eq!(Ok(format!("{pieces:?}")), whole(&text));
        // Tables before and after the suppliers, arrays of tables among
        // them, keep their order.
        let disruption = |name: &str| format!("[[disruptions]]\nname = \"{name}\"\nprobability = 0.1\n");
        let text = synthetic(300).replacen(
            "[suppliers.s0]",
            &format!("{}[suppliers.s0]", disruption("first")),
            1,
        ) + &disruption("second")
            + "[[disruptions.effects]]\ncountries = [\"CN\"]\ncapacity_factor = 0\n";
        let pieces = read(&text).expect("cut");
        let names: Vec<&str> = pieces.disruptions.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["first", "second"]);
        assert_eq!(pieces.disruptions[1].effects.len(), 1);
        assert_eq!(Ok(format!("{pieces:?}")), whole(&text));
    }

    #[test]
    fn headers_are_lines_opening_a_supplier_table() {
        assert!(opens_supplier("[suppliers.s0]\n"));
        assert!(opens_supplier("  [suppliers.lynas-au] # Malaysia\r\n"));
        assert!(opens_supplier("[suppliers.a_1 ]"));
        assert!(!opens_supplier("[suppliers.s0.offers]\n"));
        assert!(!opens_supplier("[suppliers.s0.offers.Nd]\n"));
        assert!(!opens_supplier("[suppliers.\"quoted id\"]\n"));
        assert!(!opens_supplier("[[suppliers.s0]]\n"));
        assert!(!opens_supplier("# [suppliers.s0]\n"));
        assert!(!opens_supplier("[suppliers]\n"));
        assert!(!opens_supplier("[suppliers.]\n"));
        assert!(opens_other_table("[policy]\n"));
        assert!(opens_other_table("[[disruptions]]\n"));
        assert!(opens_other_table("[suppliersx]\n"));
        assert!(opens_other_table("[\"suppliers\".s0]\n"));
        assert!(!opens_other_table("[suppliers.s0.offers]\n"));
        assert!(!opens_other_table("[ suppliers ]\n"));
        assert!(!opens_other_table("kind = \"mine\"\n"));
        let text = "[scenario]\nname = \"x\"\n[suppliers.a]\nkind = \"mine\"\n[suppliers.a.offers.Nd]\nprice_per_kg = 1\n[suppliers.b]\n[policy]\n";
        assert_eq!(
            layout(text),
            Some(Layout {
                headers: vec![22, 91],
                tail: 105
            })
        );
        assert_eq!(layout(&format!("{text}[suppliers.c]\n")), None);
    }

    /// Every file whose cutting could change its meaning is read whole,
    /// so that its errors, or its meaning, are those of the whole file.
    #[test]
    fn files_whose_cutting_could_change_their_meaning_are_read_whole() {
        let base = synthetic(300);
        let small = synthetic(MIN_SUPPLIERS - 1);
        // A multi-line string, which could hold a line like a header.
        let multi_line = base.replacen(
            "[scenario]\n",
            "[scenario]\nnotes = \"\"\"\n[suppliers.fake]\nkind = \"mine\"\n\"\"\"\n",
            1,
        );
        // A table between suppliers.
        let groups_between = base.replacen("[suppliers.s7]", "[groups]\nasia = [\"CN\"]\n[suppliers.s7]", 1);
        // The first supplier's offers extended after 299 others: valid TOML,
        // but its piece would hold an offer of a supplier it does not open.
        let late_subtable = format!("{base}\n[suppliers.s0.offers.Dy]\nprice_per_kg = 1\n");
        // The same supplier opened twice, in different pieces.
        let duplicate = format!("{base}\n[suppliers.s0]\nkind = \"mine\"\n");
        // A supplier given in the head as a dotted key and again as a table.
        let dotted = base.replacen("[scenario]\n", "suppliers.s1.kind = \"mine\"\n[scenario]\n", 1);
        // Broken TOML inside one piece.
        let broken = base.replacen("kind = \"mine\"", "kind = ", 1);
        for (case, text) in [
            ("small", &small),
            ("multi-line string", &multi_line),
            ("[groups] between suppliers", &groups_between),
            ("late sub-table", &late_subtable),
            ("supplier opened twice", &duplicate),
            ("dotted key in the head", &dotted),
            ("broken piece", &broken),
        ] {
            assert!(read(text).is_none(), "{case}: read in pieces");
        }
        // The whole reading still sees what each case means.
        assert!(whole(&multi_line).is_ok());
        assert!(whole(&groups_between).is_ok());
        let late = toml::from_str::<RawScenario>(&late_subtable).unwrap();
        assert!(late.suppliers["s0"].offers.contains_key("Dy"));
        assert!(whole(&duplicate).is_err());
        assert!(whole(&dotted).is_err());
        assert!(whole(&broken).is_err());
    }
}

#[cfg(test)]
mod errors {
    use crate::scenario::ScenarioFile;
    use std::path::Path;

    /// A large file's errors are found and placed as in any file: a syntax
    /// error in one piece, and a rule broken in another, name their lines.
    #[test]
    fn errors_in_a_large_file_name_their_lines() {
        let base = crate::synthetic::scenario_toml(5, 300);
        let line_of = |text: &str, needle: &str| text[..text.find(needle).unwrap()].lines().count() + 1;
        let check = |text: &str| {
            ScenarioFile::from_bytes(Path::new("big.toml"), text.as_bytes())
                .unwrap()
                .scenario(&[])
                .unwrap_err()
                .errors
        };

        let broken = base.replacen("[suppliers.s250]\n", "[suppliers.s250]\nkind = \n", 1);
        let errors = check(&broken);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let expected = line_of(&broken, "[suppliers.s250]") + 1;
        assert_eq!(errors[0].position.map(|p| p.line), Some(expected), "{errors:?}");

        let risky = base.replacen("[suppliers.s250]\n", "[suppliers.s250]\nrisk = 7\n", 1);
        let errors = check(&risky);
        assert!(
            errors.iter().any(|e| e.key_path == "suppliers.s250.risk"
                && e.position.map(|p| p.line) == Some(line_of(&risky, "risk = 7"))),
            "{errors:?}"
        );
    }
}
