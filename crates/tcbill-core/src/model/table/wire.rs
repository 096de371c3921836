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
use rustc_hash::FxHashMap;

use crate::model::number::MAX_MAGNITUDE;
use crate::model::time::READABLE_UTC_SECS;

use super::{
    fx_hash, Arena, Codes, Column, ColumnRole, ColumnValues, DecimalColumn, DecimalValues,
    Interner, Mantissas, Presence, Scales, Seconds, Sources, StoredSource, Symbol, Table,
    TableKind, TextColumn, TextStorage, TimeColumn, UNIQUE,
};

/// Appends values to a byte buffer, little-endian.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn u64(&mut self, value: u64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    fn len(&mut self, len: usize) {
        self.u64(len as u64);
    }

    pub(crate) fn str(&mut self, text: &str) {
        self.len(text.len());
        self.bytes.extend_from_slice(text.as_bytes());
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

    /// A length, then each value's bytes.
    fn values<T: Copy, const N: usize>(&mut self, values: &[T], to_bytes: impl Fn(T) -> [u8; N]) {
        self.len(values.len());
        self.bytes.reserve(values.len() * N);
        for &value in values {
            self.bytes.extend_from_slice(&to_bytes(value));
        }
    }
}

/// Reads what a [`Writer`] wrote; every read is `None` past the end.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(len)?;
        self.bytes = rest;
        Some(taken)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    fn option_str(&mut self) -> Option<Option<&'a str>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.str().map(Some),
            _ => None,
        }
    }

    fn values<T, const N: usize>(&mut self, from_bytes: impl Fn([u8; N]) -> T) -> Option<Vec<T>> {
        let len = self.len()?;
        let bytes = self.take(len.checked_mul(N)?)?;
        Some(
            bytes
                .chunks_exact(N)
                .map(|chunk| from_bytes(chunk.try_into().expect("chunks of N bytes")))
                .collect(),
        )
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
    /// Appends the table's bytes to `out` (read back by [`Table::decode`]).
    pub(crate) fn encode(&self, out: &mut Writer) {
        let kind = KINDS.iter().position(|&kind| kind == self.kind);
        out.u8(kind.expect("every kind is listed") as u8);
        out.option_str(self.title.as_deref());
        out.len(self.row_count);
        encode_arena(&self.strings.strings, out);
        encode_arena(&self.unique_strings, out);
        let sources: Vec<u64> = self
            .sources
            .iter()
            .map(|source| match source {
                StoredSource::Line(line) => line,
                StoredSource::Record(symbol) => RECORD_SOURCE | u64::from(symbol.0.get()),
            })
            .collect();
        out.values(&sources, u64::to_le_bytes);
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
    pub(crate) fn decode(input: &mut Reader<'_>) -> Option<Table> {
        let kind = *KINDS.get(usize::from(input.u8()?))?;
        let title = input.option_str()?.map(str::to_owned);
        let row_count = input.len()?;
        let strings = decode_arena(input)?;
        let unique_strings = decode_arena(input)?;
        let mut index = hashbrown::HashTable::with_capacity(strings.ends.len());
        for at in 0..strings.ends.len() {
            index.insert_unique(fx_hash(strings.get(at)), at as u32, |&other| {
                fx_hash(strings.get(other as usize))
            });
        }
        let symbols = SymbolRange {
            interned: strings.ends.len(),
            unique: unique_strings.ends.len(),
        };
        let sources = input
            .values(u64::from_le_bytes)?
            .into_iter()
            .map(|source| match source & RECORD_SOURCE {
                0 => Some(StoredSource::Line(source)),
                _ => symbols
                    .check(u32::try_from(source & !RECORD_SOURCE).ok()?)
                    .map(StoredSource::Record),
            })
            .collect::<Option<Sources>>()?;
        if sources.len() != row_count {
            return None;
        }
        let column_count = input.len()?;
        let mut columns = Vec::new();
        let mut column_index = FxHashMap::default();
        for at in 0..column_count {
            let name = input.str()?.to_owned();
            let source_header = input.str()?.to_owned();
            let role = match input.u8()? {
                0 => ColumnRole::Field,
                1 => ColumnRole::Tag {
                    key: input.str()?.to_owned(),
                },
                2 => ColumnRole::PassThrough,
                _ => return None,
            };
            let values = decode_values(input, &symbols)?;
            if values.len() != row_count || column_index.insert(name.clone(), at).is_some() {
                return None;
            }
            columns.push(Column {
                name,
                source_header,
                role,
                values,
            });
        }
        Some(Table {
            kind,
            strings: Interner { strings, index },
            unique_strings,
            columns,
            column_index,
            row_count,
            sources,
            title,
            cell_of_column: Vec::new(),
        })
    }
}

fn encode_arena(arena: &Arena, out: &mut Writer) {
    out.str(&arena.text);
    out.values(&arena.ends, u32::to_le_bytes);
}

fn decode_arena(input: &mut Reader<'_>) -> Option<Arena> {
    let text = input.str()?.to_owned();
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

fn encode_presence(presence: &Presence, out: &mut Writer) {
    out.len(presence.len);
    out.values(&presence.words, u64::to_le_bytes);
}

fn decode_presence(input: &mut Reader<'_>) -> Option<Presence> {
    let len = input.len()?;
    let words = input.values(u64::from_le_bytes)?;
    (words.len() == len.div_ceil(64)).then_some(Presence { words, len })
}

fn encode_values(values: &ColumnValues, out: &mut Writer) {
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
                    let codes: Vec<u32> = symbols
                        .iter()
                        .map(|symbol| symbol.map_or(0, |symbol| symbol.0.get()))
                        .collect();
                    out.values(&codes, u32::to_le_bytes);
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

/// Whether a stored mantissa and scale make a number below [`MAX_MAGNITUDE`], as every number
/// read is.
fn computable(mantissa: i64, scale: u8) -> bool {
    Decimal::new(mantissa, u32::from(scale)).abs() < MAX_MAGNITUDE
}

fn decode_values(input: &mut Reader<'_>, symbols: &SymbolRange) -> Option<ColumnValues> {
    Some(match input.u8()? {
        0 => {
            let codes = match input.u8()? {
                0 => {
                    let codes = input.values(u16::from_le_bytes)?;
                    codes
                        .iter()
                        .all(|&code| code == 0 || symbols.check(u32::from(code)).is_some())
                        .then_some(Codes::Narrow(codes))?
                }
                1 => Codes::Wide(
                    input
                        .values(u32::from_le_bytes)?
                        .into_iter()
                        .map(|code| match code {
                            0 => Some(None),
                            code => symbols.check(code).map(Some),
                        })
                        .collect::<Option<_>>()?,
                ),
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
        let mut out = Writer::default();
        table.encode(&mut out);
        out.bytes
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
        let mut input = Reader::new(&bytes);
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
        }
        for at in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] ^= flip;
                if let Some(read) = Table::decode(&mut Reader::new(&damaged)) {
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
