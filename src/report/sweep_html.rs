//! `report.html` of `remopt sweep` (and of `remopt merge`, which must
//! rebuild the same bytes): rendered only from the sweep's own files
//! (`runs.csv`, `plans.csv`, `percentiles.csv`) and its definition, never
//! from timings, dates or the number of jobs.
//!
//! - Per varied path, three charts against the path's value: total cost,
//!   total shortfall and China's share. China's share is computed from
//!   `plans.csv`: the tonnes bought from country `CN` over all tonnes
//!   bought, every element and every year of the run together (the
//!   per-element `top_country_share` of `summary.csv` names China only
//!   where China is the top country, so it cannot be summed).
//! - A grid draws one line per combination of the other paths' values (up
//!   to [`MAX_SERIES`]; beyond, one line of the median over the other
//!   paths); a zip sweep one line; a Monte Carlo sweep its draws as points.
//! - A run without a plan (infeasible, invalid, error) breaks its line and
//!   is drawn as a cross on the x axis; the key figures count them.
//! - A Monte Carlo sweep adds a histogram of total cost with p5, p50 and
//!   p95 marked (the values of `percentiles.csv`).

use super::compare::escape;
use super::html::{
    colour, legend, money, padded, padded_extent, page_start, register_font, svg, FAMILY, PAGE_END,
};
use plotters::prelude::*;
use std::collections::BTreeMap;

/// The most lines a chart draws, one per combination of the other paths'
/// values; more would not be told apart (the palette has eight colours,
/// one of them is the crosses').
pub const MAX_SERIES: usize = 6;

/// The country whose share the sweep page charts.
const CHINA: &str = "CN";

/// The sweep, as `sweep.json` records it, and what the page needs of its
/// base scenario.
pub struct SweepPage<'a> {
    /// The sweep's definition (`sweep.json`'s `sweep`).
    pub definition: &'a serde_json::Value,
    /// `[scenario] name` of the base.
    pub name: &'a str,
    /// The base scenario's currency.
    pub currency: &'a str,
}

/// What the page reads of one run.
struct Run {
    id: String,
    /// The varied values, as written in `runs.csv`.
    values: Vec<String>,
    status: String,
    error: String,
    total_cost: Option<f64>,
    total_shortfall_t: Option<f64>,
    china_share: Option<f64>,
}

/// A figure charted against each varied path.
struct Figure {
    title: &'static str,
    y_desc: String,
    of: fn(&Run) -> Option<f64>,
    /// The y axis's fixed range (a share's 0 to 100%), else the data's.
    fixed: Option<(f64, f64)>,
}

fn cell(text: &str) -> Option<f64> {
    text.parse().ok().filter(|v: &f64| v.is_finite())
}

/// The runs of `runs.csv`, with China's share from `plans.csv`; the
/// varied paths' labels.
fn read_runs(runs_csv: &[u8], plans_csv: &[u8]) -> (Vec<String>, Vec<Run>) {
    let mut reader = ::csv::Reader::from_reader(runs_csv);
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let column = |name: &str| header.iter().rposition(|h| h == name);
    let (Some(status), Some(cost), Some(shortfall), Some(error)) = (
        column("status"),
        column("total_cost"),
        column("total_shortfall_t"),
        column("error"),
    ) else {
        return (Vec::new(), Vec::new());
    };
    let paths = header[1..status].to_vec();
    // Tonnes from China and in all, per run id; read by position, since a
    // large sweep's plans.csv has many thousands of rows.
    let mut tonnes: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut plans = ::csv::Reader::from_reader(plans_csv);
    let plan_header = plans.headers().cloned().unwrap_or_default();
    let position = |name: &str| plan_header.iter().position(|h| h == name);
    if let (Some(country), Some(quantity)) = (position("country"), position("quantity_t")) {
        let mut row = ::csv::ByteRecord::new();
        while plans.read_byte_record(&mut row).unwrap_or(false) {
            let q = std::str::from_utf8(&row[quantity])
                .ok()
                .and_then(cell)
                .unwrap_or(0.0);
            let id = String::from_utf8_lossy(&row[0]);
            let entry = match tonnes.get_mut(id.as_ref()) {
                Some(entry) => entry,
                None => tonnes.entry(id.into_owned()).or_default(),
            };
            if &row[country] == CHINA.as_bytes() {
                entry.0 += q;
            }
            entry.1 += q;
        }
    }
    let runs = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| {
            let id = r.get(0).unwrap_or("").to_string();
            let total_cost = r.get(cost).and_then(cell);
            let china_share = total_cost.and_then(|_| {
                let (china, all) = tonnes.get(&id).copied().unwrap_or((0.0, 0.0));
                (all > 0.0).then(|| 100.0 * china / all)
            });
            Run {
                values: (1..status).map(|i| r.get(i).unwrap_or("").to_string()).collect(),
                status: r.get(status).unwrap_or("").to_string(),
                error: r.get(error).unwrap_or("").to_string(),
                total_cost,
                total_shortfall_t: r.get(shortfall).and_then(cell),
                china_share,
                id,
            }
        })
        .collect();
    (paths, runs)
}

/// p5, p50 and p95 of total cost, from `percentiles.csv`.
fn cost_percentiles(percentiles_csv: &[u8]) -> Option<[f64; 3]> {
    let mut reader = ::csv::Reader::from_reader(percentiles_csv);
    let row = reader
        .records()
        .filter_map(Result::ok)
        .find(|r| r.get(0) == Some("total_cost"))?;
    Some([cell(row.get(2)?)?, cell(row.get(3)?)?, cell(row.get(4)?)?])
}

/// One line of a chart: its label and its points in x order, `None` where
/// the run has no plan.
type Series = (String, Points);

/// Points in x order, `None` where the run has no plan.
type Points = Vec<(f64, Option<f64>)>;

/// The x position of each varied value: the number itself when every value
/// of the path is a number, else the value's rank among the path's sorted
/// values (the axis then names them).
fn positions(runs: &[Run], path: usize) -> (Vec<f64>, Option<Vec<String>>) {
    let numbers: Option<Vec<f64>> = runs.iter().map(|r| cell(&r.values[path])).collect();
    if let Some(numbers) = numbers {
        return (numbers, None);
    }
    let mut names: Vec<String> = runs.iter().map(|r| r.values[path].clone()).collect();
    names.sort();
    names.dedup();
    let at = runs
        .iter()
        .map(|r| names.binary_search(&r.values[path]).unwrap_or(0) as f64)
        .collect();
    (at, Some(names))
}

/// The lines of `figure` against path `path`: one per combination of the
/// other paths' values in a grid (or their median past [`MAX_SERIES`]),
/// one for a zip sweep or a Monte Carlo sweep.
fn series(
    runs: &[Run],
    paths: &[String],
    path: usize,
    xs: &[f64],
    grid: bool,
    figure: &Figure,
) -> Vec<Series> {
    let mut groups: BTreeMap<Vec<&str>, Vec<(f64, Option<f64>)>> = BTreeMap::new();
    for (run, x) in runs.iter().zip(xs) {
        let key: Vec<&str> = if grid && paths.len() > 1 {
            (0..paths.len())
                .filter(|&p| p != path)
                .map(|p| run.values[p].as_str())
                .collect()
        } else {
            Vec::new()
        };
        groups.entry(key).or_default().push((*x, (figure.of)(run)));
    }
    let sort = |points: &mut Vec<(f64, Option<f64>)>| points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if groups.len() > MAX_SERIES {
        let mut at: BTreeMap<u64, (f64, Vec<f64>)> = BTreeMap::new();
        for (x, y) in groups.values().flatten() {
            let entry = at.entry(x.to_bits()).or_insert((*x, Vec::new()));
            entry.1.extend(y);
        }
        let mut points: Vec<(f64, Option<f64>)> = at
            .into_values()
            .map(|(x, mut ys)| {
                ys.sort_by(f64::total_cmp);
                (x, (!ys.is_empty()).then(|| ys[ys.len() / 2]))
            })
            .collect();
        sort(&mut points);
        let others = if paths.len() == 2 {
            "the other path's values"
        } else {
            "the other paths' values"
        };
        return vec![(format!("median over {others}"), points)];
    }
    // Lines in the order of the other paths' values, as numbers when they
    // are numbers (2 before 10).
    let mut groups: Vec<(Vec<&str>, Points)> = groups.into_iter().collect();
    groups.sort_by(|(a, _), (b, _)| {
        a.iter()
            .zip(b)
            .map(|(a, b)| match (cell(a), cell(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a.cmp(b),
            })
            .find(|order| order.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    groups
        .into_iter()
        .map(|(key, mut points)| {
            sort(&mut points);
            let label = if key.is_empty() {
                "each run".to_string()
            } else {
                (0..paths.len())
                    .filter(|&p| p != path)
                    .zip(&key)
                    .map(|(p, v)| format!("{} = {v}", paths[p]))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (label, points)
        })
        .collect()
}

/// Height in pixels of a sweep chart's plot area (the SVG's 380 less the
/// caption, the margins and the x labels), and of one legend row.
const PLOT_HEIGHT: f64 = 290.0;
const LEGEND_ROW: f64 = 17.0;

/// Whether a line has at least one run with a plan (a line without one
/// shows only as crosses, and leaves its colour unused).
fn has_plan(series: &Series) -> bool {
    series.1.iter().any(|p| p.1.is_some())
}

/// A chart of `series` against a varied path: lines broken where a run
/// has no plan (points only when `lines` is off), and a cross on the x
/// axis for each such run.
fn figure_chart(
    figure: &Figure,
    path: &str,
    series: &[Series],
    names: Option<&[String]>,
    no_plan: &[f64],
    lines: bool,
) -> String {
    let title = format!("{} against {path}", figure.title);
    let (x0, x1) = match names {
        Some(names) => (-0.5, names.len() as f64 - 0.5),
        None => padded_extent(series.iter().flat_map(|s| s.1.iter().map(|p| p.0))),
    };
    let (y0, y1) = {
        let (lo, hi) = match figure.fixed {
            Some(range) => range,
            None => {
                let (lo, hi) =
                    super::html::extent(series.iter().flat_map(|s| s.1.iter().filter_map(|p| p.1)));
                // Costs and tonnes are never negative: the axis starts at 0
                // unless every value is far from it.
                let lo = if lo.is_finite() && lo >= 0.0 && lo < 0.5 * hi {
                    0.0
                } else {
                    lo
                };
                let (lo, hi) = padded(lo, hi);
                (if lo < 0.0 && hi > 0.0 { 0.0 } else { lo }, hi)
            }
        };
        // Room above the data for the legend, so that it hides no point.
        let entries = series.iter().filter(|s| has_plan(s)).count() + usize::from(!no_plan.is_empty());
        let share = (LEGEND_ROW * entries as f64 + 14.0) / PLOT_HEIGHT;
        (lo, hi + (hi - lo) * share / (1.0 - share).max(0.2))
    };
    let x_label = |x: &f64| match names {
        Some(names) => {
            let i = x.round();
            if (x - i).abs() < 1e-9 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
        None => tick(*x),
    };
    svg((560, 380), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(title.as_str(), (FAMILY, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let mut mesh = chart.configure_mesh();
        mesh.max_light_lines(0)
            .x_desc(path)
            .y_desc(figure.y_desc.as_str())
            .x_label_formatter(&x_label)
            .y_label_formatter(&|y| tick(*y))
            .label_style((FAMILY, 12))
            .axis_desc_style((FAMILY, 13));
        if let Some(names) = names {
            mesh.x_labels(names.len() + 1);
        }
        mesh.draw()?;
        for (i, (label, points)) in series.iter().enumerate() {
            if !points.iter().any(|p| p.1.is_some()) {
                continue;
            }
            let c = colour(i);
            if lines {
                // Each stretch of runs with a plan is its own line.
                for stretch in points.split(|p| p.1.is_none()) {
                    let line = stretch.iter().filter_map(|p| p.1.map(|y| (p.0, y)));
                    chart.draw_series(LineSeries::new(line, c.stroke_width(2)))?;
                }
            }
            chart
                .draw_series(
                    points
                        .iter()
                        .filter_map(|p| p.1.map(|y| Circle::new((p.0, y), 3, c.filled()))),
                )?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    // A line in the legend only where the chart draws lines.
                    let width = if lines { 8 } else { 0 };
                    EmptyElement::at((x, y))
                        + PathElement::new([(-width, 0), (width, 0)], c.stroke_width(2))
                        + Circle::new((0, 0), 3, c.filled())
                });
        }
        if !no_plan.is_empty() {
            let cross = colour(7);
            chart
                .draw_series(
                    no_plan
                        .iter()
                        .map(|x| Cross::new((*x, y0), 5, cross.stroke_width(2))),
                )?
                .label(format!(
                    "no plan ({} run{}: infeasible, invalid or error)",
                    no_plan.len(),
                    if no_plan.len() == 1 { "" } else { "s" }
                ))
                .legend(move |(x, y)| Cross::new((x + 4, y), 5, cross.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// An axis tick: no more digits than the axis needs.
fn tick(x: f64) -> String {
    let text = format!("{x:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// The histogram of total cost over the Monte Carlo draws, with p5, p50 and
/// p95 as vertical lines named in the legend.
fn histogram(costs: &[f64], percentiles: Option<[f64; 3]>, currency: &str) -> String {
    let costs: Vec<f64> = costs.iter().map(|c| c / 1e6).collect();
    let (lo, hi) = super::html::extent(costs.iter().copied());
    let (lo, hi) = if hi > lo { (lo, hi) } else { padded(lo, hi) };
    // Square-root rule, between 5 and 30 bins.
    let bins = ((costs.len() as f64).sqrt().ceil() as usize).clamp(5, 30);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for c in &costs {
        counts[(((c - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.35;
    let x_desc = format!("total cost, million {currency}");
    let marks: Vec<(String, f64, RGBColor)> = percentiles
        .map(|p| {
            [
                ("p5", p[0], colour(2)),
                ("p50", p[1], colour(7)),
                ("p95", p[2], colour(5)),
            ]
            .into_iter()
            .map(|(name, x, c)| (format!("{name}: {}", money(x, currency)), x / 1e6, c))
            .collect()
        })
        .unwrap_or_default();
    let (x0, x1) = padded(lo, hi);
    svg((720, 420), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption("Total cost over the Monte Carlo draws", (FAMILY, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, 0.0..top)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .disable_x_mesh()
            .x_desc(x_desc.as_str())
            .y_desc("runs")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 14))
            .draw()?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, n)| {
                let left = lo + width * i as f64;
                Rectangle::new([(left, 0.0), (left + width, *n as f64)], colour(1).filled())
            }))?
            .label(format!("runs per bin of {}", money(width * 1e6, currency)))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour(1).filled()));
        for (label, x, c) in &marks {
            let c = *c;
            chart
                .draw_series(DashedLineSeries::new(
                    [(*x, 0.0), (*x, top)],
                    8,
                    5,
                    c.stroke_width(2),
                ))?
                .label(label.as_str())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], c.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// `report.html` of a sweep, from its files (`runs.csv`, `plans.csv` and,
/// for Monte Carlo, `percentiles.csv`).
pub fn sweep_html(page: &SweepPage, files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    register_font();
    let file = |name: &str| -> &[u8] {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, b)| b.as_slice())
    };
    let plans_csv = file("plans.csv");
    let horizon = plans_csv.starts_with(b"run,year,");
    let (paths, runs) = read_runs(file("runs.csv"), plans_csv);
    let definition = page.definition;
    let monte_carlo = !definition["samples"].is_null();
    let grid = definition["mode"].as_str() != Some("zip") && !monte_carlo;
    let currency = page.currency;
    let mut html = page_start(&format!("remopt sweep: {}", page.name));

    // Key figures.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for run in &runs {
        *counts.entry(run.status.as_str()).or_default() += 1;
    }
    let solved: Vec<&Run> = runs.iter().filter(|r| r.total_cost.is_some()).collect();
    let mut figures: Vec<(String, String)> = vec![
        (
            "base scenario".into(),
            definition["scenario"].as_str().unwrap_or("").to_string(),
        ),
        (
            "kind".into(),
            if monte_carlo {
                format!(
                    "Monte Carlo, {} draws, seed {}",
                    definition["samples"], definition["seed"]
                )
            } else if grid {
                "grid: every combination of the varied values".into()
            } else {
                "zip: the varied values taken together, in order".into()
            },
        ),
        ("varied paths".into(), paths.join(", ")),
        ("runs".into(), runs.len().to_string()),
        ("runs with a plan".into(), solved.len().to_string()),
    ];
    for (status, n) in &counts {
        figures.push((format!("runs {status}"), n.to_string()));
    }
    let cheapest = solved.iter().min_by(|a, b| {
        a.total_cost
            .unwrap_or(0.0)
            .total_cmp(&b.total_cost.unwrap_or(0.0))
    });
    let dearest = solved.iter().max_by(|a, b| {
        a.total_cost
            .unwrap_or(0.0)
            .total_cmp(&b.total_cost.unwrap_or(0.0))
    });
    for (label, run) in [("cheapest run", cheapest), ("dearest run", dearest)] {
        if let Some(run) = run {
            figures.push((
                label.into(),
                format!(
                    "run {}: {}",
                    run.id,
                    money(run.total_cost.unwrap_or(0.0), currency)
                ),
            ));
        }
    }
    let percentiles = cost_percentiles(file("percentiles.csv"));
    if let Some([p5, p50, p95]) = percentiles {
        figures.push(("total cost p5".into(), money(p5, currency)));
        figures.push(("total cost p50".into(), money(p50, currency)));
        figures.push(("total cost p95".into(), money(p95, currency)));
    }
    html.push_str("<h2>Key figures</h2>\n<table>\n<tbody>\n");
    for (label, value) in &figures {
        html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td></tr>\n",
            escape(label),
            escape(value)
        ));
    }
    html.push_str("</tbody>\n</table>\n");

    // Charts.
    let over = if horizon { ", all years" } else { " per year" };
    let charted = [
        Figure {
            title: "Total cost",
            y_desc: format!("million {currency}{over}"),
            of: |r| r.total_cost.map(|c| c / 1e6),
            fixed: None,
        },
        Figure {
            title: "Total shortfall",
            y_desc: format!("tonnes{over}"),
            of: |r| r.total_shortfall_t,
            fixed: None,
        },
        Figure {
            title: "China's share",
            y_desc: "% of the tonnes bought from CN".into(),
            of: |r| r.china_share,
            fixed: Some((0.0, 100.0)),
        },
    ];
    html.push_str("<h2>Charts</h2>\n");
    html.push_str(&format!(
        "<p>Each chart puts a figure of every run against one varied path's value. {} \
A cross on the x axis is a run without a plan (infeasible, invalid or error){}. \
China's share is the tonnes bought from CN over all tonnes bought, every element{} together, from plans.csv.</p>\n",
        if monte_carlo {
            "Each point is one Monte Carlo draw, no line joins them."
        } else if grid && paths.len() > 1 {
            "With several paths, each line holds the other paths at one combination of their values (past six combinations, one line of their median)."
        } else {
            "The line joins the runs in the order of the path's value."
        },
        if monte_carlo { "" } else { "; it breaks the line" },
        if horizon { " and every year" } else { "" }
    ));
    html.push_str("<div class=\"charts\">\n");
    if monte_carlo {
        let costs: Vec<f64> = solved.iter().filter_map(|r| r.total_cost).collect();
        let chart = histogram(&costs, percentiles, currency);
        html.push_str(&format!("<figure class=\"chart\">{chart}</figure>\n"));
    }
    for (p, path) in paths.iter().enumerate() {
        let (xs, names) = positions(&runs, p);
        let no_plan: Vec<f64> = runs
            .iter()
            .zip(&xs)
            .filter(|(r, _)| r.total_cost.is_none())
            .map(|(_, x)| *x)
            .collect();
        for figure in &charted {
            let lines = series(&runs, &paths, p, &xs, grid, figure);
            let chart = figure_chart(figure, path, &lines, names.as_deref(), &no_plan, !monte_carlo);
            html.push_str(&format!("<figure class=\"chart\">{chart}</figure>\n"));
        }
    }
    html.push_str("</div>\n");

    // Runs without a plan, with their reason.
    let failed: Vec<&Run> = runs.iter().filter(|r| r.total_cost.is_none()).collect();
    if !failed.is_empty() {
        const LISTED: usize = 50;
        html.push_str("<h2>Runs without a plan</h2>\n<table>\n<thead>\n<tr><th>run</th>");
        for path in &paths {
            html.push_str(&format!("<th>{}</th>", escape(path)));
        }
        html.push_str("<th>status</th><th>why</th></tr>\n</thead>\n<tbody>\n");
        for run in failed.iter().take(LISTED) {
            html.push_str(&format!("<tr><td class=\"n\">{}</td>", escape(&run.id)));
            for value in &run.values {
                html.push_str(&format!("<td class=\"n\">{}</td>", escape(value)));
            }
            html.push_str(&format!(
                "<td>{}</td><td>{}</td></tr>\n",
                escape(&run.status),
                escape(&run.error)
            ));
        }
        html.push_str("</tbody>\n</table>\n");
        if failed.len() > LISTED {
            html.push_str(&format!(
                "<p>And {} more in runs.csv.</p>\n",
                failed.len() - LISTED
            ));
        }
    }
    html.push_str("<p>Every run's figures, unrounded, are in runs.csv, plans.csv and summary.csv beside this page.</p>\n");
    html.push_str(PAGE_END);
    html.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNS: &str =
        "run,x,status,objective,total_cost,total_shortfall_t,worst_mean_risk,worst_hhi,error\n\
0,1,optimal,10,10,0,0.5,0.5,\n\
1,2,infeasible,,,,,,no plan meets every hard constraint\n";
    const PLANS: &str =
        "run,element,supplier,supplier_name,country,kind,quantity_t,share_of_demand,price_per_kg,cost,risk\n\
0,Nd,a,A,CN,refiner,30,0.3,1,1,0.5\n\
0,Nd,b,B,AU,refiner,60,0.6,1,1,0.2\n\
0,Dy,c,C,CN,refiner,10,1,1,1,0.5\n";

    #[test]
    fn china_s_share_is_its_tonnes_over_all_tonnes_of_the_run() {
        let (paths, runs) = read_runs(RUNS.as_bytes(), PLANS.as_bytes());
        assert_eq!(paths, ["x"]);
        assert_eq!(runs[0].china_share, Some(40.0));
        assert_eq!(runs[1].china_share, None, "no plan, no share");
        assert_eq!(runs[1].status, "infeasible");
    }

    #[test]
    fn the_page_counts_and_lists_the_runs_without_a_plan() {
        let definition = serde_json::json!({"mode": "grid", "samples": null, "scenario": "s.toml"});
        let page = SweepPage {
            definition: &definition,
            name: "s",
            currency: "EUR",
        };
        let files = [
            ("runs.csv", RUNS.as_bytes().to_vec()),
            ("plans.csv", PLANS.as_bytes().to_vec()),
        ];
        let html = String::from_utf8(sweep_html(&page, &files)).unwrap();
        assert!(html.contains("<th scope=\"row\">runs infeasible</th><td class=\"n\">1</td>"));
        assert_eq!(html.matches("<svg").count(), 3);
        assert_eq!(
            html.matches("no plan (1 run: infeasible, invalid or error)")
                .count(),
            3
        );
        assert!(html.contains("million EUR per year"));
        assert!(html.contains("Runs without a plan"));
    }

    #[test]
    fn past_six_combinations_a_chart_draws_their_median() {
        let runs: Vec<Run> = (0..14)
            .map(|i| Run {
                id: i.to_string(),
                values: vec![(i % 2).to_string(), (i / 2).to_string()],
                status: "optimal".into(),
                error: String::new(),
                total_cost: Some(i as f64),
                total_shortfall_t: Some(0.0),
                china_share: None,
            })
            .collect();
        let paths = ["a".to_string(), "b".to_string()];
        let xs: Vec<f64> = runs.iter().map(|r| cell(&r.values[0]).unwrap()).collect();
        let figure = Figure {
            title: "Total cost",
            y_desc: String::new(),
            of: |r| r.total_cost,
            fixed: None,
        };
        let lines = series(&runs, &paths, 0, &xs, true, &figure);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].0, "median over the other path's values");
        // a = 0: costs 0, 2, ..., 12 (median 6); a = 1: 1, 3, ..., 13 (7).
        assert_eq!(lines[0].1, [(0.0, Some(6.0)), (1.0, Some(7.0))]);
        let lines = series(
            &runs,
            &paths,
            1,
            &runs
                .iter()
                .map(|r| cell(&r.values[1]).unwrap())
                .collect::<Vec<_>>(),
            true,
            &figure,
        );
        assert_eq!(lines.len(), 2, "one line per value of a");
        assert_eq!(lines[1].0, "a = 1");
        // Values of b that sort otherwise as text: numbers ordered as numbers.
        let runs: Vec<Run> = runs
            .into_iter()
            .take(6)
            .zip(["10", "10", "2", "2", "6", "6"])
            .map(|(mut r, b)| {
                r.values[1] = b.to_string();
                r
            })
            .collect();
        let xs: Vec<f64> = runs.iter().map(|r| cell(&r.values[0]).unwrap()).collect();
        let labels: Vec<String> = series(&runs, &paths, 0, &xs, true, &figure)
            .into_iter()
            .map(|l| l.0)
            .collect();
        assert_eq!(labels, ["b = 2", "b = 6", "b = 10"]);
    }
}
