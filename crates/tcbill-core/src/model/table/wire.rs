//! A [`Table`] as compact bytes and back, so a part of a file parsed in one Web Worker can join
//! the file's table in another (issue #12, item 3 in the browser; `input::parts`).
//!
//! The storage is written as it is (symbols, mantissas at their scales, seconds, presence bits,
//! both string arenas), little-endian, so encoding and decoding are copies, never a parse: only
//! the interner's hash index is rebuilt, from the strings. Decoding checks what the table's
//! reads rely on (every column as long as the table, every symbol naming a string, arenas cut on
//! character boundaries) and what the analyses rely on (numbers below
//! [`MAX_MAGNITUDE`], so sums cannot overflow; times within [`READABLE_UTC_SECS`], so calendar
//! arithmetic cannot) and answers `None` otherwise, so damaged bytes can never make a table that
//! panics when read or used.

use std::num::NonZeroU32;

use rust_decimal::Decimal;
use rustc_hash::FxHashSet;

use crate::model::number::MAX_MAGNITUDE;
use crate::model::time::READABLE_UTC_SECS;

use super::{
    fx_hash, Appending, Arena, Codes, Column, ColumnRole, ColumnValues, DecimalColumn,
    DecimalValues, Mantissas, Presence, Scales, Seconds, Sources, StoredSource, Symbol, Table,
    TableKind, TextColumn, TextStorage, TimeColumn, UNIQUE,
};

/// Where a `Writer` puts the bytes: a `Vec` here; in the browser, the `ArrayBuffer` a part
/// worker posts, so that its wasm memory never holds the part's bytes beside its table.
pub trait Sink {
    fn write(&mut self, bytes: &[u8]);

    /// Takes `len` bytes as written without being given them, if this sink only counts (then
    /// `true`): sizing a part's buffer need not turn each of its values into bytes.
    fn count(&mut self, len: usize) -> bool {
        let _ = len;
        false
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn write(&mut self, bytes: &[u8]) {
        (**self).write(bytes);
    }

    fn count(&mut self, len: usize) -> bool {
        (**self).count(len)
    }
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A sink that only counts, to size a buffer exactly before writing into it.
#[derive(Default)]
pub struct ByteCount(pub usize);

impl Sink for ByteCount {
    fn write(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }

    fn count(&mut self, len: usize) -> bool {
        self.0 += len;
        true
    }
}

/// Where a `Reader` takes the bytes from: a slice here; in the browser, the `ArrayBuffer` a
/// part came in, copied into wasm memory a block at a time, never whole.
pub trait Source {
    /// Bytes left to read.
    fn remaining(&self) -> usize;
    /// Fills `into` with the next bytes; never asked for more than [`Source::remaining`].
    fn read(&mut self, into: &mut [u8]);
}

impl Source for &[u8] {
    fn remaining(&self) -> usize {
        self.len()
    }

    fn read(&mut self, into: &mut [u8]) {
        let (read, rest) = self.split_at(into.len());
        into.copy_from_slice(read);
        *self = rest;
    }
}

/// How many bytes a [`Writer`] or [`Reader`] holds between its sink or source and the values:
/// what wasm memory holds of a part's bytes at a time.
const BLOCK: usize = 64 << 10;

/// Appends values to a [`Sink`], little-endian, in blocks of [`BLOCK`] bytes.
pub(crate) struct Writer<S: Sink> {
    block: Vec<u8>,
    sink: S,
}

impl<S: Sink> Writer<S> {
    pub(crate) fn new(sink: S) -> Self {
        Writer {
            block: Vec::with_capacity(BLOCK),
            sink,
        }
    }

    /// The sink, with every byte written.
    pub(crate) fn finish(mut self) -> S {
        self.sink.write(&self.block);
        self.sink
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.block.len() + bytes.len() > BLOCK {
            self.sink.write(&self.block);
            self.block.clear();
        }
        if bytes.len() > BLOCK {
            self.sink.write(bytes);
        } else {
            self.block.extend_from_slice(bytes);
        }
    }

    /// `bytes` as they are.
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.put(bytes);
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.put(&[value]);
    }

    pub(crate) fn u64(&mut self, value: u64) {
        self.put(&value.to_le_bytes());
    }

    fn len(&mut self, len: usize) {
        self.u64(len as u64);
    }

    pub(crate) fn str(&mut self, text: &str) {
        self.len(text.len());
        self.put(text.as_bytes());
    }

    fn option_str(&mut self, text: Option<&str>) {
        match text {
            Some(text) => {
                self.u8(1);
                self.str(text);
            }
            None => self.u8(0),
        }
    }

    /// A length, then each value's bytes: converted a block's worth at a time, straight into
    /// the block (a loop the compiler unrolls), not value by value through [`Writer::put`].
    fn values<T: Copy, const N: usize>(&mut self, values: &[T], to_bytes: impl Fn(T) -> [u8; N]) {
        self.len(values.len());
        if self.sink.count(values.len() * N) {
            return;
        }
        let mut values = values;
        while !values.is_empty() {
            let room = (BLOCK - self.block.len()) / N;
            if room == 0 {
                self.sink.write(&self.block);
                self.block.clear();
                continue;
            }
            let (now, later) = values.split_at(room.min(values.len()));
            let start = self.block.len();
            self.block.resize(start + now.len() * N, 0);
            let (chunks, _) = self.block[start..].as_chunks_mut::<N>();
            for (bytes, &value) in chunks.iter_mut().zip(now) {
                *bytes = to_bytes(value);
            }
            values = later;
        }
    }
}

/// Reads what a [`Writer`] wrote from a [`Source`], a block at a time; every read is `None`
/// past the end.
pub(crate) struct Reader<S: Source> {
    block: Vec<u8>,
    at: usize,
    source: S,
}

impl<S: Source> Reader<S> {
    pub(crate) fn new(source: S) -> Self {
        Reader {
            block: Vec::new(),
            at: 0,
            source,
        }
    }

    fn remaining(&self) -> usize {
        self.block.len() - self.at + self.source.remaining()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Fills `into` with the next bytes, if there are as many.
    fn fill(&mut self, into: &mut [u8]) -> Option<()> {
        if into.len() > self.remaining() {
            return None;
        }
        let buffered = (self.block.len() - self.at).min(into.len());
        let (from_block, rest) = into.split_at_mut(buffered);
        from_block.copy_from_slice(&self.block[self.at..self.at + buffered]);
        self.at += buffered;
        if rest.len() >= BLOCK {
            self.source.read(rest);
        } else if !rest.is_empty() {
            self.block.resize(BLOCK.min(self.source.remaining()), 0);
            self.source.read(&mut self.block);
            rest.copy_from_slice(&self.block[..rest.len()]);
            self.at = rest.len();
        }
        Some(())
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut bytes = [0; N];
        self.fill(&mut bytes)?;
        Some(bytes)
    }

    /// Reads `bytes`, if they come next.
    pub(crate) fn expect(&mut self, bytes: &[u8]) -> Option<()> {
        let mut read = vec![0; bytes.len()];
        self.fill(&mut read)?;
        (read == bytes).then_some(())
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.array().map(|[value]| value)
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    pub(crate) fn str(&mut self) -> Option<String> {
        let len = self.len()?;
        if len > self.remaining() {
            return None;
        }
        let mut bytes = vec![0; len];
        self.fill(&mut bytes)?;
        String::from_utf8(bytes).ok()
    }

    fn option_str(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.str().map(Some),
            _ => None,
        }
    }

    /// A length, then that many values, in a vector of exactly that capacity.
    fn values<T, const N: usize>(&mut self, from_bytes: impl Fn([u8; N]) -> T) -> Option<Vec<T>> {
        let mut values = Vec::new();
        self.extend_values(&mut values, from_bytes)?;
        Some(values)
    }

    /// [`Reader::values`], each value checked by `from_bytes`.
    fn checked_values<T, const N: usize>(
        &mut self,
        from_bytes: impl Fn([u8; N]) -> Option<T>,
    ) -> Option<Vec<T>> {
        let len = self.len()?;
        if len.checked_mul(N)? > self.remaining() {
            return None;
        }
        let mut values = Vec::with_capacity(len);
        self.runs::<N>(len, |run| {
            for &bytes in run.as_chunks::<N>().0 {
                values.push(from_bytes(bytes)?);
            }
            Some(())
        })?;
        Some(values)
    }

    /// Hands the bytes of `len` values of `N` bytes each to `take`, in runs of whole values as
    /// they lie in the block, if there are as many; `None` as soon as `take` says it.
    fn runs<const N: usize>(
        &mut self,
        len: usize,
        mut take: impl FnMut(&[u8]) -> Option<()>,
    ) -> Option<()> {
        if len.checked_mul(N)? > self.remaining() {
            return None;
        }
        let mut left = len;
        while left > 0 {
            if self.block.len() - self.at < N {
                self.refill();
            }
            let run = ((self.block.len() - self.at) / N).min(left);
            take(&self.block[self.at..self.at + run * N])?;
            self.at += run * N;
            left -= run;
        }
        Some(())
    }

    /// Moves the bytes not yet read to the block's start and fills the rest of it from the
    /// source.
    fn refill(&mut self) {
        let kept = self.block.len() - self.at;
        self.block.copy_within(self.at.., 0);
        let more = (BLOCK - kept).min(self.source.remaining());
        self.block.resize(kept + more, 0);
        self.source.read(&mut self.block[kept..]);
        self.at = 0;
    }

    /// A length, then that many values, appended to `values` (a bulk conversion of each run of
    /// bytes, no call per value).
    fn extend_values<T, const N: usize>(
        &mut self,
        values: &mut Vec<T>,
        from_bytes: impl Fn([u8; N]) -> T,
    ) -> Option<usize> {
        let len = self.len()?;
        if len.checked_mul(N)? > self.remaining() {
            return None;
        }
        values.reserve_exact(len);
        self.runs::<N>(len, |run| {
            values.extend(
                run.as_chunks::<N>()
                    .0
                    .iter()
                    .map(|&bytes| from_bytes(bytes)),
            );
            Some(())
        })?;
        Some(len)
    }
}

const KINDS: [TableKind; 8] = [
    TableKind::DeductionDetails,
    TableKind::PackageOverview,
    TableKind::BillDetails,
    TableKind::BillResources,
    TableKind::CostDetails,
    TableKind::UsageDetails,
    TableKind::BillSummary,
    TableKind::Other,
];

/// A [`StoredSource`] in 8 bytes: a line, or a record path's symbol with the top bit set.
const RECORD_SOURCE: u64 = 1 << 63;

impl Table {
    /// Writes the table's bytes to `out` (read back by [`Table::decode`]).
    pub(crate) fn encode<S: Sink>(&self, out: &mut Writer<S>) {
        let kind = KINDS.iter().position(|&kind| kind == self.kind);
        out.u8(kind.expect("every kind is listed") as u8);
        out.option_str(self.title.as_deref());
        out.len(self.row_count);
        encode_arena(&self.strings.strings, out);
        encode_arena(&self.unique_strings, out);
        // The sources' runs, each its length and its first row's source.
        out.len(self.sources.runs.len());
        for (rows, source) in self.sources.run_lengths() {
            out.len(rows);
            out.u64(match source {
                StoredSource::Line(line) => line,
                StoredSource::Record(symbol) => RECORD_SOURCE | u64::from(symbol.0.get()),
            });
        }
        out.len(self.columns.len());
        for column in &self.columns {
            out.str(&column.name);
            out.str(&column.source_header);
            match &column.role {
                ColumnRole::Field => out.u8(0),
                ColumnRole::Tag { key } => {
                    out.u8(1);
                    out.str(key);
                }
                ColumnRole::PassThrough => out.u8(2),
            }
            encode_values(&column.values, out);
        }
    }

    /// The table [`Table::encode`] wrote; `None` if the bytes are not one.
    pub(crate) fn decode<S: Source>(input: &mut Reader<S>) -> Option<Table> {
        let (mut table, symbols) = decode_strings(input)?;
        let strings = &table.strings.strings;
        let mut index = hashbrown::HashTable::with_capacity(strings.ends.len());
        for at in 0..strings.ends.len() {
            index.insert_unique(fx_hash(strings.get(at)), at as u32, |&other| {
                fx_hash(strings.get(other as usize))
            });
        }
        table.strings.index = index;
        let mut sources = Sources::default();
        decode_sources(input, &symbols, table.row_count, |source, rows| {
            sources.push_run(source, rows);
        })?;
        table.sources = sources;
        let column_count = input.len()?;
        for at in 0..column_count {
            let column = decode_column(input, &symbols, table.row_count)?;
            if table.column_index.insert(column.name.clone(), at).is_some() {
                return None;
            }
            table.columns.push(column);
        }
        Some(table)
    }

    /// Appends the rows of the table `input` holds, exactly as [`Table::append`] appends it
    /// decoded, but reading one column at a time, so that only its strings and one of its
    /// columns are held beside this table; `None` if the bytes are not a table, and this table
    /// is then left with columns of different lengths, to be dropped. Each row's line is moved
    /// down by `lines_before` ([`Table::append_shifted`]).
    pub(crate) fn append_decoded<S: Source>(
        &mut self,
        input: &mut Reader<S>,
        lines_before: u64,
    ) -> Option<()> {
        let (other, symbols) = decode_strings(input)?;
        let rows = other.row_count;
        decode_sources(input, &symbols, rows, |source, run| {
            self.push_source_run_of(&other, source, run, lines_before);
        })?;
        let mut appending = Appending::new(self, &other);
        let mut names = FxHashSet::default();
        for _ in 0..input.len()? {
            let column = decode_column(input, &symbols, rows)?;
            if !names.insert(column.name.clone()) {
                return None;
            }
            appending.column(self, &other, &column);
        }
        appending.finish(self, rows);
        Some(())
    }
}

/// A table's kind, title, row count and strings, with no rows yet (nor the interner's index),
/// and how many strings its symbols may name.
fn decode_strings<S: Source>(input: &mut Reader<S>) -> Option<(Table, SymbolRange)> {
    let mut table = Table::new(*KINDS.get(usize::from(input.u8()?))?);
    table.title = input.option_str()?;
    table.row_count = input.len()?;
    table.strings.strings = decode_arena(input)?;
    table.unique_strings = decode_arena(input)?;
    let symbols = SymbolRange {
        interned: table.strings.strings.ends.len(),
        unique: table.unique_strings.ends.len(),
    };
    Some((table, symbols))
}

/// Hands each run of rows' sources to `take` (its first row's source and its rows), each
/// checked: `rows` in all, a record path's run one row long, a line run's last line a `u64`.
fn decode_sources<S: Source>(
    input: &mut Reader<S>,
    symbols: &SymbolRange,
    rows: usize,
    mut take: impl FnMut(StoredSource, usize),
) -> Option<()> {
    let runs = input.len()?;
    if runs.checked_mul(16)? > input.remaining() {
        return None;
    }
    let mut taken = 0_usize;
    for _ in 0..runs {
        let run = input.len()?;
        let source = input.u64()?;
        taken = taken
            .checked_add(run)
            .filter(|&taken| run > 0 && taken <= rows)?;
        let source = match source & RECORD_SOURCE {
            0 => {
                source.checked_add(run as u64 - 1)?;
                StoredSource::Line(source)
            }
            _ if run == 1 => {
                StoredSource::Record(symbols.check(u32::try_from(source & !RECORD_SOURCE).ok()?)?)
            }
            _ => return None,
        };
        take(source, run);
    }
    (taken == rows).then_some(())
}

/// One column, checked to hold `rows` cells.
fn decode_column<S: Source>(
    input: &mut Reader<S>,
    symbols: &SymbolRange,
    rows: usize,
) -> Option<Column> {
    let name = input.str()?;
    let source_header = input.str()?;
    let role = match input.u8()? {
        0 => ColumnRole::Field,
        1 => ColumnRole::Tag { key: input.str()? },
        2 => ColumnRole::PassThrough,
        _ => return None,
    };
    let values = decode_values(input, symbols)?;
    (values.len() == rows).then_some(Column {
        name,
        source_header,
        role,
        values,
    })
}

fn encode_arena<S: Sink>(arena: &Arena, out: &mut Writer<S>) {
    out.str(&arena.text);
    out.values(&arena.ends, u32::to_le_bytes);
}

fn decode_arena<S: Source>(input: &mut Reader<S>) -> Option<Arena> {
    let text = input.str()?;
    let ends = input.values(u32::from_le_bytes)?;
    let mut start = 0;
    for &end in &ends {
        let end = end as usize;
        if end < start || !text.is_char_boundary(end) {
            return None;
        }
        start = end;
    }
    (start == text.len()).then_some(Arena { text, ends })
}

/// How many strings a table's symbols may name.
struct SymbolRange {
    interned: usize,
    unique: usize,
}

impl SymbolRange {
    /// `code` as a symbol, if it names one of the table's strings.
    fn check(&self, code: u32) -> Option<Symbol> {
        let valid = if code & UNIQUE == 0 {
            code != 0 && code as usize <= self.interned
        } else {
            ((code & !UNIQUE) as usize) < self.unique
        };
        valid.then(|| Symbol(NonZeroU32::new(code).expect("checked above")))
    }
}

fn encode_presence<S: Sink>(presence: &Presence, out: &mut Writer<S>) {
    out.len(presence.len);
    out.values(&presence.words, u64::to_le_bytes);
}

fn decode_presence<S: Source>(input: &mut Reader<S>) -> Option<Presence> {
    let len = input.len()?;
    let words = input.values(u64::from_le_bytes)?;
    (words.len() == len.div_ceil(64)).then_some(Presence { words, len })
}

fn encode_values<S: Sink>(values: &ColumnValues, out: &mut Writer<S>) {
    match values {
        ColumnValues::Text(column) => {
            out.u8(0);
            match &column.codes {
                Codes::Narrow(codes) => {
                    out.u8(0);
                    out.values(codes, u16::to_le_bytes);
                }
                Codes::Wide(symbols) => {
                    out.u8(1);
                    out.values(symbols, |symbol: Option<Symbol>| {
                        symbol.map_or(0, |symbol| symbol.0.get()).to_le_bytes()
                    });
                }
            }
            match column.storage {
                TextStorage::Sampling { cells, first_seen } => {
                    out.u8(0);
                    out.u64(u64::from(cells));
                    out.u64(u64::from(first_seen));
                }
                TextStorage::Interned => out.u8(1),
                TextStorage::Unique => out.u8(2),
            }
        }
        ColumnValues::Decimal(column) => {
            out.u8(1);
            encode_presence(&column.present, out);
            match &column.values {
                DecimalValues::Mantissas { mantissas, scales } => {
                    match mantissas {
                        Mantissas::Narrow(mantissas) => {
                            out.u8(0);
                            out.values(mantissas, i32::to_le_bytes);
                        }
                        Mantissas::Wide(mantissas) => {
                            out.u8(1);
                            out.values(mantissas, i64::to_le_bytes);
                        }
                    }
                    match scales {
                        Scales::Uniform(None) => out.u8(0),
                        Scales::Uniform(Some(scale)) => {
                            out.u8(1);
                            out.u8(*scale);
                        }
                        Scales::PerValue(scales) => {
                            out.u8(2);
                            out.values(scales, |scale: u8| [scale]);
                        }
                    }
                }
                DecimalValues::Wide(values) => {
                    out.u8(2);
                    out.values(values, |value: Decimal| value.serialize());
                }
            }
        }
        ColumnValues::Time(column) => {
            out.u8(2);
            encode_presence(&column.present, out);
            match &column.secs {
                Seconds::Narrow(secs) => {
                    out.u8(0);
                    out.values(secs, i32::to_le_bytes);
                }
                Seconds::Wide(secs) => {
                    out.u8(1);
                    out.values(secs, i64::to_le_bytes);
                }
            }
        }
    }
}

/// The largest scale a [`Decimal`] has.
const MAX_SCALE: u8 = 28;

/// Whether a stored mantissa and scale make a number below [`MAX_MAGNITUDE`] (10^16), as every
/// number read is: `|mantissa| < 10^(16 + scale)`, compared as integers (a `Decimal` made per
/// value was most of a wide column's decoding); from scale 3 on, every `i64` is.
fn computable(mantissa: i64, scale: u8) -> bool {
    scale >= 3 || mantissa.unsigned_abs() < 10_u64.pow(16 + u32::from(scale))
}

fn decode_values<S: Source>(input: &mut Reader<S>, symbols: &SymbolRange) -> Option<ColumnValues> {
    Some(match input.u8()? {
        0 => {
            let codes =
                match input.u8()? {
                    0 => {
                        let codes = input.values(u16::from_le_bytes)?;
                        // A 2-byte code is absent (0) or an interned symbol: never a unique one.
                        codes
                            .iter()
                            .all(|&code| usize::from(code) <= symbols.interned)
                            .then_some(Codes::Narrow(codes))?
                    }
                    1 => Codes::Wide(input.checked_values(|bytes| {
                        match u32::from_le_bytes(bytes) {
                            0 => Some(None),
                            code => symbols.check(code).map(Some),
                        }
                    })?),
                    _ => return None,
                };
            let storage = match input.u8()? {
                0 => TextStorage::Sampling {
                    cells: u32::try_from(input.u64()?).ok()?,
                    first_seen: u32::try_from(input.u64()?).ok()?,
                },
                1 => TextStorage::Interned,
                2 => TextStorage::Unique,
                _ => return None,
            };
            ColumnValues::Text(TextColumn { codes, storage })
        }
        1 => {
            let present = decode_presence(input)?;
            let values = match input.u8()? {
                tag @ (0 | 1) => {
                    let mantissas = if tag == 0 {
                        Mantissas::Narrow(input.values(i32::from_le_bytes)?)
                    } else {
                        Mantissas::Wide(input.values(i64::from_le_bytes)?)
                    };
                    let scales = match input.u8()? {
                        0 => Scales::Uniform(None),
                        1 => {
                            let scale = input.u8()?;
                            (scale <= MAX_SCALE).then_some(Scales::Uniform(Some(scale)))?
                        }
                        2 => {
                            let scales = input.values(|[scale]: [u8; 1]| scale)?;
                            let valid = scales.len() == present.len
                                && scales.iter().all(|&scale| scale <= MAX_SCALE);
                            valid.then_some(Scales::PerValue(scales))?
                        }
                        _ => return None,
                    };
                    // Narrow mantissas (an `i32`) are always below MAX_MAGNITUDE.
                    let valid = mantissas.len() == present.len
                        && match (&mantissas, &scales) {
                            (Mantissas::Narrow(_), _) => true,
                            (Mantissas::Wide(mantissas), Scales::Uniform(scale)) => {
                                let scale = scale.unwrap_or_default();
                                mantissas
                                    .iter()
                                    .all(|&mantissa| computable(mantissa, scale))
                            }
                            (Mantissas::Wide(mantissas), Scales::PerValue(scales)) => mantissas
                                .iter()
                                .zip(scales)
                                .all(|(&mantissa, &scale)| computable(mantissa, scale)),
                        };
                    valid.then_some(DecimalValues::Mantissas { mantissas, scales })?
                }
                2 => {
                    let values = input.values(Decimal::deserialize)?;
                    let valid = values.len() == present.len
                        && values.iter().all(|value| {
                            value.scale() <= u32::from(MAX_SCALE) && value.abs() < MAX_MAGNITUDE
                        });
                    valid.then_some(DecimalValues::Wide(values))?
                }
                _ => return None,
            };
            ColumnValues::Decimal(DecimalColumn { present, values })
        }
        2 => {
            let present = decode_presence(input)?;
            let secs = match input.u8()? {
                0 => Seconds::Narrow(input.values(i32::from_le_bytes)?),
                1 => Seconds::Wide(input.values(i64::from_le_bytes)?),
                _ => return None,
            };
            // Narrow seconds (an `i32` from 2020) are always readable.
            let (len, readable) = match &secs {
                Seconds::Narrow(secs) => (secs.len(), true),
                Seconds::Wide(secs) => (
                    secs.len(),
                    secs.iter().all(|secs| READABLE_UTC_SECS.contains(secs)),
                ),
            };
            (len == present.len && readable)
                .then_some(ColumnValues::Time(TimeColumn { present, secs }))?
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::table::tests::cells;
    use crate::model::table::{Cell, ColumnType, RowSource};
    use crate::model::time::BeijingTime;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    /// A table with every storage a column can take: unique and interned text (with codes past
    /// 2 bytes, and a column still sampling), narrow and wide mantissas, uniform and per-value
    /// scales, a mantissa past 64 bits and a negative zero, narrow and wide times, a tag column
    /// that starts late, absent cells, record paths as sources and a title.
    fn every_storage() -> Table {
        let mut table = Table::new(TableKind::BillDetails);
        table.set_title(Some("内容分发网络 CDN 5分钟明细".to_owned()));
        let id = table.ensure_column("BillId", "交易ID", ColumnRole::Field, ColumnType::Text);
        let many = table.ensure_column("Many", "many", ColumnRole::PassThrough, ColumnType::Text);
        let sampling =
            table.ensure_column("Rare", "rare", ColumnRole::PassThrough, ColumnType::Text);
        let narrow = table.ensure_column("Usage", "用量", ColumnRole::Field, ColumnType::Decimal);
        let wide =
            table.ensure_column("Cost", "优惠后总价", ColumnRole::Field, ColumnType::Decimal);
        let huge = table.ensure_column("Huge", "huge", ColumnRole::Field, ColumnType::Decimal);
        let time = table.ensure_column("Time", "扣费时间", ColumnRole::Field, ColumnType::Time);
        let far = table.ensure_column("Far", "far", ColumnRole::Field, ColumnType::Time);
        for i in 0..70_000_i64 {
            let id_text = format!("tx{i:08}");
            let many_text = format!("value {}", i % 66_000);
            let usage = Decimal::new(i % 1000, 2);
            let cost = if i == 40_000 {
                dec("123456789012.123456")
            } else {
                Decimal::new(i, (i % 3) as u32)
            };
            let huge_value = match i {
                7 => dec("9999999999999999.999999999999"),
                8 => dec("-0.00"),
                _ => Decimal::new(i, 4),
            };
            let at = BeijingTime::from_utc_epoch_secs(1_700_000_000 + i * 60);
            let far_at = BeijingTime::from_utc_epoch_secs(if i == 9 {
                5_000_000_000
            } else {
                1_600_000_000
            });
            let mut cells = vec![
                (id, Cell::Text(&id_text)),
                (narrow, Cell::Decimal(usage)),
                (wide, Cell::Decimal(cost)),
                (huge, Cell::Decimal(huge_value)),
                (far, Cell::Time(far_at)),
            ];
            if i % 5 != 0 {
                cells.push((many, Cell::Text(&many_text)));
                cells.push((time, Cell::Time(at)));
            }
            if i % 1000 == 0 {
                cells.push((sampling, Cell::Text("rare")));
            }
            let tag;
            if i >= 50_000 {
                let env = table.ensure_column(
                    "Tag:env",
                    "标签键:env",
                    ColumnRole::Tag {
                        key: "env".to_owned(),
                    },
                    ColumnType::Text,
                );
                tag = (env, Cell::Text("prod"));
                cells.push(tag);
            }
            let path = format!("Response.DetailSet[{i}]");
            let source = if i % 2 == 0 {
                RowSource::Line(i as u64 + 2)
            } else {
                RowSource::Record(&path)
            };
            table.push_row(source, &cells);
        }
        table
    }

    fn encoded(table: &Table) -> Vec<u8> {
        let mut out = Writer::new(Vec::new());
        table.encode(&mut out);
        out.finish()
    }

    #[test]
    fn a_table_decodes_to_exactly_the_table_encoded() {
        let table = every_storage();
        // The storages the table is meant to hold.
        let text = |name| match &table.column(name).unwrap().values {
            ColumnValues::Text(column) => column.clone(),
            _ => unreachable!(),
        };
        assert!(text("BillId").is_unique());
        assert!(matches!(text("Many").codes, Codes::Wide(_)));
        assert!(matches!(text("Rare").storage, TextStorage::Sampling { .. }));
        assert!(table.decimal_column("Huge").unwrap().is_wide());
        assert!(matches!(
            &table.decimal_column("Cost").unwrap().values,
            DecimalValues::Mantissas {
                mantissas: Mantissas::Wide(_),
                scales: Scales::PerValue(_)
            }
        ));
        assert!(matches!(
            table.time_column("Far").unwrap().secs,
            Seconds::Wide(_)
        ));

        let bytes = encoded(&table);
        let mut input = Reader::new(&bytes[..]);
        let mut decoded = Table::decode(&mut input).expect("decodes");
        assert!(input.is_empty());
        assert_eq!(decoded.kind, table.kind);
        assert_eq!(decoded.title, table.title);
        assert_eq!(decoded.row_count, table.row_count);
        assert_eq!(decoded.columns, table.columns);
        assert_eq!(decoded.column_index, table.column_index);
        assert_eq!(
            format!("{:?}", decoded.sources),
            format!("{:?}", table.sources)
        );
        for (decoded, original) in [
            (&decoded.strings.strings, &table.strings.strings),
            (&decoded.unique_strings, &table.unique_strings),
        ] {
            assert_eq!(
                (&decoded.text, &decoded.ends),
                (&original.text, &original.ends)
            );
        }
        // The rebuilt index finds every string under its old symbol, and adds none.
        for at in 0..table.strings.strings.ends.len() {
            let text = table.strings.strings.get(at).to_owned();
            assert_eq!(decoded.strings.intern(&text), (Symbol::interned(at), false));
        }
        assert_eq!(encoded(&decoded), bytes);
    }

    #[test]
    fn a_table_appended_from_its_bytes_is_the_table_appended_decoded() {
        let later = every_storage();
        let bytes = encoded(&later);
        // An earlier stretch with a column of its own and rows with a record path.
        let earlier = || {
            let mut table = Table::new(TableKind::BillDetails);
            let id = table.ensure_column("BillId", "交易ID", ColumnRole::Field, ColumnType::Text);
            let own = table.ensure_column("Own", "own", ColumnRole::Field, ColumnType::Decimal);
            for i in 0..5000_u32 {
                let id_text = format!("early{i}");
                let path = format!("Response.DetailSet[{i}]");
                let source = match i % 3 {
                    0 => RowSource::Record(&path),
                    _ => RowSource::Line(u64::from(i)),
                };
                table.push_row(
                    source,
                    &[(id, Cell::Text(&id_text)), (own, Cell::Decimal(dec("0.5")))],
                );
            }
            table
        };
        let mut decoded_then_appended = earlier();
        let decoded = Table::decode(&mut Reader::new(&bytes[..])).unwrap();
        decoded_then_appended.append(&decoded);
        let mut appended = earlier();
        let mut input = Reader::new(&bytes[..]);
        appended.append_decoded(&mut input, 0).unwrap();
        assert!(input.is_empty());
        assert_eq!(appended.row_count(), 75_000);
        assert_eq!(cells(&appended), cells(&decoded_then_appended));
        assert_eq!(appended.columns, decoded_then_appended.columns);
        assert_eq!(encoded(&appended), encoded(&decoded_then_appended));
    }

    #[test]
    fn damaged_bytes_decode_to_nothing_rather_than_a_table_that_panics() {
        let mut table = Table::new(TableKind::Other);
        let name = table.ensure_column("Name", "名称", ColumnRole::PassThrough, ColumnType::Text);
        let cost = table.ensure_column("Cost", "费用", ColumnRole::Field, ColumnType::Decimal);
        let time = table.ensure_column("Time", "扣费时间", ColumnRole::Field, ColumnType::Time);
        for i in 0..100_u32 {
            let text = format!("名称{}", i % 7);
            // One value of each column needs the wide storage (an i64).
            let (value, secs) = match i {
                0 => (dec("123456789012.5"), 5_000_000_000),
                _ => (dec("1.5"), 1_700_000_000 + i64::from(i) * 60),
            };
            table.push_row(
                RowSource::Line(u64::from(i) + 2),
                &[
                    (name, Cell::Text(&text)),
                    (cost, Cell::Decimal(value)),
                    (time, Cell::Time(BeijingTime::from_utc_epoch_secs(secs))),
                ],
            );
        }
        let bytes = encoded(&table);
        // Cut anywhere, or any byte changed: a table that reads back (every column as long as the
        // table, every symbol a string) and whose values can be summed and printed, or `None`.
        for end in 0..bytes.len() {
            assert!(
                Table::decode(&mut Reader::new(&bytes[..end])).is_none(),
                "cut at {end}"
            );
            let mut appended = Table::new(TableKind::Other);
            let appending = appended.append_decoded(&mut Reader::new(&bytes[..end]), 0);
            assert!(appending.is_none(), "appended, cut at {end}");
        }
        for at in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] ^= flip;
                // Appended as it is read, the damage is found, or the rows are readable.
                let mut appended = Table::new(TableKind::Other);
                if appended
                    .append_decoded(&mut Reader::new(&damaged[..]), 0)
                    .is_some()
                {
                    for column in &appended.columns {
                        assert_eq!(column.values.len(), appended.row_count());
                    }
                }
                if let Some(read) = Table::decode(&mut Reader::new(&damaged[..])) {
                    for column in &read.columns {
                        assert_eq!(column.values.len(), read.row_count());
                    }
                    let mut sum = Decimal::ZERO;
                    for row in 0..read.row_count() {
                        let _ = read.source(row);
                        let _ = read.text("Name", row);
                        sum += read.decimal("Cost", row).unwrap_or_default();
                        let _ = read.time("Time", row).map(|time| time.to_string());
                    }
                }
            }
        }
    }

    #[test]
    fn a_mantissa_is_computable_exactly_when_its_number_is_below_max_magnitude() {
        for scale in 0..=MAX_SCALE {
            let mut mantissas = vec![0, 1, -1, i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1];
            for power in 15..=18 {
                let bound = 10_i64.pow(power);
                mantissas.extend([bound - 1, bound, bound + 1, -bound + 1, -bound, -bound - 1]);
            }
            for mantissa in mantissas {
                let expected = Decimal::new(mantissa, u32::from(scale)).abs() < MAX_MAGNITUDE;
                assert_eq!(
                    computable(mantissa, scale),
                    expected,
                    "{mantissa} at {scale}"
                );
            }
        }
    }

    #[test]
    fn sources_decode_only_as_runs_a_table_can_hold() {
        // Lines 2-4, a record path, lines 9-10: three runs.
        let mut table = Table::new(TableKind::Other);
        for source in [
            RowSource::Line(2),
            RowSource::Line(3),
            RowSource::Line(4),
            RowSource::Record("Response.DetailSet[0]"),
            RowSource::Line(9),
            RowSource::Line(10),
        ] {
            table.push_row(source, &[]);
        }
        let bytes = encoded(&table);
        let read = Table::decode(&mut Reader::new(&bytes[..])).unwrap();
        let sources: Vec<_> = (0..6).map(|row| read.source(row)).collect();
        let expected: Vec<_> = (0..6).map(|row| table.source(row)).collect();
        assert_eq!(sources, expected);
        let run = |rows: u64, source: u64| [rows.to_le_bytes(), source.to_le_bytes()].concat();
        let decode = |bytes: &[u8]| Table::decode(&mut Reader::new(bytes));
        // A record path's run of two rows; a run past the table's rows; an empty run.
        let record = RECORD_SOURCE | 1;
        for (old, new) in [
            (run(1, record), run(2, record)),
            (run(3, 2), run(4, 2)),
            (run(2, 9), run(0, 9)),
        ] {
            assert!(decode(&replaced(&bytes, &old, &new)).is_none());
        }
        let far = replaced(&bytes, &run(3, 2), &run(3, RECORD_SOURCE - 3));
        let read = decode(&far).unwrap();
        assert_eq!(read.source(2), RowSource::Line(RECORD_SOURCE - 1));
    }

    /// `bytes` with the only occurrence of `old` replaced by `new`.
    fn replaced(bytes: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
        let mut at = bytes.windows(old.len()).enumerate();
        let (found, _) = at.find(|(_, window)| *window == old).expect("found");
        assert!(at.all(|(_, window)| window != old), "found once");
        let mut replaced = bytes.to_vec();
        replaced[found..found + old.len()].copy_from_slice(new);
        replaced
    }

    #[test]
    fn a_number_or_time_no_file_holds_decodes_to_nothing() {
        // A damaged part may hold any value: a time in the year 292277026596 panicked when
        // printed, and numbers of 10^16 or more could overflow the analyses' sums.
        let mut table = Table::new(TableKind::BillDetails);
        let time = table.ensure_column("PayTime", "扣费时间", ColumnRole::Field, ColumnType::Time);
        let cost = table.ensure_column("Cost", "费用", ColumnRole::Field, ColumnType::Decimal);
        let big = table.ensure_column("Big", "大", ColumnRole::Field, ColumnType::Decimal);
        table.push_row(
            RowSource::Line(2),
            &[
                (
                    time,
                    Cell::Time(BeijingTime::from_utc_epoch_secs(5_000_000_000)),
                ),
                (cost, Cell::Decimal(dec("12345678901"))),
                (big, Cell::Decimal(dec("9999999999999999.999"))),
            ],
        );
        assert!(table.decimal_column("Big").unwrap().is_wide());
        let bytes = encoded(&table);
        let decode = |bytes: &[u8]| Table::decode(&mut Reader::new(bytes));

        let secs = 5_000_000_000_i64.to_le_bytes();
        let (earliest, latest) = READABLE_UTC_SECS.into_inner();
        for far in [i64::MAX, i64::MIN, earliest - 1, latest + 1] {
            assert!(
                decode(&replaced(&bytes, &secs, &far.to_le_bytes())).is_none(),
                "{far}"
            );
        }
        let last = decode(&replaced(&bytes, &secs, &latest.to_le_bytes())).unwrap();
        let fields = last.time("PayTime", 0).unwrap().beijing_fields();
        assert_eq!(fields, (10_000, 1, 8, 8, 0, 0));

        let mantissa = 12_345_678_901_i64.to_le_bytes();
        for huge in [10_000_000_000_000_000, -10_000_000_000_000_000, i64::MAX] {
            let damaged = replaced(&bytes, &mantissa, &i64::to_le_bytes(huge));
            assert!(decode(&damaged).is_none(), "{huge}");
        }
        let largest = 9_999_999_999_999_999_i64.to_le_bytes();
        let read = decode(&replaced(&bytes, &mantissa, &largest)).unwrap();
        assert_eq!(read.decimal("Cost", 0), Some(dec("9999999999999999")));

        let value = dec("9999999999999999.999").serialize();
        for huge in [Decimal::MAX, dec("-10000000000000000")] {
            let damaged = replaced(&bytes, &value, &huge.serialize());
            assert!(decode(&damaged).is_none(), "{huge}");
        }
        let read = decode(&bytes).unwrap();
        assert_eq!(read.decimal("Big", 0), Some(dec("9999999999999999.999")));
    }
}
