//! Price lists in CSV beside the scenario (docs/scenario.md): `offers_csv` per
//! supplier (`element,price_per_kg,capacity_t,min_order_t`) or one
//! `[data] offers_csv` for all (a leading `supplier` column). Rows become
//! ordinary offers before validation; every error names the file, the row
//! and the column.

use super::raw::{RawOffer, RawScenario};
use super::validate::{PER_KG, TONNES};
use super::{LineCol, ScenarioError};
use std::path::{Path, PathBuf};

const COLUMNS: [&str; 4] = ["element", "price_per_kg", "capacity_t", "min_order_t"];

/// Moves every CSV row into `raw` as an offer; `base` is the scenario's
/// folder. The `offers_csv` keys are consumed.
pub(crate) fn merge(raw: &mut RawScenario, base: &Path) -> Result<(), Vec<ScenarioError>> {
    let mut errors = Vec::new();
    let mut lists: Vec<(Option<String>, PathBuf)> = Vec::new();
    if let Some(file) = raw.data.as_mut().and_then(|d| d.offers_csv.take()) {
        lists.push((None, base.join(file)));
    }
    for (id, supplier) in &mut raw.suppliers {
        if let Some(file) = supplier.offers_csv.take() {
            lists.push((Some(id.clone()), base.join(file)));
        }
    }
    for (owner, path) in lists {
        if let Err(mut e) = read_list(raw, owner.as_deref(), &path) {
            errors.append(&mut e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Adds one list's rows to `raw`: `owner` is the supplier of a per-supplier
/// list, `None` for the shared list whose rows name their supplier.
fn read_list(raw: &mut RawScenario, owner: Option<&str>, path: &Path) -> Result<(), Vec<ScenarioError>> {
    let list = PriceList::read(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(&list.bytes[..]);
    let header = list.header(&mut reader)?;
    check_header(&list, &header, owner)?;
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let row = Row::new(&list, &header, &record, owner);
                errors.append(&mut add_offer(raw, &row));
            }
            Err(e) => errors.push(list.error(list.line_of(e.position()), format!("unreadable row: {e}"))),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// One price list file, read whole so that a row's line can be counted
/// from its byte offset.
struct PriceList<'a> {
    path: &'a Path,
    bytes: Vec<u8>,
}

impl<'a> PriceList<'a> {
    fn read(path: &'a Path) -> Result<PriceList<'a>, Vec<ScenarioError>> {
        super::read_input(path)
            .map(|bytes| PriceList { path, bytes })
            .map_err(|e| {
                let unread = PriceList {
                    path,
                    bytes: Vec::new(),
                };
                vec![unread.error(None, format!("cannot read the price list: {e}"))]
            })
    }

    /// The header's column names, as written (trimmed).
    fn header(&self, reader: &mut csv::Reader<&[u8]>) -> Result<Header, Vec<ScenarioError>> {
        match reader.headers() {
            Ok(names) => Ok(Header(names.iter().map(str::to_string).collect())),
            Err(e) => Err(vec![self.error(Some(1), format!("cannot read the header: {e}"))]),
        }
    }

    /// The line of a record, counted from its byte offset: after a CRLF line
    /// end the csv crate's record starts at the `\n` and its own line count
    /// runs one short.
    fn line_of(&self, position: Option<&csv::Position>) -> Option<usize> {
        let bytes = &self.bytes;
        position.map(|p| {
            let mut start = (p.byte() as usize).min(bytes.len());
            while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            bytes[..start].iter().filter(|&&b| b == b'\n').count() + 1
        })
    }

    /// An error about the file or a whole line, not one cell.
    fn error(&self, line: Option<usize>, message: String) -> ScenarioError {
        self.error_at(line, None, String::new(), None, message)
    }

    fn error_at(
        &self,
        line: Option<usize>,
        column: Option<usize>,
        key_path: String,
        value: Option<String>,
        message: String,
    ) -> ScenarioError {
        ScenarioError {
            file: self.path.to_path_buf(),
            position: line.map(|line| LineCol {
                line,
                column: column.unwrap_or(1),
            }),
            key_path,
            value,
            message,
        }
    }
}

/// The column names of a price list, in file order.
struct Header(Vec<String>);

impl Header {
    fn index(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|h| h == name)
    }

    /// The 1-based column of `name`, for error positions.
    fn column(&self, name: &str) -> Option<usize> {
        self.index(name).map(|i| i + 1)
    }

    /// The cell of `record` under `name`; an empty cell counts as absent.
    fn cell<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        self.index(name)
            .and_then(|i| record.get(i))
            .filter(|v| !v.is_empty())
    }
}

/// The columns a list may have: a shared list names each row's supplier.
fn expected_columns(owner: Option<&str>) -> Vec<&'static str> {
    owner.map_or_else(
        || ["supplier"].into_iter().chain(COLUMNS).collect(),
        |_| COLUMNS.to_vec(),
    )
}

/// Every unknown column, then every missing required one; rows are not read
/// under a wrong header, since each would fail the same way.
fn check_header(
    list: &PriceList<'_>,
    header: &Header,
    owner: Option<&str>,
) -> Result<(), Vec<ScenarioError>> {
    let expected = expected_columns(owner);
    let mut errors = unknown_columns(list, header, &expected);
    errors.extend(missing_columns(list, header, &expected));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn unknown_columns(list: &PriceList<'_>, header: &Header, expected: &[&str]) -> Vec<ScenarioError> {
    header
        .0
        .iter()
        .enumerate()
        .filter(|(_, name)| !expected.contains(&name.as_str()))
        .map(|(i, name)| {
            list.error_at(
                Some(1),
                Some(i + 1),
                "header".into(),
                Some(name.clone()),
                format!("unknown column; the columns are {}", expected.join(",")),
            )
        })
        .collect()
}

fn missing_columns(list: &PriceList<'_>, header: &Header, expected: &[&str]) -> Vec<ScenarioError> {
    expected
        .iter()
        .filter(|c| matches!(**c, "supplier" | "element" | "price_per_kg"))
        .filter(|required| header.index(required).is_none())
        .map(|required| list.error(Some(1), format!("the column `{required}` is missing")))
        .collect()
}

/// One data row, with what its errors name: its line (counted only for an
/// error: counting every row's would read the file once per row), and the
/// supplier and element it offers.
struct Row<'a> {
    list: &'a PriceList<'a>,
    header: &'a Header,
    record: &'a csv::StringRecord,
    supplier: String,
    element: String,
}

impl<'a> Row<'a> {
    fn new(
        list: &'a PriceList<'a>,
        header: &'a Header,
        record: &'a csv::StringRecord,
        owner: Option<&str>,
    ) -> Row<'a> {
        let supplier = match owner {
            Some(id) => id.to_string(),
            None => header.cell(record, "supplier").unwrap_or_default().to_string(),
        };
        Row {
            list,
            header,
            record,
            supplier,
            element: header.cell(record, "element").unwrap_or_default().to_string(),
        }
    }

    fn cell(&self, name: &str) -> Option<&'a str> {
        self.header.cell(self.record, name)
    }

    /// The offer's key path, as if it had been written in the scenario.
    fn key(&self, field: &str) -> String {
        format!("suppliers.{}.offers.{}.{field}", self.supplier, self.element)
    }

    fn error(&self, column: &str, key_path: String, value: Option<String>, message: String) -> ScenarioError {
        let line = self.list.line_of(self.record.position());
        self.list
            .error_at(line, self.header.column(column), key_path, value, message)
    }

    /// The number under `name`: absent when the cell is empty (an error if
    /// `required`), else finite, >= 0 and within the column's limit.
    fn number(&self, name: &str, required: bool) -> Result<Option<f64>, ScenarioError> {
        let Some(text) = self.cell(name) else {
            if required {
                return Err(self.error(
                    name,
                    self.key(name),
                    None,
                    format!("`{name}` is empty; give a number >= 0"),
                ));
            }
            return Ok(None);
        };
        let invalid = |message: String| self.error(name, self.key(name), Some(text.to_string()), message);
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => {
                let limit = if name == "price_per_kg" { PER_KG } else { TONNES };
                if v > limit.max {
                    Err(invalid(limit.exceeded("the value")))
                } else {
                    Ok(Some(v))
                }
            }
            _ => Err(invalid("must be a finite number >= 0".into())),
        }
    }
}

/// Adds the row's offer to its supplier; returns the row's errors, each
/// number's first, so that one pass over a list reports all its mistakes.
fn add_offer(raw: &mut RawScenario, row: &Row<'_>) -> Vec<ScenarioError> {
    let mut errors = Vec::new();
    let mut number = |name: &str, required: bool| {
        row.number(name, required).unwrap_or_else(|e| {
            errors.push(e);
            None
        })
    };
    let price = number("price_per_kg", true);
    let capacity = number("capacity_t", false);
    let min_order = number("min_order_t", false);
    if let Err(e) = check_free_slot(raw, row) {
        errors.push(e);
    } else if let (Some(price), Some(supplier)) = (price, raw.suppliers.get_mut(&row.supplier)) {
        supplier.offers.insert(
            row.element.clone(),
            RawOffer {
                price_per_kg: Some(price),
                capacity_t: capacity,
                min_order_t: min_order,
                tiers: None,
                origin: None,
                capacity_by_year: None,
                price_by_year: None,
            },
        );
    }
    errors
}

/// Whether the row's offer has a place: its supplier exists, and its
/// element is named and not yet offered by that supplier.
fn check_free_slot(raw: &RawScenario, row: &Row<'_>) -> Result<(), ScenarioError> {
    let Some(supplier) = raw.suppliers.get(&row.supplier) else {
        let known: Vec<&str> = raw.suppliers.keys().map(String::as_str).collect();
        return Err(row.error(
            "supplier",
            "supplier".into(),
            Some(row.supplier.clone()),
            format!(
                "no such supplier in the scenario; {}",
                super::validate::known_names(&row.supplier, &known)
            ),
        ));
    };
    if row.element.is_empty() {
        return Err(row.error("element", row.key("element"), None, "the element is empty".into()));
    }
    if supplier.offers.contains_key(&row.element) {
        return Err(row.error(
            "element",
            format!("suppliers.{}.offers.{}", row.supplier, row.element),
            None,
            "offered twice (in the scenario or an earlier row): give each supplier's element once".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> PriceList<'static> {
        PriceList {
            path: Path::new("p.csv"),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn lines(text: &str) -> Vec<Option<usize>> {
        let list = list(text);
        let mut reader = csv::ReaderBuilder::new().from_reader(&list.bytes[..]);
        let records: Vec<_> = reader.records().map(Result::unwrap).collect();
        records.iter().map(|r| list.line_of(r.position())).collect()
    }

    #[test]
    fn rows_are_numbered_by_file_line_whatever_the_line_ends() {
        assert_eq!(lines("a,b\n1,2\n\n3,4\n"), [Some(2), Some(4)]);
        assert_eq!(lines("a,b\r\n1,2\r\n\r\n3,4\r\n"), [Some(2), Some(4)]);
    }

    #[test]
    fn numbers_are_checked_against_their_column_limit() {
        let list = list("");
        let header = Header(vec!["element".into(), "price_per_kg".into(), "capacity_t".into()]);
        let record = csv::StringRecord::from(vec!["Nd", "2e7", ""]);
        let row = Row::new(&list, &header, &record, Some("a"));
        let too_dear = row.number("price_per_kg", true).unwrap_err();
        assert_eq!(too_dear.key_path, "suppliers.a.offers.Nd.price_per_kg");
        assert_eq!(too_dear.value.as_deref(), Some("2e7"));
        assert_eq!(row.number("capacity_t", false).unwrap(), None);
        assert!(row.number("capacity_t", true).is_err());
    }
}
