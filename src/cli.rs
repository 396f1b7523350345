//! Command-line arguments (docs/commands.md).

use crate::scenario::overrides::Override;
use crate::sweep::{Shard, Vary};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Plans where a nation buys its rare earth elements: a diversified, cost-
/// and risk-aware sourcing plan solved with HiGHS.
#[derive(Debug, Parser)]
#[command(name = "remopt", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  remopt check inputs/japan.toml\n  remopt solve inputs/japan.toml\n  remopt solve inputs/eu.toml --out /tmp/eu --json\n  remopt sweep inputs/japan.toml --vary policy.max_avg_risk=0.5:0.7:0.05\n  remopt frontier inputs/japan.toml --points 11\n  remopt compare inputs/japan-status-quo.toml inputs/japan.toml\n\nExit codes: 0 solved, 1 internal error, 2 bad invocation or invalid scenario,\n3 infeasible, 4 stopped by the time limit."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors (the files are written as usual).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Also write plan.xlsx: one sheet per CSV file, numbers as numbers.
    #[arg(long, global = true)]
    pub xlsx: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve a scenario and write plan.csv, summary.csv, constraints.csv, sensitivity.csv, security.csv, run.json.
    #[command(
        after_help = "Example:\n  remopt solve inputs/japan.toml --out outputs/japan-2026 --time-limit 60"
    )]
    Solve(SolveArgs),
    /// Solve many variants of a scenario in parallel (grid, zip or Monte Carlo); long-format CSV outputs.
    #[command(
        after_help = "Examples:\n  remopt sweep inputs/japan.toml --vary 'suppliers.cn-light.offers.*.price_per_kg*=1,1.5,2,3' --vary policy.max_avg_risk=0.45:0.6:0.05\n  remopt sweep inputs/japan.toml --vary 'suppliers.*.offers.Dy.price_per_kg*~uniform(0.8,1.5)' --samples 1000 --seed 7\n  remopt sweep sweeps/japan-china-prices.toml --jobs 2"
    )]
    Sweep(SweepArgs),
    /// Trace the cost-versus-risk trade-off: least cost, least risk, and plans in between.
    #[command(after_help = "Example:\n  remopt frontier inputs/japan.toml --points 11")]
    Frontier(FrontierArgs),
    /// Write the exact model as an .lp or .mps file, with readable row and column names.
    #[command(
        after_help = "Examples:\n  remopt export inputs/japan.toml --lp models/japan-2026.lp\n  remopt export inputs/japan.toml --mps /tmp/japan.mps"
    )]
    Export(ExportArgs),
    /// Compare runs side by side: scenario files (solved in memory) or output folders of `remopt solve`.
    #[command(
        after_help = "Examples:\n  remopt compare inputs/japan-status-quo.toml inputs/japan.toml\n  remopt compare outputs/japan-2026 inputs/japan-contracts.toml --out /tmp/cmp"
    )]
    Compare(CompareArgs),
    /// Join the shard folders of one sweep (`remopt sweep --shard I/N`) into the whole sweep's files.
    #[command(
        after_help = "Example:\n  remopt sweep inputs/japan.toml --vary policy.max_avg_risk=0.5:0.7:0.05 --shard 1/2 --out out/shard-1\n  remopt sweep inputs/japan.toml --vary policy.max_avg_risk=0.5:0.7:0.05 --shard 2/2 --out out/shard-2\n  remopt merge out/shard-1 out/shard-2 --out out/sweep"
    )]
    Merge(MergeArgs),
    /// Validate a scenario without solving it.
    #[command(after_help = "Example:\n  remopt check inputs/japan.toml")]
    Check(CheckArgs),
}

/// `remopt solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The scenario file (TOML, see docs/scenario.md).
    pub scenario: PathBuf,
    /// Output folder [default: outputs/<scenario name>]; replaced whole, only once every file is written.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override one value before validation: PATH=VALUE sets, PATH*=VALUE multiplies; `*` matches any key
    /// at one level (e.g. --set policy.budget=1.5e9 --set 'suppliers.*.offers.Dy.price_per_kg*=2').
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    pub set: Vec<Override>,
    /// Stop HiGHS after this many seconds (exit 4; the best plan found, if any, is written and marked).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which a plan counts as optimal [default: 1e-6]; ignored for an LP.
    #[arg(long, value_name = "REL", value_parser = parse_gap)]
    pub mip_gap: Option<f64>,
    /// Print a machine-readable JSON summary on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Also solve this scenario (without --set) and write compare.csv and compare.html, the baseline as the
    /// reference, beside the usual files (e.g. --baseline inputs/japan-status-quo.toml).
    #[arg(long, value_name = "SCENARIO.toml")]
    pub baseline: Option<PathBuf>,
}

/// `remopt compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two or more runs: a scenario file (.toml, solved in memory) or an output folder of `remopt solve`;
    /// the first is the reference.
    #[arg(required = true, value_name = "RUN")]
    pub runs: Vec<PathBuf>,
    /// Output folder for compare.csv and compare.html [default: outputs/compare].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `remopt sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// A scenario file, or a sweep file (a top-level `scenario = "path"` and `[[vary]]` tables).
    pub input: PathBuf,
    /// PATH=a,b,c (list), PATH=from:to:step (inclusive range), PATH*=... (multiply), PATH~uniform(a,b),
    /// PATH~triangular(a,mode,b), PATH~normal(mu,sd) (Monte Carlo; `*~` multiplies). `*` matches any key at one level.
    #[arg(long, value_name = "PATH=VALUES", value_parser = parse_vary)]
    pub vary: Vec<Vary>,
    /// grid: every combination; zip: the i-th value of every path together.
    #[arg(long, value_enum)]
    pub mode: Option<SweepMode>,
    /// Parallel solves, at most 1,024 [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub jobs: Option<u64>,
    /// Monte Carlo draws (with random laws).
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// Monte Carlo seed: the same seed gives the same draws, whatever --jobs.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Run only shard I of N: the runs whose id (from 0) is I-1 modulo N; `remopt merge` joins the shards.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Output folder [default: outputs/<scenario name>-sweep, with --shard outputs/<scenario name>-sweep-shard-I].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    Shard::parse(text)
}

/// `remopt merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The output folders of `remopt sweep --shard I/N`, one per shard, each once.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Output folder for the whole sweep's files.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `--mode` of a sweep.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SweepMode {
    /// Every combination.
    Grid,
    /// Paths advance together.
    Zip,
}

/// `remopt frontier`.
#[derive(Debug, Args)]
pub struct FrontierArgs {
    /// The scenario file (TOML, see docs/scenario.md).
    pub scenario: PathBuf,
    /// Number of plans, from least cost to least risk (at least 2).
    #[arg(long, default_value_t = 11)]
    pub points: usize,
    /// What the plans trade cost against: `risk` (the sum of mean risks;
    /// the default) or `risk_aversion` (expected cost against CVaR, the
    /// default and the only choice with disruptions).
    #[arg(long, value_name = "WHAT", value_parser = ["risk", "risk_aversion"])]
    pub over: Option<String>,
    /// Output folder [default: outputs/<scenario name>-frontier].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override one value before validation (as for `solve`).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    pub set: Vec<Override>,
}

/// `remopt export`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("format").required(true).args(["lp", "mps"])))]
pub struct ExportArgs {
    /// The scenario file (TOML, see docs/scenario.md).
    pub scenario: PathBuf,
    /// Write CPLEX LP format to FILE.
    #[arg(long, value_name = "FILE")]
    pub lp: Option<PathBuf>,
    /// Write (free) MPS format to FILE.
    #[arg(long, value_name = "FILE")]
    pub mps: Option<PathBuf>,
}

/// `remopt check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (TOML, see docs/scenario.md).
    pub scenario: PathBuf,
}

fn parse_vary(text: &str) -> Result<Vary, String> {
    Vary::parse(text)
}

fn parse_override(text: &str) -> Result<Override, String> {
    Override::parse(text)
}

fn parse_gap(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(g) if (0.0..1.0).contains(&g) => Ok(g),
        _ => Err(format!(
            "{text:?} is not a relative gap in [0, 1) (e.g. 0.001 for 0.1%)"
        )),
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds >= 0 (e.g. 60 or 0.5)"
        )),
    }
}
