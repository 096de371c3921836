//! The fast path of CSV splitting (`simple_record`) must change nothing but speed. csv-core alone
//! ([`CsvStream::csv_core_only`]) is the reference: random text built from what matters to a CSV
//! reader (delimiters, quotes, every kind of line end, a BOM, NUL, undecodable and GB18030
//! bytes, lines before the header row) must give the same rows, cells, line numbers,
//! diagnostics and counts with the fast path, read whole and fed in arbitrary chunks (after a
//! head, the parser's first chunk, which chooses the encoding), and csv-core alone must give
//! them in chunks too.
//!
//! The case counts keep this module to a few seconds in a debug build; runs of 180,000 cases in
//! release found no difference.

use proptest::prelude::*;

use super::CsvStream;
use crate::model::table::RowSource;

/// Columns of an L3 bill in English: text, a time and a decimal.
const HEADER: &[&str] = &[
    "Product Name",
    "Component Name",
    "Transaction ID",
    "Transaction Time",
    "Total Cost (Including Tax)",
];

/// What a file is built of: plain cells, a time, and every byte the readers treat apart.
const TOKENS: &[&[u8]] = &[
    b"CVM",
    b"1.5",
    b"2024-11-05 10:00:00",
    b"-",
    b",",
    b",",
    b",",
    b"\t",
    b"\"",
    b"\"",
    b"\"\"",
    b"\n",
    b"\n",
    b"\r",
    b"\r\n",
    b" ",
    b"\0",
    "产品".as_bytes(),
    "\u{feff}".as_bytes(),
    b"\xff",
    // 产 in GB18030, and a four-byte GB18030 sequence.
    b"\xb2\xfa",
    b"\x81\x30\x81\x30",
    // A UTF-8 sequence cut short.
    b"\xef\xbf",
];

/// Everything the stream read: counts, diagnostics, columns with their storage, each row's line
/// and cells.
fn read(mut stream: CsvStream, chunks: &[&[u8]]) -> String {
    for chunk in chunks {
        stream.feed(chunk);
    }
    let outcome = stream.finish("f.csv");
    let table = &outcome.table;
    let mut out = format!("{:?} rejected={}\n", outcome.kind, outcome.rows_rejected);
    for diagnostic in &outcome.diagnostics {
        out += &format!("{diagnostic:?}\n");
    }
    out += &format!("{:?}\n", table.columns());
    for row in 0..table.row_count() {
        out += &format!("{:?}:", table.source(row));
        for column in table.columns() {
            let name = &column.name;
            let time = table.time(name, row).map(|time| time.utc_epoch_secs());
            out += &format!(
                " {:?}/{:?}/{time:?}",
                table.text(name, row),
                table.decimal(name, row)
            );
        }
        out += "\n";
    }
    out
}

fn text_of(tokens: &[usize]) -> Vec<u8> {
    tokens
        .iter()
        .flat_map(|&token| TOKENS[token].iter().copied())
        .collect()
}

/// The file: a BOM if `bom`, a line of `title` if any, the header row, then `body`; and where
/// the header row ends.
fn file(tab: bool, bom: bool, title: &[u8], body: &[u8]) -> (Vec<u8>, usize) {
    let mut file = Vec::new();
    if bom {
        file.extend_from_slice(super::UTF8_BOM);
    }
    if !title.is_empty() {
        file.extend_from_slice(title);
        file.push(b'\n');
    }
    file.extend_from_slice(HEADER.join(if tab { "\t" } else { "," }).as_bytes());
    file.push(b'\n');
    let header_end = file.len();
    file.extend_from_slice(body);
    (file, header_end)
}

/// Reads the file with and without the fast path: whole, then with a head of `head_len` bytes
/// (the parser's first chunk, which chooses the encoding) followed by the rest cut at `cuts`,
/// and one byte at a time.
fn same_with_fast_path(file: &[u8], head_len: usize, cuts: &[usize]) -> Result<(), TestCaseError> {
    let whole = read(CsvStream::csv_core_only("f.csv", file, true), &[]);
    let fast = read(CsvStream::new("f.csv", file, true), &[]);
    prop_assert_eq!(fast, whole, "read whole");

    let (head, rest) = file.split_at(head_len);
    let reference = read(CsvStream::csv_core_only("f.csv", head, false), &[rest]);
    let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut % (rest.len() + 1)).collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([rest.len()]) {
        chunks.push(&rest[start..cut]);
        start = cut;
    }
    let fast = read(CsvStream::new("f.csv", head, false), &chunks);
    prop_assert_eq!(&fast, &reference, "fast path, chunks {:?}", chunks);
    let csv_core = read(CsvStream::csv_core_only("f.csv", head, false), &chunks);
    prop_assert_eq!(&csv_core, &reference, "csv-core, chunks {:?}", chunks);
    let bytes: Vec<&[u8]> = rest.chunks(1).collect();
    let fast = read(CsvStream::new("f.csv", head, false), &bytes);
    prop_assert_eq!(&fast, &reference, "fast path, a byte at a time");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_fast_path_reads_what_csv_core_reads(
        tab: bool,
        bom: bool,
        title in prop::collection::vec(0..TOKENS.len(), 0..4),
        tokens in prop::collection::vec(0..TOKENS.len(), 0..48),
        head_in_body: usize,
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let body = text_of(&tokens);
        let (file, header_end) = file(tab, bom, &text_of(&title), &body);
        let head_len = header_end + head_in_body % (body.len() + 1);
        same_with_fast_path(&file, head_len, &cuts)?;
    }
}

/// Cells as they come in real and broken exports: plain, quoted, quoted with a delimiter, a
/// doubled quote, a line end or a `\r` inside, a quote inside an unquoted cell or text after a
/// closing one, a BOM, NUL, a noncharacter.
const CELLS: &[&str] = &[
    "CVM",
    "1.5",
    "2024-11-05 10:00:00",
    "",
    "\"\"",
    "\"a,b\"",
    "\"a\tb\"",
    "a\"b",
    "\"a\"b",
    "\"a\"\"b\"",
    "\"x\ny\"",
    " \"q\"",
    "\"q\" ",
    "产品",
    "\u{feff}z",
    "\0",
    "\"",
    "\"2\"",
    "\"\r\"",
    "\u{FDD0}",
];
const LINE_ENDS: &[&str] = &["\n", "\r\n", "\r", "\n\n", "\r\r\n", ""];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rows_of_cells_read_the_same_with_the_fast_path(
        tab: bool,
        bom: bool,
        lines in prop::collection::vec(
            (prop::collection::vec(0..CELLS.len(), 1..7), 0..LINE_ENDS.len()),
            0..8,
        ),
        head_in_body: usize,
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let mut body = String::new();
        for (cells, end) in &lines {
            let cells: Vec<&str> = cells.iter().map(|&cell| CELLS[cell]).collect();
            body += &cells.join(if tab { "\t" } else { "," });
            body += LINE_ENDS[*end];
        }
        let (file, header_end) = file(tab, bom, b"", body.as_bytes());
        let head_len = header_end + head_in_body % (body.len() + 1);
        same_with_fast_path(&file, head_len, &cuts)?;
    }
}

#[test]
fn quoted_and_plain_cells_on_one_line_read_alike() {
    // The case a reviewer's probe saved as a difference (not reproduced at the fast path's own
    // commit or later): quoted cells, one of them empty, around plain ones.
    let text = "Product Name,Component Name,Transaction ID,Total Cost (Including Tax)\n\
                \"2\",产品,CVM,\"\"\n";
    let fast = CsvStream::new("f.csv", text.as_bytes(), true).finish("f.csv");
    let table = &fast.table;
    assert_eq!(table.row_count(), 1);
    assert_eq!(table.source(0), RowSource::Line(2));
    assert_eq!(table.text("BusinessCodeName", 0), Some("2"));
    assert_eq!(table.text("ItemCodeName", 0), Some("产品"));
    assert_eq!(table.text("BillId", 0), Some("CVM"));
    assert_eq!(table.decimal("CashPayAmount", 0), None);
    assert!(fast.diagnostics.is_empty(), "{:?}", fast.diagnostics);
    same_with_fast_path(text.as_bytes(), text.len(), &[]).unwrap();
}
