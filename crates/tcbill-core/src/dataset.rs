//! Several parsed files taken together: a month split over ZIP members, a year of L3 files,
//! a deduction export beside the package overview. The analyses read tables of one kind across
//! all files.
//!
//! The same bill rows often arrive twice: a ZIP pack and the member a user also unpacked, the
//! same file dropped again, two API pulls that overlap, the Chinese and the English export of one
//! month, a FOCUS export beside its bill. Summing them would double a month without a trace, so
//! every cost row (L3, L2, 消耗明细) is identified by its transaction ([`COST_IDENTITY`]), and
//! every resource-package deduction by its package, time and balances ([`DEDUCTION_IDENTITY`]);
//! a row whose identity an earlier file already holds is *skipped as a duplicate*: the analyses
//! do not count it, and [`Dataset::duplicates`] names both files and how many rows. Rows repeated inside one file are the file's own business and all
//! count: a later file's copies of a row are skipped up to as many as one earlier file holds, so
//! the answer does not depend on which file is loaded first.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use hashbrown::HashTable;
use rustc_hash::{FxHashSet, FxHasher};

use rust_decimal::Decimal;

use crate::model::kind::InputKind;
use crate::model::number::SumBound;
use crate::model::parsed_file::ParsedFile;
use crate::model::table::{ColumnValues, DecimalColumn, Table, TableKind, TextColumn, TimeColumn};
use crate::model::time::BeijingTime;
use crate::schema::is_chinese;

/// The table kinds checked for duplicates: the rows that are money, and the deductions that
/// drain packages (a deduction export loaded twice would double every package's use).
const DEDUPLICATED_KINDS: [TableKind; 4] = [
    TableKind::BillDetails,
    TableKind::BillResources,
    TableKind::CostDetails,
    TableKind::DeductionDetails,
];

/// What makes a cost row one transaction: 交易ID, 资源ID, the component and the times, of one
/// owner. The Chinese export, the international one, the API rows and a FOCUS export all carry
/// these, and no two rows of one real export agree on all of them (an hourly 交易ID covers one
/// resource-hour, one row per component; month-aggregated rows, whose 交易ID and 扣费时间 are `-`,
/// differ in resource, component, transaction type or usage period). Amounts are not part of it:
/// a re-export with a corrected amount is still the same transaction.
const COST_IDENTITY: RowIdentity = RowIdentity {
    key: &[
        "OwnerUin",
        "BillId",
        "OrderId",
        "ResourceId",
        "FeeBeginTime",
        "FeeEndTime",
        "PayTime",
    ],
    names: &[
        "BusinessCodeName",
        "ProductCodeName",
        "ActionTypeName",
        "ComponentCodeName",
        "ItemCodeName",
    ],
    amounts_across_languages: &["RealTotalCost", "RealCost", "TotalCost", "Cost"],
};

/// What makes a deduction one event: the package, when, the balance before and after and the
/// amount, and the usage it covered. Two real deductions never agree on all of them (the balance
/// chain moves with every one).
const DEDUCTION_IDENTITY: RowIdentity = RowIdentity {
    key: &[
        "ResourceId",
        "DeductionTime",
        "BeforeDeductionRemain",
        "ActualDosage",
        "AfterDeductionRemain",
        "Dosage",
        "StartTime",
    ],
    names: &[
        "PackageName",
        "DeductionProductName",
        "DeductionSubBillName",
    ],
    amounts_across_languages: &[],
};

/// The amounts compared between a skipped row and the copy kept: not part of the identity, but a
/// copy whose amounts differ (a corrected re-export) is said, as the first loaded is the one counted.
const AMOUNT_COLUMNS: [&str; 5] = [
    "RealTotalCost",
    "RealCost",
    "TotalCost",
    "Cost",
    "CashPayAmount",
];

/// The columns that tell rows of one kind apart across files. A column a file does not have
/// cannot tell its rows from another file's, so it is compared only between files that both
/// have it (a FOCUS export has no 订单号 or 扣费时间, and is still the bill it came from).
struct RowIdentity {
    /// Written alike in every language: IDs, times, balances.
    key: &'static [&'static str],
    /// Names in the file's language (`按量计费日结` in the Chinese export is `Daily settlement`
    /// in the international one): compared between files in one language only.
    names: &'static [&'static str],
    /// Compared instead of the names between files in different languages: a transaction's
    /// components are then told apart by what they cost (before tax: the international export's
    /// cash paid includes it, the Chinese one's does not).
    amounts_across_languages: &'static [&'static str],
}

impl RowIdentity {
    fn of(kind: TableKind) -> &'static RowIdentity {
        match kind {
            TableKind::DeductionDetails => &DEDUCTION_IDENTITY,
            _ => &COST_IDENTITY,
        }
    }
}

/// Each decimal column of `table` and how far its sums can reach.
fn sum_bounds(table: &Table) -> Vec<(String, SumBound)> {
    table
        .columns()
        .iter()
        .filter_map(|column| match &column.values {
            ColumnValues::Decimal(values) => Some((column.name.clone(), values.sum_bound())),
            _ => None,
        })
        .collect()
}

/// Rows of one file that an earlier file already holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DuplicateRows {
    /// `skipped[row]` for every row of the file, or empty when no row is a duplicate.
    skipped: Vec<bool>,
    /// Each earlier file (its index) holding some of the copies, and how many.
    pub first_seen_in: Vec<(usize, u64)>,
    /// Of those, the ones whose amounts ([`AMOUNT_COLUMNS`]) differ from the copy kept, by the
    /// earlier file (its index) holding it; only files with some.
    pub differing_from: Vec<(usize, u64)>,
}

impl DuplicateRows {
    /// How many rows of the file are not counted.
    pub fn count(&self) -> u64 {
        self.first_seen_in.iter().map(|(_, rows)| rows).sum()
    }

    pub fn is_skipped(&self, row: usize) -> bool {
        self.skipped.get(row).copied().unwrap_or(false)
    }
}

/// A column whose totals may be rounded: its values, in the files named, need more than the 28
/// significant digits of a `Decimal` when added ([`SumBound`]). Bills never do; hostile files can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundingRisk {
    /// The column's canonical name (`RealTotalCost`).
    pub column: String,
    /// The files holding the column (their indices), in file order.
    pub files: Vec<usize>,
}

/// The files loaded so far, in the order they were added.
#[derive(Debug, Default)]
pub struct Dataset {
    files: Vec<ParsedFile>,
    /// One entry per file, parallel to `files`.
    duplicates: Vec<DuplicateRows>,
    /// One entry per file, parallel to `files`: each decimal column's [`SumBound`], made once.
    sum_bounds: Vec<Vec<(String, SumBound)>>,
    /// Which counted rows of each file the cost analyses read, once decided (by
    /// `analysis::cost`, per billing month); forgotten whenever the files change.
    cost_rows: OnceLock<Vec<CostRows>>,
}

/// Which of a file's counted rows (duplicates are never read) the cost analyses read. The
/// choice is `analysis::cost`'s (per currency and billing month, the most detailed bill kind
/// loaded for it); the dataset remembers it until its files change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CostRows {
    /// Every counted row.
    All,
    /// None: not a bill, or a less detailed bill of months a more detailed one covers.
    None,
    /// `read[row]` for every row of the file.
    Some(Vec<bool>),
}

impl CostRows {
    pub fn reads(&self, row: usize) -> bool {
        match self {
            CostRows::All => true,
            CostRows::None => false,
            CostRows::Some(read) => read[row],
        }
    }
}

impl Dataset {
    pub fn new() -> Self {
        Dataset::default()
    }

    pub fn add(&mut self, files: impl IntoIterator<Item = ParsedFile>) {
        let first_new = self.files.len();
        self.files.extend(files);
        let bounds = self.files[first_new..]
            .iter()
            .map(|file| sum_bounds(&file.table));
        self.sum_bounds.extend(bounds);
        self.find_duplicates();
        self.cost_rows = OnceLock::new();
    }

    pub fn files(&self) -> &[ParsedFile] {
        &self.files
    }

    /// Removes the files at `range` (in the order they were added), e.g. all members of one ZIP
    /// the user took away again. A row that was a duplicate of a removed file counts again.
    pub fn remove(&mut self, range: std::ops::Range<usize>) {
        self.files.drain(range.clone());
        self.sum_bounds.drain(range);
        self.find_duplicates();
        self.cost_rows = OnceLock::new();
    }

    /// Which rows of each file (one entry per file) the cost analyses read: `decide`'s answer,
    /// made on the first call after the files last changed and remembered (it reads every
    /// bill row's month when bills of several kinds are loaded).
    pub fn cost_rows(&self, decide: impl FnOnce(&Dataset) -> Vec<CostRows>) -> &[CostRows] {
        self.cost_rows.get_or_init(|| decide(self))
    }

    /// The columns whose totals may be rounded, taking every file's values of a column together
    /// (duplicates too: the bound only needs to hold for the rows counted). Empty for any bill:
    /// see [`SumBound`].
    pub fn rounding_risks(&self) -> Vec<RoundingRisk> {
        let mut columns: Vec<(&str, SumBound, Vec<usize>)> = Vec::new();
        for (index, bounds) in self.sum_bounds.iter().enumerate() {
            for (name, bound) in bounds {
                match columns.iter_mut().find(|(column, ..)| column == name) {
                    Some((_, together, files)) => {
                        *together = together.and(*bound);
                        files.push(index);
                    }
                    None => columns.push((name, *bound, vec![index])),
                }
            }
        }
        columns
            .into_iter()
            .filter(|(_, bound, _)| !bound.fits_a_decimal())
            .map(|(column, _, files)| RoundingRisk {
                column: column.to_owned(),
                files,
            })
            .collect()
    }

    /// The rows of file `index` skipped as duplicates of earlier files.
    pub fn duplicates(&self, index: usize) -> &DuplicateRows {
        &self.duplicates[index]
    }

    /// The rows of file `index` the analyses count: all but the duplicates of earlier files.
    pub fn counted_rows(&self, index: usize) -> impl Iterator<Item = usize> + Clone + '_ {
        let duplicates = &self.duplicates[index];
        (0..self.files[index].table.row_count()).filter(move |&row| !duplicates.is_skipped(row))
    }

    /// The tables of one kind, in file order.
    pub fn tables(&self, kind: TableKind) -> impl Iterator<Item = &Table> {
        self.files
            .iter()
            .map(|file| &file.table)
            .filter(move |table| table.kind() == kind)
    }

    /// Rows of one kind across all files, duplicates not counted.
    pub fn row_count(&self, kind: TableKind) -> usize {
        self.files
            .iter()
            .zip(&self.duplicates)
            .filter(|(file, _)| file.table.kind() == kind)
            .map(|(file, duplicates)| file.table.row_count() - duplicates.count() as usize)
            .sum()
    }

    /// Recomputes every file's duplicates, in file order (the first copy counts). Files are few and
    /// added rarely; a kind with a single file costs nothing.
    fn find_duplicates(&mut self) {
        self.duplicates = vec![DuplicateRows::default(); self.files.len()];
        for kind in DEDUPLICATED_KINDS {
            let indices: Vec<usize> = (0..self.files.len())
                .filter(|&index| {
                    let table = &self.files[index].table;
                    table.kind() == kind && table.row_count() > 0 && has_identity(table)
                })
                .collect();
            if indices.len() < 2 {
                continue;
            }
            let identities: Vec<Identity> = indices
                .iter()
                .map(|&index| Identity::new(&self.files[index], RowIdentity::of(kind)))
                .collect();
            let hashed = HashedCells::common_to(&identities);
            let amounts: Vec<Vec<Option<&DecimalColumn>>> = indices
                .iter()
                .map(|&index| {
                    let table = &self.files[index].table;
                    AMOUNT_COLUMNS
                        .map(|name| table.decimal_column(name))
                        .to_vec()
                })
                .collect();
            // Only the amounts both files have (a FOCUS export has no 折扣后总价 to differ in), in
            // one language: files in two matched on their amounts, and the international
            // export's cash paid includes tax where the Chinese one's does not.
            let differ = |(a, a_row): (usize, usize), (b, b_row): (usize, usize)| {
                identities[a].chinese == identities[b].chinese
                    && amounts[a].iter().zip(&amounts[b]).any(|pair| match pair {
                        (Some(x), Some(y)) => x.get(a_row) != y.get(b_row),
                        _ => false,
                    })
            };
            let hash = |position: usize, row: usize| identities[position].hash(row, &hashed);
            // (position in `indices`, row) of the first copy of every identity seen in an earlier
            // file, and the most copies of it one earlier file holds.
            let mut seen: HashTable<(u32, u32, u32)> = HashTable::new();
            for (position, identity) in identities.iter().enumerate() {
                let mut found = DuplicateRows::default();
                // This file's identities: the first row of each, and its copies so far.
                let mut here: HashTable<(u32, u32)> = HashTable::new();
                for row in 0..identity.row_count {
                    let row_hash = hash(position, row);
                    let copy = match here.find_mut(row_hash, |&(first, _)| {
                        identity.same(first as usize, identity, row)
                    }) {
                        Some((_, copies)) => {
                            *copies += 1;
                            *copies
                        }
                        None => {
                            here.insert_unique(row_hash, (row as u32, 1), |&(first, _)| {
                                hash(position, first as usize)
                            });
                            1
                        }
                    };
                    let earlier = seen.find(row_hash, |&(other, other_row, _)| {
                        identities[other as usize].same(other_row as usize, identity, row)
                    });
                    // A file's own repeats all count; as many copies as an earlier file holds
                    // are that file's, whichever file comes first.
                    let Some(&(other, other_row, _)) =
                        earlier.filter(|&&(_, _, copies)| copy <= copies)
                    else {
                        continue;
                    };
                    if found.skipped.is_empty() {
                        found.skipped = vec![false; identity.row_count];
                    }
                    found.skipped[row] = true;
                    let first = indices[other as usize];
                    if differ((other as usize, other_row as usize), (position, row)) {
                        match found.differing_from.iter_mut().find(|(f, _)| *f == first) {
                            Some((_, rows)) => *rows += 1,
                            None => found.differing_from.push((first, 1)),
                        }
                    }
                    match found.first_seen_in.iter_mut().find(|(f, _)| *f == first) {
                        Some((_, rows)) => *rows += 1,
                        None => found.first_seen_in.push((first, 1)),
                    }
                }
                for &(row, copies) in here.iter() {
                    let row_hash = hash(position, row as usize);
                    let known = seen.find_mut(row_hash, |&(other, other_row, _)| {
                        identities[other as usize].same(other_row as usize, identity, row as usize)
                    });
                    match known {
                        Some((_, _, most)) => *most = (*most).max(copies),
                        None => {
                            seen.insert_unique(
                                row_hash,
                                (position as u32, row, copies),
                                |&(file, row, _)| hash(file as usize, row as usize),
                            );
                        }
                    }
                }
                found.first_seen_in.sort_unstable();
                found.differing_from.sort_unstable();
                self.duplicates[indices[position]] = found;
            }
        }
    }
}

/// Whether a table's rows can be told apart across files: it names a transaction, a resource
/// or a package, and when.
fn has_identity(table: &Table) -> bool {
    if table.kind() == TableKind::DeductionDetails {
        let named = ["ResourceId", "PackageName"]
            .iter()
            .any(|name| table.column(name).is_some());
        return named && table.column("DeductionTime").is_some();
    }
    let named = ["BillId", "ResourceId"]
        .iter()
        .any(|name| table.column(name).is_some());
    let timed = ["PayTime", "FeeBeginTime", "FeeEndTime"]
        .iter()
        .any(|name| table.column(name).is_some());
    named && timed
}

/// One cell of the identity.
enum IdentityCell<'a> {
    Text(&'a TextColumn),
    Time(&'a TimeColumn),
    /// A period's end, compared as an exclusive instant: the bill's `23:59:59` is FOCUS's
    /// `00:00:00`.
    End(&'a TimeColumn),
    Decimal(&'a DecimalColumn),
    /// A column the file does not have: it neither matches nor contradicts another file's cell.
    Missing,
}

/// A cell's value as compared and hashed; `None` for an absent cell.
#[derive(PartialEq, Eq, Hash)]
enum CellValue<'a> {
    Text(&'a str),
    Time(BeijingTime),
    /// Normalised, so `20000.0` and `20000.000000000` are one amount.
    Decimal(Decimal),
}

/// A table's identity columns, found once.
struct Identity<'a> {
    table: &'a Table,
    key: Vec<IdentityCell<'a>>,
    names: Vec<IdentityCell<'a>>,
    amounts: Vec<IdentityCell<'a>>,
    /// Whether the file names things in Chinese ([`names_in_chinese`]).
    chinese: bool,
    row_count: usize,
}

/// The identity cells every file of a kind has, which alone may be hashed: equal rows must hash
/// alike, and a missing column matches anything. Names are hashed only when all files are in
/// one language.
struct HashedCells {
    key: Vec<bool>,
    names: Vec<bool>,
}

impl HashedCells {
    fn common_to(identities: &[Identity]) -> Self {
        let one_language = identities
            .iter()
            .all(|identity| identity.chinese == identities[0].chinese);
        let mut hashed = HashedCells {
            key: vec![true; identities[0].key.len()],
            names: vec![one_language; identities[0].names.len()],
        };
        for identity in identities {
            for (hash, cell) in (hashed.key.iter_mut().zip(&identity.key))
                .chain(hashed.names.iter_mut().zip(&identity.names))
            {
                *hash &= !matches!(cell, IdentityCell::Missing);
            }
        }
        hashed
    }
}

impl<'a> Identity<'a> {
    fn new(file: &'a ParsedFile, identity: &RowIdentity) -> Self {
        let table = &file.table;
        let cells = |names: &[&str]| -> Vec<IdentityCell<'a>> {
            names
                .iter()
                .map(
                    |name| match table.column(name).map(|column| &column.values) {
                        Some(ColumnValues::Text(values)) => IdentityCell::Text(values),
                        Some(ColumnValues::Time(values)) if name.ends_with("EndTime") => {
                            IdentityCell::End(values)
                        }
                        Some(ColumnValues::Time(values)) => IdentityCell::Time(values),
                        Some(ColumnValues::Decimal(values)) => IdentityCell::Decimal(values),
                        None => IdentityCell::Missing,
                    },
                )
                .collect()
        };
        Identity {
            table,
            key: cells(identity.key),
            names: cells(identity.names),
            amounts: cells(identity.amounts_across_languages),
            chinese: names_in_chinese(file, identity.names),
            row_count: table.row_count(),
        }
    }

    fn value(&self, cell: &IdentityCell, row: usize) -> Option<CellValue<'a>> {
        match cell {
            IdentityCell::Text(values) => values
                .get(row)
                .map(|symbol| CellValue::Text(self.table.resolve(symbol))),
            IdentityCell::Time(values) => values.get(row).map(CellValue::Time),
            IdentityCell::End(values) => values
                .get(row)
                .map(|end| CellValue::Time(end.exclusive_end())),
            IdentityCell::Decimal(values) => values
                .get(row)
                .map(|value| CellValue::Decimal(value.normalize())),
            IdentityCell::Missing => None,
        }
    }

    fn hash(&self, row: usize, hashed: &HashedCells) -> u64 {
        let mut hasher = FxHasher::default();
        let cells = self.key.iter().zip(&hashed.key);
        for (cell, _) in cells
            .chain(self.names.iter().zip(&hashed.names))
            .filter(|(_, &h)| h)
        {
            self.value(cell, row).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Whether `row` and the other file's `other_row` are one transaction: equal in every cell
    /// both files have, names compared in one language and amounts across two.
    fn same(&self, row: usize, other: &Identity, other_row: usize) -> bool {
        let agree = |mine: &[IdentityCell], theirs: &[IdentityCell]| {
            mine.iter().zip(theirs).all(|(a, b)| {
                matches!(a, IdentityCell::Missing)
                    || matches!(b, IdentityCell::Missing)
                    || self.value(a, row) == other.value(b, other_row)
            })
        };
        agree(&self.key, &other.key)
            && if self.chinese == other.chinese {
                agree(&self.names, &other.names)
            } else {
                agree(&self.amounts, &other.amounts)
            }
    }
}

/// Whether a file names its products and components in Chinese. A console export says so by
/// its header (产品名称 above the Chinese console's names, `Product Name` above the international
/// one's), whatever a few of its names are: the international site leaves some names in
/// Chinese, and the Chinese one writes `CPU`. API responses and FOCUS files name their columns
/// in neither language, so there most of the distinct names decide.
fn names_in_chinese(file: &ParsedFile, names: &[&str]) -> bool {
    let table = &file.table;
    let columns = || names.iter().filter_map(|&name| table.column(name));
    let console_header = columns().find(|column| {
        file.kind != InputKind::Focus
            && !column.source_header.is_empty()
            && column.source_header != column.name
    });
    if let Some(column) = console_header {
        return is_chinese(&column.source_header);
    }
    let (mut chinese, mut other) = (0_usize, 0_usize);
    for column in columns() {
        let ColumnValues::Text(values) = &column.values else {
            continue;
        };
        let mut read = FxHashSet::default();
        for symbol in (0..table.row_count()).filter_map(|row| values.get(row)) {
            let name = table.resolve(symbol);
            if !read.insert(symbol) {
                continue;
            }
            if is_chinese(name) {
                chinese += 1;
            } else if name.chars().any(|c| c.is_ascii_alphabetic()) {
                other += 1;
            }
        }
    }
    chinese > other
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_file;

    #[test]
    fn counts_rows_of_one_kind_across_files() {
        let l3 = "产品名称,组件名称,现金账户支出(元)\n云服务器CVM,CPU,1.5\n云服务器CVM,内存,0.5\n";
        let deduction = "抵扣时间\t实际抵扣量\n2025-06-03 04:10:46\t0.293333333分钟\n";
        let mut dataset = Dataset::new();
        dataset.add(parse_file("june.csv", l3.as_bytes()));
        dataset.add(parse_file("july.csv", l3.as_bytes()));
        dataset.add(parse_file("deduction.tsv", deduction.as_bytes()));
        assert_eq!(dataset.files().len(), 3);
        assert_eq!(
            dataset.row_count(TableKind::BillDetails),
            4,
            "rows without a transaction or a time cannot be told apart, so none is a duplicate"
        );
        assert_eq!(dataset.row_count(TableKind::DeductionDetails), 1);
        assert_eq!(dataset.tables(TableKind::UsageDetails).count(), 0);

        dataset.remove(0..1);
        let names: Vec<&str> = dataset.files().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["july.csv", "deduction.tsv"]);
        assert_eq!(dataset.row_count(TableKind::BillDetails), 2);
    }

    const HEADER: &str = "产品名称,交易ID,资源ID,组件名称,开始使用时间,优惠后总价\n";
    const ROW_1: &str = "云服务器CVM,t1,ins-1,CPU,2025-06-01 00:00:00,1.5\n";
    const ROW_2: &str = "云服务器CVM,t1,ins-1,内存,2025-06-01 00:00:00,0.5\n";
    const ROW_3: &str = "云服务器CVM,t2,ins-1,CPU,2025-06-01 01:00:00,1.5\n";

    #[test]
    fn a_row_an_earlier_file_holds_is_skipped_and_counts_again_once_that_file_goes() {
        let mut dataset = Dataset::new();
        dataset.add(parse_file(
            "a.csv",
            format!("{HEADER}{ROW_1}{ROW_2}").as_bytes(),
        ));
        dataset.add(parse_file(
            "b.csv",
            format!("{HEADER}{ROW_2}{ROW_3}{ROW_1}").as_bytes(),
        ));
        assert_eq!(dataset.duplicates(0).count(), 0);
        let b = dataset.duplicates(1);
        assert_eq!(b.first_seen_in, [(0, 2)]);
        assert_eq!(dataset.counted_rows(1).collect::<Vec<_>>(), [1]);
        assert_eq!(dataset.row_count(TableKind::BillDetails), 3);

        dataset.remove(0..1);
        assert_eq!(dataset.duplicates(0).count(), 0);
        assert_eq!(dataset.row_count(TableKind::BillDetails), 3);
    }

    /// A file repeating a row, and another holding it once: the repeats count, whichever file
    /// is loaded first (the answer was 2 one way and 1 the other).
    #[test]
    fn repeats_inside_a_file_count_whichever_file_comes_first() {
        for order in [["a.csv", "b.csv"], ["b.csv", "a.csv"]] {
            let mut dataset = Dataset::new();
            for name in order {
                let rows = if name == "a.csv" {
                    format!("{ROW_1}{ROW_1}")
                } else {
                    ROW_1.to_owned()
                };
                dataset.add(parse_file(name, format!("{HEADER}{rows}").as_bytes()));
            }
            assert_eq!(dataset.row_count(TableKind::BillDetails), 2, "{order:?}");
        }
    }

    #[test]
    fn rows_repeated_inside_one_file_all_count() {
        let mut dataset = Dataset::new();
        dataset.add(parse_file(
            "a.csv",
            format!("{HEADER}{ROW_1}{ROW_1}").as_bytes(),
        ));
        dataset.add(parse_file("b.csv", format!("{HEADER}{ROW_1}").as_bytes()));
        assert_eq!(dataset.duplicates(0).count(), 0);
        assert_eq!(dataset.duplicates(1).first_seen_in, [(0, 1)]);
        assert_eq!(dataset.row_count(TableKind::BillDetails), 2);
    }

    /// A corrected re-export (the same transactions, one amount changed): its rows are still
    /// duplicates (the first loaded counts), and the one whose amount differs is counted apart,
    /// for the report to say; `1.50` and `1.5` are one amount.
    #[test]
    fn duplicates_whose_amounts_differ_from_the_copy_kept_are_counted() {
        let mut dataset = Dataset::new();
        dataset.add(parse_file(
            "a.csv",
            format!("{HEADER}{ROW_1}{ROW_2}").as_bytes(),
        ));
        let corrected = ROW_1.replace(",1.5\n", ",1.50\n") + &ROW_2.replace(",0.5\n", ",5\n");
        dataset.add(parse_file(
            "b.csv",
            format!("{HEADER}{corrected}").as_bytes(),
        ));
        let b = dataset.duplicates(1);
        assert_eq!(
            (b.first_seen_in.as_slice(), b.differing_from.as_slice()),
            (&[(0, 2)][..], &[(0, 1)][..])
        );
    }

    const EN_HEADER: &str = "Product Name,Transaction ID,Instance ID,Component Name,\
        Usage Start Time,Total Amount After Discount (Excluding Tax)\n";

    /// The Chinese and the English export of one month name its products and components in two
    /// languages: their rows are still one transaction each, told apart by their amounts where
    /// the names cannot be compared, whichever file is loaded first.
    #[test]
    fn the_chinese_and_the_english_export_of_one_transaction_are_one() {
        let chinese = format!("{HEADER}{ROW_1}{ROW_2}");
        // CPU and Memory of t1 (both in the Chinese file), the same resource-hour with an amount
        // the Chinese file has for neither, and t2, which it lacks.
        let english = format!(
            "{EN_HEADER}Cloud Virtual Machine,t1,ins-1,Memory,2025-06-01 00:00:00,0.5\n\
             Cloud Virtual Machine,t1,ins-1,CPU,2025-06-01 00:00:00,1.5\n\
             Cloud Virtual Machine,t1,ins-1,GPU,2025-06-01 00:00:00,7\n\
             Cloud Virtual Machine,t2,ins-1,CPU,2025-06-01 01:00:00,1.5\n"
        );
        for (first, second) in [(&chinese, &english), (&english, &chinese)] {
            let mut dataset = Dataset::new();
            dataset.add(parse_file("first.csv", first.as_bytes()));
            dataset.add(parse_file("second.csv", second.as_bytes()));
            assert_eq!(dataset.duplicates(1).first_seen_in, [(0, 2)]);
            assert!(dataset.duplicates(1).differing_from.is_empty());
            assert_eq!(dataset.row_count(TableKind::BillDetails), 4);
        }
    }

    /// The international site leaves some names in Chinese: its export is still English by its
    /// header, and its rows match the Chinese export's on their amounts (they were counted twice).
    #[test]
    fn an_english_export_with_a_chinese_name_is_english() {
        let chinese =
            format!("{HEADER}{ROW_1}{ROW_2}云数据库,t3,db-1,存储,2025-06-01 00:00:00,2\n");
        let english = format!(
            "{EN_HEADER}Cloud Virtual Machine,t1,ins-1,Memory,2025-06-01 00:00:00,0.5\n\
             Cloud Virtual Machine,t1,ins-1,CPU,2025-06-01 00:00:00,1.5\n\
             云数据库,t3,db-1,Storage,2025-06-01 00:00:00,2\n"
        );
        for (first, second) in [(&chinese, &english), (&english, &chinese)] {
            let mut dataset = Dataset::new();
            dataset.add(parse_file("first.csv", first.as_bytes()));
            dataset.add(parse_file("second.csv", second.as_bytes()));
            assert_eq!(dataset.duplicates(1).first_seen_in, [(0, 3)]);
            assert_eq!(dataset.row_count(TableKind::BillDetails), 3);
        }
    }

    /// A file without a column of the identity (a FOCUS export has no 扣费时间) is compared on
    /// the columns it has, and an inclusive end (`23:59:59`) is the exclusive `00:00:00` after it.
    #[test]
    fn a_column_one_file_lacks_neither_matches_nor_contradicts() {
        let with_pay_time = "产品名称,交易ID,资源ID,组件名称,扣费时间,结束使用时间,优惠后总价\n\
            云服务器,t1,ins-1,CPU,2025-06-02 03:00:00,2025-06-01 23:59:59,1.5\n\
            云服务器,t1,ins-1,CPU,2025-06-03 03:00:00,2025-06-02 23:59:59,1.5\n";
        let without = "产品名称,交易ID,资源ID,组件名称,结束使用时间,优惠后总价\n\
            云服务器,t1,ins-1,CPU,2025-06-02 00:00:00,1.5\n\
            云服务器,t1,ins-1,内存,2025-06-02 00:00:00,1.5\n";
        let mut dataset = Dataset::new();
        dataset.add(parse_file("bill.csv", with_pay_time.as_bytes()));
        dataset.add(parse_file("export.csv", without.as_bytes()));
        assert_eq!(dataset.counted_rows(1).collect::<Vec<_>>(), [1]);
    }
}
