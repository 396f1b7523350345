//! `report.html` (docs/outputs.md): one self-contained page per run (inline
//! style, inline SVG charts drawn by plotters, no script, no external
//! resource), rendered from the same rows as the CSV files.

use super::compare::escape;
use super::json::RunRecord;
use super::sensitivity::SecurityPrice;
use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use std::collections::BTreeMap;

/// The embedded font (DejaVu Sans, see assets/README.md): plotters measures
/// text with it, so a machine without fonts draws the same charts.
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
/// The family the charts' text is drawn in: the embedded font.
pub(super) const FAMILY: &str = "sans-serif";

/// Okabe–Ito, a palette colour-blind readers can tell apart.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x00, 0x00),
];

const STYLE: &str = "body { font-family: sans-serif; margin: 2em; max-width: 72em; }\n\
table { border-collapse: collapse; margin-bottom: 1em; }\n\
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; }\n\
td.n { text-align: right; font-variant-numeric: tabular-nums; }\n\
.charts { display: flex; flex-wrap: wrap; gap: 1em; }\n\
figure.chart { margin: 0; }\n\
svg { max-width: 100%; height: auto; }\n\
pre { background: #f4f4f4; padding: 1em; white-space: pre-wrap; }\n\
@media print {\n  body { margin: 0; max-width: none; font-size: 10pt; }\n  figure.chart, tr, li { break-inside: avoid; page-break-inside: avoid; }\n  h2 { break-after: avoid; page-break-after: avoid; }\n}\n";

/// Registers the embedded font once per process (plotters keeps it).
pub(super) fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font, checked by a test.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// The page's head, inline style and title.
pub(super) fn page_start(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = escape(title)
    )
}

/// The end of every page.
pub(super) const PAGE_END: &str = "</body>\n</html>\n";

/// Rows of a CSV file as header-keyed maps; a `[horizon]` file's `year`
/// column is kept like any other.
pub(super) fn rows(files: &[(&str, Vec<u8>)], name: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let Some((_, bytes)) = files.iter().find(|(n, _)| *n == name) else {
        return (Vec::new(), Vec::new());
    };
    let mut reader = ::csv::Reader::from_reader(&bytes[..]);
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| header.iter().cloned().zip(r.iter().map(str::to_string)).collect())
        .collect();
    (header, rows)
}

/// The number in `column`, 0 when absent or empty.
pub(super) fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row.get(column).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

/// Money as text: millions with two decimals.
pub(super) fn money(x: f64, currency: &str) -> String {
    format!("{:.2} M {currency}", x / 1e6)
}

/// `report.html` of a solved run, from its rendered files (`plan.csv`,
/// `summary.csv`, `stages.csv`), its record and its priced binding caps.
pub fn report_html(record: &RunRecord, security: &[SecurityPrice], files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    register_font();
    let currency = record.currency;
    let mut html = page_start(&format!("remopt report: {}", record.scenario.name));
    if !record.scenario.title.is_empty() {
        html.push_str(&format!("<p>{}</p>\n", escape(record.scenario.title)));
    }

    // Key figures.
    html.push_str("<h2>Key figures</h2>\n<table>\n<tbody>\n");
    let mut figure = |label: &str, value: String| {
        html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td></tr>\n",
            escape(label),
            escape(&value)
        ));
    };
    figure(
        "objective",
        format!(
            "{} ({})",
            money(record.objective, currency),
            record.objective_kind
        ),
    );
    figure("total cost", money(record.total_cost, currency));
    figure("shortfall", format!("{:.1} t", record.total_shortfall_t));
    figure("problem", record.problem_type.to_string());
    figure("status", record.status.to_string());
    if let Some(years) = &record.cost_by_year {
        for (year, cost) in years {
            figure(&format!("cost in {year}"), money(*cost, currency));
        }
    }
    if let Some(x) = record.expected_cost {
        figure("expected cost", money(x, currency));
    }
    if let Some(x) = record.cvar {
        figure("CVaR", money(x, currency));
    }
    if let Some(x) = record.vss {
        figure("value of the stochastic solution (VSS)", money(x, currency));
    }
    html.push_str("</tbody>\n</table>\n");

    // Binding caps.
    html.push_str("<h2>Binding caps and their price of security</h2>\n");
    if security.is_empty() {
        html.push_str("<p>No binding risk cap has a price.</p>\n");
    } else {
        html.push_str("<ul>\n");
        for price in security {
            html.push_str(&format!(
                "<li><code>{}</code>: {}</li>\n",
                escape(&price.constraint),
                escape(&price.statement(currency))
            ));
        }
        html.push_str("</ul>\n");
    }

    // Charts.
    let stages = Csv::of(files, "stages.csv");
    let summary = Csv::of(files, "summary.csv");
    let scenarios = Csv::of(files, "scenarios.csv");
    let horizon = record.cost_by_year.is_some();
    html.push_str("<h2>Charts</h2>\n<div class=\"charts\">\n");
    let mut by_element: BTreeMap<&str, BTreeMap<(&str, &str), f64>> = BTreeMap::new();
    let mut countries: Vec<&str> = Vec::new();
    if let [Some(element), Some(stage), Some(country), Some(quantity)] =
        ["element", "stage", "country", "quantity_t"].map(|c| stages.column(c))
    {
        for r in &stages.records {
            countries.push(&r[country]);
            *by_element
                .entry(&r[element])
                .or_default()
                .entry((&r[stage], &r[country]))
                .or_default() += r[quantity].parse::<f64>().unwrap_or(0.0);
        }
    }
    countries.sort_unstable();
    countries.dedup();
    let mut costs: BTreeMap<&str, f64> = BTreeMap::new();
    if let [Some(element), Some(cost)] = ["element", "cost"].map(|c| summary.column(c)) {
        for r in summary.records.iter().filter(|r| r[element] != "TOTAL") {
            *costs.entry(&r[element]).or_default() += r[cost].parse::<f64>().unwrap_or(0.0);
        }
    }
    let scenario_costs: Vec<(&str, f64)> = match ["scenario", "cost"].map(|c| scenarios.column(c)) {
        [Some(name), Some(cost)] => scenarios
            .records
            .iter()
            .map(|r| (r[name].as_str(), r[cost].parse().unwrap_or(0.0)))
            .collect(),
        _ => Vec::new(),
    };
    for (element, tonnes) in &by_element {
        let title = format!("{element}: supply by country and stage");
        push_figure(&mut html, &stage_chart(&title, tonnes, &countries, horizon));
    }
    push_figure(
        &mut html,
        &cost_chart("Cost by element", &costs, currency, horizon),
    );
    if !scenario_costs.is_empty() {
        let chart = scenario_chart(&scenario_costs, record.expected_cost, record.cvar, currency);
        push_figure(&mut html, &chart);
    }
    html.push_str("</div>\n");

    // Plan table.
    let plan = Csv::of(files, "plan.csv");
    html.push_str("<h2>Plan</h2>\n<table>\n<thead>\n<tr>");
    for h in &plan.header {
        html.push_str(&format!("<th>{}</th>", escape(h)));
    }
    html.push_str("</tr>\n</thead>\n<tbody>\n");
    for r in &plan.records {
        html.push_str("<tr>");
        for v in r {
            let class = if v.parse::<f64>().is_ok() {
                " class=\"n\""
            } else {
                ""
            };
            html.push_str(&format!("<td{class}>{}</td>", escape(v)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str(
        "</tbody>\n</table>\n<p>The same figures, unrounded, are in the CSV files beside this page.</p>\n",
    );
    html.push_str(PAGE_END);
    html.into_bytes()
}

/// Adds a chart to the page.
fn push_figure(html: &mut String, svg: &str) {
    html.push_str("<figure class=\"chart\">");
    html.push_str(svg);
    html.push_str("</figure>\n");
}

/// A CSV file's header and records, every record as long as the header.
pub(super) struct Csv {
    /// The column names.
    pub header: Vec<String>,
    /// The records.
    pub records: Vec<Vec<String>>,
}

thread_local! {
    /// One reader per thread for every page: building a CSV reader costs
    /// more than reading one of a run's small files.
    static CSV_READER: std::cell::RefCell<csv_core::Reader> =
        std::cell::RefCell::new(csv_core::Reader::new());
}

impl Csv {
    /// File `name` of `files`, parsed (empty when absent).
    pub(super) fn of(files: &[(&str, Vec<u8>)], name: &str) -> Csv {
        let bytes = files.iter().find(|(n, _)| *n == name).map_or(&[][..], |(_, b)| b);
        Csv::parse(bytes)
    }

    /// Parses CSV `bytes` (first record the header).
    pub(super) fn parse(bytes: &[u8]) -> Csv {
        use csv_core::ReadRecordResult;
        let mut records: Vec<Vec<String>> = CSV_READER.with(|reader| {
            let mut reader = reader.borrow_mut();
            reader.reset();
            let (mut input, mut out, mut ends) = (bytes, vec![0u8; 4096], vec![0usize; 64]);
            let (mut written, mut ended) = (0, 0);
            let mut records = Vec::new();
            loop {
                let (result, read, wrote, end) =
                    reader.read_record(input, &mut out[written..], &mut ends[ended..]);
                input = &input[read..];
                written += wrote;
                ended += end;
                match result {
                    ReadRecordResult::InputEmpty => {}
                    ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                    ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                    ReadRecordResult::Record => {
                        let mut start = 0;
                        let fields = ends[..ended]
                            .iter()
                            .map(|&end| {
                                let field = String::from_utf8_lossy(&out[start..end]).into_owned();
                                start = end;
                                field
                            })
                            .collect();
                        records.push(fields);
                        (written, ended) = (0, 0);
                    }
                    ReadRecordResult::End => break records,
                }
            }
        });
        if records.is_empty() {
            return Csv {
                header: Vec::new(),
                records,
            };
        }
        let header = records.remove(0);
        for r in &mut records {
            r.resize(header.len(), String::new());
        }
        Csv { header, records }
    }

    /// The position of `column`, if the file has it.
    pub(super) fn column(&self, column: &str) -> Option<usize> {
        self.header.iter().position(|h| h == column)
    }
}

/// `report.html` of an infeasible run: the diagnosis text.
pub fn diagnosis_html(name: &str, text: &str) -> Vec<u8> {
    let mut html = page_start(&format!("remopt report: {name}"));
    html.push_str("<p><b>No plan exists</b> under the scenario's caps (exit 3). The diagnosis:</p>\n<pre>");
    html.push_str(&escape(text));
    html.push_str("</pre>\n");
    html.push_str(PAGE_END);
    html.into_bytes()
}

/// `report.html` of `remopt frontier`: its curve and the rows of
/// `frontier.csv` as a table. Over risk levels the curve is total cost
/// against the risk level; over risk aversion (`frontier.csv` has a
/// `risk_aversion` column) it is expected cost against CVaR, the two
/// figures the aversion trades.
pub fn frontier_html(name: &str, title: &str, currency: &str, frontier_csv: &[u8]) -> Vec<u8> {
    register_font();
    let files = [("frontier.csv", frontier_csv.to_vec())];
    let (header, points) = rows(&files, "frontier.csv");
    let mut html = page_start(&format!("remopt frontier: {name}"));
    if !title.is_empty() {
        html.push_str(&format!("<p>{}</p>\n", escape(title)));
    }
    let over_aversion = header.iter().any(|h| h == "risk_aversion");
    let (caption, x_desc, y_desc, series, curve): (&str, String, String, &str, Vec<(f64, f64)>) =
        if over_aversion {
            (
                "Expected cost versus CVaR",
                format!("CVaR: mean cost of the worst outcomes, million {currency}"),
                format!("expected cost, million {currency}"),
                "plan at each risk aversion",
                points
                    .iter()
                    .map(|r| (num(r, "cvar") / 1e6, num(r, "expected_cost") / 1e6))
                    .collect(),
            )
        } else {
            (
                "Cost versus risk",
                "risk level: sum of the elements' mean risks".to_string(),
                format!("total cost, million {currency}"),
                "cheapest plan at each risk level",
                points
                    .iter()
                    .map(|r| (num(r, "risk_level"), num(r, "total_cost") / 1e6))
                    .collect(),
            )
        };
    let (x0, x1) = padded_extent(curve.iter().map(|p| p.0));
    let (y0, y1) = padded_extent(curve.iter().map(|p| p.1));
    let chart = svg((720, 420), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(caption, (FAMILY, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .x_desc(x_desc.as_str())
            .y_desc(y_desc.as_str())
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 14))
            .draw()?;
        chart
            .draw_series(LineSeries::new(curve.iter().copied(), colour(4).stroke_width(2)))?
            .label(series)
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], colour(4).stroke_width(2)));
        chart.draw_series(curve.iter().map(|p| Circle::new(*p, 4, colour(5).filled())))?;
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    });
    html.push_str(&format!(
        "<h2>Frontier</h2>\n<figure class=\"chart\">{chart}</figure>\n<h2>Points</h2>\n"
    ));
    table(&mut html, &header, &points);
    html.push_str(PAGE_END);
    html.into_bytes()
}

/// [`padded`] around the smallest and largest of `values`.
pub(super) fn padded_extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = extent(values);
    padded(lo, hi)
}

/// The axis range `lo..hi` with 5% of room on each side; one value gets
/// a range of 2 around it, no value `0..1`.
pub(super) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if lo.is_finite() && hi > lo {
        (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    } else if lo.is_finite() {
        (lo - 1.0, lo + 1.0)
    } else {
        (0.0, 1.0)
    }
}

/// The smallest and largest of `values` (infinite when there is none).
pub(super) fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// Every chart's legend: a framed box on a light background.
pub(super) fn legend<'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    position: SeriesLabelPosition,
) -> Drawn {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FAMILY, 13))
        .draw()?;
    Ok(())
}

/// A CSV file's rows as an HTML table, every cell right-aligned when it
/// is a number.
pub(super) fn table(html: &mut String, header: &[String], rows: &[BTreeMap<String, String>]) {
    html.push_str("<table>\n<thead>\n<tr>");
    for h in header {
        html.push_str(&format!("<th>{}</th>", escape(h)));
    }
    html.push_str("</tr>\n</thead>\n<tbody>\n");
    for r in rows {
        html.push_str("<tr>");
        for h in header {
            let v = r.get(h).map(String::as_str).unwrap_or("");
            let class = if v.parse::<f64>().is_ok() {
                " class=\"n\""
            } else {
                ""
            };
            html.push_str(&format!("<td{class}>{}</td>", escape(v)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
}

/// The `i`-th colour of the palette (cycling).
pub(super) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Draws into an SVG string; a drawing error leaves the chart's text
/// out but never fails the run.
pub(super) type Drawn = Result<(), Box<dyn std::error::Error>>;

pub(super) fn svg(
    size: (u32, u32),
    draw: impl for<'a, 'b> FnOnce(&'b DrawingArea<SVGBackend<'a>, plotters::coord::Shift>) -> Drawn,
) -> String {
    // A chart is 5 to 40 kB: one allocation instead of a dozen regrowths.
    let mut out = String::with_capacity(16 * 1024);
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        let _ = draw(&root).and_then(|()| {
            root.present()
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
        });
    }
    out
}

/// The axes of a bar chart over named categories (stages, elements,
/// scenarios): each name under its bar, five labels up the value axis, no
/// vertical grid lines.
fn category_axes(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<SegmentedCoord<RangedCoordi32>, RangedCoordf64>>,
    names: &[&str],
    (x_desc, y_desc): (&str, &str),
    label_size: u32,
) -> Drawn {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .x_labels(names.len().max(1))
        .y_labels(5)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                names.get(*i as usize).copied().unwrap_or("").to_string()
            }
            SegmentValue::Last => String::new(),
        })
        .label_style((FAMILY, label_size))
        .axis_desc_style((FAMILY, 14))
        .draw()?;
    Ok(())
}

/// A stacked bar per stage (processing, mining), a segment per country.
fn stage_chart(
    title: &str,
    tonnes: &BTreeMap<(&str, &str), f64>,
    countries: &[&str],
    horizon: bool,
) -> String {
    const STAGES: [&str; 2] = ["processing", "mining"];
    let top = STAGES
        .iter()
        .map(|s| {
            tonnes
                .iter()
                .filter(|((st, _), _)| st == s)
                .map(|(_, q)| q)
                .sum::<f64>()
        })
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let y_label = if horizon {
        "tonnes, all years"
    } else {
        "tonnes per year"
    };
    svg((560, 360), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FAMILY, 18))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(70)
            .right_y_label_area_size(0)
            .build_cartesian_2d((0i32..1).into_segmented(), 0.0..top * 1.05)?;
        category_axes(&mut chart, &STAGES, ("stage", y_label), 13)?;
        let mut base = [0.0_f64; 2];
        for (c, country) in countries.iter().enumerate() {
            let mut bars = Vec::new();
            for (s, stage) in STAGES.iter().enumerate() {
                let q = tonnes.get(&(*stage, *country)).copied().unwrap_or(0.0);
                if q > 0.0 {
                    let style = colour(c).filled();
                    let mut bar = Rectangle::new(
                        [
                            (SegmentValue::Exact(s as i32), base[s]),
                            (SegmentValue::Exact(s as i32 + 1), base[s] + q),
                        ],
                        style,
                    );
                    bar.set_margin(0, 0, 30, 30);
                    bars.push(bar);
                    base[s] += q;
                }
            }
            if bars.is_empty() {
                continue;
            }
            let label = if *country == super::stages::NO_COUNTRY {
                "no country".to_string()
            } else {
                country.to_string()
            };
            chart
                .draw_series(bars)?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour(c).filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// A bar per element: the cost of its offers, in millions.
fn cost_chart(title: &str, costs: &BTreeMap<&str, f64>, currency: &str, horizon: bool) -> String {
    let elements: Vec<&str> = costs.keys().copied().collect();
    let n = elements.len().max(1) as i32 - 1;
    let top = costs.values().fold(0.0_f64, |a, b| a.max(*b)) / 1e6;
    let top = if top > 0.0 { top * 1.25 } else { 1.0 };
    let y_label = if horizon {
        format!("million {currency}, all years")
    } else {
        format!("million {currency} per year")
    };
    svg((560, 360), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FAMILY, 18))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(70)
            .build_cartesian_2d((0i32..n).into_segmented(), 0.0..top)?;
        category_axes(&mut chart, &elements, ("element", y_label.as_str()), 13)?;
        chart
            .draw_series(elements.iter().enumerate().map(|(i, e)| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i as i32), 0.0),
                        (SegmentValue::Exact(i as i32 + 1), costs[e] / 1e6),
                    ],
                    colour(4).filled(),
                );
                bar.set_margin(0, 0, 10, 10);
                bar
            }))?
            .label("cost of the element's offers")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour(4).filled()));
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// A bar per scenario of the disruptions (the base first): the cost of the
/// plan if it strikes, with the expected cost and the CVaR as horizontal
/// lines, so that a reader sees which disruptions make the tail.
fn scenario_chart(costs: &[(&str, f64)], expected: Option<f64>, cvar: Option<f64>, currency: &str) -> String {
    let n = costs.len().max(1) as i32 - 1;
    let marks: Vec<(&str, f64, RGBColor)> =
        [("expected cost", expected, colour(7)), ("CVaR", cvar, colour(5))]
            .into_iter()
            .filter_map(|(label, x, c)| x.map(|x| (label, x / 1e6, c)))
            .collect();
    let top = costs
        .iter()
        .map(|(_, c)| c / 1e6)
        .chain(marks.iter().map(|m| m.1))
        .fold(0.0_f64, f64::max);
    let top = if top > 0.0 { top * 1.3 } else { 1.0 };
    let y_label = format!("cost if it strikes, million {currency}");
    svg((720, 420), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption("Cost per disruption scenario", (FAMILY, 18))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(80)
            .build_cartesian_2d((0i32..n).into_segmented(), 0.0..top)?;
        let names: Vec<&str> = costs.iter().map(|c| c.0).collect();
        category_axes(&mut chart, &names, ("scenario", y_label.as_str()), 12)?;
        chart
            .draw_series(costs.iter().enumerate().map(|(i, (_, cost))| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i as i32), 0.0),
                        (SegmentValue::Exact(i as i32 + 1), cost / 1e6),
                    ],
                    colour(1).filled(),
                );
                bar.set_margin(0, 0, 15, 15);
                bar
            }))?
            .label("cost of the plan in the scenario")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour(1).filled()));
        for (label, value, c) in &marks {
            let ends = [
                (SegmentValue::Exact(0), *value),
                (SegmentValue::Exact(n + 1), *value),
            ];
            let c = *c;
            chart
                .draw_series(DashedLineSeries::new(ends, 8, 5, c.stroke_width(2)))?
                .label(format!("{label}: {}", money(value * 1e6, currency)))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], c.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_is_a_font() {
        assert!(plotters::style::register_font("remopt-test", FontStyle::Normal, FONT).is_ok());
    }

    #[test]
    fn csv_files_parse_with_quotes_line_breaks_and_short_rows() {
        let text = "a,b,c\n1,\"x, \"\"y\"\"\",3\n\"two\nlines\",2\n";
        for _ in 0..2 {
            // The second parse reuses the thread's reader.
            let csv = Csv::parse(text.as_bytes());
            assert_eq!(csv.header, ["a", "b", "c"]);
            assert_eq!(csv.records[0], ["1", "x, \"y\"", "3"]);
            assert_eq!(csv.records[1], ["two\nlines", "2", ""]);
            assert_eq!(csv.column("c"), Some(2));
        }
        assert!(Csv::parse(b"").header.is_empty());
        let long = format!("h\n{}\n", "z".repeat(10_000));
        assert_eq!(Csv::parse(long.as_bytes()).records[0][0].len(), 10_000);
    }

    #[test]
    fn the_diagnosis_page_escapes_its_text() {
        let page = String::from_utf8(diagnosis_html("x", "a < b & c")).unwrap();
        assert!(page.contains("a &lt; b &amp; c"));
        assert!(!page.contains("<script"));
    }
}
