//! Fuzzing tcbill: one target per input path a user has (CSV/TSV bills, deduction exports, usage
//! exports, API JSON, ZIP packs, XLSX, FOCUS Parquet), each running the whole pipeline a user hits
//! and checking its invariants.
//!
//! The targets live here, not in `fuzz/`, so that three runners share them: cargo-fuzz's
//! libFuzzer binaries (`fuzz/`, nightly, coverage-guided), the stable mutation harness
//! ([`mutate`], the `tcbill-fuzz run` binary CI uses) and the regression test that replays every
//! crash ever found (`tests/regressions.rs`).

mod cli;
pub mod corpus;
pub mod members;
pub mod mutate;
pub mod pipeline;
pub mod target;

pub use target::Target;
