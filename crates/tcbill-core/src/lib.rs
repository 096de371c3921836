//! tcbill's pure logic: reading Tencent Cloud billing exports and analysing them.
//!
//! Architecture invariant: this crate never does IO of its own and never depends on
//! `web-sys`/`wasm-bindgen`. Callers (the web app, the CLI) hand it bytes; it hands back
//! values. Money and usage are never `f64`.
//!
//! Reading: [`Parser`] (chunked) or [`parse_file`] (whole) turn bytes into [`ParsedFile`]s:
//! the detected [`InputKind`], a columnar [`Table`] with canonical (billing API) column names,
//! row counts and [`Diagnostic`]s. [`Dataset`] holds several of them.
//!
//! Analysing: [`analysis`] has one module per question (cost summaries, deductions, packages,
//! usage, self-checks); [`Report::build`] runs them all into the one report the web app and the
//! CLI show and export.

pub mod analysis;
pub mod api;
pub mod dataset;
pub mod focus;
pub mod input;
pub mod model;
pub mod report;
pub mod schema;

pub use dataset::Dataset;
pub use input::{detect_kind, parse_file, Parser, Progress, SNIFF_LEN};
pub use model::diagnostic::{Diagnostic, Severity};
pub use model::kind::{ApiAction, BillLevel, InputKind};
pub use model::parsed_file::ParsedFile;
pub use model::table::{
    Cell, Column, ColumnRole, ColumnType, ColumnValues, DecimalColumn, Symbol, Table, TableKind,
    TextColumn, TimeColumn,
};
pub use model::time::BeijingTime;
pub use report::{CsvTable, Report, ReportOptions};
