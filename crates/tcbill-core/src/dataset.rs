//! Several parsed files taken together: a month split over ZIP members, a year of L3 files,
//! a deduction export beside the package overview. The analyses read tables of one kind across
//! all files.

use crate::parser::ParsedFile;
use crate::table::{Table, TableKind};

/// The files loaded so far, in the order they were added.
#[derive(Debug, Default)]
pub struct Dataset {
    files: Vec<ParsedFile>,
}

impl Dataset {
    pub fn new() -> Self {
        Dataset::default()
    }

    pub fn add(&mut self, files: impl IntoIterator<Item = ParsedFile>) {
        self.files.extend(files);
    }

    pub fn files(&self) -> &[ParsedFile] {
        &self.files
    }

    /// The tables of one kind, in file order.
    pub fn tables(&self, kind: TableKind) -> impl Iterator<Item = &Table> {
        self.files
            .iter()
            .map(|file| &file.table)
            .filter(move |table| table.kind() == kind)
    }

    /// Rows of one kind across all files.
    pub fn row_count(&self, kind: TableKind) -> usize {
        self.tables(kind).map(Table::row_count).sum()
    }
}
