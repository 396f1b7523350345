//! Where each key of a TOML document was written, so that an error found
//! after deserialising can still name its line and column.

use std::collections::HashMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A 1-based line and column in the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Byte spans of every key path in one document.
#[derive(Debug, Default)]
pub struct SourceMap {
    keys: HashMap<Vec<String>, KeySpans>,
    text: String,
}

#[derive(Debug, Clone)]
struct KeySpans {
    key: Range<usize>,
    value: Range<usize>,
}

impl SourceMap {
    /// Indexes `text`; fails with the TOML parser's own error on bad syntax.
    pub fn parse(text: &str) -> Result<SourceMap, toml::de::Error> {
        let document = DeTable::parse(text)?;
        let mut map = SourceMap {
            keys: HashMap::new(),
            text: text.to_owned(),
        };
        let mut path = Vec::new();
        map.index_table(document.get_ref(), &mut path);
        Ok(map)
    }

    fn index_table(&mut self, table: &DeTable<'_>, path: &mut Vec<String>) {
        for (key, value) in table {
            path.push(key.get_ref().to_string());
            self.index_value(key.span(), value, path);
            path.pop();
        }
    }

    fn index_value(&mut self, key: Range<usize>, value: &Spanned<DeValue<'_>>, path: &mut Vec<String>) {
        self.keys.insert(
            path.clone(),
            KeySpans {
                key: key.clone(),
                value: value.span(),
            },
        );
        match value.get_ref() {
            DeValue::Table(table) => self.index_table(table, path),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    self.index_value(item.span(), item, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// Where `path` was written: the key itself, or failing that the nearest
    /// enclosing table that was written.
    pub fn position(&self, path: &[String]) -> Option<LineCol> {
        (0..=path.len())
            .rev()
            .find_map(|n| self.keys.get(&path[..n]))
            .map(|spans| self.line_col(spans.key.start))
    }

    /// The deepest key path whose key or value covers byte `offset`.
    pub fn path_at(&self, offset: usize) -> Option<Vec<String>> {
        self.keys
            .iter()
            .filter(|(_, s)| s.key.contains(&offset) || s.value.contains(&offset) || s.key.start == offset)
            .max_by_key(|(path, s)| (path.len(), std::cmp::Reverse(s.value.len())))
            .map(|(path, _)| path.clone())
    }

    fn line_col(&self, offset: usize) -> LineCol {
        line_col(&self.text, offset)
    }
}

/// 1-based line and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_string).collect()
    }

    const DOC: &str = "[scenario]\nname = \"x\"\n\n[suppliers.lynas]\ncountry = \"AU\"\noffers.Nd = { price_per_kg = 60, capacity_t = 10 }\n";

    #[test]
    fn finds_keys_in_headers_dotted_keys_and_inline_tables() {
        let map = SourceMap::parse(DOC).unwrap();
        assert_eq!(
            map.position(&path("scenario.name")),
            Some(LineCol { line: 2, column: 1 })
        );
        assert_eq!(
            map.position(&path("suppliers.lynas")),
            Some(LineCol { line: 4, column: 12 })
        );
        assert_eq!(
            map.position(&path("suppliers.lynas.offers.Nd.capacity_t")),
            Some(LineCol { line: 6, column: 34 })
        );
    }

    #[test]
    fn an_unwritten_key_falls_back_to_its_table() {
        let map = SourceMap::parse(DOC).unwrap();
        assert_eq!(
            map.position(&path("suppliers.lynas.risk")),
            Some(LineCol { line: 4, column: 12 })
        );
    }

    #[test]
    fn maps_an_offset_back_to_the_deepest_key() {
        let map = SourceMap::parse(DOC).unwrap();
        let offset = DOC.find("60").unwrap();
        assert_eq!(
            map.path_at(offset),
            Some(path("suppliers.lynas.offers.Nd.price_per_kg"))
        );
    }
}
