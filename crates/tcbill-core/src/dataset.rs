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

    /// Removes the files at `range` (in the order they were added), e.g. all members of one ZIP
    /// the user took away again.
    pub fn remove(&mut self, range: std::ops::Range<usize>) {
        self.files.drain(range);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_file;

    #[test]
    fn counts_rows_of_one_kind_across_files() {
        let l3 = "产品名称,组件名称,现金账户支出(元)\n云服务器CVM,CPU,1.5\n云服务器CVM,内存,0.5\n";
        let deduction = "抵扣时间\t实际抵扣量\n2025-06-03 04:10:46\t0.293333333分钟\n";
        let mut dataset = Dataset::new();
        dataset.add(parse_file("june.csv", l3.as_bytes()));
        dataset.add(parse_file("july.csv", l3.as_bytes()));
        dataset.add(parse_file("deduction.tsv", deduction.as_bytes()));
        assert_eq!(dataset.files().len(), 3);
        assert_eq!(dataset.row_count(TableKind::BillDetails), 4);
        assert_eq!(dataset.row_count(TableKind::DeductionDetails), 1);
        assert_eq!(dataset.tables(TableKind::UsageDetails).count(), 0);

        dataset.remove(0..1);
        let names: Vec<&str> = dataset.files().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["july.csv", "deduction.tsv"]);
        assert_eq!(dataset.row_count(TableKind::BillDetails), 2);
    }
}
