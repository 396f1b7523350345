//! Where each key of a TOML document was written, so that an error found
//! after deserialising can still name its line and column.

use std::collections::HashMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;
use toml_parser::decoder::Encoding;
use toml_parser::parser::{parse_document, EventReceiver};
use toml_parser::{ErrorSink, Span};

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

/// A key as the TOML parser met it in the text: its full path, its byte
/// span, and whether it was written in a `[table]` header.
struct KeyVisit<'a> {
    path: &'a [String],
    span: Range<usize>,
    in_header: bool,
}

/// Walks every key of `text` in order with its full dotted path (tables,
/// dotted keys, inline tables, array indices), even when the document is
/// invalid: this is how an error that the parser reports only as a span
/// (a duplicate key) gets its key path.
fn walk_keys(text: &str, visit: &mut dyn FnMut(KeyVisit<'_>)) {
    let tokens = toml_parser::Source::new(text).lex().into_vec();
    let mut walker = KeyWalker::new(text, visit);
    parse_document(&tokens, &mut walker, &mut ());
}

/// An inline table or array being read, with the path it was opened at.
enum Context {
    /// The inline table's path.
    Inline(Vec<String>),
    /// The array's path and the index of its current item.
    Array(Vec<String>, usize),
}

/// Follows the parser's events to know the full path of each key as it
/// comes: the parser itself only reports spans.
struct KeyWalker<'v, 't> {
    text: &'t str,
    visit: &'v mut dyn FnMut(KeyVisit<'_>),
    /// The path of the current `[table]` or `[[array]]` item.
    table: Vec<String>,
    /// The keys of the `[table]` header being read, if any.
    header: Option<Vec<String>>,
    /// Items seen so far of each `[[array]]`, to index the next one.
    array_tables: HashMap<Vec<String>, usize>,
    /// The dotted keys read so far on the left of the current `=`.
    pending: Vec<String>,
    /// The path of the value after the last `=`.
    value_path: Vec<String>,
    stack: Vec<Context>,
}

impl<'v, 't> KeyWalker<'v, 't> {
    fn new(text: &'t str, visit: &'v mut dyn FnMut(KeyVisit<'_>)) -> Self {
        KeyWalker {
            text,
            visit,
            table: Vec::new(),
            header: None,
            array_tables: HashMap::new(),
            pending: Vec::new(),
            value_path: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// The path that a key written here is relative to.
    fn base(&self) -> Vec<String> {
        match self.stack.last() {
            Some(Context::Inline(base)) => base.clone(),
            Some(Context::Array(base, index)) => {
                let mut p = base.clone();
                p.push(index.to_string());
                p
            }
            None => self.table.clone(),
        }
    }

    /// The path of the value about to open (an inline table or array).
    fn opening(&self) -> Vec<String> {
        match self.stack.last() {
            Some(Context::Array(..)) => self.base(),
            _ => self.value_path.clone(),
        }
    }

    /// A `[table]` or `[[array]]` header starts: whatever was open is closed.
    fn open_header(&mut self) {
        self.header = Some(Vec::new());
        self.stack.clear();
        self.pending.clear();
    }

    /// The key as TOML reads it (quotes and escapes resolved), or `None`
    /// when the span is not in the text.
    fn decode_key(&self, span: Span, encoding: Option<Encoding>) -> Option<String> {
        let raw_text = self.text.get(span.start()..span.end())?;
        let mut key = String::new();
        toml_parser::Raw::new_unchecked(raw_text, encoding, span).decode_key(&mut key, &mut ());
        Some(key)
    }

    /// A key on the left of `=`: after the keys already read on that side.
    fn visit_assigned_key(&mut self, key: String, span: Range<usize>) {
        let mut path = self.base();
        path.extend(self.pending.iter().cloned());
        path.push(key.clone());
        self.pending.push(key);
        (self.visit)(KeyVisit {
            path: &path,
            span,
            in_header: false,
        });
    }
}

impl EventReceiver for KeyWalker<'_, '_> {
    fn std_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.open_header();
    }
    fn array_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.open_header();
    }
    fn std_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        if let Some(keys) = self.header.take() {
            self.table = keys;
        }
    }
    fn array_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        if let Some(keys) = self.header.take() {
            let count = self.array_tables.entry(keys.clone()).or_insert(0);
            self.table = keys;
            self.table.push(count.to_string());
            *count += 1;
        }
    }
    fn inline_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
        let base = self.opening();
        self.stack.push(Context::Inline(base));
        true
    }
    fn inline_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.stack.pop();
    }
    fn array_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
        let base = self.opening();
        self.stack.push(Context::Array(base, 0));
        true
    }
    fn array_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.stack.pop();
    }
    fn value_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        if let Some(Context::Array(_, index)) = self.stack.last_mut() {
            *index += 1;
        }
    }
    fn key_val_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        let mut path = self.base();
        path.append(&mut self.pending);
        self.value_path = path;
    }
    fn newline(&mut self, _: Span, _: &mut dyn ErrorSink) {
        if self.stack.is_empty() {
            self.pending.clear();
        }
    }
    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _: &mut dyn ErrorSink) {
        let Some(key) = self.decode_key(span, encoding) else {
            return;
        };
        let range = span.start()..span.end();
        match &mut self.header {
            Some(keys) => {
                keys.push(key);
                (self.visit)(KeyVisit {
                    path: keys,
                    span: range,
                    in_header: true,
                });
            }
            None => self.visit_assigned_key(key, range),
        }
    }
}

/// A key written twice (or a table defined twice), located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Its full dotted path.
    pub path: Vec<String>,
    /// True when the second definition is a `[table]` header.
    pub table: bool,
    /// Where it was first written, when that is known.
    pub first: Option<LineCol>,
}

/// The key written at byte `offset` (where the parser reports a duplicate
/// key), with where the same path was first written.
pub fn duplicate_at(text: &str, offset: usize) -> Option<Duplicate> {
    let mut found: Option<(Vec<String>, bool)> = None;
    walk_keys(text, &mut |k| {
        if found.is_none() && (k.span.contains(&offset) || k.span.start == offset) {
            found = Some((k.path.to_vec(), k.in_header));
        }
    });
    let (path, table) = found?;
    let mut first = None;
    walk_keys(text, &mut |k| {
        if first.is_none() && k.span.start < offset && k.path == path.as_slice() {
            first = Some(k.span.start);
        }
    });
    Some(Duplicate {
        path,
        table,
        first: first.map(|o| line_col(text, o)),
    })
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
    #[test]
    fn names_the_full_path_of_a_duplicate_key() {
        let text = "[suppliers.lynas]\ncountry = \"AU\"\nrisk = 0.2\nrisk = 0.3\n";
        let offset = text.rfind("risk").unwrap();
        let d = duplicate_at(text, offset).unwrap();
        assert_eq!(d.path, path("suppliers.lynas.risk"));
        assert!(!d.table);
        assert_eq!(d.first, Some(LineCol { line: 3, column: 1 }));
    }

    #[test]
    fn names_a_duplicate_table_and_keys_inside_inline_tables_and_arrays() {
        let text = "[suppliers.lynas]\nrisk = 0.2\n[suppliers.lynas]\n";
        let d = duplicate_at(text, text.rfind("lynas").unwrap()).unwrap();
        assert_eq!(d.path, path("suppliers.lynas"));
        assert!(d.table);
        assert_eq!(d.first.map(|p| p.line), Some(1));

        let text =
            "[suppliers.a]\noffers.Nd = { tiers = [ { up_to_t = 1 }, { up_to_t = 2, up_to_t = 3 } ] }\n";
        let d = duplicate_at(text, text.rfind("up_to_t").unwrap()).unwrap();
        assert_eq!(d.path, path("suppliers.a.offers.Nd.tiers.1.up_to_t"));

        let text = "[[vary]]\npath = \"x\"\n[[vary]]\npath = \"y\"\n'path' = \"z\"\n";
        let d = duplicate_at(text, text.rfind("'path'").unwrap()).unwrap();
        assert_eq!(d.path, path("vary.1.path"));
        assert_eq!(d.first.map(|p| p.line), Some(4));
    }
}
