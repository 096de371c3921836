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
mod container;
pub mod costs_csv;
pub mod dataset;
mod decode;
pub mod detect;
pub mod diagnostic;
pub mod focus;
mod json;
pub mod number;
pub mod parser;
mod record_scan;
pub mod report;
pub mod schema;
pub mod table;
mod tabular;
mod text;
pub mod time;

pub use dataset::Dataset;
pub use detect::{detect_kind, ApiAction, BillLevel, InputKind, SNIFF_LEN};
pub use diagnostic::{Diagnostic, Severity};
pub use parser::{parse_file, ParsedFile, Parser, Progress};
pub use report::{CsvTable, Report, ReportOptions};
pub use table::{
    Cell, Column, ColumnRole, ColumnType, ColumnValues, DecimalColumn, Symbol, Table, TableKind,
    TextColumn, TimeColumn,
};
pub use time::BeijingTime;
