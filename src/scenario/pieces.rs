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
//! anything but suppliers; a supplier named in two pieces; a quoted key in
//! a header, or a line that could define the `suppliers` table itself,
//! which each piece would accept once where the whole file refuses it
//! twice) or a piece fails to read, [`read`] gives up and the caller reads
//! the whole file as one document, so that every error is reported as it
//! always was.

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

/// The file's [`Layout`], or `None` when cutting could change what it
/// means: other tables between suppliers, or a line that could define the
/// `suppliers` table itself (read in pieces, two such lines would each be
/// accepted, where the whole file is refused).
fn layout(text: &str) -> Option<Layout> {
    let mut headers = Vec::new();
    let mut tail = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let outside_suppliers = headers.is_empty() || tail.is_some();
        match classify(line) {
            Line::Supplier if tail.is_some() => return None,
            Line::Supplier => headers.push(start),
            Line::OtherTable if !headers.is_empty() && tail.is_none() => tail = Some(start),
            Line::OtherTable | Line::SupplierPart => {}
            Line::Unsure => return None,
            Line::Plain if outside_suppliers && may_assign_suppliers(line) => return None,
            Line::Plain => {}
        }
        start += line.len();
    }
    Some(Layout {
        headers,
        tail: tail.unwrap_or(text.len()),
    })
}

/// What a line is, as far as cutting the file goes.
#[derive(Debug, PartialEq)]
enum Line {
    /// `[suppliers.ID]`: a piece may begin here.
    Supplier,
    /// The header of a table inside one supplier (`[suppliers.ID.offers]`).
    SupplierPart,
    /// The header of a table outside `suppliers`.
    OtherTable,
    /// A header that cutting cannot account for: a quoted key (which may
    /// spell `suppliers` with escapes), the `suppliers` table itself, or
    /// an array of tables under it.
    Unsure,
    /// No header: a key, a value's continuation, a comment or a blank.
    Plain,
}

/// Classifies a line by its header's key path, made of bare keys (`A-Z
/// a-z 0-9 _ -`) joined by dots, with spaces or tabs around them.
fn classify(line: &str) -> Line {
    let Some(rest) = line.trim_start_matches([' ', '\t']).strip_prefix('[') else {
        return Line::Plain;
    };
    let (array, rest) = match rest.strip_prefix('[') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let Some((path, _)) = rest.split_once(']') else {
        return Line::Unsure;
    };
    if path.contains(['"', '\'']) {
        return Line::Unsure;
    }
    let keys: Vec<&str> = path.split('.').map(|key| key.trim_matches([' ', '\t'])).collect();
    let bare = |key: &&str| {
        !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    match (keys[0] == "suppliers", keys.len(), array) {
        // Also a line that is no header (`[1, 2],` continuing an array):
        // it ends the suppliers, so that a piece or head cut there fails
        // to read and the file is read whole.
        (false, _, _) => Line::OtherTable,
        (true, _, _) if !keys.iter().all(bare) => Line::Unsure,
        (true, 1, _) | (true, _, true) => Line::Unsure,
        (true, 2, false) => Line::Supplier,
        (true, _, false) => Line::SupplierPart,
    }
}

/// Whether a key line outside the suppliers' tables may assign
/// `suppliers` at the document's root (`suppliers = {}`,
/// `suppliers.x.kind = ...`): a line beginning with that key or with a
/// quoted key, which may spell it with escapes. Inside another table such
/// a line is harmless, and the file is merely read whole.
fn may_assign_suppliers(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '\t']);
    if line.starts_with(['"', '\'']) {
        return true;
    }
    line.strip_prefix("suppliers")
        .is_some_and(|rest| rest.starts_with([' ', '\t', '.', '=']))
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

    /// Lines put into a large file, valid there or not: whenever the file
    /// is read in pieces, it reads as the whole file.
    #[test]
    fn cutting_never_changes_what_a_file_means() {
        const LINES: [&str; 20] = [
            "# a comment\n",
            "\n",
            "[suppliers]\n",
            "[ suppliers ]\n",
            "suppliers = {}\n",
            "suppliers.zz.kind = \"mine\"\n",
            "\"suppliers\".zz.kind = \"mine\"\n",
            "[suppliers.s3]\nkind = \"mine\"\n",
            "[suppliers.s3.offers.Dy]\nprice_per_kg = 1\n",
            "[suppliers.\"s5\"]\n",
            "[suppliers.extra]\ncountry = \"AU\"\nkind = \"mine\"\nrisk = 0.1\noffers.Nd = { price_per_kg = 5 }\n",
            "[policy]\n",
            "[groups]\nasia = [\"CN\"]\n",
            "[[disruptions]]\nname = \"d\"\nprobability = 0.1\n",
            "x = [\n[1, 2],\n]\n",
            "# [suppliers.fake]\n",
            "notes = \"[suppliers.fake]\"\n",
            "kind = \"mine\"\n",
            "[scenario]\n",
            "\r\n",
        ];
        let base = synthetic(MIN_SUPPLIERS + 4);
        // Where lines go: the root, before the first, a middle and the last
        // supplier (each in its own piece), and the end.
        let suppliers: Vec<usize> = base.match_indices("\n[suppliers.").map(|(i, _)| i + 1).collect();
        let places = [
            0,
            suppliers[0],
            suppliers[suppliers.len() / 2],
            suppliers[suppliers.len() - 1],
            base.len(),
        ];
        let (mut cut, mut whole_only) = (0, 0);
        for line in LINES {
            // The line in one place, and in two.
            let singles = places.iter().map(|&p| vec![p]);
            let pairs = places
                .iter()
                .enumerate()
                .flat_map(|(k, &p)| places[k + 1..].iter().map(move |&q| vec![p, q]));
            for at in singles.chain(pairs) {
                let mut text = base.clone();
                for &position in at.iter().rev() {
                    text.insert_str(position, line);
                }
                match (whole(&text), read(&text)) {
                    (_, None) => whole_only += 1,
                    (Ok(expected), Some(pieces)) => {
                        assert_eq!(format!("{pieces:?}"), expected, "{line:?} at {at:?}");
                        cut += 1;
                    }
                    (Err(e), Some(_)) => {
                        panic!("{line:?} at {at:?}: read in pieces, though the whole file is refused ({e})")
                    }
                }
            }
        }
        // Both ways are exercised.
        assert!(cut > 20 && whole_only > 20, "{cut} cut, {whole_only} read whole");
    }

    #[test]
    fn lines_are_classified_by_their_header() {
        for (line, kind) in [
            ("[suppliers.s0]\n", Line::Supplier),
            ("  [suppliers.lynas-au] # Malaysia\r\n", Line::Supplier),
            ("[suppliers.a_1 ]", Line::Supplier),
            ("[ suppliers . s0 ]\n", Line::Supplier),
            ("[suppliers.s0.offers]\n", Line::SupplierPart),
            ("[suppliers.s0.offers.Nd]\n", Line::SupplierPart),
            ("[policy]\n", Line::OtherTable),
            ("[[disruptions]]\n", Line::OtherTable),
            ("[suppliersx]\n", Line::OtherTable),
            ("  [1, 2],\n", Line::OtherTable),
            ("# [suppliers.s0]\n", Line::Plain),
            ("kind = \"mine\"\n", Line::Plain),
            // What cutting cannot account for.
            ("[suppliers]\n", Line::Unsure),
            ("[ suppliers ]\n", Line::Unsure),
            ("[suppliers.]\n", Line::Unsure),
            ("[[suppliers.s0]]\n", Line::Unsure),
            ("[suppliers.\"quoted id\"]\n", Line::Unsure),
            ("[\"suppliers\".s0]\n", Line::Unsure),
            ("[\"suppl\\u0069ers\"]\n", Line::Unsure),
            ("[suppliers.s0\n", Line::Unsure),
        ] {
            assert_eq!(classify(line), kind, "{line:?}");
        }
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
        // The suppliers table itself defined twice, in different pieces, or
        // in the head and in a piece: each piece alone would read.
        let table_twice = base
            .replacen("[suppliers.s10]\n", "[suppliers]\n[suppliers.s10]\n", 1)
            .replacen("[suppliers.s200]\n", "[suppliers]\n[suppliers.s200]\n", 1);
        let table_in_head = base
            .replacen("[scenario]\n", "[suppliers]\n[scenario]\n", 1)
            .replacen("[suppliers.s200]\n", "[suppliers]\n[suppliers.s200]\n", 1);
        // An inline suppliers table in the head, which no header may extend,
        // spelt plainly or with an escape.
        let inline = base.replacen("[scenario]\n", "suppliers = {}\n[scenario]\n", 1);
        let escaped = base.replacen("[scenario]\n", "\"suppl\\u0069ers\" = {}\n[scenario]\n", 1);
        for (case, text) in [
            ("small", &small),
            ("multi-line string", &multi_line),
            ("[groups] between suppliers", &groups_between),
            ("late sub-table", &late_subtable),
            ("supplier opened twice", &duplicate),
            ("dotted key in the head", &dotted),
            ("broken piece", &broken),
            ("[suppliers] in two pieces", &table_twice),
            ("[suppliers] in the head and a piece", &table_in_head),
            ("inline suppliers table", &inline),
            ("inline suppliers table, escaped", &escaped),
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
        for invalid in [&table_twice, &table_in_head, &inline, &escaped] {
            assert!(whole(invalid).is_err());
        }
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
