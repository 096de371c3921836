//! The columnar model every input is normalised into.
//!
//! A year of L3 detail can have millions of rows, and the browser holds it in a 4 GiB wasm
//! address space, so each cell is stored in about as few bytes as its value needs, without
//! giving up exactness:
//! - decimals as a mantissa at the value's own printed scale (`25.20` stays `25.20`: the report
//!   prints it), the scale kept once per column while it is uniform and per value only when it
//!   varies; mantissas take 4 bytes while the column's fit, then 8, and the column widens to
//!   [`Decimal`] storage when one needs more;
//! - times as seconds, 4 bytes counted from 2020 while they fit, else 8; which cells are
//!   present, in a bitmap beside the values;
//! - text as [`Symbol`]s, 2 bytes a cell while they fit, else 4. Bills repeat the same product,
//!   region and unit names on every row, so text is interned once per table; but a column that
//!   turns out nearly unique (交易ID, 订单ID) is switched to a plain arena of its strings, never
//!   hashed again.
//!
//! Columns carry the billing API's English field names (`RealCost`, `CashPayAmount`, …) whatever
//! language the file used, so the analyses read one vocabulary. Analyses that loop over rows find
//! a column once per table ([`Table::decimal_column`], …) and read it per row by index.

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

use crate::model::number::{Exact, SumBound};
use crate::model::time::BeijingTime;

pub(crate) mod wire;

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

/// A string of its table; resolve it with [`Table::resolve`]. Equal symbols are equal strings.
/// In an interned column the converse holds too; in a column stored as unique strings
/// ([`TextColumn::is_unique`]) each cell has its own symbol, so two cells may spell the same
/// string under different symbols: compare those by their text.
///
/// It holds an interned string's index + 1 (below 2^31), or 2^31 + the index of a unique
/// string, so that `Option<Symbol>`, one per text cell, takes 4 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(NonZeroU32);

/// The bit that marks a symbol of a unique string.
const UNIQUE: u32 = 1 << 31;

impl Symbol {
    fn interned(index: usize) -> Symbol {
        let code = u32::try_from(index + 1)
            .ok()
            .filter(|&code| code < UNIQUE)
            .expect("fewer than 2^31 distinct strings in a table");
        Symbol(NonZeroU32::new(code).expect("index + 1 is not zero"))
    }

    /// The index of an interned symbol's string among its table's distinct strings, counted from
    /// 0 without gaps; `None` for a symbol of a unique column's cell. A pass over many rows can
    /// index a vector by it instead of hashing symbols.
    pub fn interned_index(self) -> Option<usize> {
        let code = self.0.get();
        (code & UNIQUE == 0).then(|| code as usize - 1)
    }

    fn unique(index: usize) -> Symbol {
        let index = u32::try_from(index)
            .ok()
            .filter(|&index| index < UNIQUE)
            .expect("fewer than 2^31 unique strings in a table");
        Symbol(NonZeroU32::new(UNIQUE | index).expect("the high bit is set"))
    }
}

/// Strings stored end to end, each found by its index: one allocation for all of them, and 4
/// bytes of bookkeeping per string.
#[derive(Debug, Default)]
struct Arena {
    text: String,
    ends: Vec<u32>,
}

impl Arena {
    fn push(&mut self, text: &str) -> usize {
        self.text.push_str(text);
        self.ends
            .push(u32::try_from(self.text.len()).expect("a table's text fits in 4 GiB"));
        self.ends.len() - 1
    }

    fn get(&self, index: usize) -> &str {
        let start = index
            .checked_sub(1)
            .map_or(0, |previous| self.ends[previous] as usize);
        &self.text[start..self.ends[index] as usize]
    }

    /// [`Arena::get`] as bytes, to compare with: no character boundaries to check.
    fn bytes(&self, index: usize) -> &[u8] {
        let start = index
            .checked_sub(1)
            .map_or(0, |previous| self.ends[previous] as usize);
        &self.text.as_bytes()[start..self.ends[index] as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * size_of::<u32>()
    }
}

/// Every distinct string of the interned columns, stored once, and a hash table of their
/// indices that hashes a string's text (no second copy as a map key).
#[derive(Debug, Default)]
struct Interner {
    strings: Arena,
    index: HashTable<u32>,
    /// The string last interned in each of [`RECENT`] slots, chosen by its hash: the hash and
    /// the string's index + 1 (0 for none). A bill's text cells repeat a few thousand strings, so
    /// nearly every one is found here by one compare of hashes (and one of text, since different
    /// strings may share a hash) instead of a probe of `index`. Made on the first string, so a
    /// table without text has none.
    recent: Option<Box<[(u64, u32); RECENT]>>,
}

/// The slots of [`Interner::recent`].
const RECENT: usize = 1024;

/// [`Interner::recent`] when it is made: built on the heap, and out of line, as a 16 KiB array
/// in `intern`'s frame would cost a stack probe on every call.
#[cold]
#[inline(never)]
fn no_recent_strings() -> Box<[(u64, u32); RECENT]> {
    vec![(0, 0); RECENT]
        .into_boxed_slice()
        .try_into()
        .expect("RECENT slots")
}

impl Interner {
    /// The symbol of `text`, and whether the table had not seen it before.
    fn intern(&mut self, text: &str) -> (Symbol, bool) {
        let hash = fx_hash(text);
        let Interner {
            strings,
            index,
            recent,
        } = self;
        let bytes = text.as_bytes();
        let recent = recent.get_or_insert_with(no_recent_strings);
        // The low bits, as hashbrown's buckets take them (see the rotation above).
        let slot = &mut recent[hash as usize % RECENT];
        if let (true, Some(found)) = (slot.0 == hash, slot.1.checked_sub(1)) {
            if same_bytes(strings.bytes(found as usize), bytes) {
                return (Symbol::interned(found as usize), false);
            }
        }
        if let Some(&found) = index.find(hash, |&found| {
            same_bytes(strings.bytes(found as usize), bytes)
        }) {
            *slot = (hash, found + 1);
            return (Symbol::interned(found as usize), false);
        }
        let new = strings.push(text);
        index.insert_unique(hash, new as u32, |&other| {
            fx_hash(strings.get(other as usize))
        });
        *slot = (hash, new as u32 + 1);
        (Symbol::interned(new), true)
    }

    fn heap_bytes(&self) -> usize {
        // hashbrown keeps one control byte per bucket beside each slot.
        self.strings.heap_bytes()
            + self.index.capacity() * (size_of::<u32>() + 1)
            + self
                .recent
                .as_ref()
                .map_or(0, |_| size_of::<[(u64, u32); RECENT]>())
    }
}

/// `a == b`, eight bytes at a time. Slice equality calls `memcmp`, which in wasm is a loop over
/// single bytes (4 % of the worker's parse, comparing a row's text cells with interned strings).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let word = |eight: &[u8; 8]| u64::from_le_bytes(*eight);
    if a.len() != b.len() {
        return false;
    }
    match (a.last_chunk::<8>(), b.last_chunk::<8>()) {
        // The whole words, then the last eight bytes (overlapping the words when the length is
        // not a multiple of eight).
        (Some(a_last), Some(b_last)) => {
            let (a_words, b_words) = (a.as_chunks::<8>().0, b.as_chunks::<8>().0);
            word(a_last) == word(b_last)
                && a_words.iter().zip(b_words).all(|(a, b)| word(a) == word(b))
        }
        _ => a.iter().zip(b).all(|(a, b)| a == b),
    }
}

#[inline(always)]
fn fx_hash(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Which cells of a column are present, one bit per row.
#[derive(Clone, Debug, Default, PartialEq)]
struct Presence {
    words: Vec<u64>,
    len: usize,
}

impl Presence {
    fn absent(len: usize) -> Self {
        Presence {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    #[inline(always)]
    fn push(&mut self, present: bool) {
        let bit = self.len % 64;
        if bit == 0 {
            self.words.push(u64::from(present));
        } else if present {
            self.words[self.len / 64] |= 1 << bit;
        }
        self.len += 1;
    }

    /// Adds `rows` absent cells.
    fn push_absent_n(&mut self, rows: usize) {
        self.len += rows;
        self.words.resize(self.len.div_ceil(64), 0);
    }

    /// Adds the cells of `other` after these, a word at a time: shifted into place when this
    /// one's length is not a multiple of 64. Bits of `other` past its length are left out (a
    /// damaged part's must not turn later cells present).
    fn append(&mut self, other: &Presence) {
        let shift = self.len % 64;
        let words = other.len.div_ceil(64);
        let tail = other.len % 64;
        let masked = other.words[..words].iter().enumerate().map(|(at, &word)| {
            if at + 1 == words && tail != 0 {
                word & ((1 << tail) - 1)
            } else {
                word
            }
        });
        if shift == 0 {
            self.words.extend(masked);
        } else {
            for word in masked {
                *self.words.last_mut().expect("a partly filled word") |= word << shift;
                self.words.push(word >> (64 - shift));
            }
        }
        self.len += other.len;
        self.words.truncate(self.len.div_ceil(64));
    }

    /// Whether every cell is present.
    fn all(&self) -> bool {
        let (full, tail) = (self.len / 64, self.len % 64);
        self.words[..full].iter().all(|&word| word == u64::MAX)
            && (tail == 0 || self.words[full] & ((1 << tail) - 1) == (1 << tail) - 1)
    }

    /// Inlined: every typed cell read asks it (a call was a fifth of `DecimalColumn::get`).
    #[inline(always)]
    fn get(&self, row: usize) -> bool {
        row < self.len && self.words[row / 64] >> (row % 64) & 1 == 1
    }

    fn heap_bytes(&self) -> usize {
        self.words.capacity() * size_of::<u64>()
    }
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

/// The values of one column, one slot per row; an absent cell (empty or `-`) is `None` when
/// read, never zero.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnValues {
    Text(TextColumn),
    Decimal(DecimalColumn),
    Time(TimeColumn),
}

impl ColumnValues {
    fn absent(column_type: ColumnType, rows: usize) -> Self {
        match column_type {
            ColumnType::Text => ColumnValues::Text(TextColumn::absent(rows)),
            ColumnType::Decimal => ColumnValues::Decimal(DecimalColumn::absent(rows)),
            ColumnType::Time => ColumnValues::Time(TimeColumn::absent(rows)),
        }
    }

    /// Rows the column holds a slot for: always the table's row count (checked by the fuzz targets).
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Text(column) => column.len(),
            ColumnValues::Decimal(column) => column.present.len,
            ColumnValues::Time(column) => column.present.len,
        }
    }

    /// Whether the column holds no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline(always)]
    fn push_absent(&mut self) {
        match self {
            ColumnValues::Text(column) => column.push_absent(),
            ColumnValues::Decimal(column) => column.push_absent(),
            ColumnValues::Time(column) => column.push_absent(),
        }
    }

    /// Adds `rows` absent cells, as [`ColumnValues::push_absent`] `rows` times does.
    fn push_absent_n(&mut self, rows: usize) {
        match self {
            ColumnValues::Text(column) => match &mut column.codes {
                Codes::Narrow(codes) => codes.resize(codes.len() + rows, 0),
                Codes::Wide(symbols) => symbols.resize(symbols.len() + rows, None),
            },
            ColumnValues::Decimal(column) => {
                column.present.push_absent_n(rows);
                let len = column.present.len;
                match &mut column.values {
                    DecimalValues::Mantissas { mantissas, scales } => {
                        match mantissas {
                            Mantissas::Narrow(mantissas) => mantissas.resize(len, 0),
                            Mantissas::Wide(mantissas) => mantissas.resize(len, 0),
                        }
                        if let Scales::PerValue(scales) = scales {
                            scales.resize(len, 0);
                        }
                    }
                    DecimalValues::Wide(values) => values.resize(len, Decimal::ZERO),
                }
            }
            ColumnValues::Time(column) => {
                column.present.push_absent_n(rows);
                let len = column.present.len;
                match &mut column.secs {
                    Seconds::Narrow(secs) => secs.resize(len, 0),
                    Seconds::Wide(secs) => secs.resize(len, 0),
                }
            }
        }
    }

    /// Room for exactly `rows` more cells in the storage the column has now.
    fn reserve_exact(&mut self, rows: usize) {
        let (present, len) = match self {
            ColumnValues::Text(column) => {
                match &mut column.codes {
                    Codes::Narrow(codes) => codes.reserve_exact(rows),
                    Codes::Wide(symbols) => symbols.reserve_exact(rows),
                }
                return;
            }
            ColumnValues::Decimal(column) => {
                match &mut column.values {
                    DecimalValues::Mantissas { mantissas, scales } => {
                        match mantissas {
                            Mantissas::Narrow(mantissas) => mantissas.reserve_exact(rows),
                            Mantissas::Wide(mantissas) => mantissas.reserve_exact(rows),
                        }
                        if let Scales::PerValue(scales) = scales {
                            scales.reserve_exact(rows);
                        }
                    }
                    DecimalValues::Wide(values) => values.reserve_exact(rows),
                }
                (&mut column.present.words, column.present.len)
            }
            ColumnValues::Time(column) => {
                match &mut column.secs {
                    Seconds::Narrow(secs) => secs.reserve_exact(rows),
                    Seconds::Wide(secs) => secs.reserve_exact(rows),
                }
                (&mut column.present.words, column.present.len)
            }
        };
        let words = (len + rows).div_ceil(64);
        present.reserve_exact(words.saturating_sub(present.len()));
    }

    fn heap_bytes(&self) -> usize {
        match self {
            ColumnValues::Text(column) => column.heap_bytes(),
            ColumnValues::Decimal(column) => column.heap_bytes(),
            ColumnValues::Time(column) => column.heap_bytes(),
        }
    }
}

/// How many present cells a text column interns before [`TextColumn`] decides whether it is
/// nearly unique, and the share of them seen for the first time that makes it so.
const UNIQUENESS_SAMPLE: u32 = 4096;
const UNIQUE_PERCENT: u32 = 90;

/// Text cells as symbols. A column starts interned; after `UNIQUENESS_SAMPLE` present cells,
/// if at least `UNIQUE_PERCENT` % of them were strings the table had not seen, its later
/// cells go to the table's arena of unique strings without being hashed. The decision is
/// final: a column that starts unique and then repeats costs its strings' bytes per row, never
/// a wrong answer.
#[derive(Clone, Debug, PartialEq)]
pub struct TextColumn {
    codes: Codes,
    storage: TextStorage,
}

/// The cells' symbols: 2 bytes each while every one is an interned symbol below 2^16 (product,
/// region and unit names are interned in a table's first rows), else 4.
#[derive(Clone, Debug, PartialEq)]
enum Codes {
    /// A symbol's number, 0 for absent.
    Narrow(Vec<u16>),
    Wide(Vec<Option<Symbol>>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum TextStorage {
    /// Still counting: present cells so far, and how many of them the table saw first.
    Sampling {
        cells: u32,
        first_seen: u32,
    },
    Interned,
    Unique,
}

impl TextColumn {
    fn absent(rows: usize) -> Self {
        TextColumn {
            codes: Codes::Narrow(vec![0; rows]),
            storage: TextStorage::Sampling {
                cells: 0,
                first_seen: 0,
            },
        }
    }

    pub fn get(&self, row: usize) -> Option<Symbol> {
        match &self.codes {
            Codes::Narrow(codes) => NonZeroU32::new(u32::from(*codes.get(row)?)).map(Symbol),
            Codes::Wide(symbols) => symbols.get(row).copied().flatten(),
        }
    }

    #[inline(always)]
    fn push_absent(&mut self) {
        match &mut self.codes {
            Codes::Narrow(codes) => codes.push(0),
            Codes::Wide(symbols) => symbols.push(None),
        }
    }

    fn heap_bytes(&self) -> usize {
        match &self.codes {
            Codes::Narrow(codes) => codes.capacity() * size_of::<u16>(),
            Codes::Wide(symbols) => symbols.capacity() * size_of::<Option<Symbol>>(),
        }
    }

    /// Whether the column holds its strings unhashed, a symbol per cell (see [`Symbol`]).
    pub fn is_unique(&self) -> bool {
        self.storage == TextStorage::Unique
    }

    #[inline(always)]
    fn push(&mut self, text: &str, interner: &mut Interner, unique: &mut Arena) {
        if self.storage == TextStorage::Unique {
            self.push_symbol(Symbol::unique(unique.push(text)));
            return;
        }
        // One call site of the interner, inlined here: the per-cell path makes no call.
        let (symbol, new) = interner.intern(text);
        self.push_interned(symbol, new);
    }

    /// [`TextColumn::push`] of a row's cell, looked up first among the strings the column took
    /// lately (`texts`, made on the column's first cell): a column of a few distinct strings
    /// (product, region, unit and tag names) then finds its cell by its fingerprint, without
    /// hashing it or calling the interner. The symbol is the one the interner gives.
    #[inline(always)]
    fn push_recent(
        &mut self,
        text: &str,
        interner: &mut Interner,
        unique: &mut Arena,
        texts: &mut Option<Box<ColumnTexts>>,
    ) {
        if self.storage == TextStorage::Unique {
            self.push_symbol(Symbol::unique(unique.push(text)));
            return;
        }
        let texts = texts.get_or_insert_with(no_column_texts);
        let print = Fingerprint::of(text);
        let entry = &mut texts[print.slot()];
        let (symbol, new) = match entry.symbol {
            Some(symbol)
                if entry.print == print
                    && (print.is_exact()
                        || same_bytes(
                            interner
                                .strings
                                .bytes(symbol.interned_index().unwrap_or_default()),
                            text.as_bytes(),
                        )) =>
            {
                (symbol, false)
            }
            _ => {
                let (symbol, new) = interner.intern(text);
                *entry = TextEntry {
                    print,
                    symbol: Some(symbol),
                };
                (symbol, new)
            }
        };
        self.push_interned(symbol, new);
    }

    /// Adds a cell holding `symbol`, an interned string (`new` if the table had not seen it),
    /// counting it while the column is sampled.
    #[inline(always)]
    fn push_interned(&mut self, symbol: Symbol, new: bool) {
        if let TextStorage::Sampling { cells, first_seen } = &mut self.storage {
            *cells += 1;
            *first_seen += u32::from(new);
            if *cells == UNIQUENESS_SAMPLE {
                self.storage = if *first_seen * 100 >= *cells * UNIQUE_PERCENT {
                    TextStorage::Unique
                } else {
                    TextStorage::Interned
                };
            }
        }
        self.push_symbol(symbol);
    }

    /// Copies the cells of `from`, a column of `other`, onto the end of this column of the table
    /// whose strings are `interner` and `unique`, as pushing them one at a time would: while this
    /// column samples, cell by cell (each present one counts toward its decision); a unique
    /// column takes each cell's string into `unique`; an interned one maps each symbol of
    /// `other` through `interned`, which holds per string of `other`'s interner (by its
    /// symbol's number, 0 for an absent cell) the number of its symbol here once looked up (0
    /// until then): a column's cells then cost a lookup each, never a hash, and the strings new
    /// here are interned in the order pushing the cells would intern them.
    fn append(
        &mut self,
        from: &TextColumn,
        other: &Table,
        interner: &mut Interner,
        unique: &mut Arena,
        interned: &mut [u32],
    ) {
        let rows = from.len();
        let mut row = 0;
        while row < rows && matches!(self.storage, TextStorage::Sampling { .. }) {
            match from.get(row) {
                Some(symbol) => self.push(other.resolve(symbol), interner, unique),
                None => self.push_absent(),
            }
            row += 1;
        }
        if row == rows {
            return;
        }
        if self.storage == TextStorage::Unique {
            // Room for exactly this column's strings (an arena grown by doubling could hold
            // twice them, and the other table's arena also holds other columns' strings).
            let (mut bytes, mut strings) = (0, 0);
            for row in row..rows {
                if let Some(symbol) = from.get(row) {
                    bytes += other.resolve(symbol).len();
                    strings += 1;
                }
            }
            unique.text.reserve_exact(bytes);
            unique.ends.reserve_exact(strings);
            for row in row..rows {
                match from.get(row) {
                    Some(symbol) => {
                        self.push_symbol(Symbol::unique(unique.push(other.resolve(symbol))));
                    }
                    None => self.push_absent(),
                }
            }
            return;
        }
        let map = |code: u32| match interned.get(code as usize) {
            Some(&mapped) if mapped != 0 || code == 0 => mapped,
            // An interned string of `other` not looked up yet.
            Some(_) => {
                let text = other.strings.strings.get(code as usize - 1);
                let mapped = interner.intern(text).0 .0.get();
                interned[code as usize] = mapped;
                mapped
            }
            // A unique string of `other` (its column stored unhashed there, interned here).
            None => {
                let symbol = Symbol(NonZeroU32::new(code).expect("not an absent cell"));
                interner.intern(other.resolve(symbol)).0 .0.get()
            }
        };
        match &from.codes {
            Codes::Narrow(codes) => {
                self.push_codes(codes[row..].iter().map(|&c| u32::from(c)), map)
            }
            Codes::Wide(symbols) => self.push_codes(
                symbols[row..]
                    .iter()
                    .map(|symbol| symbol.map_or(0, |symbol| symbol.0.get())),
                map,
            ),
        }
    }

    /// Adds a cell per code of `codes` (a symbol's number, 0 for absent), each mapped by `map`,
    /// widening the column's codes, with room for the rest, at the first past 2 bytes.
    fn push_codes(
        &mut self,
        mut codes: impl ExactSizeIterator<Item = u32>,
        mut map: impl FnMut(u32) -> u32,
    ) {
        if let Codes::Narrow(narrow) = &mut self.codes {
            let mut past_two_bytes = None;
            for code in codes.by_ref() {
                let mapped = map(code);
                match u16::try_from(mapped) {
                    Ok(mapped) => narrow.push(mapped),
                    Err(_) => {
                        past_two_bytes = Some(mapped);
                        break;
                    }
                }
            }
            let Some(first) = past_two_bytes else {
                return;
            };
            let mut wide = Vec::with_capacity(narrow.len() + 1 + codes.len());
            wide.extend(
                narrow
                    .iter()
                    .map(|&code| NonZeroU32::new(u32::from(code)).map(Symbol)),
            );
            wide.push(NonZeroU32::new(first).map(Symbol));
            self.codes = Codes::Wide(wide);
        }
        if let Codes::Wide(wide) = &mut self.codes {
            wide.extend(codes.map(|code| NonZeroU32::new(map(code)).map(Symbol)));
        }
    }

    fn len(&self) -> usize {
        match &self.codes {
            Codes::Narrow(codes) => codes.len(),
            Codes::Wide(codes) => codes.len(),
        }
    }

    /// Adds a cell holding `symbol`, widening the codes if it needs more than 2 bytes.
    #[inline(always)]
    fn push_symbol(&mut self, symbol: Symbol) {
        match &mut self.codes {
            Codes::Narrow(codes) => match u16::try_from(symbol.0.get()) {
                Ok(code) => codes.push(code),
                Err(_) => self.widen_and_push(symbol),
            },
            Codes::Wide(symbols) => symbols.push(Some(symbol)),
        }
    }

    /// [`TextColumn::push_symbol`] of the first symbol past 2 bytes: once per column at most.
    #[cold]
    #[inline(never)]
    fn widen_and_push(&mut self, symbol: Symbol) {
        if let Codes::Narrow(codes) = &self.codes {
            // The narrow codes' room, not twice their length as a push after a collect takes.
            let mut wide = Vec::with_capacity(codes.capacity().max(codes.len() + 1));
            wide.extend(
                codes
                    .iter()
                    .map(|&code| NonZeroU32::new(u32::from(code)).map(Symbol)),
            );
            wide.push(Some(symbol));
            self.codes = Codes::Wide(wide);
        }
    }
}

/// The strings a text column took lately, by [`Fingerprint::slot`] ([`TextColumn::push_recent`]).
type ColumnTexts = [TextEntry; COLUMN_TEXTS];

/// The slots of [`ColumnTexts`]: a bill's text columns mostly hold fewer distinct strings.
const COLUMN_TEXTS: usize = 32;

#[derive(Clone, Copy, Debug, Default)]
struct TextEntry {
    print: Fingerprint,
    /// An interned symbol of the string `print` was taken of; `None` for an empty slot.
    symbol: Option<Symbol>,
}

/// [`ColumnTexts`] when a column takes its first string: on the heap, out of line.
#[cold]
#[inline(never)]
fn no_column_texts() -> Box<ColumnTexts> {
    Box::new([TextEntry::default(); COLUMN_TEXTS])
}

/// A string's length and its first and last eight bytes (fewer bytes spread over the words for
/// a shorter one): every byte of a string of at most 16 bytes, so equal fingerprints of such
/// strings are equal strings; a longer one is compared in full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Fingerprint {
    first: u64,
    last: u64,
    len: usize,
}

impl Fingerprint {
    #[inline(always)]
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let len = bytes.len();
        let (first, last) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
            // Together they hold bytes 0..8 and len-8..len: all of them up to 16.
            (Some(first), Some(last)) => (u64::from_le_bytes(*first), u64::from_le_bytes(*last)),
            _ => match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
                // Bytes 0..4 and len-4..len: all of them up to 8.
                (Some(first), Some(last)) => (
                    u64::from(u32::from_le_bytes(*first))
                        | u64::from(u32::from_le_bytes(*last)) << 32,
                    0,
                ),
                // Bytes 0, len/2 and len-1: all of them up to 3.
                _ => match (bytes.first(), bytes.get(len / 2), bytes.last()) {
                    (Some(&first), Some(&middle), Some(&last)) => (
                        u64::from(first) | u64::from(middle) << 8 | u64::from(last) << 16,
                        0,
                    ),
                    _ => (0, 0),
                },
            },
        };
        Fingerprint { first, last, len }
    }

    /// Whether the fingerprint holds every byte of its string.
    #[inline(always)]
    fn is_exact(&self) -> bool {
        self.len <= 16
    }

    /// The slot of [`ColumnTexts`] the string goes to.
    #[inline(always)]
    fn slot(&self) -> usize {
        let mixed = (self.first ^ self.last.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> (64 - COLUMN_TEXTS.trailing_zeros())) as usize
    }
}

/// Exact decimals, each at its own scale, in 4 or 8 bytes (and a bit) while they fit.
#[derive(Clone, Debug, PartialEq)]
pub struct DecimalColumn {
    present: Presence,
    values: DecimalValues,
}

#[derive(Clone, Debug, PartialEq)]
enum DecimalValues {
    /// Each value is `mantissa / 10^scale`; absent slots hold 0.
    Mantissas {
        mantissas: Mantissas,
        scales: Scales,
    },
    /// Some value's mantissa needs more than 64 bits (or it is a negative zero, which a
    /// mantissa cannot spell); absent slots hold zero.
    Wide(Vec<Decimal>),
}

/// 4 bytes a mantissa while every one of the column fits (usage, rates, zeros, small amounts),
/// else 8.
#[derive(Clone, Debug, PartialEq)]
enum Mantissas {
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

impl Mantissas {
    #[inline(always)]
    fn get(&self, row: usize) -> i64 {
        match self {
            Mantissas::Narrow(mantissas) => i64::from(mantissas[row]),
            Mantissas::Wide(mantissas) => mantissas[row],
        }
    }

    fn len(&self) -> usize {
        match self {
            Mantissas::Narrow(mantissas) => mantissas.len(),
            Mantissas::Wide(mantissas) => mantissas.len(),
        }
    }

    fn capacity(&self) -> usize {
        match self {
            Mantissas::Narrow(mantissas) => mantissas.capacity(),
            Mantissas::Wide(mantissas) => mantissas.capacity(),
        }
    }

    /// Adds `mantissa`, widening to 8 bytes each if it needs more than 4.
    #[inline(always)]
    fn push(&mut self, mantissa: i64) {
        match self {
            Mantissas::Narrow(mantissas) => match i32::try_from(mantissa) {
                Ok(narrow) => mantissas.push(narrow),
                Err(_) => self.widen_and_push(mantissa),
            },
            Mantissas::Wide(mantissas) => mantissas.push(mantissa),
        }
    }

    /// [`Mantissas::push`] of the first mantissa past 4 bytes: once per column at most.
    #[cold]
    #[inline(never)]
    fn widen_and_push(&mut self, mantissa: i64) {
        if let Mantissas::Narrow(mantissas) = self {
            let mut wide = Vec::with_capacity(mantissas.capacity().max(mantissas.len() + 1));
            wide.extend(mantissas.iter().map(|&m| i64::from(m)));
            wide.push(mantissa);
            *self = Mantissas::Wide(wide);
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Mantissas::Narrow(mantissas) => mantissas.capacity() * size_of::<i32>(),
            Mantissas::Wide(mantissas) => mantissas.capacity() * size_of::<i64>(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Scales {
    /// Every present value has this scale (`None` before the first).
    Uniform(Option<u8>),
    PerValue(Vec<u8>),
}

impl Scales {
    /// Row `row`'s scale (0 for a column with no value yet).
    #[inline(always)]
    fn at(&self, row: usize) -> u8 {
        match self {
            Scales::Uniform(scale) => scale.unwrap_or_default(),
            Scales::PerValue(scales) => scales[row],
        }
    }
}

impl DecimalColumn {
    fn absent(rows: usize) -> Self {
        DecimalColumn {
            present: Presence::absent(rows),
            values: DecimalValues::Mantissas {
                mantissas: Mantissas::Narrow(vec![0; rows]),
                scales: Scales::Uniform(None),
            },
        }
    }

    pub fn get(&self, row: usize) -> Option<Decimal> {
        if !self.present.get(row) {
            return None;
        }
        Some(match &self.values {
            DecimalValues::Mantissas { mantissas, scales } => {
                let scale = scales.at(row);
                Decimal::new(mantissas.get(row), u32::from(scale))
            }
            DecimalValues::Wide(values) => values[row],
        })
    }

    /// Row `row`'s value as its mantissa and scale, without making a [`Decimal`] (a negative
    /// zero reads as zero): what the analyses' exact integer arithmetic reads.
    #[inline(always)]
    pub fn parts(&self, row: usize) -> Option<(i128, u32)> {
        if !self.present.get(row) {
            return None;
        }
        Some(match &self.values {
            DecimalValues::Mantissas { mantissas, scales } => {
                let scale = scales.at(row);
                (i128::from(mantissas.get(row)), u32::from(scale))
            }
            DecimalValues::Wide(values) => (values[row].mantissa(), values[row].scale()),
        })
    }

    /// The values as mantissas at one scale (`mantissa / 10^scale`, absent cells 0), when every
    /// present value has the same scale and fits an `i64`: a sum over many rows can then add
    /// integers and make one `Decimal` at the end.
    pub fn at_one_scale(&self) -> Option<OneScale<'_>> {
        match &self.values {
            DecimalValues::Mantissas {
                mantissas,
                scales: Scales::Uniform(scale),
            } => Some(OneScale {
                present: &self.present,
                mantissas,
                scale: u32::from(scale.unwrap_or_default()),
            }),
            _ => None,
        }
    }

    /// Whether every cell is present, its non-zero cells at one scale and its zeros at one scale
    /// (a bill's amounts: `12.34000000`, and `0`). Sums of such cells come to the same value and
    /// scale whatever the order and grouping they are added in, except a sum of zero that
    /// non-zero cells cancelled to: `Decimal` gives a zero operand's other operand as it is, so
    /// only such a zero's scale depends on the order (see `report::RowsPass`).
    pub fn adds_alike(&self) -> bool {
        if !self.present.all() {
            return false;
        }
        let (mut nonzero, mut zero) = (None, None);
        let mut alike = |mantissa_is_zero: bool, scale: u32| {
            let seen = if mantissa_is_zero {
                &mut zero
            } else {
                &mut nonzero
            };
            *seen.get_or_insert(scale) == scale
        };
        match &self.values {
            DecimalValues::Mantissas {
                scales: Scales::Uniform(_),
                ..
            } => true,
            DecimalValues::Mantissas {
                mantissas,
                scales: Scales::PerValue(scales),
            } => (0..self.present.len)
                .all(|row| alike(mantissas.get(row) == 0, u32::from(scales[row]))),
            DecimalValues::Wide(values) => values
                .iter()
                .all(|value| alike(value.is_zero(), value.scale())),
        }
    }

    /// How far any sum of the column's values can reach ([`SumBound`]): their magnitudes added per
    /// scale, then at the largest. One pass over the mantissas, made once per file.
    pub fn sum_bound(&self) -> SumBound {
        let DecimalValues::Mantissas { mantissas, scales } = &self.values else {
            // Wider than an `i64`: rare, read one by one.
            return (0..self.present.len)
                .filter_map(|row| self.get(row))
                .fold(SumBound::default(), |bound, value| {
                    bound.and(SumBound::of(value))
                });
        };
        // Absent cells hold 0, which adds nothing.
        let mut by_scale = [0u128; 29];
        match (scales, mantissas) {
            (Scales::Uniform(scale), Mantissas::Narrow(values)) => {
                by_scale[usize::from(scale.unwrap_or_default())] =
                    values.iter().map(|m| u128::from(m.unsigned_abs())).sum();
            }
            (Scales::Uniform(scale), Mantissas::Wide(values)) => {
                by_scale[usize::from(scale.unwrap_or_default())] =
                    values.iter().map(|m| u128::from(m.unsigned_abs())).sum();
            }
            (Scales::PerValue(scales), mantissas) => {
                for (row, &scale) in scales.iter().enumerate() {
                    by_scale[usize::from(scale)] += u128::from(mantissas.get(row).unsigned_abs());
                }
            }
        }
        (0u32..)
            .zip(by_scale)
            .fold(SumBound::default(), |bound, (scale, magnitude)| {
                bound.and(SumBound::at_scale(scale, magnitude))
            })
    }

    /// Whether some value did not fit an `i64` mantissa, so every value takes 16 bytes.
    pub fn is_wide(&self) -> bool {
        matches!(self.values, DecimalValues::Wide(_))
    }

    #[inline(always)]
    fn push_absent(&mut self) {
        self.present.push(false);
        match &mut self.values {
            DecimalValues::Mantissas { mantissas, scales } => {
                mantissas.push(0);
                if let Scales::PerValue(scales) = scales {
                    scales.push(0);
                }
            }
            DecimalValues::Wide(values) => values.push(Decimal::ZERO),
        }
    }

    fn push(&mut self, value: Decimal) {
        let mantissa = i64::try_from(value.mantissa())
            .ok()
            .filter(|_| !(value.is_zero() && value.is_sign_negative()));
        let scale = u8::try_from(value.scale()).expect("a decimal's scale is at most 28");
        match mantissa {
            Some(mantissa) => self.push_plain(mantissa, scale),
            None => {
                if !self.is_wide() {
                    self.widen();
                }
                self.present.push(true);
                if let DecimalValues::Wide(values) = &mut self.values {
                    values.push(value);
                }
            }
        }
    }

    /// [`DecimalColumn::push`] of `mantissa / 10^scale` (no negative zero).
    #[inline(always)]
    fn push_plain(&mut self, mantissa: i64, scale: u8) {
        self.present.push(true);
        match &mut self.values {
            DecimalValues::Mantissas { mantissas, scales } => {
                match scales {
                    Scales::Uniform(Some(uniform)) if *uniform == scale => {}
                    Scales::Uniform(uniform @ None) => *uniform = Some(scale),
                    Scales::Uniform(Some(uniform)) => {
                        let len = mantissas.len();
                        let mut per_value = Vec::with_capacity(mantissas.capacity().max(len + 1));
                        per_value.resize(len, *uniform);
                        per_value.push(scale);
                        *scales = Scales::PerValue(per_value);
                    }
                    Scales::PerValue(scales) => scales.push(scale),
                }
                mantissas.push(mantissa);
            }
            DecimalValues::Wide(values) => values.push(Decimal::new(mantissa, u32::from(scale))),
        }
    }

    #[inline(always)]
    fn push_exact(&mut self, value: Exact) {
        match value {
            Exact::Plain { mantissa, scale } => self.push_plain(mantissa, scale),
            Exact::Decimal(value) => self.push(value),
        }
    }

    /// Moves every value to 16-byte [`Decimal`] storage, for good, keeping the room the
    /// mantissas had.
    fn widen(&mut self) {
        let rows = self.present.len;
        let room = match &self.values {
            DecimalValues::Mantissas { mantissas, .. } => mantissas.capacity(),
            DecimalValues::Wide(values) => values.capacity(),
        };
        let mut wide = Vec::with_capacity(room.max(rows + 1));
        wide.extend((0..rows).map(|row| self.get(row).unwrap_or(Decimal::ZERO)));
        self.values = DecimalValues::Wide(wide);
    }

    /// Adds the cells of `from` after these, as pushing them one at a time would: the
    /// mantissas copied (widened to 8 bytes if `from`'s need it), the scales kept uniform while
    /// both columns' are the same; value by value only where either column is [`Decimal`]s.
    fn append(&mut self, from: &DecimalColumn) {
        let (
            DecimalValues::Mantissas { mantissas, scales },
            DecimalValues::Mantissas {
                mantissas: from_mantissas,
                scales: from_scales,
            },
        ) = (&mut self.values, &from.values)
        else {
            for row in 0..from.present.len {
                match from.get(row) {
                    Some(value) => self.push(value),
                    None => self.push_absent(),
                }
            }
            return;
        };
        let len = self.present.len;
        let total = len + from.present.len;
        match (&mut *scales, from_scales) {
            // `from` has no present cell.
            (Scales::PerValue(scales), Scales::Uniform(None)) => scales.resize(total, 0),
            (Scales::Uniform(_), Scales::Uniform(None)) => {}
            (Scales::Uniform(uniform @ None), Scales::Uniform(Some(scale))) => {
                *uniform = Some(*scale);
            }
            (Scales::Uniform(Some(uniform)), Scales::Uniform(Some(scale))) if uniform == scale => {}
            (scales, from_scales) => {
                if let Scales::Uniform(uniform) = scales {
                    let mut per_value = Vec::with_capacity(total);
                    per_value.resize(len, uniform.unwrap_or_default());
                    *scales = Scales::PerValue(per_value);
                }
                if let Scales::PerValue(scales) = scales {
                    match from_scales {
                        Scales::Uniform(scale) => scales.resize(total, scale.unwrap_or_default()),
                        Scales::PerValue(from_scales) => scales.extend_from_slice(from_scales),
                    }
                }
            }
        }
        match (&mut *mantissas, from_mantissas) {
            (Mantissas::Narrow(into), Mantissas::Narrow(from)) => into.extend_from_slice(from),
            (Mantissas::Wide(into), Mantissas::Wide(from)) => into.extend_from_slice(from),
            (Mantissas::Wide(into), Mantissas::Narrow(from)) => {
                into.extend(from.iter().map(|&mantissa| i64::from(mantissa)));
            }
            (Mantissas::Narrow(into), Mantissas::Wide(from)) => {
                if from.iter().all(|&mantissa| i32::try_from(mantissa).is_ok()) {
                    into.extend(from.iter().map(|&mantissa| mantissa as i32));
                } else {
                    let mut wide = Vec::with_capacity(total);
                    wide.extend(into.iter().map(|&mantissa| i64::from(mantissa)));
                    wide.extend_from_slice(from);
                    *mantissas = Mantissas::Wide(wide);
                }
            }
        }
        self.present.append(&from.present);
    }

    fn heap_bytes(&self) -> usize {
        self.present.heap_bytes()
            + match &self.values {
                DecimalValues::Mantissas { mantissas, scales } => {
                    mantissas.heap_bytes()
                        + match scales {
                            Scales::Uniform(_) => 0,
                            Scales::PerValue(scales) => scales.capacity(),
                        }
                }
                DecimalValues::Wide(values) => values.capacity() * size_of::<Decimal>(),
            }
    }
}

/// A [`DecimalColumn`] whose values all have one scale ([`DecimalColumn::at_one_scale`]).
#[derive(Clone, Copy, Debug)]
pub struct OneScale<'a> {
    present: &'a Presence,
    mantissas: &'a Mantissas,
    scale: u32,
}

impl OneScale<'_> {
    /// Row `row`'s value times 10^scale; `None` for an absent cell.
    #[inline]
    pub fn get(&self, row: usize) -> Option<i64> {
        self.present.get(row).then(|| self.mantissas.get(row))
    }

    /// Row `row`'s value times 10^scale; 0 for an absent cell.
    pub fn mantissa(&self, row: usize) -> i64 {
        if self.present.get(row) {
            self.mantissas.get(row)
        } else {
            0
        }
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }
}

/// Instants as seconds (see [`BeijingTime`]): 4 bytes each, counted from 2020, while every
/// instant of the column falls between 1952 and 2088 (bills do), else 8 from the Unix epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeColumn {
    present: Presence,
    secs: Seconds,
}

/// 2020-01-01T00:00:00Z, the origin of [`Seconds::Narrow`].
const NARROW_EPOCH: i64 = 1_577_836_800;

#[derive(Clone, Debug, PartialEq)]
enum Seconds {
    /// Seconds since [`NARROW_EPOCH`]; absent slots hold 0.
    Narrow(Vec<i32>),
    /// Seconds since the Unix epoch.
    Wide(Vec<i64>),
}

impl TimeColumn {
    fn absent(rows: usize) -> Self {
        TimeColumn {
            present: Presence::absent(rows),
            secs: Seconds::Narrow(vec![0; rows]),
        }
    }

    pub fn get(&self, row: usize) -> Option<BeijingTime> {
        if !self.present.get(row) {
            return None;
        }
        let secs = match &self.secs {
            Seconds::Narrow(secs) => NARROW_EPOCH + i64::from(secs[row]),
            Seconds::Wide(secs) => secs[row],
        };
        Some(BeijingTime::from_utc_epoch_secs(secs))
    }

    #[inline(always)]
    fn push_absent(&mut self) {
        self.present.push(false);
        match &mut self.secs {
            Seconds::Narrow(secs) => secs.push(0),
            Seconds::Wide(secs) => secs.push(0),
        }
    }

    #[inline(always)]
    fn push(&mut self, time: BeijingTime) {
        self.present.push(true);
        let secs = time.utc_epoch_secs();
        match &mut self.secs {
            Seconds::Narrow(narrow_secs) => match secs
                .checked_sub(NARROW_EPOCH)
                .and_then(|secs| i32::try_from(secs).ok())
            {
                Some(narrow) => narrow_secs.push(narrow),
                None => {
                    let len = narrow_secs.len();
                    let mut wide = Vec::with_capacity(narrow_secs.capacity().max(len + 1));
                    wide.extend(
                        narrow_secs
                            .iter()
                            .map(|&secs| NARROW_EPOCH + i64::from(secs)),
                    );
                    wide.push(secs);
                    self.secs = Seconds::Wide(wide);
                }
            },
            Seconds::Wide(wide) => wide.push(secs),
        }
    }

    /// Adds the cells of `from` after these, as pushing them one at a time would: the seconds
    /// copied, widened to 8 bytes if `from`'s need it.
    fn append(&mut self, from: &TimeColumn) {
        let total = self.present.len + from.present.len;
        let narrow = |secs: i64| {
            secs.checked_sub(NARROW_EPOCH)
                .and_then(|secs| i32::try_from(secs).ok())
        };
        match (&mut self.secs, &from.secs) {
            (Seconds::Narrow(into), Seconds::Narrow(from)) => into.extend_from_slice(from),
            (Seconds::Wide(into), Seconds::Wide(from)) => into.extend_from_slice(from),
            (Seconds::Wide(into), Seconds::Narrow(from)) => {
                into.extend(from.iter().map(|&secs| NARROW_EPOCH + i64::from(secs)));
            }
            (Seconds::Narrow(into), Seconds::Wide(from)) => {
                if from.iter().all(|&secs| narrow(secs).is_some()) {
                    into.extend(from.iter().map(|&secs| narrow(secs).unwrap_or_default()));
                } else {
                    let mut wide = Vec::with_capacity(total);
                    wide.extend(into.iter().map(|&secs| NARROW_EPOCH + i64::from(secs)));
                    wide.extend_from_slice(from);
                    self.secs = Seconds::Wide(wide);
                }
            }
        }
        self.present.append(&from.present);
    }

    fn heap_bytes(&self) -> usize {
        self.present.heap_bytes()
            + match &self.secs {
                Seconds::Narrow(secs) => secs.capacity() * size_of::<i32>(),
                Seconds::Wide(secs) => secs.capacity() * size_of::<i64>(),
            }
    }
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

/// The cell of one column of a row being read ([`Table::push_slots`]): the importers convert each
/// cell of a row into the slot of its column, and the row goes into the table only once every
/// cell has been read (a row is imported whole or rejected whole).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) enum Slot<'a> {
    #[default]
    Absent,
    Text(&'a str),
    Number(Exact),
    Time(BeijingTime),
}

impl<'a> From<Cell<'a>> for Slot<'a> {
    fn from(cell: Cell<'a>) -> Self {
        match cell {
            Cell::Text(text) => Slot::Text(text),
            Cell::Decimal(value) => Slot::Number(Exact::Decimal(value)),
            Cell::Time(time) => Slot::Time(time),
        }
    }
}

/// A table's columns grouped by the type of cell they take ([`Table::group_columns`]), each
/// with the index of its cell in the caller's row, for [`Table::push_grouped`].
#[derive(Clone, Debug)]
pub(crate) struct ColumnGroups {
    /// Text columns in column order, and their cells.
    texts: Vec<(usize, usize)>,
    /// Decimal columns and their cells.
    numbers: Vec<(usize, usize)>,
    /// Time columns and their cells.
    times: Vec<(usize, usize)>,
    /// Columns no cell goes to.
    absent: Vec<usize>,
    /// The table's columns when grouped.
    columns: usize,
}

impl ColumnGroups {
    /// How many columns the table had when grouped.
    pub(crate) fn columns(&self) -> usize {
        self.columns
    }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoredSource {
    Line(u64),
    Record(Symbol),
}

/// Each row's [`StoredSource`], in runs: rows on consecutive lines (a CSV file without multi-line
/// cells, a sheet) are one run, so a million rows cost a few bytes rather than 16 each (their
/// list was 16 MiB of a 1M-row table, in wasm's peak); a record path is a run of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Sources {
    /// The first row of each run and its source; the later rows of a line run are on the
    /// following lines.
    runs: Vec<(usize, StoredSource)>,
    len: usize,
}

impl Sources {
    fn push(&mut self, source: StoredSource) {
        let continues = match (self.runs.last(), source) {
            (Some(&(first, StoredSource::Line(line))), StoredSource::Line(next)) => {
                line.checked_add((self.len - first) as u64) == Some(next)
            }
            _ => false,
        };
        if !continues {
            self.runs.push((self.len, source));
        }
        self.len += 1;
    }

    /// [`Sources::push`] of `rows` rows from `source` on: the rows of a line run are on the
    /// lines after it (a record path's run is one row long).
    fn push_run(&mut self, source: StoredSource, rows: usize) {
        match source {
            StoredSource::Line(_) if rows > 0 => {
                self.push(source);
                self.len += rows - 1;
            }
            _ => (0..rows).for_each(|_| self.push(source)),
        }
    }

    /// Each run's rows and its first row's source, in order.
    fn run_lengths(&self) -> impl Iterator<Item = (usize, StoredSource)> + '_ {
        self.runs
            .iter()
            .enumerate()
            .map(move |(index, &(first, source))| {
                let end = self.runs.get(index + 1).map_or(self.len, |&(next, _)| next);
                (end - first, source)
            })
    }

    /// The source of `row`; panics past the last row, as indexing does.
    fn get(&self, row: usize) -> StoredSource {
        assert!(row < self.len, "row {row} of {}", self.len);
        let run = self.runs.partition_point(|&(first, _)| first <= row) - 1;
        Self::in_run(self.runs[run], row)
    }

    fn in_run((first, source): (usize, StoredSource), row: usize) -> StoredSource {
        match source {
            StoredSource::Line(line) => StoredSource::Line(line + (row - first) as u64),
            record => record,
        }
    }

    /// Every row's source in order.
    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = StoredSource> + '_ {
        self.runs.iter().enumerate().flat_map(move |(index, &run)| {
            let end = self.runs.get(index + 1).map_or(self.len, |&(next, _)| next);
            (run.0..end).map(move |row| Self::in_run(run, row))
        })
    }

    fn heap_bytes(&self) -> usize {
        self.runs.capacity() * size_of::<(usize, StoredSource)>()
    }
}

impl FromIterator<StoredSource> for Sources {
    fn from_iter<I: IntoIterator<Item = StoredSource>>(sources: I) -> Self {
        let mut collected = Sources::default();
        for source in sources {
            collected.push(source);
        }
        collected
    }
}

/// Rows of one kind, stored by column.
#[derive(Debug)]
pub struct Table {
    kind: TableKind,
    strings: Interner,
    /// The strings of the columns found nearly unique, one per cell.
    unique_strings: Arena,
    columns: Vec<Column>,
    /// Per column, the strings it took lately (see [`TextColumn::push_recent`]): made for a
    /// text column when a row is pushed. Only a cache: a table holds the same cells without.
    column_texts: Vec<Option<Box<ColumnTexts>>>,
    column_index: FxHashMap<String, usize>,
    row_count: usize,
    /// Each row's [`RowSource`].
    sources: Sources,
    /// The line above the header, where an export has one (`内容分发网络 CDN 5分钟明细`).
    title: Option<String>,
}

impl Table {
    pub fn new(kind: TableKind) -> Self {
        Table {
            kind,
            strings: Interner::default(),
            unique_strings: Arena::default(),
            columns: Vec::new(),
            column_texts: Vec::new(),
            column_index: FxHashMap::default(),
            row_count: 0,
            sources: Sources::default(),
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

    /// Column `name` if it holds text: find it once, then read it per row.
    pub fn text_column(&self, name: &str) -> Option<&TextColumn> {
        match &self.column(name)?.values {
            ColumnValues::Text(column) => Some(column),
            _ => None,
        }
    }

    /// Column `name` if it holds decimals: find it once, then read it per row.
    pub fn decimal_column(&self, name: &str) -> Option<&DecimalColumn> {
        match &self.column(name)?.values {
            ColumnValues::Decimal(column) => Some(column),
            _ => None,
        }
    }

    /// Column `name` if it holds times: find it once, then read it per row.
    pub fn time_column(&self, name: &str) -> Option<&TimeColumn> {
        match &self.column(name)?.values {
            ColumnValues::Time(column) => Some(column),
            _ => None,
        }
    }

    pub fn resolve(&self, symbol: Symbol) -> &str {
        let code = symbol.0.get();
        if code & UNIQUE == 0 {
            self.strings.strings.get(code as usize - 1)
        } else {
            self.unique_strings.get((code & !UNIQUE) as usize)
        }
    }

    /// Where row `row` is in its file.
    pub fn source(&self, row: usize) -> RowSource<'_> {
        match self.sources.get(row) {
            StoredSource::Line(line) => RowSource::Line(line),
            StoredSource::Record(path) => RowSource::Record(self.resolve(path)),
        }
    }

    /// The text in column `name` at `row`; `None` when absent or not a text column.
    pub fn text(&self, name: &str, row: usize) -> Option<&str> {
        let symbol = self.text_column(name)?.get(row)?;
        Some(self.resolve(symbol))
    }

    pub fn decimal(&self, name: &str, row: usize) -> Option<Decimal> {
        self.decimal_column(name)?.get(row)
    }

    pub fn time(&self, name: &str, row: usize) -> Option<BeijingTime> {
        self.time_column(name)?.get(row)
    }

    /// The index of column `name`, created (absent in every earlier row) if it is new; a column
    /// made without a source header takes `source_header` when one comes.
    pub fn ensure_column(
        &mut self,
        name: &str,
        source_header: &str,
        role: ColumnRole,
        column_type: ColumnType,
    ) -> usize {
        if let Some(&index) = self.column_index.get(name) {
            // A unit column made for a quantity's glued unit, then found in the file.
            let column = &mut self.columns[index];
            if column.source_header.is_empty() {
                source_header.clone_into(&mut column.source_header);
            }
            return index;
        }
        self.columns.push(Column {
            name: name.to_owned(),
            source_header: source_header.to_owned(),
            role,
            values: ColumnValues::absent(column_type, self.row_count),
        });
        self.column_index
            .insert(name.to_owned(), self.columns.len() - 1);
        self.columns.len() - 1
    }

    /// Appends one row found at `source`; columns not mentioned are absent. A cell whose type does
    /// not match its column is stored as absent, and a later cell for the same column wins.
    pub fn push_row(&mut self, source: RowSource<'_>, cells: &[(usize, Cell<'_>)]) {
        let mut slots = vec![Slot::Absent; self.columns.len()];
        for &(index, cell) in cells {
            if let Some(slot) = slots.get_mut(index) {
                *slot = cell.into();
            }
        }
        self.push_slots(source, &slots);
    }

    /// Appends one row found at `source` whose cells are `slots`, one per column in order (the
    /// columns after the last slot are absent): [`Table::push_row`] without finding each
    /// column's cell. A slot whose type does not match its column is stored as absent.
    pub(crate) fn push_slots(&mut self, source: RowSource<'_>, slots: &[Slot<'_>]) {
        self.sources.push(match source {
            RowSource::Line(line) => StoredSource::Line(line),
            RowSource::Record(path) => StoredSource::Record(self.strings.intern(path).0),
        });
        self.column_texts.resize_with(self.columns.len(), || None);
        let filled = slots.len().min(self.columns.len());
        let (with_slots, after) = self.columns.split_at_mut(filled);
        for ((column, slot), texts) in with_slots.iter_mut().zip(slots).zip(&mut self.column_texts)
        {
            match (&mut column.values, slot) {
                (ColumnValues::Text(column), &Slot::Text(text)) => {
                    column.push_recent(text, &mut self.strings, &mut self.unique_strings, texts);
                }
                (ColumnValues::Decimal(column), &Slot::Number(value)) => column.push_exact(value),
                (ColumnValues::Time(column), &Slot::Time(value)) => column.push(value),
                (values, _) => values.push_absent(),
            }
        }
        for column in after {
            column.values.push_absent();
        }
        self.row_count += 1;
    }

    /// Appends one row found at `source` whose columns are grouped by `groups` (made by
    /// [`Table::group_columns`] for this table's columns): each text column takes `text` of its
    /// cell's index, each decimal column `number` of its, each time column `time` of its (`None`
    /// for an absent cell), and the other columns are absent. The CSV fast path
    /// (`RecordImporter::import_direct`) pushes its rows so, with no match per cell on where it
    /// comes from or what its column holds. Text columns take their cells in column order, as
    /// [`Table::push_slots`] takes them, so strings are interned in the same order.
    #[inline(always)]
    pub(crate) fn push_grouped<'a>(
        &mut self,
        source: RowSource<'_>,
        groups: &ColumnGroups,
        mut text: impl FnMut(usize) -> Option<&'a str>,
        mut number: impl FnMut(usize) -> Option<Exact>,
        mut time: impl FnMut(usize) -> Option<BeijingTime>,
    ) {
        assert_eq!(
            groups.columns,
            self.columns.len(),
            "column groups made for this table's columns"
        );
        self.sources.push(match source {
            RowSource::Line(line) => StoredSource::Line(line),
            RowSource::Record(path) => StoredSource::Record(self.strings.intern(path).0),
        });
        self.column_texts.resize_with(self.columns.len(), || None);
        for &(column, cell) in &groups.texts {
            match (&mut self.columns[column].values, text(cell)) {
                (ColumnValues::Text(values), Some(text)) => values.push_recent(
                    text,
                    &mut self.strings,
                    &mut self.unique_strings,
                    &mut self.column_texts[column],
                ),
                (values, _) => values.push_absent(),
            }
        }
        for &(column, cell) in &groups.numbers {
            match (&mut self.columns[column].values, number(cell)) {
                (ColumnValues::Decimal(values), Some(value)) => values.push_exact(value),
                (values, _) => values.push_absent(),
            }
        }
        for &(column, cell) in &groups.times {
            match (&mut self.columns[column].values, time(cell)) {
                (ColumnValues::Time(values), Some(value)) => values.push(value),
                (values, _) => values.push_absent(),
            }
        }
        for &column in &groups.absent {
            self.columns[column].values.push_absent();
        }
        self.row_count += 1;
        debug_assert!(
            self.columns
                .iter()
                .all(|column| column.values.len() == self.row_count),
            "every column took one cell"
        );
    }

    /// This table's columns grouped for [`Table::push_grouped`]: `cell` says of each column the
    /// type of the cell a row gives it and that cell's index (`None` if no cell goes to it); a
    /// column whose cell is not of its own type is absent in every row, as in
    /// [`Table::push_slots`].
    pub(crate) fn group_columns(
        &self,
        mut cell: impl FnMut(usize) -> Option<(ColumnType, usize)>,
    ) -> ColumnGroups {
        let mut groups = ColumnGroups {
            texts: Vec::new(),
            numbers: Vec::new(),
            times: Vec::new(),
            absent: Vec::new(),
            columns: self.columns.len(),
        };
        for (index, column) in self.columns.iter().enumerate() {
            match cell(index) {
                Some((kind, cell)) if kind == column.column_type() => match kind {
                    ColumnType::Text => groups.texts.push((index, cell)),
                    ColumnType::Decimal => groups.numbers.push((index, cell)),
                    ColumnType::Time => groups.times.push((index, cell)),
                },
                _ => groups.absent.push(index),
            }
        }
        groups
    }

    /// Appends every row of `other`, a later stretch of the same file read apart (the CLI reads
    /// a big file's stretches on all cores). Columns are matched by name; those only `other` has
    /// come after this table's, in `other`'s order, as they would have been created reading the
    /// file whole. Each cell keeps its value (text its spelling, a decimal its scale, an instant
    /// its second) and its row source; symbols are this table's own, since they are only
    /// identities. A column's storage (interned or unique, code and mantissa widths) follows
    /// from the cells, as when they are pushed one row at a time.
    pub fn append(&mut self, other: &Table) {
        self.append_shifted(other, 0);
    }

    /// [`Table::append`] of a table whose rows' lines count from a line `lines_before` lines
    /// above where they are in the file (a later part of a big file counts its lines from its
    /// own start): each row's line is moved down by that much.
    pub fn append_shifted(&mut self, other: &Table, lines_before: u64) {
        for (rows, source) in other.sources.run_lengths() {
            self.push_source_run_of(other, source, rows, lines_before);
        }
        let mut appending = Appending::new(self, other);
        for column in &other.columns {
            appending.column(self, other, column);
        }
        appending.finish(self, other.row_count);
    }

    /// Adds a run of `rows` row sources of `other` from `source` on, a record path interned here,
    /// a line moved down by `lines_before`.
    fn push_source_run_of(
        &mut self,
        other: &Table,
        source: StoredSource,
        rows: usize,
        lines_before: u64,
    ) {
        let source = match source {
            StoredSource::Line(line) => StoredSource::Line(line.saturating_add(lines_before)),
            StoredSource::Record(path) => {
                StoredSource::Record(self.strings.intern(other.resolve(path)).0)
            }
        };
        self.sources.push_run(source, rows);
    }

    /// Keys of the tag columns, in first-seen order.
    pub fn tag_keys(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().filter_map(|column| match &column.role {
            ColumnRole::Tag { key } => Some(key.as_str()),
            _ => None,
        })
    }

    /// An estimate of the heap memory the table holds: every column's values and presence
    /// bits, the text of its strings and the interner's index, by allocated capacity. Names,
    /// headers and the title are left out (a few bytes per column).
    pub fn heap_bytes(&self) -> usize {
        self.strings.heap_bytes()
            + self.unique_strings.heap_bytes()
            + self.sources.heap_bytes()
            + self.column_texts.capacity() * size_of::<Option<Box<ColumnTexts>>>()
            + self.column_texts.iter().flatten().count() * size_of::<ColumnTexts>()
            + self.columns.capacity() * size_of::<Column>()
            + self
                .columns
                .iter()
                .map(|column| column.values.heap_bytes())
                .sum::<usize>()
    }
}

/// [`Table::append`] one column of the other table at a time (`wire` appends a table's bytes
/// so, decoding one column at a time).
struct Appending {
    /// Which of this table's columns have had the other table's rows appended.
    filled: Vec<bool>,
    /// Per string of the other table's interner, by its symbol's number (0 for an absent cell),
    /// the number of its symbol here once looked up, 0 until then ([`TextColumn::append`]).
    interned: Vec<u32>,
}

impl Appending {
    fn new(table: &Table, other: &Table) -> Self {
        Appending {
            filled: vec![false; table.columns.len()],
            interned: vec![0; other.strings.strings.ends.len() + 1],
        }
    }

    /// Appends the cells of `column`, a column of `other`, to the column of `table` of its name
    /// (created if it is new), its storage first grown to exactly the rows it will hold: grown
    /// by doubling, it could hold twice that.
    fn column(&mut self, table: &mut Table, other: &Table, column: &Column) {
        let rows = other.row_count;
        let target = table.ensure_column(
            &column.name,
            &column.source_header,
            column.role.clone(),
            column.column_type(),
        );
        self.filled.resize(table.columns.len(), false);
        self.filled[target] = true;
        let into = &mut table.columns[target].values;
        into.reserve_exact(rows);
        match (into, &column.values) {
            (ColumnValues::Text(into), ColumnValues::Text(from)) => into.append(
                from,
                other,
                &mut table.strings,
                &mut table.unique_strings,
                &mut self.interned,
            ),
            (ColumnValues::Decimal(into), ColumnValues::Decimal(from)) => into.append(from),
            (ColumnValues::Time(into), ColumnValues::Time(from)) => into.append(from),
            // Cells whose type does not match their column are absent, as in `push_row`.
            (into, _) => into.push_absent_n(rows),
        }
    }

    /// Leaves the columns the other table did not have absent in its `rows` rows.
    fn finish(self, table: &mut Table, rows: usize) {
        for (column, filled) in table.columns.iter_mut().zip(self.filled) {
            if !filled {
                column.values.reserve_exact(rows);
                column.values.push_absent_n(rows);
            }
        }
        table.row_count += rows;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_is_slice_equality() {
        let text: Vec<u8> = (0..40u8).map(|b| b.wrapping_mul(37)).collect();
        for len in 0..=text.len() {
            let a = &text[..len];
            assert!(same_bytes(a, a) && same_bytes(a, &a.to_vec()));
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x80;
                assert!(!same_bytes(a, &b), "length {len}, byte {at} changed");
            }
            assert!(!same_bytes(a, &text[..len.saturating_sub(1)]) || len == 0);
        }
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    /// A table of one column of `column_type`, named `c`.
    fn one_column(column_type: ColumnType) -> (Table, usize) {
        let mut table = Table::new(TableKind::BillDetails);
        let index = table.ensure_column("c", "c", ColumnRole::Field, column_type);
        (table, index)
    }

    /// Every cell spelled out, and every row's source (also for `wire`'s tests).
    pub(super) fn cells(table: &Table) -> Vec<String> {
        let mut cells = Vec::new();
        for row in 0..table.row_count() {
            cells.push(format!("{:?}", table.source(row)));
            for column in table.columns() {
                let cell = match &column.values {
                    ColumnValues::Text(values) => {
                        values.get(row).map(|s| table.resolve(s).to_owned())
                    }
                    ColumnValues::Decimal(values) => values.get(row).map(|v| v.to_string()),
                    ColumnValues::Time(values) => values.get(row).map(|v| v.to_string()),
                };
                cells.push(format!("{}={cell:?}", column.name));
            }
        }
        cells
    }

    /// [`Table::append`] as it was before the bulk paths (issue #12, 2026-12-03): every source
    /// and every cell pushed one at a time, each interned symbol of `other` looked up once.
    /// What the bulk paths must equal, storage decisions and symbols included.
    fn append_cell_by_cell(table: &mut Table, other: &Table) {
        for source in other.sources.iter() {
            table.sources.push(match source {
                StoredSource::Line(line) => StoredSource::Line(line),
                StoredSource::Record(path) => {
                    StoredSource::Record(table.strings.intern(other.resolve(path)).0)
                }
            });
        }
        let rows = other.row_count;
        let mut filled = vec![false; table.columns.len()];
        let mut interned: Vec<Option<Symbol>> = vec![None; other.strings.strings.ends.len()];
        for column in &other.columns {
            let target = table.ensure_column(
                &column.name,
                &column.source_header,
                column.role.clone(),
                column.column_type(),
            );
            filled.resize(table.columns.len(), false);
            filled[target] = true;
            match (&mut table.columns[target].values, &column.values) {
                (ColumnValues::Text(into), ColumnValues::Text(from)) => {
                    for row in 0..rows {
                        let Some(symbol) = from.get(row) else {
                            into.push_absent();
                            continue;
                        };
                        let code = symbol.0.get();
                        match (into.storage, interned.get_mut(code as usize - 1)) {
                            (TextStorage::Interned, Some(slot)) if code & UNIQUE == 0 => {
                                let mapped = *slot.get_or_insert_with(|| {
                                    table.strings.intern(other.resolve(symbol)).0
                                });
                                into.push_symbol(mapped);
                            }
                            _ => into.push(
                                other.resolve(symbol),
                                &mut table.strings,
                                &mut table.unique_strings,
                            ),
                        }
                    }
                }
                (ColumnValues::Decimal(into), ColumnValues::Decimal(from)) => {
                    for row in 0..rows {
                        match from.get(row) {
                            Some(value) => into.push(value),
                            None => into.push_absent(),
                        }
                    }
                }
                (ColumnValues::Time(into), ColumnValues::Time(from)) => {
                    for row in 0..rows {
                        match from.get(row) {
                            Some(value) => into.push(value),
                            None => into.push_absent(),
                        }
                    }
                }
                (into, _) => (0..rows).for_each(|_| into.push_absent()),
            }
        }
        for (column, filled) in table.columns.iter_mut().zip(filled) {
            if !filled {
                (0..rows).for_each(|_| column.values.push_absent());
            }
        }
        table.row_count += rows;
    }

    /// How a column stores its cells, without the cells (which `cells` spells): what pushing
    /// them one at a time decides.
    fn storage(table: &Table) -> Vec<String> {
        let mut storages = Vec::new();
        for column in table.columns() {
            let storage = match &column.values {
                ColumnValues::Text(values) => {
                    let codes = match &values.codes {
                        Codes::Narrow(codes) => format!("narrow {:?}", codes),
                        Codes::Wide(symbols) => format!("wide {:?}", symbols),
                    };
                    format!("{:?} {codes}", values.storage)
                }
                ColumnValues::Decimal(values) => {
                    let present = format!("{} rows", values.present.len);
                    match &values.values {
                        DecimalValues::Mantissas { mantissas, scales } => {
                            let scales = match scales {
                                Scales::Uniform(scale) => format!("uniform {scale:?}"),
                                Scales::PerValue(_) => "per value".to_owned(),
                            };
                            let width = match mantissas {
                                Mantissas::Narrow(_) => "i32",
                                Mantissas::Wide(_) => "i64",
                            };
                            format!("{present} {width} {scales}")
                        }
                        DecimalValues::Wide(_) => format!("{present} decimals"),
                    }
                }
                ColumnValues::Time(values) => {
                    let width = match values.secs {
                        Seconds::Narrow(_) => "i32",
                        Seconds::Wide(_) => "i64",
                    };
                    format!("{} rows {width}", values.present.len)
                }
            };
            storages.push(format!("{}: {storage}", column.name));
        }
        storages
    }

    /// Checks `later` appended to `earlier()` by [`Table::append`], and by
    /// [`Table::append_decoded`] from its bytes, against [`append_cell_by_cell`]: the same
    /// cells, sources, storage, symbols and strings, and every column as long as the table.
    fn check_append(earlier: impl Fn() -> Table, later: &Table, case: &str) {
        let mut expected = earlier();
        append_cell_by_cell(&mut expected, later);
        let mut appended = earlier();
        appended.append(later);
        let mut out = wire::Writer::new(Vec::new());
        later.encode(&mut out);
        let bytes = out.finish();
        let mut decoded = earlier();
        decoded
            .append_decoded(&mut wire::Reader::new(&bytes[..]), 0)
            .unwrap_or_else(|| panic!("{case}: the bytes decode"));
        for (table, how) in [(&appended, "appended"), (&decoded, "decoded")] {
            assert_eq!(table.row_count, expected.row_count, "{case}, {how}");
            for column in &table.columns {
                assert_eq!(column.values.len(), table.row_count, "{case}, {how}");
                if let ColumnValues::Decimal(DecimalColumn { present, .. })
                | ColumnValues::Time(TimeColumn { present, .. }) = &column.values
                {
                    assert_eq!(
                        present.words.len(),
                        present.len.div_ceil(64),
                        "{case}, {how}"
                    );
                }
            }
            assert_eq!(cells(table), cells(&expected), "{case}, {how}");
            assert_eq!(storage(table), storage(&expected), "{case}, {how}");
            assert_eq!(table.sources, expected.sources, "{case}, {how}");
            for (arena, expected_arena) in [
                (&table.strings.strings, &expected.strings.strings),
                (&table.unique_strings, &expected.unique_strings),
            ] {
                assert_eq!(
                    (&arena.text, &arena.ends),
                    (&expected_arena.text, &expected_arena.ends),
                    "{case}, {how}"
                );
            }
        }
    }

    /// A column's cells for [`bulk_appends_are_the_cells_pushed_one_at_a_time`]: which values
    /// a table's column takes, chosen so that each storage (and each change of one) happens.
    #[derive(Clone, Copy, Debug)]
    enum Values {
        /// Five strings, two of them also another table's.
        FewTexts(&'static str),
        /// A new string per cell: stored unhashed after its sample.
        Ids(&'static str),
        /// Mantissas of 4 bytes at scale `u32`.
        Small(u32),
        /// Mantissas of 8 bytes at scale 2.
        Large,
        /// Scales 0 to 3 in turn.
        Scales,
        /// A mantissa past 64 bits, and a negative zero: [`Decimal`] storage.
        Huge,
        /// Instants of 2025.
        Times,
        /// Instants of 2100 (8-byte seconds).
        FarTimes,
    }

    /// A table of `rows` rows, one column per `columns` entry, each cell absent when `pattern`
    /// says so (a fixed pseudo-random pattern of roughly `absent` percent), sources on
    /// consecutive lines from `first_line` except every 7th row's, which is a record path.
    fn table_of(
        columns: &[(&str, Values)],
        rows: usize,
        absent: u64,
        first_line: u64,
        salt: u64,
    ) -> Table {
        let mut table = Table::new(TableKind::BillDetails);
        let indices: Vec<usize> = columns
            .iter()
            .map(|&(name, values)| {
                let column_type = match values {
                    Values::FewTexts(_) | Values::Ids(_) => ColumnType::Text,
                    Values::Times | Values::FarTimes => ColumnType::Time,
                    _ => ColumnType::Decimal,
                };
                table.ensure_column(name, name, ColumnRole::Field, column_type)
            })
            .collect();
        let mut state = salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for row in 0..rows {
            let texts: Vec<String> = columns
                .iter()
                .map(|&(_, values)| match values {
                    Values::FewTexts(prefix) => match row % 5 {
                        0 | 1 => format!("shared {}", row % 5),
                        n => format!("{prefix} {n}"),
                    },
                    Values::Ids(prefix) => format!("{prefix}-{salt}-{row:06}"),
                    _ => String::new(),
                })
                .collect();
            let mut cells = Vec::new();
            for ((&(_, values), &index), text) in columns.iter().zip(&indices).zip(&texts) {
                if next() % 100 < absent {
                    continue;
                }
                let row = row as i64;
                let cell = match values {
                    Values::FewTexts(_) | Values::Ids(_) => Cell::Text(text),
                    Values::Small(scale) => Cell::Decimal(Decimal::new(row % 1000 - 500, scale)),
                    Values::Large => Cell::Decimal(Decimal::new(10_000_000_000 + row, 2)),
                    Values::Scales => Cell::Decimal(Decimal::new(row, (row % 4) as u32)),
                    Values::Huge => Cell::Decimal(match row % 3 {
                        0 => dec("9999999999999999.999999999999"),
                        1 => -dec("0.00"),
                        _ => Decimal::new(row, 2),
                    }),
                    Values::Times => {
                        Cell::Time(BeijingTime::from_utc_epoch_secs(1_750_000_000 + row * 60))
                    }
                    Values::FarTimes => {
                        Cell::Time(BeijingTime::from_utc_epoch_secs(4_102_444_800 + row * 60))
                    }
                };
                cells.push((index, cell));
            }
            let path = format!("Response.DetailSet[{row}]");
            let source = if row % 7 == 6 {
                RowSource::Record(&path)
            } else {
                RowSource::Line(first_line + row as u64)
            };
            table.push_row(source, &cells);
        }
        table
    }

    #[test]
    fn bulk_appends_are_the_cells_pushed_one_at_a_time() {
        use Values::*;
        // Each pair: a column of the earlier table and one of the later under the same name.
        let pairs = [
            (FewTexts("early"), FewTexts("late")),
            (FewTexts("early"), Ids("late")),
            (Ids("early"), Ids("late")),
            (Ids("early"), FewTexts("late")),
            (Small(2), Small(2)),
            (Small(2), Small(3)),
            (Small(2), Scales),
            (Scales, Small(1)),
            (Scales, Scales),
            (Small(2), Large),
            (Large, Small(2)),
            (Large, Large),
            (Small(2), Huge),
            (Huge, Small(2)),
            (Huge, Large),
            (Times, Times),
            (Times, FarTimes),
            (FarTimes, Times),
            (FarTimes, FarTimes),
            // A column whose type differs: the later cells are absent.
            (Times, Small(2)),
        ];
        // Lengths around a presence word's 64 bits, and past the 4096 cells a text column samples.
        let lengths = [
            (0, 5),
            (5, 0),
            (1, 63),
            (63, 1),
            (64, 64),
            (65, 130),
            (100, 5000),
        ];
        for (early, late) in pairs {
            for (early_rows, late_rows) in lengths {
                for absent in [0, 30, 100] {
                    let earlier = || {
                        table_of(
                            &[("a", early), ("only early", Small(2))],
                            early_rows,
                            absent,
                            2,
                            1,
                        )
                    };
                    let first_line = 2 + early_rows as u64;
                    let later = table_of(
                        &[("late only", Times), ("a", late)],
                        late_rows,
                        absent,
                        first_line,
                        2,
                    );
                    let case = format!(
                        "{early:?} + {late:?}, {early_rows} + {late_rows} rows, {absent} % absent"
                    );
                    check_append(earlier, &later, &case);
                }
            }
        }
    }

    #[test]
    fn a_column_sampled_then_decided_while_appended_is_decided_as_pushed() {
        // 3000 cells sampled before, 3000 after: the column decides at the 4096th, mid-append,
        // and takes the rest in that storage (unique for new strings, interned for repeats).
        for (early, late) in [
            (Values::Ids("early"), Values::Ids("late")),
            (Values::Ids("early"), Values::FewTexts("late")),
            (Values::FewTexts("early"), Values::Ids("late")),
        ] {
            let earlier = || table_of(&[("a", early)], 3000, 0, 2, 1);
            let later = table_of(&[("a", late)], 3000, 10, 3002, 2);
            check_append(earlier, &later, &format!("{early:?} + {late:?}"));
        }
    }

    #[test]
    fn an_appended_column_widens_its_codes_past_two_bytes_as_pushed() {
        // The earlier table interns 65,000 strings; the later part's column brings 1,000 more
        // (some it shares), so the column's symbols pass 2^16 in the middle of the append.
        let column =
            |table: &mut Table| table.ensure_column("c", "c", ColumnRole::Field, ColumnType::Text);
        let earlier = || {
            let mut table = Table::new(TableKind::Other);
            let c = column(&mut table);
            for row in 0..130_000 {
                let text = format!("s{}", row / 2);
                table.push_row(RowSource::Line(row as u64 + 2), &[(c, Cell::Text(&text))]);
            }
            table
        };
        assert!(matches!(
            &earlier().columns[0].values,
            ColumnValues::Text(TextColumn {
                codes: Codes::Narrow(_),
                storage: TextStorage::Interned
            })
        ));
        let mut later = Table::new(TableKind::Other);
        let c = column(&mut later);
        for row in 0..2_000 {
            let text = format!("s{}", 64_500 + row);
            let cells = [(c, Cell::Text(&text))];
            let cells = if row % 9 == 0 {
                &cells[..0]
            } else {
                &cells[..]
            };
            later.push_row(RowSource::Line(row as u64 + 130_002), cells);
        }
        let mut appended = earlier();
        appended.append(&later);
        assert!(matches!(
            &appended.columns[0].values,
            ColumnValues::Text(TextColumn {
                codes: Codes::Wide(_),
                ..
            })
        ));
        check_append(earlier, &later, "past 2^16");
    }

    #[test]
    fn a_table_appended_holds_what_pushing_every_row_into_one_holds() {
        // Row i of a bill: a unique ID, a repeated product, an amount whose scale and width
        // change late (a mantissa past 64 bits at row 7000), times, a tag only from row 5000.
        let push = |table: &mut Table, i: usize| {
            let id = table.ensure_column("BillId", "交易ID", ColumnRole::Field, ColumnType::Text);
            let product =
                table.ensure_column("Product", "产品名称", ColumnRole::Field, ColumnType::Text);
            let cost =
                table.ensure_column("Cost", "优惠后总价", ColumnRole::Field, ColumnType::Decimal);
            let time = table.ensure_column("Time", "扣费时间", ColumnRole::Field, ColumnType::Time);
            let id_text = format!("tx{i:08}");
            let amount = match i {
                7000 => dec("123456789012345678901234.5"),
                _ if i.is_multiple_of(3) => Decimal::new(i as i64, 2),
                _ => Decimal::new(i as i64 * 1_000_000_007, 8),
            };
            let at = BeijingTime::parse(&format!("2025-06-{:02} 01:00:00", 1 + i % 28))
                .unwrap()
                .unwrap();
            let mut cells = vec![
                (id, Cell::Text(&id_text)),
                (product, Cell::Text(["CVM", "CDN", "COS"][i % 3])),
            ];
            if !i.is_multiple_of(5) {
                cells.push((cost, Cell::Decimal(amount)));
                cells.push((time, Cell::Time(at)));
            }
            if i >= 5000 && i.is_multiple_of(2) {
                let tag = table.ensure_column(
                    "Tag:env",
                    "标签键:env",
                    ColumnRole::Tag { key: "env".into() },
                    ColumnType::Text,
                );
                cells.push((tag, Cell::Text(["prod", "dev"][i % 4 / 2])));
            }
            table.push_row(RowSource::Line(i as u64 + 2), &cells);
        };
        let rows = 10_000;
        let mut whole = Table::new(TableKind::BillDetails);
        (0..rows).for_each(|i| push(&mut whole, i));
        for cuts in [
            vec![1],
            vec![2000],
            vec![6000],
            vec![3000, 7000],
            vec![4095, 4096, 9999],
        ] {
            let mut bounds = cuts.clone();
            bounds.insert(0, 0);
            bounds.push(rows);
            let mut parts = bounds.windows(2).map(|range| {
                let mut part = Table::new(TableKind::BillDetails);
                (range[0]..range[1]).for_each(|i| push(&mut part, i));
                part
            });
            let mut joined = parts.next().unwrap();
            for part in parts {
                joined.append(&part);
            }
            assert_eq!(joined.row_count(), rows, "cut at {cuts:?}");
            assert_eq!(cells(&joined), cells(&whole), "cut at {cuts:?}");
            let unique = |table: &Table| table.text_column("BillId").unwrap().is_unique();
            assert_eq!(unique(&joined), unique(&whole), "cut at {cuts:?}");
        }
    }

    #[test]
    fn a_row_pushed_by_column_groups_is_the_row_pushed_by_slots() {
        let make = || {
            let mut table = Table::new(TableKind::BillDetails);
            for (name, column_type) in [
                ("a", ColumnType::Text),
                ("b", ColumnType::Decimal),
                ("c", ColumnType::Time),
                ("d", ColumnType::Text),
                ("e", ColumnType::Decimal),
                ("f", ColumnType::Text),
            ] {
                table.ensure_column(name, name, ColumnRole::Field, column_type);
            }
            table
        };
        // Per row: a and f text, b a number (plain or not), c a time, d given a number (not its
        // type: absent), e nothing.
        let texts = ["x", "产品一", "", "a longer string than sixteen bytes", "x"];
        let numbers = [
            Some(Exact::Plain {
                mantissa: -5,
                scale: 2,
            }),
            None,
            Some(Exact::Decimal(dec("123456789012345678901.5"))),
            Some(Exact::Plain {
                mantissa: 7,
                scale: 0,
            }),
            None,
        ];
        let times = [
            Some(1_750_000_000),
            None,
            Some(1),
            Some(1_750_000_000),
            None,
        ];
        let time = |row: usize| times[row].map(BeijingTime::from_utc_epoch_secs);
        let text = |row: usize| Some(texts[row]).filter(|text| !text.is_empty());
        let mut by_slots = make();
        let mut grouped = make();
        let groups = grouped.group_columns(|column| match column {
            0 | 5 => Some((ColumnType::Text, column)),
            1 | 3 => Some((ColumnType::Decimal, 0)),
            2 => Some((ColumnType::Time, 0)),
            _ => None,
        });
        for row in 0..texts.len() {
            let slot_of = |text: Option<&'static str>| text.map_or(Slot::Absent, Slot::Text);
            let number = numbers[row].map_or(Slot::Absent, Slot::Number);
            let slots = [
                slot_of(text(row)),
                number,
                time(row).map_or(Slot::Absent, Slot::Time),
                number,
                Slot::Absent,
                slot_of(text((row + 1) % texts.len())),
            ];
            by_slots.push_slots(RowSource::Line(row as u64 + 2), &slots);
            grouped.push_grouped(
                RowSource::Line(row as u64 + 2),
                &groups,
                |column| {
                    text(if column == 0 {
                        row
                    } else {
                        (row + 1) % texts.len()
                    })
                },
                |_| numbers[row],
                |_| time(row),
            );
        }
        assert_eq!(cells(&grouped), cells(&by_slots));
        assert_eq!(storage(&grouped), storage(&by_slots));
        assert_eq!(grouped.columns, by_slots.columns, "the same symbols");
    }

    #[test]
    fn a_fingerprint_holds_every_byte_of_a_string_of_up_to_16() {
        // Every string of up to 16 bytes over a small alphabet differing from another in one
        // byte, at each position: its fingerprint differs, and equals its own.
        for len in 0..=20_usize {
            let base: Vec<u8> = (0..len).map(|at| b'a' + (at % 7) as u8).collect();
            let print = Fingerprint::of(std::str::from_utf8(&base).unwrap());
            assert_eq!(
                print,
                Fingerprint::of(&String::from_utf8(base.clone()).unwrap())
            );
            assert_eq!(print.is_exact(), len <= 16);
            for at in 0..len {
                let mut other = base.clone();
                other[at] = b'z';
                let other = Fingerprint::of(std::str::from_utf8(&other).unwrap());
                if len <= 16 {
                    assert_ne!(print, other, "len {len}, byte {at}");
                }
            }
            let longer = format!("{}x", std::str::from_utf8(&base).unwrap());
            assert_ne!(print, Fingerprint::of(&longer));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Rows pushed through the columns' recent strings hold what interning each cell holds:
        /// the same symbols (so the same strings), and the same storage decisions.
        #[test]
        fn recent_strings_give_the_interners_symbols(
            rows in proptest::collection::vec(
                proptest::collection::vec("[ab]{0,3}|[a-c]{15,18}|[ab]{16}[a-c]{1,3}|产品[一二]{0,3}|0123456789[xy]{3}0123456789", 3),
                1..300,
            )
        ) {
            let mut table = Table::new(TableKind::Other);
            let columns: Vec<usize> = ["x", "y", "z"]
                .iter()
                .map(|name| table.ensure_column(name, name, ColumnRole::Field, ColumnType::Text))
                .collect();
            let mut plain = Interner::default();
            let mut plain_unique = Arena::default();
            let mut plain_columns = vec![TextColumn::absent(0); 3];
            for (line, row) in rows.iter().enumerate() {
                let slots: Vec<Slot> = row.iter().map(|text| Slot::Text(text)).collect();
                table.push_slots(RowSource::Line(line as u64 + 1), &slots);
                for (column, text) in plain_columns.iter_mut().zip(row) {
                    column.push(text, &mut plain, &mut plain_unique);
                }
            }
            for (&index, plain_column) in columns.iter().zip(&plain_columns) {
                let ColumnValues::Text(column) = &table.columns()[index].values else {
                    panic!("a text column");
                };
                proptest::prop_assert_eq!(column, plain_column);
                for (row, cells) in rows.iter().enumerate() {
                    let symbol = column.get(row).unwrap();
                    proptest::prop_assert_eq!(table.resolve(symbol), cells[index].as_str());
                }
            }
        }
    }

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
        assert_eq!(table.strings.strings.ends.len(), 2);
    }

    #[test]
    fn an_absent_text_cell_costs_no_more_than_a_present_one() {
        assert_eq!(size_of::<Option<Symbol>>(), 4);
    }

    #[test]
    fn decimals_keep_their_own_printed_scale() {
        let (mut table, c) = one_column(ColumnType::Decimal);
        let printed = [
            "460.8",
            "25.20",
            "-0.00000001",
            "20000.000000000",
            "0",
            "-5",
        ];
        for text in printed {
            table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(dec(text)))]);
            table.push_row(RowSource::Line(1), &[]);
        }
        for (row, text) in printed.iter().enumerate() {
            assert_eq!(table.decimal("c", 2 * row).unwrap().to_string(), *text);
            assert_eq!(table.decimal("c", 2 * row + 1), None);
        }
        let ColumnValues::Decimal(column) = &table.columns()[c].values else {
            panic!("a decimal column");
        };
        assert!(!column.is_wide());
    }

    #[test]
    fn one_scale_is_kept_per_column_until_a_value_differs() {
        let (mut table, c) = one_column(ColumnType::Decimal);
        table.push_row(RowSource::Line(1), &[]);
        table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(dec("1.50")))]);
        table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(dec("-2.25")))]);
        let scales = |table: &Table| match &table.columns()[c].values {
            ColumnValues::Decimal(DecimalColumn {
                values: DecimalValues::Mantissas { scales, .. },
                ..
            }) => scales.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(scales(&table), Scales::Uniform(Some(2)));
        table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(dec("3.125")))]);
        assert_eq!(scales(&table), Scales::PerValue(vec![2, 2, 2, 3]));
        let read: Vec<_> = (0..4).map(|row| table.decimal("c", row)).collect();
        assert_eq!(
            read,
            [
                None,
                Some(dec("1.50")),
                Some(dec("-2.25")),
                Some(dec("3.125"))
            ]
        );
    }

    #[test]
    fn a_value_beyond_an_i64_mantissa_widens_the_column_exactly() {
        let (mut table, c) = one_column(ColumnType::Decimal);
        let wide = dec("92233720368547758.08"); // mantissa i64::MAX + 1
        let negative_zero = -dec("0.00");
        assert!(negative_zero.is_sign_negative());
        table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(dec("460.8")))]);
        table.push_row(RowSource::Line(1), &[]);
        table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(wide))]);
        table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(negative_zero))]);
        let ColumnValues::Decimal(column) = &table.columns()[c].values else {
            panic!("a decimal column");
        };
        assert!(column.is_wide());
        assert_eq!(table.decimal("c", 0).unwrap().to_string(), "460.8");
        assert_eq!(table.decimal("c", 1), None);
        assert_eq!(table.decimal("c", 2), Some(wide));
        assert!(table.decimal("c", 3).unwrap().is_sign_negative());

        let (mut table, c) = one_column(ColumnType::Decimal);
        table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(negative_zero))]);
        assert!(table.decimal("c", 0).unwrap().is_sign_negative());
    }

    #[test]
    fn times_read_back_as_the_same_instants_in_four_bytes_until_far_from_2020() {
        let (mut table, c) = one_column(ColumnType::Time);
        let is_wide = |table: &Table| match &table.columns()[c].values {
            ColumnValues::Time(column) => matches!(column.secs, Seconds::Wide(_)),
            other => panic!("{other:?}"),
        };
        let june = BeijingTime::from_beijing(2025, 6, 30, 23, 59, 59).unwrap();
        let early = BeijingTime::from_beijing(1952, 1, 1, 0, 0, 0).unwrap();
        table.push_row(RowSource::Line(1), &[(c, Cell::Time(june))]);
        table.push_row(RowSource::Line(1), &[]);
        table.push_row(RowSource::Line(1), &[(c, Cell::Time(early))]);
        assert!(!is_wide(&table));
        let far = BeijingTime::from_beijing(2100, 1, 1, 8, 0, 0).unwrap();
        table.push_row(RowSource::Line(1), &[(c, Cell::Time(far))]);
        assert!(is_wide(&table));
        let read: Vec<_> = (0..5).map(|row| table.time("c", row)).collect();
        assert_eq!(read, [Some(june), None, Some(early), Some(far), None]);
    }

    #[test]
    fn a_nearly_unique_column_stores_its_strings_unhashed() {
        let mut table = Table::new(TableKind::BillDetails);
        let id = table.ensure_column(
            "TransactionId",
            "交易ID",
            ColumnRole::Field,
            ColumnType::Text,
        );
        let region = table.ensure_column("RegionName", "地域", ColumnRole::Field, ColumnType::Text);
        let rows = UNIQUENESS_SAMPLE as usize + 1000;
        for row in 0..rows {
            let transaction = format!("T{row:08}");
            let regions = ["华南地区（广州）", "华东地区（上海）", "华北地区（北京）"];
            table.push_row(
                RowSource::Line(1),
                &[
                    (id, Cell::Text(&transaction)),
                    (region, Cell::Text(regions[row % 3])),
                ],
            );
        }
        // The same ID again after the switch: a new symbol, the same text.
        table.push_row(RowSource::Line(1), &[(id, Cell::Text("T00000001"))]);
        let text = |name| table.text_column(name).unwrap();
        assert!(text("TransactionId").is_unique());
        assert!(!text("RegionName").is_unique());
        assert_eq!(
            table.strings.strings.ends.len(),
            UNIQUENESS_SAMPLE as usize + 3
        );
        assert_eq!(table.unique_strings.ends.len(), 1001);
        for row in [0, 4095, 4096, rows - 1] {
            assert_eq!(
                table.text("TransactionId", row),
                Some(&*format!("T{row:08}"))
            );
        }
        assert_eq!(table.text("TransactionId", rows), Some("T00000001"));
        assert_eq!(table.text("RegionName", rows - 1), Some("华东地区（上海）"));
        assert_eq!(table.text("RegionName", rows), None);
    }

    #[test]
    fn a_column_that_repeats_stays_interned() {
        let (mut table, c) = one_column(ColumnType::Text);
        for row in 0..2 * UNIQUENESS_SAMPLE {
            // Half of the sample is new: below the share that makes a column unique.
            table.push_row(
                RowSource::Line(1),
                &[(c, Cell::Text(&format!("ins-{}", row / 2)))],
            );
        }
        assert!(!table.text_column("c").unwrap().is_unique());
        assert_eq!(table.unique_strings.ends.len(), 0);
        assert_eq!(table.text("c", 8191), Some("ins-4095"));
    }

    #[test]
    fn text_cells_take_two_bytes_until_a_symbol_passes_two_to_the_sixteen() {
        let mut table = Table::new(TableKind::BillDetails);
        let id = table.ensure_column("InstanceId", "", ColumnRole::Field, ColumnType::Text);
        let region = table.ensure_column("RegionName", "", ColumnRole::Field, ColumnType::Text);
        let is_wide = |table: &Table, index: usize| match &table.columns()[index].values {
            ColumnValues::Text(column) => matches!(column.codes, Codes::Wide(_)),
            other => panic!("{other:?}"),
        };
        // Each instance twice: interned (half of the sample is new), 70,000 strings.
        for row in 0..140_000 {
            let instance = format!("ins-{}", row / 2);
            let cells = [(id, Cell::Text(&instance)), (region, Cell::Text("广州"))];
            table.push_row(
                RowSource::Line(1),
                if row % 3 == 0 { &cells } else { &cells[..1] },
            );
        }
        assert!(!is_wide(&table, region));
        assert!(is_wide(&table, id));
        table.push_row(RowSource::Line(1), &[(region, Cell::Text("上海"))]);
        assert!(is_wide(&table, region));
        let regions: Vec<_> = [0, 1, 3, 140_000]
            .iter()
            .map(|&row| table.text("RegionName", row))
            .collect();
        assert_eq!(regions, [Some("广州"), None, Some("广州"), Some("上海")]);
        assert_eq!(table.text("InstanceId", 139_999), Some("ins-69999"));
    }

    #[test]
    fn row_sources_are_kept_in_runs_and_read_back_row_by_row() {
        let (mut table, _) = one_column(ColumnType::Text);
        // Lines 2–4, a row spanning lines 5–6 (a multi-line cell), 7, 8, then JSON-like records
        // and the same line twice.
        let sources = [
            RowSource::Line(2),
            RowSource::Line(3),
            RowSource::Line(4),
            RowSource::Line(5),
            RowSource::Line(7),
            RowSource::Line(8),
            RowSource::Record("Response.DetailSet[0]"),
            RowSource::Record("Response.DetailSet[1]"),
            RowSource::Line(9),
            RowSource::Line(9),
        ];
        for source in sources {
            table.push_row(source, &[]);
        }
        let read: Vec<RowSource> = (0..sources.len()).map(|row| table.source(row)).collect();
        assert_eq!(read, sources);
        let runs: Vec<usize> = table.sources.runs.iter().map(|&(first, _)| first).collect();
        assert_eq!(runs, [0, 4, 6, 7, 8, 9]);
        let iterated: Vec<StoredSource> = table.sources.iter().collect();
        let got: Vec<StoredSource> = (0..sources.len())
            .map(|row| table.sources.get(row))
            .collect();
        assert_eq!(iterated, got);
        let mut appended = Table::new(TableKind::BillDetails);
        appended.append(&table);
        let read: Vec<RowSource> = (0..sources.len()).map(|row| appended.source(row)).collect();
        assert_eq!(read, sources);
    }

    #[test]
    fn heap_bytes_counts_four_eight_or_sixteen_bytes_a_decimal() {
        let rows = 10_000;
        // The first value decides the width; the others, 0.00000001 to 0.00009999, fit 4 bytes.
        let filled = |first: Decimal| {
            let (mut table, c) = one_column(ColumnType::Decimal);
            table.push_row(RowSource::Line(1), &[(c, Cell::Decimal(first))]);
            for row in 1..rows {
                // Each row on its own line, as in a CSV file: the sources take one run.
                table.push_row(
                    RowSource::Line(row as u64 + 1),
                    &[(c, Cell::Decimal(Decimal::new(row, 8)))],
                );
            }
            assert_eq!(table.decimal("c", 0), Some(first));
            assert_eq!(table.decimal("c", 9_999).unwrap().to_string(), "0.00009999");
            table.heap_bytes()
        };
        let narrow = filled(dec("0.00000001"));
        let eight = filled(dec("21.47483648")); // mantissa i32::MAX + 1
        let wide = filled(Decimal::MAX);
        // Vec doubling leaves up to twice the length allocated.
        let presence = rows as usize / 8;
        let within = |bytes: usize, per_row: usize| {
            let least = rows as usize * per_row + presence;
            (least..=2 * least + 1024).contains(&bytes)
        };
        assert!(within(narrow, 4), "{narrow}");
        assert!(within(eight, 8), "{eight}");
        assert!(within(wide, 16), "{wide}");
        assert!(narrow * 10 <= eight * 6, "{narrow} vs {eight}");
        assert!(eight * 10 <= wide * 6, "{eight} vs {wide}");
    }
}
