//! `PATH=VALUE` and `PATH*=VALUE` (docs/scenario.md, "Paths and overrides"): changing numbers of a scenario
//! document by key path before it is validated.
//!
//! `suppliers.lynas.offers.Nd.price_per_kg=60` sets one value (creating it,
//! and any table on the way, when absent); `*` matches every existing key at
//! one level (`suppliers.*.offers.Dy.price_per_kg*=2`) and must match at
//! least one; `*=` multiplies an existing number.

use std::fmt;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A literal key.
    Key(String),
    /// `*`: every existing key at this level.
    Any,
}

/// What an override does to the value it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `PATH=VALUE`.
    Set,
    /// `PATH*=VALUE`: multiply an existing number.
    Multiply,
}

/// A parsed `PATH=VALUE` or `PATH*=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The key path.
    pub path: Vec<Segment>,
    /// Set or multiply.
    pub op: Op,
    /// The value, read as a TOML literal.
    pub value: toml::Value,
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            path_text(&self.path),
            if self.op == Op::Multiply { "*=" } else { "=" },
            match &self.value {
                // `1e308`, not 309 digits (still a TOML literal).
                toml::Value::Float(v) if v.is_finite() && v.abs() >= 1e16 => format!("{v:e}"),
                value => value.to_string(),
            }
        )
    }
}

/// What overrides did to a document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Applied {
    /// The dotted paths they set.
    pub changed: Vec<String>,
    /// The tables they created beside others (`suppliers.lynas-m` beside
    /// the scenario's suppliers), each said with the nearest existing key:
    /// most likely a misspelt key, which an error about the new table's
    /// missing fields should name.
    pub created: Vec<String>,
}

/// Applies `overrides` to `document` in turn; returns what they did, or
/// the first override that fails and why.
pub fn apply_all<'a>(
    document: &mut toml::Table,
    overrides: &'a [Override],
) -> Result<Applied, (&'a Override, String)> {
    let mut applied = Applied::default();
    for o in overrides {
        o.apply_to(document, &mut applied).map_err(|e| (o, e))?;
    }
    Ok(applied)
}

/// The dotted text of a path.
pub fn path_text(path: &[Segment]) -> String {
    path.iter()
        .map(|s| match s {
            Segment::Key(k) => k.as_str(),
            Segment::Any => "*",
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Parses a dotted path; `*` is a wildcard segment.
pub fn parse_path(text: &str) -> Result<Vec<Segment>, String> {
    if text.trim().is_empty() {
        return Err("the path is empty; give a key path like `policy.max_country_share`".into());
    }
    text.trim()
        .split('.')
        .map(|part| match part {
            "" => Err(format!(
                "{text:?} has an empty key (two dots, or a dot at an end)"
            )),
            "*" => Ok(Segment::Any),
            key if key.contains('*') => Err(format!(
                "{text:?}: `*` must stand alone between dots, e.g. `suppliers.*.risk`"
            )),
            key => Ok(Segment::Key(key.to_string())),
        })
        .collect()
}

/// Reads `text` as one TOML literal (`2`, `0.5`, `"cost"`, `true`).
pub fn parse_value(text: &str) -> Result<toml::Value, String> {
    let document: toml::Table = format!("value = {}", text.trim()).parse().map_err(|_| {
        format!("{text:?} is not a TOML value (numbers as 0.5 or 1e9, strings quoted: \"risk\")")
    })?;
    Ok(document["value"].clone())
}

impl Override {
    /// Parses `PATH=VALUE` or `PATH*=VALUE`.
    pub fn parse(text: &str) -> Result<Override, String> {
        let (lhs, value) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?} is not PATH=VALUE or PATH*=VALUE (e.g. policy.budget=1e9)"))?;
        let (path, op) = match lhs.strip_suffix('*') {
            Some(path) => (path, Op::Multiply),
            None => (lhs, Op::Set),
        };
        Ok(Override {
            path: parse_path(path)?,
            op,
            value: parse_value(value)?,
        })
    }

    /// Applies the override to `document`; returns the dotted paths it
    /// changed.
    pub fn apply(&self, document: &mut toml::Table) -> Result<Vec<String>, String> {
        let mut applied = Applied::default();
        self.apply_to(document, &mut applied)?;
        Ok(applied.changed)
    }

    /// Applies the override to `document`, adding what it did to `applied`.
    fn apply_to(&self, document: &mut toml::Table, applied: &mut Applied) -> Result<(), String> {
        let wildcard = self.path.contains(&Segment::Any);
        let mut changed = Vec::new();
        let mut prefix = Vec::new();
        self.walk(
            document,
            &self.path,
            wildcard,
            &mut prefix,
            &mut changed,
            &mut applied.created,
        )?;
        if changed.is_empty() {
            return Err(format!(
                "{}: matches no value of the scenario{}",
                path_text(&self.path),
                if wildcard {
                    " (`*` matches existing keys only)"
                } else {
                    ""
                }
            ));
        }
        applied.changed.extend(changed);
        Ok(())
    }

    fn walk(
        &self,
        table: &mut toml::Table,
        rest: &[Segment],
        wildcard: bool,
        prefix: &mut Vec<String>,
        changed: &mut Vec<String>,
        created: &mut Vec<String>,
    ) -> Result<(), String> {
        let (first, rest) = rest.split_first().expect("paths are never empty");
        let keys: Vec<String> = match first {
            Segment::Any => table.keys().cloned().collect(),
            Segment::Key(k) => vec![k.clone()],
        };
        for key in keys {
            prefix.push(key.clone());
            let here = prefix.join(".");
            if rest.is_empty() {
                self.assign(table, &key, wildcard, &here, changed)?;
            } else {
                let create = !wildcard && self.op == Op::Set;
                if !table.contains_key(&key) && create {
                    // A new entry among others (a supplier, a country); a
                    // new section of the document is named by its own error.
                    if !table.is_empty() && prefix.len() > 1 {
                        let known: Vec<&str> = table.keys().map(String::as_str).collect();
                        created.push(format!("{here}: {}", super::validate::known_names(&key, &known)));
                    }
                    table.insert(key.clone(), toml::Value::Table(toml::Table::new()));
                }
                match table.get_mut(&key) {
                    Some(toml::Value::Table(inner)) => {
                        self.walk(inner, rest, wildcard, prefix, changed, created)?
                    }
                    // An array of tables is addressed by index: `tiers.1.up_to_t`.
                    Some(toml::Value::Array(items)) => {
                        let (index, after) = rest.split_first().expect("checked non-empty");
                        // `*` matches every index of an array of tables
                        // (`disruptions.*.probability`), as it matches every
                        // key of a table.
                        let indices: Vec<usize> = match index {
                            Segment::Key(i) => i.parse::<usize>().ok().into_iter().collect(),
                            Segment::Any => (0..items.len()).collect(),
                        };
                        let mut found = false;
                        for i in indices {
                            if let (Some(toml::Value::Table(inner)), false) =
                                (items.get_mut(i), after.is_empty())
                            {
                                found = true;
                                prefix.push(i.to_string());
                                self.walk(inner, after, wildcard, prefix, changed, created)?;
                                prefix.pop();
                            }
                        }
                        if !found && !wildcard {
                            return Err(format!(
                                "{here} is an array of {}: address a table in it by index, e.g. {here}.0.<key>",
                                items.len()
                            ));
                        }
                    }
                    Some(other) if !wildcard => {
                        return Err(format!(
                            "{here} is a {}, not a table: cannot go further",
                            other.type_str()
                        ))
                    }
                    _ => {}
                }
            }
            prefix.pop();
        }
        Ok(())
    }

    fn assign(
        &self,
        table: &mut toml::Table,
        key: &str,
        wildcard: bool,
        here: &str,
        changed: &mut Vec<String>,
    ) -> Result<(), String> {
        match (self.op, table.get_mut(key)) {
            (Op::Set, Some(slot)) => *slot = self.value.clone(),
            (Op::Set, None) if !wildcard => {
                table.insert(key.to_string(), self.value.clone());
            }
            (Op::Set, None) => return Ok(()),
            (Op::Multiply, Some(slot)) => {
                *slot = multiply(slot, &self.value).map_err(|e| format!("{here}: {e}"))?
            }
            (Op::Multiply, None) if wildcard => return Ok(()),
            (Op::Multiply, None) => return Err(format!("{here}: nothing to multiply (the key is absent)")),
        }
        changed.push(here.to_string());
        Ok(())
    }
}

fn multiply(value: &toml::Value, factor: &toml::Value) -> Result<toml::Value, String> {
    use toml::Value::{Float, Integer};
    Ok(match (value, factor) {
        (Integer(a), Integer(b)) => Integer(a.checked_mul(*b).ok_or("the product overflows")?),
        (Integer(a), Float(b)) => Float(*a as f64 * b),
        (Float(a), Integer(b)) => Float(a * *b as f64),
        (Float(a), Float(b)) => Float(a * b),
        (Integer(_) | Float(_), other) => {
            return Err(format!("the factor must be a number, not a {}", other.type_str()))
        }
        (other, _) => {
            return Err(format!(
                "only numbers can be multiplied; this is a {}",
                other.type_str()
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> toml::Table {
        r#"
[suppliers.a]
risk = 0.5
offers.Nd = { price_per_kg = 10, capacity_t = 60 }
offers.Dy = { price_per_kg = 300 }
[suppliers.b]
offers.Nd = { price_per_kg = 20 }
[policy]
max_country_share = 0.6
min_suppliers = 2
"#
        .parse()
        .unwrap()
    }

    fn apply(text: &str) -> Result<(toml::Table, Vec<String>), String> {
        let mut doc = document();
        let changed = Override::parse(text)?.apply(&mut doc)?;
        Ok((doc, changed))
    }

    #[test]
    fn sets_an_existing_value_and_creates_an_absent_one() {
        let (doc, changed) = apply("policy.max_country_share=0.4").unwrap();
        assert_eq!(doc["policy"]["max_country_share"].as_float(), Some(0.4));
        assert_eq!(changed, ["policy.max_country_share"]);
        let (doc, _) = apply("policy.budget=1e9").unwrap();
        assert_eq!(doc["policy"]["budget"].as_float(), Some(1e9));
        let (doc, _) = apply("countries.CN.max_share=0.5").unwrap();
        assert_eq!(doc["countries"]["CN"]["max_share"].as_float(), Some(0.5));
    }

    #[test]
    fn a_table_created_beside_others_is_named_with_the_nearest_key() {
        let mut doc = document();
        let overrides = [
            Override::parse("suppliers.aa.offers.Nd.price_per_kg=1").unwrap(),
            Override::parse("policy.budget=1e9").unwrap(),
        ];
        let applied = apply_all(&mut doc, &overrides).unwrap();
        assert_eq!(
            applied.changed,
            ["suppliers.aa.offers.Nd.price_per_kg", "policy.budget"]
        );
        assert_eq!(applied.created, ["suppliers.aa: known: a b"]);
        // A new section of the document is no entry beside others.
        let applied = apply_all(&mut doc, &[Override::parse("stockpile.initial_t.Dy=1").unwrap()]).unwrap();
        assert!(applied.created.is_empty());
    }

    #[test]
    fn multiplies_every_match_of_a_wildcard() {
        let (doc, changed) = apply("suppliers.*.offers.Nd.price_per_kg*=1.5").unwrap();
        assert_eq!(
            changed,
            [
                "suppliers.a.offers.Nd.price_per_kg",
                "suppliers.b.offers.Nd.price_per_kg"
            ]
        );
        assert_eq!(
            doc["suppliers"]["a"]["offers"]["Nd"]["price_per_kg"].as_float(),
            Some(15.0)
        );
        assert_eq!(
            doc["suppliers"]["b"]["offers"]["Nd"]["price_per_kg"].as_float(),
            Some(30.0)
        );
        // Only existing keys: b has no Dy offer and none is created.
        let (doc, changed) = apply("suppliers.*.offers.Dy.price_per_kg=1").unwrap();
        assert_eq!(changed, ["suppliers.a.offers.Dy.price_per_kg"]);
        assert!(doc["suppliers"]["b"]["offers"].get("Dy").is_none());
        let (doc, _) = apply("policy.min_suppliers*=2").unwrap();
        assert_eq!(doc["policy"]["min_suppliers"].as_integer(), Some(4));
    }

    #[test]
    fn arrays_of_tables_are_addressed_by_index() {
        let mut doc: toml::Table =
            "[s.a.offers.Nd]\ntiers = [ { up_to_t = 10, price_per_kg = 5 }, { price_per_kg = 4 } ]\n"
                .parse()
                .unwrap();
        let changed = Override::parse("s.a.offers.Nd.tiers.0.up_to_t=20")
            .unwrap()
            .apply(&mut doc)
            .unwrap();
        assert_eq!(changed, ["s.a.offers.Nd.tiers.0.up_to_t"]);
        assert_eq!(
            doc["s"]["a"]["offers"]["Nd"]["tiers"][0]["up_to_t"].as_integer(),
            Some(20)
        );
        assert!(Override::parse("s.a.offers.Nd.tiers.5.up_to_t=1")
            .unwrap()
            .apply(&mut doc)
            .unwrap_err()
            .contains("array of 2"));
    }

    #[test]
    fn errors_name_the_path_and_what_is_valid() {
        assert!(apply("suppliers.*.offers.La.price_per_kg=1")
            .unwrap_err()
            .contains("matches no value"));
        assert!(apply("policy.budget*=2")
            .unwrap_err()
            .contains("nothing to multiply"));
        assert!(apply("suppliers.a.risk.x=1").unwrap_err().contains("not a table"));
        assert!(apply("policy.max_country_share=abc")
            .unwrap_err()
            .contains("not a TOML value"));
        assert!(apply("policy.max_country_share")
            .unwrap_err()
            .contains("PATH=VALUE"));
        assert!(apply("suppliers.a*.risk=1").unwrap_err().contains("stand alone"));
        assert!(apply("policy..budget=1").unwrap_err().contains("empty key"));
        assert!(apply("suppliers.a.offers.Nd*=\"x\"")
            .unwrap_err()
            .contains("only numbers"));
    }
}
