//! `plan.xlsx` (docs/outputs.md): every CSV file of a run in one workbook,
//! one sheet per file, built from the very bytes written to the CSV files.

use csv::StringRecord;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Rows and columns of one sheet, as Excel and every spreadsheet reading
/// xlsx limit them.
#[derive(Clone, Copy, Debug)]
pub struct SheetLimits {
    /// Rows, the header included.
    pub rows: usize,
    /// Columns.
    pub columns: usize,
}

/// Excel's limits: 1,048,576 rows by 16,384 columns.
pub const EXCEL_LIMITS: SheetLimits = SheetLimits {
    rows: 1_048_576,
    columns: 16_384,
};

/// The longest text a cell holds; longer text is cut (the CSV file keeps it
/// whole).
const MAX_TEXT_CHARS: usize = 32_767;

/// How many rows, the header included, size the columns: a long sweep's
/// rows are alike, and measuring them all would take longer than writing
/// them.
const AUTOFIT_ROWS: u32 = 1_000;

/// The number format of share columns: a share of 0.6 reads `60.0%`.
pub const PERCENT_FORMAT: &str = "0.0%";

/// The workbook of the CSV files among `files` (other files are skipped), in
/// their order, each as a sheet named after the file without `.csv`.
pub fn workbook(files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, XlsxError> {
    workbook_with_limits(files, EXCEL_LIMITS)
}

/// [`workbook`] with the sheet limits given, so that tests can reach them
/// with a few rows. A CSV file with more rows or columns than a sheet holds
/// is left out, with a line saying so in a first sheet, `notes`.
pub fn workbook_with_limits(files: &[(&str, Vec<u8>)], limits: SheetLimits) -> Result<Vec<u8>, XlsxError> {
    let mut sheets = Vec::new();
    let mut notes = Vec::new();
    for (name, bytes) in files {
        let Some(stem) = name.strip_suffix(".csv") else {
            continue;
        };
        let rows = parse(bytes).map_err(|e| XlsxError::ParameterError(format!("{name}: {e}")))?;
        let columns = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        if rows.len() > limits.rows || columns > limits.columns {
            notes.push(format!(
                "{name} is left out of this workbook: its {} rows (header included) and {} columns \
                 exceed a sheet's {} rows and {} columns; open {name} itself.",
                thousands(rows.len()),
                thousands(columns),
                thousands(limits.rows),
                thousands(limits.columns),
            ));
        } else {
            sheets.push((stem, rows));
        }
    }

    let mut workbook = Workbook::new();
    // A fixed creation date, so that the same run gives the same bytes.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    if !notes.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.set_name("notes")?;
        for (row, note) in notes.iter().enumerate() {
            sheet.write_string(row as u32, 0, note.as_str())?;
        }
        sheet.autofit();
    }
    let header = Format::new().set_bold();
    let percent = Format::new().set_num_format(PERCENT_FORMAT);
    for (stem, rows) in &sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*stem)?;
        write_sheet(sheet, stem, rows, &header, &percent)?;
    }
    workbook.save_to_buffer()
}

fn write_sheet(
    sheet: &mut Worksheet,
    stem: &str,
    rows: &[StringRecord],
    header: &Format,
    percent: &Format,
) -> Result<(), XlsxError> {
    let Some((names, data)) = rows.split_first() else {
        return Ok(());
    };
    for (col, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, text(name), header)?;
    }
    let names: Vec<&str> = names.iter().collect();
    let shares: Vec<bool> = names.iter().map(|n| is_share_column(stem, n)).collect();
    // In security.csv, `cap` is a share except for a mean risk cap (a score).
    let kind = names.iter().position(|n| *n == "kind");
    for (r, row) in data.iter().enumerate() {
        let r = r as u32 + 1;
        let risk_row =
            stem == "security" && kind.is_some_and(|k| row.get(k).is_some_and(|v| v == "avg_risk"));
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            if cell.is_empty() {
                continue;
            }
            if let Some(value) = number(cell) {
                let share = shares.get(c).copied().unwrap_or(false) && !(risk_row && names[c] == "cap");
                if share {
                    sheet.write_number_with_format(r, col, value, percent)?;
                } else {
                    sheet.write_number(r, col, value)?;
                }
            } else if cell == "true" || cell == "false" {
                sheet.write_boolean(r, col, cell == "true")?;
            } else {
                sheet.write_string(r, col, text(cell))?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if !names.is_empty() {
        sheet.autofilter(0, 0, data.len() as u32, names.len() as u16 - 1)?;
    }
    // Autofit formats every cell it measures: the first rows give the widths.
    sheet.set_autofit_max_row(AUTOFIT_ROWS);
    sheet.autofit();
    Ok(())
}

/// Whether the column `name` of `<stem>.csv` holds shares (0.6 = 60%): a
/// name containing `share`, but not a varied path multiplying a share (its
/// values are factors, e.g. `policy.max_country_share*`), and `cap` in
/// security.csv.
pub fn is_share_column(stem: &str, name: &str) -> bool {
    (name.contains("share") && !name.ends_with('*')) || (stem == "security" && name == "cap")
}

/// The number a cell holds, if it is one: decimal text as remopt writes
/// numbers (`-12.5`, `0.30000000000000004`, `1e308` in a varied value),
/// finite. Text that Rust would also read as a number but that is no
/// number remopt writes stays text: `inf`, `NaN`, `+1`, `.5`, and an id
/// with leading zeros such as `007`.
fn number(cell: &str) -> Option<f64> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let bytes = digits.as_bytes();
    let leading_zero = bytes.len() > 1 && bytes[0] == b'0' && bytes[1].is_ascii_digit();
    if !bytes.first().is_some_and(u8::is_ascii_digit) || leading_zero {
        return None;
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Text cut to what a cell holds.
fn text(cell: &str) -> &str {
    match cell.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => &cell[..end],
        None => cell,
    }
}

fn parse(bytes: &[u8]) -> Result<Vec<StringRecord>, csv::Error> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .collect()
}

/// `1048576` as `1,048,576`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn read(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn numbers_are_what_remopt_writes_and_nothing_else() {
        assert_eq!(number("0"), Some(0.0));
        assert_eq!(number("-12.5"), Some(-12.5));
        assert_eq!(number("0.30000000000000004"), Some(0.30000000000000004));
        assert_eq!(number("1e308"), Some(1e308));
        assert_eq!(number("2.0"), Some(2.0));
        for text in [
            "", "inf", "NaN", "-inf", "+1", ".5", "007", "-", "1e999", "Nd", "cn-light", "--", "0x10",
        ] {
            assert_eq!(number(text), None, "{text}");
        }
    }

    #[test]
    fn share_columns() {
        assert!(is_share_column("plan", "share_of_demand"));
        assert!(is_share_column("summary", "top_country_share"));
        assert!(is_share_column("runs", "policy.max_country_share"));
        assert!(!is_share_column("runs", "policy.max_country_share*"));
        assert!(is_share_column("security", "cap"));
        assert!(!is_share_column("constraints", "upper"));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }

    #[test]
    fn a_csv_longer_than_a_sheet_is_left_out_with_a_note() {
        let files = [
            ("short.csv", b"a,b\n1,2\n".to_vec()),
            ("long.csv", b"a\n1\n2\n3\n".to_vec()),
            ("wide.csv", b"a,b,c\n1,2,3\n".to_vec()),
            ("run.json", b"{}".to_vec()),
        ];
        // Three rows and two columns fit, the header included.
        let limits = SheetLimits { rows: 3, columns: 2 };
        let mut book = read(workbook_with_limits(&files, limits).unwrap());
        assert_eq!(book.sheet_names(), vec!["notes", "short"]);
        let notes = book.worksheet_range("notes").unwrap();
        let first = notes.get_value((0, 0)).unwrap().to_string();
        assert!(first.starts_with("long.csv is left out"), "{first}");
        assert!(first.contains("4 rows"), "{first}");
        let second = notes.get_value((1, 0)).unwrap().to_string();
        assert!(second.starts_with("wide.csv is left out"), "{second}");

        // At the limit exactly, nothing is left out and there is no notes sheet.
        let limits = SheetLimits { rows: 4, columns: 3 };
        let book = read(workbook_with_limits(&files, limits).unwrap());
        assert_eq!(book.sheet_names(), vec!["short", "long", "wide"]);
    }

    #[test]
    fn cells_keep_their_type_and_long_text_is_cut() {
        let long = "x".repeat(MAX_TEXT_CHARS + 10);
        let csv = format!("name,binding,value,share\nNd,true,1.5,0.25\n{long},false,,\n");
        let mut book = read(workbook(&[("t.csv", csv.into_bytes())]).unwrap());
        let sheet = book.worksheet_range("t").unwrap();
        assert_eq!(sheet.get_value((1, 0)), Some(&Data::String("Nd".into())));
        assert_eq!(sheet.get_value((1, 1)), Some(&Data::Bool(true)));
        assert_eq!(sheet.get_value((1, 2)), Some(&Data::Float(1.5)));
        assert_eq!(sheet.get_value((1, 3)), Some(&Data::Float(0.25)));
        assert_eq!(
            sheet.get_value((2, 0)),
            Some(&Data::String("x".repeat(MAX_TEXT_CHARS)))
        );
        assert_eq!(sheet.get_value((2, 1)), Some(&Data::Bool(false)));
        assert!(matches!(sheet.get_value((2, 2)), None | Some(Data::Empty)));
    }

    #[test]
    fn the_same_files_give_the_same_bytes() {
        let files = [("a.csv", b"x,share\n1,0.5\n".to_vec())];
        assert_eq!(workbook(&files).unwrap(), workbook(&files).unwrap());
    }
}
