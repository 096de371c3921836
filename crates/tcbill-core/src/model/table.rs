//! The columnar model every input is normalised into.
//!
//! Bills repeat the same few product, region and unit names on every row, and a year of L3 detail
//! can have millions of rows, so text is interned once per table and columns hold small codes;
//! numbers are exact decimals and times are [`BeijingTime`] instants. Columns carry the billing
//! API's English field names (`RealCost`, `CashPayAmount`, …) whatever language the file used, so
//! the analyses read one vocabulary.

use std::hash::{Hash, Hasher};
use std::num::NonZeroU32;

use hashbrown::HashTable;
// FxHash (rustc-hash), the multiply-rotate hash rustc uses: interning hashes every text cell of
// every row, and the analyses look columns up by name per row, so std's SipHash was ~9 % of
// parsing (see BENCHMARKS.md). HashDoS resistance buys nothing here: the keys come from the
// user's own files. rustc-hash 2 rotates the final hash so hashbrown's low-bit buckets see the
// keys' last bytes (sequential transaction IDs), without which interning turned quadratic.
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHasher};

use crate::model::time::BeijingTime;

/// What the rows of a table describe; decides which canonical columns to expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableKind {
    DeductionDetails,
    PackageOverview,
    /// L3 明细: one row per billed component.
    BillDetails,
    /// L2 资源: one row per resource.
    BillResources,
    CostDetails,
    UsageDetails,
    /// Totals per product, pay mode, region, project or tag.
    BillSummary,
    /// Rows of an API response tcbill has no schema for; every column is passed through.
    Other,
}

/// An interned string; resolve it with [`Table::resolve`]. It holds the string's index + 1, so
/// that `Option<Symbol>`, one per text cell, takes 4 bytes rather than 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(NonZeroU32);

/// Every distinct string of a table, stored once: one arena of text, the end of each string in
/// it, and a hash table of symbols that hashes a symbol's text (no second copy as a map key).
/// Columns of unique IDs (交易ID, 资源ID) intern a string per row, so this is most of a table's
/// memory after its numbers.
#[derive(Debug, Default)]
struct Interner {
    text: String,
    ends: Vec<u32>,
    index: HashTable<Symbol>,
}

impl Interner {
    fn intern(&mut self, text: &str) -> Symbol {
        let hash = fx_hash(text);
        if let Some(&symbol) = self
            .index
            .find(hash, |&symbol| self.resolve(symbol) == text)
        {
            return symbol;
        }
        self.text.push_str(text);
        self.ends
            .push(u32::try_from(self.text.len()).expect("a table's text fits in 4 GiB"));
        let symbol = Symbol(
            NonZeroU32::new(u32::try_from(self.ends.len()).expect("fewer than 2^32 strings"))
                .expect("a count after a push is not zero"),
        );
        let Interner { text, ends, index } = self;
        index.insert_unique(hash, symbol, |&symbol| {
            fx_hash(Interner::slice(text, ends, symbol))
        });
        symbol
    }

    fn resolve(&self, symbol: Symbol) -> &str {
        Interner::slice(&self.text, &self.ends, symbol)
    }

    fn slice<'a>(text: &'a str, ends: &[u32], symbol: Symbol) -> &'a str {
        let index = symbol.0.get() as usize - 1;
        let start = index
            .checked_sub(1)
            .map_or(0, |previous| ends[previous] as usize);
        &text[start..ends[index] as usize]
    }
}

fn fx_hash(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Why a column exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnRole {
    /// A field of the table kind's schema; `name` is the canonical (API) name.
    Field,
    /// A cost-allocation tag (`标签键:<key>`); `name` is `Tag:<key>`.
    Tag { key: String },
    /// A column tcbill does not know, kept as text under its own header.
    PassThrough,
}

/// The values of one column, one slot per row; `None` is "absent" (empty or `-`), never zero.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnValues {
    Text(Vec<Option<Symbol>>),
    Decimal(Vec<Option<Decimal>>),
    Time(Vec<Option<BeijingTime>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Decimal,
    Time,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Canonical name: the billing API's field name, `Tag:<key>`, or the source header.
    pub name: String,
    /// The header as it appeared in the source (empty for columns tcbill derived).
    pub source_header: String,
    pub role: ColumnRole,
    pub values: ColumnValues,
}

impl Column {
    pub fn column_type(&self) -> ColumnType {
        match self.values {
            ColumnValues::Text(_) => ColumnType::Text,
            ColumnValues::Decimal(_) => ColumnType::Decimal,
            ColumnValues::Time(_) => ColumnType::Time,
        }
    }
}

/// One value for [`Table::push_row`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    Decimal(Decimal),
    Time(BeijingTime),
}

/// Where a row is in its file, so a finding names the place a user opens: the physical line an
/// editor shows for CSV (where a row's first line is, after any title line, header and multi-line
/// cell above it; the same number a spreadsheet gives the row) and the sheet row for XLSX, or the
/// record path of a JSON response (`Response.DetailSet[3].ComponentSet[1]`), which has no lines
/// a user would count. Kept per row, not derived from the row index, because rejected rows and
/// multi-line cells make the two drift apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowSource<'a> {
    Line(u64),
    Record(&'a str),
}

/// [`RowSource`] as stored: a record path is interned with the table's text.
#[derive(Clone, Copy, Debug)]
enum StoredSource {
    Line(u64),
    Record(Symbol),
}

/// Rows of one kind, stored by column.
#[derive(Debug)]
pub struct Table {
    kind: TableKind,
    strings: Interner,
    columns: Vec<Column>,
    column_index: FxHashMap<String, usize>,
    row_count: usize,
    /// Each row's [`RowSource`].
    sources: Vec<StoredSource>,
    /// The line above the header, where an export has one (`内容分发网络 CDN 5分钟明细`).
    title: Option<String>,
}

impl Table {
    pub fn new(kind: TableKind) -> Self {
        Table {
            kind,
            strings: Interner::default(),
            columns: Vec::new(),
            column_index: FxHashMap::default(),
            row_count: 0,
            sources: Vec::new(),
            title: None,
        }
    }

    /// The export's title line, if it has one above the header.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    pub(crate) fn set_title(&mut self, title: Option<String>) {
        self.title = title;
    }

    pub fn kind(&self) -> TableKind {
        self.kind
    }

    pub fn row_count(&self) -> usize {
        self.row_count
    }

    /// Columns in the order they were first seen.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.column_index
            .get(name)
            .map(|&index| &self.columns[index])
    }

    pub fn resolve(&self, symbol: Symbol) -> &str {
        self.strings.resolve(symbol)
    }

    /// Where row `row` is in its file.
    pub fn source(&self, row: usize) -> RowSource<'_> {
        match self.sources[row] {
            StoredSource::Line(line) => RowSource::Line(line),
            StoredSource::Record(path) => RowSource::Record(self.resolve(path)),
        }
    }

    /// The text in column `name` at `row`; `None` when absent or not a text column.
    pub fn text(&self, name: &str, row: usize) -> Option<&str> {
        match &self.column(name)?.values {
            ColumnValues::Text(values) => {
                values.get(row).copied().flatten().map(|s| self.resolve(s))
            }
            _ => None,
        }
    }

    pub fn decimal(&self, name: &str, row: usize) -> Option<Decimal> {
        match &self.column(name)?.values {
            ColumnValues::Decimal(values) => values.get(row).copied().flatten(),
            _ => None,
        }
    }

    pub fn time(&self, name: &str, row: usize) -> Option<BeijingTime> {
        match &self.column(name)?.values {
            ColumnValues::Time(values) => values.get(row).copied().flatten(),
            _ => None,
        }
    }

    /// The index of column `name`, created (absent in every earlier row) if it is new.
    pub fn ensure_column(
        &mut self,
        name: &str,
        source_header: &str,
        role: ColumnRole,
        column_type: ColumnType,
    ) -> usize {
        if let Some(&index) = self.column_index.get(name) {
            return index;
        }
        let row_count = self.row_count;
        let values = match column_type {
            ColumnType::Text => ColumnValues::Text(vec![None; row_count]),
            ColumnType::Decimal => ColumnValues::Decimal(vec![None; row_count]),
            ColumnType::Time => ColumnValues::Time(vec![None; row_count]),
        };
        self.columns.push(Column {
            name: name.to_owned(),
            source_header: source_header.to_owned(),
            role,
            values,
        });
        self.column_index
            .insert(name.to_owned(), self.columns.len() - 1);
        self.columns.len() - 1
    }

    /// Appends one row found at `source`; columns not mentioned are absent. A cell whose type does
    /// not match its column is stored as absent, and a later cell for the same column wins.
    pub fn push_row(&mut self, source: RowSource<'_>, cells: &[(usize, Cell<'_>)]) {
        self.sources.push(match source {
            RowSource::Line(line) => StoredSource::Line(line),
            RowSource::Record(path) => StoredSource::Record(self.strings.intern(path)),
        });
        for column in &mut self.columns {
            match &mut column.values {
                ColumnValues::Text(values) => values.push(None),
                ColumnValues::Decimal(values) => values.push(None),
                ColumnValues::Time(values) => values.push(None),
            }
        }
        for &(index, cell) in cells {
            let Some(column) = self.columns.get_mut(index) else {
                continue;
            };
            match (&mut column.values, cell) {
                (ColumnValues::Text(values), Cell::Text(text)) => {
                    *values.last_mut().expect("pushed above") = Some(self.strings.intern(text));
                }
                (ColumnValues::Decimal(values), Cell::Decimal(value)) => {
                    *values.last_mut().expect("pushed above") = Some(value);
                }
                (ColumnValues::Time(values), Cell::Time(value)) => {
                    *values.last_mut().expect("pushed above") = Some(value);
                }
                _ => {}
            }
        }
        self.row_count += 1;
    }

    /// Keys of the tag columns, in first-seen order.
    pub fn tag_keys(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().filter_map(|column| match &column.role {
            ColumnRole::Tag { key } => Some(key.as_str()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_text_and_backfills_late_columns() {
        let mut table = Table::new(TableKind::BillDetails);
        let product = table.ensure_column(
            "BusinessCodeName",
            "产品名称",
            ColumnRole::Field,
            ColumnType::Text,
        );
        table.push_row(RowSource::Line(2), &[(product, Cell::Text("云服务器CVM"))]);
        table.push_row(RowSource::Line(3), &[(product, Cell::Text("云服务器CVM"))]);
        let cash = table.ensure_column(
            "CashPayAmount",
            "现金账户支出(元)",
            ColumnRole::Field,
            ColumnType::Decimal,
        );
        table.push_row(
            RowSource::Record("DetailSet[2]"),
            &[(cash, Cell::Decimal(Decimal::new(-8043, 2)))],
        );
        assert_eq!(table.row_count(), 3);
        assert_eq!(table.text("BusinessCodeName", 1), Some("云服务器CVM"));
        assert_eq!(table.text("BusinessCodeName", 2), None);
        assert_eq!(table.decimal("CashPayAmount", 0), None);
        assert_eq!(
            table.decimal("CashPayAmount", 2),
            Some(Decimal::new(-8043, 2))
        );
        assert_eq!(table.source(1), RowSource::Line(3));
        assert_eq!(table.source(2), RowSource::Record("DetailSet[2]"));
        assert_eq!(table.strings.ends.len(), 2);
    }

    #[test]
    fn an_absent_text_cell_costs_no_more_than_a_present_one() {
        assert_eq!(std::mem::size_of::<Option<Symbol>>(), 4);
    }
}
