//! One parsed file: what the input layer hands to everything after it.

use crate::model::diagnostic::Diagnostic;
use crate::model::kind::InputKind;
use crate::model::table::{Table, TableKind};

/// One parsed file (or one member of a ZIP).
#[derive(Debug)]
pub struct ParsedFile {
    /// The file name (`pack.zip/member.csv` for a ZIP member).
    pub name: String,
    pub kind: InputKind,
    /// The text encoding used (`UTF-8`, `gb18030`, …); `None` for JSON, ZIP and XLSX.
    pub encoding: Option<&'static str>,
    /// The imported rows.
    pub table: Table,
    pub rows_rejected: u64,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedFile {
    pub(crate) fn from_parts(
        name: &str,
        kind: InputKind,
        encoding: Option<&'static str>,
        table: Table,
        rows_rejected: u64,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        ParsedFile {
            name: name.to_owned(),
            kind,
            encoding,
            table,
            rows_rejected,
            diagnostics,
        }
    }

    pub(crate) fn empty(name: &str, kind: InputKind, diagnostics: Vec<Diagnostic>) -> Self {
        ParsedFile::from_parts(
            name,
            kind,
            None,
            Table::new(TableKind::Other),
            0,
            diagnostics,
        )
    }

    pub fn rows_accepted(&self) -> u64 {
        self.table.row_count() as u64
    }

    /// Data rows read: always `rows_accepted() + rows_rejected`.
    pub fn rows_read(&self) -> u64 {
        self.rows_accepted() + self.rows_rejected
    }
}
