//! `plan.csv`, `summary.csv` and `constraints.csv` (docs/outputs.md).

use super::{number, optional};
use crate::metrics::{ElementMetrics, Metrics};
use crate::pipeline::Outcome;
use crate::plan::{Plan, Schedule};
use crate::scenario::{Pricing, Scenario, KG_PER_TONNE};

/// Header of `plan.csv`.
pub const PLAN_COLUMNS: [&str; 10] = [
    "element",
    "supplier",
    "supplier_name",
    "country",
    "kind",
    "quantity_t",
    "share_of_demand",
    "price_per_kg",
    "cost",
    "risk",
];

/// Header of `summary.csv`.
pub const SUMMARY_COLUMNS: [&str; 11] = [
    "element",
    "demand_t",
    "supplied_t",
    "shortfall_t",
    "cost",
    "mean_price_per_kg",
    "mean_risk",
    "hhi",
    "top_country",
    "top_country_share",
    "suppliers_used",
];

/// Header of `constraints.csv`.
pub const CONSTRAINT_COLUMNS: [&str; 10] = [
    "name",
    "kind",
    "element",
    "subject",
    "activity",
    "lower",
    "upper",
    "slack",
    "binding",
    "shadow_price",
];

/// CSV bytes of a header and its rows.
pub fn render<const N: usize>(header: [&str; N], rows: impl IntoIterator<Item = [String; N]>) -> Vec<u8> {
    let rows = rows.into_iter();
    let expected = rows.size_hint().1.unwrap_or(rows.size_hint().0);
    render_expecting(header, rows, expected)
}

/// [`render`], with room made for `expected` rows.
pub fn render_expecting<const N: usize>(
    header: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
    expected: usize,
) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(buffer_for(expected, N));
    // Writing to a Vec cannot fail; a failure here would be a csv crate bug.
    writer.write_record(header).expect("in-memory CSV write");
    for row in rows {
        writer.write_record(&row).expect("in-memory CSV write");
    }
    writer.into_inner().expect("in-memory CSV flush")
}

/// A CSV file written cell by cell into one reused buffer: the files with
/// a row per constraint of a large model write millions of cells, and a
/// `String` per cell would cost more than the solve's own bookkeeping.
pub struct CellWriter {
    writer: ::csv::Writer<Vec<u8>>,
    cells: String,
    ends: Vec<usize>,
}

impl CellWriter {
    /// A file with `header`, room made for `expected` rows.
    pub fn new(header: &[&str], expected: usize) -> CellWriter {
        let mut file = CellWriter::rows(expected, header.len());
        file.writer.write_record(header).expect("in-memory CSV write");
        file
    }

    /// A text cell.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.cells.push_str(text);
        self.ends.push(self.cells.len());
        self
    }

    /// A number cell, written as [`number`] writes it.
    pub fn number(&mut self, value: f64) -> &mut Self {
        use std::fmt::Write as _;
        if !value.is_finite() {
        } else if value == 0.0 {
            self.cells.push('0');
        } else {
            let _ = write!(self.cells, "{value}");
        }
        self.ends.push(self.cells.len());
        self
    }

    /// Ends the row.
    pub fn end_row(&mut self) {
        let mut start = 0;
        for &end in &self.ends {
            self.writer
                .write_field(&self.cells[start..end])
                .expect("in-memory CSV write");
            start = end;
        }
        self.writer
            .write_record(std::iter::empty::<&[u8]>())
            .expect("in-memory CSV write");
        self.cells.clear();
        self.ends.clear();
    }

    /// Rows with no header, room made for `rows` rows of `columns` cells.
    fn rows(rows: usize, columns: usize) -> CellWriter {
        CellWriter {
            writer: ::csv::Writer::from_writer(buffer_for(rows, columns)),
            cells: String::with_capacity(256),
            ends: Vec::with_capacity(columns),
        }
    }

    /// The file's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.writer.into_inner().expect("in-memory CSV flush")
    }
}

/// Rows a chunk of [`in_parallel`] renders: enough to dwarf the cost of
/// handing it to a core.
const ROWS_PER_CHUNK: usize = 4096;

/// The file of `header` and a row per item, which `write_row` writes (and
/// ends): the items are rendered in chunks on every core and the chunks
/// joined in order. A CSV row depends on no other, so the bytes are those
/// of writing the rows one after another.
pub fn in_parallel<T: Sync>(
    header: &[&str],
    items: &[T],
    write_row: impl Fn(&mut CellWriter, &T) + Sync,
) -> Vec<u8> {
    use rayon::prelude::*;
    let chunks: Vec<Vec<u8>> = items
        .par_chunks(ROWS_PER_CHUNK)
        .map(|chunk| {
            let mut rows = CellWriter::rows(chunk.len(), header.len());
            for item in chunk {
                write_row(&mut rows, item);
            }
            rows.finish()
        })
        .collect();
    let mut file = CellWriter::new(header, 0).finish();
    file.reserve_exact(chunks.iter().map(Vec::len).sum());
    for chunk in &chunks {
        file.extend_from_slice(chunk);
    }
    file
}

/// A buffer sized for `rows` rows of `columns` cells of about 12 bytes, so
/// that a large file is not copied as it grows.
fn buffer_for(rows: usize, columns: usize) -> Vec<u8> {
    Vec::with_capacity((rows + 1) * columns * 12)
}

/// The rows of `plan.csv`: one per offer used (x > 0) and one per element
/// a basket bought delivers (after that supplier's offer row for the same
/// element), sorted by element then supplier.
pub fn plan_rows<'a>(scenario: &'a Scenario, plan: &'a Plan) -> impl Iterator<Item = [String; 10]> + 'a {
    let offers = scenario
        .offers
        .iter()
        .zip(&plan.quantities_t)
        .filter(|(_, &q)| q > 0.0)
        .map(|(offer, &q)| {
            let supplier = scenario.supplier_of(offer);
            let element = scenario.element_of(offer);
            let row = [
                element.symbol.clone(),
                supplier.id.clone(),
                supplier.name.clone(),
                supplier.country.clone().unwrap_or_default(),
                supplier.kind.as_str().to_string(),
                number(q),
                number(q / element.demand_t),
                number(match &offer.pricing {
                    Pricing::Flat(price) => *price,
                    // Tiered offers report the mean price paid.
                    Pricing::Tiers(_) => offer.cost_of(q) / (KG_PER_TONNE * q),
                }),
                number(offer.cost_of(q)),
                optional(supplier.risk),
            ];
            ((element.symbol.as_str(), offer.supplier, false), row)
        });
    let mut rows: Vec<_> = offers.chain(basket_rows(scenario, plan)).collect();
    // Offers come sorted; basket parts slot in after their offers.
    if rows.iter().any(|((_, _, basket), _)| *basket) {
        rows.sort_by(|a, b| a.0.cmp(&b.0));
    }
    rows.into_iter().map(|(_, row)| row)
}

/// `plan.csv` rows of the baskets bought: one per element of the mix,
/// price and cost empty (a basket's cost is not split by element),
/// share of demand empty for an element with no demand.
fn basket_rows<'a>(
    scenario: &'a Scenario,
    plan: &'a Plan,
) -> impl Iterator<Item = ((&'a str, usize, bool), [String; 10])> + 'a {
    scenario
        .suppliers
        .iter()
        .enumerate()
        .filter(|&(s, _)| plan.baskets_t[s] > 0.0)
        .flat_map(move |(s, supplier)| {
            let b = plan.baskets_t[s];
            let parts = supplier.basket.iter().flat_map(|k| &k.parts);
            parts.filter(|part| part.fraction > 0.0).map(move |part| {
                let q = part.fraction * b;
                let share = part.element.map(|e| q / scenario.elements[e].demand_t);
                let row = [
                    part.symbol.clone(),
                    supplier.id.clone(),
                    supplier.name.clone(),
                    supplier.country.clone().unwrap_or_default(),
                    supplier.kind.as_str().to_string(),
                    number(q),
                    optional(share),
                    String::new(),
                    String::new(),
                    optional(supplier.risk),
                ];
                ((part.symbol.as_str(), s, true), row)
            })
        })
}

/// `plan.csv`; with a horizon, each row led by its year.
pub fn plan(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    by_year(scenario, &outcome.schedule, PLAN_COLUMNS, |_, slice, plan| {
        plan_rows(slice, plan).collect()
    })
}

/// A per-year file: `rows_of` each year's plan (by year index) with its
/// year's scenario; with a horizon each row is led by its year (header
/// `year`).
pub fn by_year<const N: usize>(
    scenario: &Scenario,
    schedule: &Schedule,
    header: [&str; N],
    rows_of: impl Fn(usize, &Scenario, &Plan) -> Vec<[String; N]>,
) -> Vec<u8> {
    if scenario.horizon.is_none() {
        return render(header, rows_of(0, scenario, &schedule.years[0]));
    }
    let rows = scenario
        .slices()
        .iter()
        .zip(&schedule.years)
        .enumerate()
        .flat_map(|(t, (slice, plan))| {
            let year = slice.year.map(|y| y.to_string()).unwrap_or_default();
            rows_of(t, slice, plan)
                .into_iter()
                .map(move |row| (vec![year.clone()], row))
        });
    render_prefixed(&["year"], header, rows)
}

/// The rows of `summary.csv`: each element, then `TOTAL`.
pub fn summary_rows(metrics: &Metrics) -> impl Iterator<Item = [String; 11]> + '_ {
    metrics.elements.iter().chain([&metrics.total]).map(summary_row)
}

/// CSV bytes of `header` and `rows`, each row prefixed by `prefix` values
/// (the long format of sweeps and frontiers: a run id before each row).
pub fn render_prefixed<const N: usize>(
    prefix_header: &[&str],
    header: [&str; N],
    rows: impl IntoIterator<Item = (Vec<String>, [String; N])>,
) -> Vec<u8> {
    let rows = rows.into_iter();
    let columns = prefix_header.len() + N;
    let expected = rows.size_hint().1.unwrap_or(rows.size_hint().0);
    let mut writer = ::csv::Writer::from_writer(buffer_for(expected, columns));
    writer
        .write_record(prefix_header.iter().copied().chain(header))
        .expect("in-memory CSV write");
    for (prefix, row) in rows {
        writer
            .write_record(
                prefix
                    .iter()
                    .map(String::as_str)
                    .chain(row.iter().map(String::as_str)),
            )
            .expect("in-memory CSV write");
    }
    writer.into_inner().expect("in-memory CSV flush")
}

fn summary_row(m: &ElementMetrics) -> [String; 11] {
    [
        m.symbol.clone(),
        number(m.demand_t),
        number(m.supplied_t),
        number(m.shortfall_t),
        number(m.cost),
        optional(m.mean_price_per_kg),
        optional(m.mean_risk),
        optional(m.hhi),
        m.top_country.clone().unwrap_or_default(),
        optional(m.top_country_share),
        m.suppliers_used.to_string(),
    ]
}

/// One row per element, then `TOTAL`; with a horizon, so for each year
/// (each row led by its year), then `ALL,TOTAL` over the horizon.
pub fn summary(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    let Some(horizon) = &scenario.horizon else {
        return render(SUMMARY_COLUMNS, summary_rows(&outcome.metrics));
    };
    let years = horizon.years.iter().zip(&outcome.year_metrics);
    let rows = years
        .flat_map(|(year, metrics)| summary_rows(metrics).map(move |row| (vec![year.to_string()], row)))
        .chain([(vec!["ALL".to_string()], summary_row(&outcome.metrics.total))]);
    render_prefixed(&["year"], SUMMARY_COLUMNS, rows)
}

/// One row per named constraint, in model order.
pub fn constraints(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    let rows: Vec<_> = outcome.constraints().collect();
    in_parallel(&CONSTRAINT_COLUMNS, &rows, |file, c| {
        let id = c.info.id;
        let (element, subject) = (id.element_symbol(scenario), id.subject(scenario));
        file.text(&id.name(scenario))
            .text(id.kind().as_str())
            .text(element)
            .text(subject.as_deref().unwrap_or_default())
            .number(c.activity)
            .number(c.info.lower)
            .number(c.info.upper)
            .number(c.slack())
            .text(if c.is_binding() { "true" } else { "false" })
            .number(c.shadow_price)
            .end_row();
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_rendered_in_parallel_chunks_are_the_rows_written_one_by_one() {
        let header = ["name", "value", "note"];
        // Past two chunks, with cells that need quoting and numbers of
        // every form.
        let items: Vec<usize> = (0..2 * ROWS_PER_CHUNK + 7).collect();
        let write = |file: &mut CellWriter, &i: &usize| {
            let note = match i % 3 {
                0 => "plain".to_string(),
                1 => format!("comma, {i}"),
                _ => format!("quote \" and\nline {i}"),
            };
            file.text(&format!("row{i}"))
                .number(i as f64 / 7.0 - 100.0)
                .text(&note)
                .end_row();
        };
        let mut one_by_one = CellWriter::new(&header, items.len());
        for item in &items {
            write(&mut one_by_one, item);
        }
        let expected = one_by_one.finish();
        assert_eq!(in_parallel(&header, &items, write), expected);
        assert_eq!(in_parallel(&header, &items[..0], write), b"name,value,note\n");
    }
}
