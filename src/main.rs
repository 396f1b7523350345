//! `remopt`: maps every outcome to the exit codes of docs/commands.md; the work is in
//! [`run`].

use clap::Parser;

/// A model row is a small map of coefficients, and a large model has
/// hundreds of thousands: mimalloc serves such small allocations faster
/// than the system allocator (the horizon benchmark in README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use remopt::cli::{
    CheckArgs, Cli, Command, CompareArgs, ExportArgs, FrontierArgs, MergeArgs, SolveArgs, SweepArgs,
    SweepMode,
};
use remopt::pipeline::{Failure, SolveSettings};
use remopt::report::{self, json::Summary};
use remopt::scenario::{self, InvalidScenario};
use remopt::solve::Status;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// `--xlsx`: write `plan.xlsx` beside the CSV files.
static XLSX: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--quiet`: nothing but errors on the terminal.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// `println!` that ignores a closed stdout (`remopt ... | head`): the work
/// is done and written; a reader that stopped reading is not an error.
/// Silent under `--quiet`.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if !quiet() {
            let _ = writeln!(std::io::stdout(), $($arg)*);
        }
    }};
}

/// `print!` that ignores a closed stdout; silent under `--quiet`.
macro_rules! out_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if !quiet() {
            let _ = write!(std::io::stdout(), $($arg)*);
        }
    }};
}

/// Why remopt stopped without exit code 0.
enum Stop {
    /// Exit 1: a bug in remopt (or HiGHS).
    Internal(String),
    /// Exit 1: the outputs could not be written (the file system, not a bug).
    Io(String),
    /// Exit 2: bad invocation or invalid scenario.
    Invalid(String),
    /// Exit 3: no plan meets every hard constraint.
    Infeasible(String),
    /// Exit 4: the time limit; a plan was written when `true`.
    TimeLimit { plan_written: bool, message: String },
}

impl From<InvalidScenario> for Stop {
    fn from(e: InvalidScenario) -> Self {
        Stop::Invalid(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    XLSX.store(cli.xlsx, std::sync::atomic::Ordering::Relaxed);
    let json = matches!(&cli.command, Command::Solve(SolveArgs { json: true, .. }));
    let outcome = std::panic::catch_unwind(|| run(cli))
        .unwrap_or_else(|_| Err(Stop::Internal("remopt panicked (see the message above)".into())));
    let (code, status, message) = match outcome {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Stop::Internal(m)) => (
            1,
            "internal_error",
            format!("internal error (a bug in remopt, please report it): {m}"),
        ),
        Err(Stop::Io(m)) => (1, "io_error", m),
        Err(Stop::Invalid(m)) => (2, "invalid", m),
        Err(Stop::Infeasible(m)) => (3, "infeasible", m),
        Err(Stop::TimeLimit {
            plan_written: true,
            message,
        }) => {
            eprintln!("{message}");
            return ExitCode::from(4);
        }
        Err(Stop::TimeLimit {
            plan_written: false,
            message,
        }) => (4, "time_limit", message),
    };
    if json {
        out!("{}", serde_json::json!({ "status": status, "message": message }));
    }
    eprintln!("{message}");
    ExitCode::from(code)
}

fn run(cli: Cli) -> Result<(), Stop> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Solve(args) => solve(args),
        Command::Export(args) => export(args),
        Command::Frontier(args) => frontier(args),
        Command::Sweep(args) => sweep(args),
        Command::Compare(args) => compare(args),
        Command::Merge(args) => merge(args),
    }
}

impl From<remopt::compare::CompareError> for Stop {
    fn from(e: remopt::compare::CompareError) -> Self {
        use remopt::compare::CompareError as E;
        let message = e.to_string();
        match e {
            E::Missing(_) | E::NotARun { .. } | E::Invalid(_) => Stop::Invalid(message),
            E::Infeasible(_) => Stop::Infeasible(message),
            E::NoPlan { .. } => Stop::TimeLimit {
                plan_written: false,
                message,
            },
            E::Internal { .. } => Stop::Internal(message),
        }
    }
}

fn compare(args: CompareArgs) -> Result<(), Stop> {
    if args.runs.len() < 2 {
        return Err(Stop::Invalid(format!(
            "remopt compare needs at least two runs (scenario files or output folders), got one: {}",
            args.runs[0].display()
        )));
    }
    let out_dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("outputs").join("compare"));
    check_output_dir(&out_dir)?;
    check_not_an_input(&out_dir, &args.runs, "run folder")?;
    // Every argument is checked to exist before anything is solved.
    if let Some(missing) = args.runs.iter().find(|p| !p.exists()) {
        return Err(remopt::compare::CompareError::Missing(missing.display().to_string()).into());
    }
    let runs = args
        .runs
        .iter()
        .map(|path| remopt::compare::gather(path))
        .collect::<Result<Vec<_>, _>>()?;
    let figures = remopt::compare::figures(&runs);
    let files = [
        ("compare.csv", report::compare::compare_csv(&runs, &figures)),
        ("compare.html", report::compare::compare_html(&runs, &figures)),
    ];
    report::write::replace_dir(&out_dir, &files).map_err(|e| {
        Stop::Io(format!(
            "could not write the comparison to {}: {e}",
            out_dir.display()
        ))
    })?;
    out_raw!("{}", report::compare::table(&runs, &figures));
    out!("outputs in {}/ (compare.csv, compare.html)", out_dir.display());
    Ok(())
}

fn sweep(args: SweepArgs) -> Result<(), Stop> {
    use remopt::report::sweep as out;
    use remopt::sweep::SweepError;
    use std::sync::Mutex;

    let definition = sweep_definition(args.input, args.vary, args.mode, args.samples, args.seed)?;
    let mut sweep = definition.prepare().map_err(|e| match e {
        SweepError::Threads { .. } => Stop::Internal(e.to_string()),
        SweepError::Definition(_) | SweepError::Scenario(_) => Stop::Invalid(e.to_string()),
    })?;
    let sweep_points = sweep.points.len();
    if let Some(shard) = args.shard {
        sweep.restrict(shard);
    }
    let sweep = sweep;
    let name = &sweep.name;
    let out_dir = args.out.unwrap_or_else(|| {
        let folder = match args.shard {
            Some(shard) => format!("{name}-sweep-shard-{}", shard.index),
            None => format!("{name}-sweep"),
        };
        PathBuf::from("outputs").join(folder)
    });
    check_output_dir(&out_dir)?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );

    let headers = [
        ("runs.csv", out::runs_header(&definition, sweep.disruptions)),
        ("plans.csv", out::plans_header(sweep.horizon)),
        ("summary.csv", out::summary_header()),
    ];
    let streams = remopt::report::write::Streams::create(&out_dir, &headers)
        .map(Mutex::new)
        .map_err(|e| {
            Stop::Io(format!(
                "cannot write the sweep's rows next to {}: {e}",
                out_dir.display()
            ))
        })?;
    let bar = progress_bar(sweep.ids.len() as u64, "sweep");
    let started = Instant::now();
    let finished = sweep
        .execute(jobs, |index, point, result| {
            let finished = out::FinishedRun::of(index, point, result, sweep.disruptions);
            if let Ok(mut streams) = streams.lock() {
                // A row that cannot be streamed is still in the final files.
                let rows = &finished.rows;
                let _ = streams.append(&[&rows.run, &rows.plans, &rows.summary]);
            }
            bar.inc(1);
            finished
        })
        .map_err(|e| Stop::Internal(e.to_string()))?;
    bar.finish_and_clear();
    let wall_seconds = started.elapsed().as_secs_f64();
    // A scenario without a currency is in USD (docs/scenario.md).
    let currency = sweep
        .base
        .get("scenario")
        .and_then(|s| s.get("currency"))
        .and_then(|c| c.as_str())
        .unwrap_or("USD");
    let identity = out::Identity {
        sweep: &definition,
        definition_sha256: &sweep.definition_sha256,
        shard: args.shard.map(|shard| (shard, sweep_points)),
        name: &sweep.name,
        currency,
    };
    let mut files = out::final_files(
        &identity,
        sweep.horizon,
        sweep.disruptions,
        &finished,
        jobs,
        wall_seconds,
    );
    add_workbook(&mut files)?;
    report::write::replace_dir(&out_dir, &files)
        .map_err(|e| Stop::Io(format!("could not write the sweep to {}: {e}", out_dir.display())))?;
    if let Ok(streams) = streams.into_inner() {
        let _ = streams.remove();
    }
    let statuses: Vec<_> = finished.iter().map(|run| run.status).collect();
    let counts: Vec<String> = remopt::sweep::count_statuses(&statuses)
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let of_shard = args
        .shard
        .map(|shard| format!(" of shard {shard} (of {sweep_points})"))
        .unwrap_or_default();
    out!(
        "{name}: {} runs{of_shard} ({}) in {wall_seconds:.2} s with {jobs} jobs ({:.0} runs/s); outputs in {}/",
        statuses.len(),
        counts.join(", "),
        statuses.len() as f64 / wall_seconds.max(1e-9),
        out_dir.display()
    );
    Ok(())
}

/// `remopt merge`: the shards of one sweep joined into its files.
fn merge(args: MergeArgs) -> Result<(), Stop> {
    check_output_dir(&args.out)?;
    check_not_an_input(&args.out, &args.shards, "shard folder")?;
    let mut files = remopt::merge::merge(&args.shards).map_err(|e| Stop::Invalid(e.to_string()))?;
    add_workbook(&mut files)?;
    report::write::replace_dir(&args.out, &files).map_err(|e| {
        Stop::Io(format!(
            "could not write the merged sweep to {}: {e}",
            args.out.display()
        ))
    })?;
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    out!(
        "{} shards merged; outputs in {}/ ({})",
        args.shards.len(),
        args.out.display(),
        names.join(", ")
    );
    Ok(())
}

/// The sweep to run: a sweep file, or a scenario with `--vary`; flags given
/// on the command line add to or override the file's.
fn sweep_definition(
    input: PathBuf,
    vary: Vec<remopt::sweep::Vary>,
    mode: Option<SweepMode>,
    samples: Option<usize>,
    seed: Option<u64>,
) -> Result<remopt::sweep::Sweep, Stop> {
    use remopt::sweep::{Mode, Sweep};
    let text = scenario::read_input(&input)
        .and_then(|bytes| String::from_utf8(bytes).map_err(std::io::Error::other))
        .map_err(|e| Stop::Invalid(format!("{}: cannot read: {e}", input.display())))?;
    let mut definition = if remopt::sweep::is_sweep_file(&text) {
        Sweep::from_file(&input, &text).map_err(Stop::Invalid)?
    } else {
        Sweep {
            scenario: input,
            mode: Mode::Grid,
            varies: Vec::new(),
            samples: None,
            seed: 0,
        }
    };
    definition.varies.extend(vary);
    if let Some(mode) = mode {
        definition.mode = match mode {
            SweepMode::Grid => Mode::Grid,
            SweepMode::Zip => Mode::Zip,
        };
    }
    definition.samples = samples.or(definition.samples);
    definition.seed = seed.unwrap_or(definition.seed);
    Ok(definition)
}

fn frontier(args: FrontierArgs) -> Result<(), Stop> {
    use remopt::frontier::FrontierError;
    let scenario = scenario::ScenarioFile::read(&args.scenario)?.scenario(&args.set)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(format!("{}-frontier", scenario.name)));
    check_output_dir(&out_dir)?;
    let bar = progress_bar(args.points as u64, "frontier");
    let over_aversion = match args.over.as_deref() {
        Some(over) => over == "risk_aversion",
        None => scenario.disruptions.is_some(),
    };
    if over_aversion {
        return frontier_over_aversion(&args, &scenario, &out_dir, bar);
    }
    let points = remopt::frontier::trace(&scenario, args.points, &SolveSettings::default(), |done| {
        bar.set_position(done as u64)
    })
    .map_err(|e| match e {
        FrontierError::UnknownRisk(_)
        | FrontierError::PointsOutOfRange(_)
        | FrontierError::NoDisruptions
        | FrontierError::OverRiskWithDisruptions => Stop::Invalid(e.to_string()),
        FrontierError::Solve(Failure::Infeasible) => Stop::Infeasible(format!(
            "no plan meets every hard constraint, so there is no frontier: `remopt solve {}` diagnoses why",
            args.scenario.display()
        )),
        FrontierError::Solve(f) => Stop::Internal(f.to_string()),
    })?;
    bar.finish_and_clear();
    let frontier_csv = report::frontier::frontier_csv(&scenario, &points);
    let page =
        report::html::frontier_html(&scenario.name, &scenario.title, &scenario.currency, &frontier_csv);
    let mut files = vec![
        ("frontier.csv", frontier_csv),
        ("plans.csv", report::frontier::plans_csv(&scenario, &points)),
        ("report.html", page),
    ];
    add_workbook(&mut files)?;
    report::write::replace_dir(&out_dir, &files).map_err(|e| {
        Stop::Io(format!(
            "could not write the frontier to {}: {e}",
            out_dir.display()
        ))
    })?;
    out!(
        "{} ({}): cost versus risk, {} plans",
        scenario.title,
        scenario.name,
        points.len()
    );
    out!("{}", report::frontier::table(&scenario, &points));
    out!(
        "outputs in {}/ (frontier.csv, plans.csv, report.html{})",
        out_dir.display(),
        workbook_note()
    );
    Ok(())
}

/// `remopt frontier --over risk_aversion`: expected cost against CVaR.
fn frontier_over_aversion(
    args: &FrontierArgs,
    scenario: &scenario::Scenario,
    out_dir: &std::path::Path,
    bar: indicatif::ProgressBar,
) -> Result<(), Stop> {
    use remopt::frontier::FrontierError;
    let points = remopt::frontier::trace_aversion(scenario, args.points, &SolveSettings::default(), |done| {
        bar.set_position(done as u64)
    })
    .map_err(|e| match e {
        FrontierError::Solve(Failure::Infeasible) => Stop::Infeasible(format!(
            "no plan meets every hard constraint, so there is no frontier: `remopt solve {}` diagnoses why",
            args.scenario.display()
        )),
        FrontierError::Solve(f) => Stop::Internal(f.to_string()),
        other => Stop::Invalid(other.to_string()),
    })?;
    bar.finish_and_clear();
    let frontier_csv = report::frontier::aversion_csv(&points);
    let page =
        report::html::frontier_html(&scenario.name, &scenario.title, &scenario.currency, &frontier_csv);
    let mut files = vec![
        ("frontier.csv", frontier_csv),
        (
            "plans.csv",
            report::frontier::aversion_plans_csv(scenario, &points),
        ),
        ("report.html", page),
    ];
    add_workbook(&mut files)?;
    report::write::replace_dir(out_dir, &files).map_err(|e| {
        Stop::Io(format!(
            "could not write the frontier to {}: {e}",
            out_dir.display()
        ))
    })?;
    out!(
        "{} ({}): expected cost versus CVaR, {} plans",
        scenario.title,
        scenario.name,
        points.len()
    );
    out!("{}", report::frontier::aversion_table(scenario, &points));
    out!(
        "outputs in {}/ (frontier.csv, plans.csv, report.html{})",
        out_dir.display(),
        workbook_note()
    );
    Ok(())
}

/// A progress bar on stderr; indicatif draws nothing when stderr is not a
/// terminal.
fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    if quiet() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template(&format!("{what} {{bar:40}} {{pos}}/{{len}} {{elapsed}}"))
    {
        bar.set_style(style);
    }
    bar
}

fn export(args: ExportArgs) -> Result<(), Stop> {
    let scenario = scenario::load(&args.scenario)?;
    let (path, wanted) = match (&args.lp, &args.mps) {
        (Some(path), _) => (path, "lp"),
        (_, Some(path)) => (path, "mps"),
        _ => unreachable!("clap requires --lp or --mps"),
    };
    if path.extension().and_then(|e| e.to_str()) != Some(wanted) {
        return Err(Stop::Invalid(format!(
            "--{wanted} {}: the file name must end in .{wanted} (HiGHS picks the format from it)",
            path.display()
        )));
    }
    remopt::export::export(&scenario, path).map_err(|e| Stop::Io(format!("export failed: {e}")))?;
    out!(
        "{}: wrote the {} model of {} ({} objective) to {}",
        args.scenario.display(),
        if scenario.is_mip() { "MIP" } else { "LP" },
        scenario.name,
        scenario.policy.objective.as_str(),
        path.display()
    );
    Ok(())
}

fn check(args: CheckArgs) -> Result<(), Stop> {
    let scenario = scenario::load(&args.scenario)?;
    for warning in &scenario.warnings {
        out!("warning: {warning}");
    }
    out!(
        "{}: valid scenario {:?}: {} elements, {} suppliers, {} offers, objective {}",
        args.scenario.display(),
        scenario.name,
        scenario.elements.len(),
        scenario.suppliers.len(),
        scenario.offers.len(),
        scenario.policy.objective.as_str()
    );
    Ok(())
}

fn solve(args: SolveArgs) -> Result<(), Stop> {
    let load_start = Instant::now();
    let file = scenario::ScenarioFile::read(&args.scenario)?;
    let scenario = file.scenario(&args.set)?;
    let load_seconds = load_start.elapsed().as_secs_f64();
    let out_dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("outputs").join(&scenario.name));
    check_output_dir(&out_dir)?;

    let settings = SolveSettings {
        time_limit: args.time_limit,
        mip_gap: args.mip_gap,
        ..SolveSettings::default()
    };
    // The baseline is solved first: when it fails, nothing is written.
    let baseline = match &args.baseline {
        Some(path) if !path.is_file() => {
            return Err(Stop::Invalid(format!(
                "--baseline {}: no such scenario file",
                path.display()
            )))
        }
        Some(path) => Some((
            path,
            remopt::compare::solve_in_memory(path, &[], &settings).map_err(|e| {
                let stop = Stop::from(e);
                match stop {
                    Stop::Invalid(m) => Stop::Invalid(format!("--baseline: {m}")),
                    Stop::Infeasible(m) => Stop::Infeasible(format!("--baseline: {m}")),
                    other => other,
                }
            })?,
        )),
        None => None,
    };
    let report::Rendered {
        outcome,
        record,
        security,
        mut files,
    } = report::solve_and_render(&scenario, &settings, load_seconds).map_err(|failure| match failure {
        Failure::Infeasible => match report_infeasible(&scenario, &file, &args.set, &out_dir) {
            Ok(text) => Stop::Infeasible(text),
            Err(stop) => stop,
        },
        Failure::TimeLimitWithoutPlan(e) => Stop::TimeLimit {
            plan_written: false,
            message: format!(
                "{e}; no plan written (previous outputs in {} untouched)",
                out_dir.display()
            ),
        },
        Failure::Solver(e) => Stop::Internal(e.to_string()),
        Failure::Verification(v) => Stop::Internal(v.to_string()),
    })?;

    let comparison = match baseline {
        Some((path, baseline_files)) => {
            let comparison = compare_with_baseline(path, &baseline_files, &args.scenario, &files)?;
            files.push(("compare.csv", comparison.0));
            files.push(("compare.html", comparison.1));
            Some(comparison.2)
        }
        None => None,
    };
    add_workbook(&mut files)?;
    report::write::replace_dir(&out_dir, &files).map_err(|e| {
        Stop::Io(format!(
            "could not write the outputs to {}: {e} (previous outputs left as they were)",
            out_dir.display()
        ))
    })?;

    if args.json {
        let binding = outcome
            .constraints()
            .filter(|c| c.info.id.kind().is_policy_cap() && c.is_binding())
            .map(|c| c.info.id.name(&scenario))
            .collect();
        let summary = Summary {
            run: &record,
            elements: outcome
                .metrics
                .elements
                .iter()
                .chain([&outcome.metrics.total])
                .collect(),
            binding,
            output_dir: out_dir.display().to_string(),
        };
        out!("{}", report::json::summary_json(&summary));
    } else {
        out_raw!(
            "{}",
            report::table::render(&scenario, &outcome, &security, &out_dir)
        );
        if let Some(table) = comparison {
            out_raw!("\nagainst the baseline (compare.csv, compare.html):\n{table}");
        }
    }
    match outcome.status {
        Status::Optimal => Ok(()),
        Status::TimeLimit => Err(Stop::TimeLimit {
            plan_written: true,
            message: format!(
                "stopped by the time limit: the plan in {} is feasible and verified but NOT proven optimal",
                out_dir.display()
            ),
        }),
    }
}

/// `compare.csv`, `compare.html` and the terminal table of a run against
/// its `--baseline` (the reference), from both runs' files.
fn compare_with_baseline(
    baseline: &std::path::Path,
    baseline_files: &[(&str, Vec<u8>)],
    scenario: &std::path::Path,
    files: &[(&str, Vec<u8>)],
) -> Result<(Vec<u8>, Vec<u8>, String), Stop> {
    let run = |path: &std::path::Path, files: &[(&str, Vec<u8>)]| {
        remopt::compare::from_files(&path.display().to_string(), |name| {
            files.iter().find(|(n, _)| *n == name).map(|(_, b)| b.clone())
        })
        .map_err(|e| Stop::Internal(format!("reading back the files of a run: {e}")))
    };
    let runs = [run(baseline, baseline_files)?, run(scenario, files)?];
    let figures = remopt::compare::figures(&runs);
    Ok((
        report::compare::compare_csv(&runs, &figures),
        report::compare::compare_html(&runs, &figures),
        report::compare::table(&runs, &figures),
    ))
}

/// ", plan.xlsx" when `--xlsx` asked for it, for the lists of files written.
fn workbook_note() -> &'static str {
    match XLSX.load(std::sync::atomic::Ordering::Relaxed) {
        true => ", plan.xlsx",
        false => "",
    }
}

/// With `--xlsx`, adds `plan.xlsx`, the workbook of the CSV files among
/// `files`. Asked for, not written by default: building it adds about 57%
/// to a Japan solve and 136% to a 1,000-point sweep (measured).
fn add_workbook(files: &mut Vec<(&str, Vec<u8>)>) -> Result<(), Stop> {
    if !XLSX.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let workbook =
        report::xlsx::workbook(files).map_err(|e| Stop::Internal(format!("building plan.xlsx: {e}")))?;
    files.push(("plan.xlsx", workbook));
    Ok(())
}

/// Refuses, before any solve, an output path that can never be a folder,
/// or a folder holding files remopt did not write (it replaces the folder).
fn check_output_dir(out_dir: &std::path::Path) -> Result<(), Stop> {
    let blocked = out_dir
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .find(|p| p.exists())
        .filter(|p| !p.is_dir());
    if let Some(file) = blocked {
        return Err(Stop::Invalid(format!(
            "--out {}: {} is a file, not a folder; give a folder path",
            out_dir.display(),
            file.display()
        )));
    }
    // The folder is replaced whole: what remopt did not write would be lost.
    let foreign = report::write::foreign_entries(out_dir).map_err(|e| {
        Stop::Io(format!(
            "--out {}: cannot list the folder: {e}",
            out_dir.display()
        ))
    })?;
    if foreign.is_empty() {
        return Ok(());
    }
    let shown = foreign
        .iter()
        .take(5)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let more = foreign.len().saturating_sub(5);
    Err(Stop::Invalid(format!(
        "--out {}: the folder holds {shown}{}, which remopt did not write; it replaces its output \
         folder whole, so they would be lost: give a new or empty folder, or one remopt wrote",
        out_dir.display(),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )))
}

/// Refuses an output folder that is one of the command's `inputs`
/// (`what` they are): replacing it would destroy that input.
fn check_not_an_input(out_dir: &std::path::Path, inputs: &[PathBuf], what: &str) -> Result<(), Stop> {
    let same = |input: &PathBuf| match (std::fs::canonicalize(input), std::fs::canonicalize(out_dir)) {
        (Ok(input), Ok(out)) => input == out,
        _ => false,
    };
    match inputs.iter().find(|input| same(input)) {
        Some(input) => Err(Stop::Invalid(format!(
            "--out {}: that is the {what} {} itself; write to another folder",
            out_dir.display(),
            input.display()
        ))),
        None => Ok(()),
    }
}

/// Diagnoses an infeasible scenario and writes `diagnosis.txt`,
/// `diagnosis.csv` and `run.json`; returns the text to print.
fn report_infeasible(
    scenario: &remopt::scenario::Scenario,
    file: &scenario::ScenarioFile,
    overrides: &[remopt::scenario::overrides::Override],
    out_dir: &std::path::Path,
) -> Result<String, Stop> {
    let diagnosis = remopt::diagnose::diagnose(scenario, remopt::diagnose::confirm_in(file, overrides))
        .map_err(|e| Stop::Internal(format!("diagnosing the infeasible scenario: {e}")))?;
    let text = report::diagnosis::text(scenario, &diagnosis);
    let mut files = vec![
        ("diagnosis.txt", text.clone().into_bytes()),
        ("diagnosis.csv", report::diagnosis::csv(scenario, &diagnosis)),
        ("run.json", report::diagnosis::run_json(scenario, &diagnosis)),
        ("report.html", report::html::diagnosis_html(&scenario.name, &text)),
    ];
    add_workbook(&mut files)?;
    report::write::replace_dir(out_dir, &files).map_err(|e| {
        Stop::Io(format!(
            "could not write the diagnosis to {}: {e}",
            out_dir.display()
        ))
    })?;
    Ok(format!(
        "{text}diagnosis written to {}/ (diagnosis.txt, diagnosis.csv, run.json, report.html{})",
        out_dir.display(),
        workbook_note()
    ))
}
