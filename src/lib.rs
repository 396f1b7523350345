//! remopt: plans where a nation buys its rare earth elements.
//!
//! Data flows one way: a scenario file is read into raw serde types, validated
//! into a [`scenario::Scenario`], turned into a linear program with named
//! constraints ([`model`]), solved by HiGHS ([`solve`]), checked by code that
//! shares nothing with the model builder ([`verify`]), and reported as CSV,
//! JSON and a terminal table ([`report`]).
//!
//! ```no_run
//! use remopt::{pipeline, scenario};
//! let scenario = scenario::load("inputs/japan.toml".as_ref()).expect("valid scenario");
//! let outcome = pipeline::optimise(&scenario, &pipeline::SolveSettings::default()).expect("solved");
//! println!("total cost: {}", outcome.metrics.total.cost);
//! ```
#![deny(missing_docs)]

pub mod cli;
pub mod compare;
pub mod diagnose;
pub mod elements;
pub mod export;
pub mod frontier;
mod hhi_rounds;
pub mod merge;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod solve;
pub mod sweep;
pub mod synthetic;
pub mod verify;
