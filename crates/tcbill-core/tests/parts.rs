//! A CSV file read in parts (the CLI cuts a big one and reads the parts on all cores) gives
//! exactly what reading it whole gives, wherever it is cut: cuts found by quote parity are all
//! taken, and a cut inside a quoted cell that spans lines is refused (the caller then reads the
//! file whole), never read into a different table.

mod common;

use common::{summary, table_dump};
use tcbill_core::input::parts::{
    first_record_start, join_parts, PartJoin, PartRead, PartStarts, QuoteCount, TextParts,
};
use tcbill_core::model::table::RowSource;
use tcbill_core::{parse_file, ParsedFile, SNIFF_LEN};

const HEADER: &str = "Product Name,Component Name,Transaction ID,Total Cost (Including Tax)\n";

/// The header, then rows with cells quoted across lines (with doubled quotes, a delimiter and a
/// line end that is `\r\n`), a blank line, a row with a bad number and one of the wrong width,
/// then plain rows until the file is past [`SNIFF_LEN`] (a file is read in parts only then).
/// The rows of interest are in the first 2 KiB; the returned range is theirs.
fn bill() -> (String, std::ops::Range<usize>) {
    let mut text = String::from(HEADER);
    let start = text.len();
    for i in 0..30 {
        match i % 6 {
            0 => text.push_str(&format!("CVM,\"CPU\nline {i}\",tx{i:06},1.50\n")),
            1 => text.push_str(&format!(
                "CDN,\"say \"\"hi\"\",\r\nthen \"\"bye\"\"\",tx{i:06},2.25\r\n"
            )),
            2 => text.push_str(&format!("COS,Storage,tx{i:06},0.0{i}\n")),
            3 => text.push_str(&format!("\nCVM,\"a\n\nb\n\",tx{i:06},3\n")),
            4 => text.push_str(&format!("CVM,CPU,tx{i:06},1.2.3\n")),
            _ => text.push_str(&format!("CVM,CPU,tx{i:06}\n")),
        }
    }
    let end = text.len();
    let mut i = 100;
    while text.len() <= SNIFF_LEN + 4096 {
        text.push_str(&format!("CVM,CPU,tx{i:06},1.50\n"));
        i += 1;
    }
    (text, start..end)
}

/// The file read in parts starting at `starts` (byte offset, first line), or `None` if a part
/// could not take over from the one before.
fn read_in_parts(bytes: &[u8], starts: &[(usize, u64)]) -> Option<ParsedFile> {
    join_parts("bill.csv", parts(bytes, starts))
}

/// The parts of the file starting at `starts`, each read apart.
fn parts(bytes: &[u8], starts: &[(usize, u64)]) -> Vec<PartRead> {
    let plan = TextParts::plan("bill.csv", bytes).expect("a UTF-8 CSV with its header");
    starts
        .iter()
        .enumerate()
        .map(|(index, &(start, first_line))| {
            let end = starts.get(index + 1).map_or(bytes.len(), |&(next, _)| next);
            let mut reader = plan.part(first_line);
            // Chunks of an odd size, so chunk ends fall anywhere in a part.
            for chunk in bytes[start..end].chunks(1000) {
                reader.feed(chunk);
            }
            reader.finish(end == bytes.len())
        })
        .collect()
}

/// Everything a parsed file says: counts, diagnostics, columns, every cell and every row's line.
fn everything(parsed: &ParsedFile) -> String {
    let sources: Vec<String> = (0..parsed.table.row_count())
        .map(|row| format!("{:?}", parsed.table.source(row)))
        .collect();
    format!(
        "{}{}\n{}",
        summary(parsed),
        table_dump(std::slice::from_ref(parsed)),
        sources.join(" ")
    )
}

/// Where the cut at `cut` moves on to: the first record start after it by quote parity.
fn record_start_after(bytes: &[u8], cut: usize) -> Option<(usize, u64)> {
    let before = QuoteCount::of(&bytes[..cut]);
    let (offset, line_ends) = first_record_start(&bytes[cut..], before.odd_quotes)?;
    Some((cut + offset, 1 + before.line_ends + line_ends))
}

/// The starts [`PartStarts`] finds for stretches cut at `cuts`, fed windows of `window` bytes.
fn part_starts(bytes: &[u8], cuts: &[usize], window: usize) -> Vec<(usize, u64)> {
    let counts: Vec<QuoteCount> = cuts
        .iter()
        .enumerate()
        .map(|(i, &cut)| {
            QuoteCount::of(&bytes[cut..cuts.get(i + 1).copied().unwrap_or(bytes.len())])
        })
        .collect();
    let cuts: Vec<u64> = cuts.iter().map(|&cut| cut as u64).collect();
    let mut starts = PartStarts::new(bytes.len() as u64, &cuts, &counts);
    while let Some(at) = starts.wanted() {
        let at = at as usize;
        starts.feed(&bytes[at..(at + window).min(bytes.len())]);
    }
    starts
        .into_starts()
        .into_iter()
        .map(|(at, line)| (at as usize, line))
        .collect()
}

#[test]
fn part_starts_are_the_record_starts_after_the_cuts_whatever_the_windows() {
    let (text, interesting) = bill();
    let bytes = text.as_bytes();
    let whole = everything(&parse_file("bill.csv", bytes).remove(0));
    let mut cuts_dropped = 0;
    for cut in interesting.step_by(23) {
        // A second cut 40 bytes on often falls in the quoted cell the first part starts in.
        let cuts = [0, cut, cut + 40, bytes.len() - 10];
        let mut expected = vec![(0, 1)];
        for &cut in &cuts[1..] {
            if expected.last().unwrap().0 > cut {
                cuts_dropped += 1;
                continue;
            }
            if let Some(start) = record_start_after(bytes, cut).filter(|&(at, _)| at < bytes.len())
            {
                expected.push(start);
            }
        }
        for window in [1, 13, 4096] {
            assert_eq!(
                part_starts(bytes, &cuts, window),
                expected,
                "cuts {cuts:?}, windows of {window}"
            );
        }
        let parsed = read_in_parts(bytes, &expected).expect("record starts join");
        assert_eq!(everything(&parsed), whole, "cuts {cuts:?}");
    }
    assert!(cuts_dropped > 0, "no cut fell inside the part before it");
}

#[test]
fn every_cut_by_quote_parity_gives_the_whole_files_table() {
    let (text, interesting) = bill();
    let bytes = text.as_bytes();
    let whole = everything(&parse_file("bill.csv", bytes).remove(0));
    // The whole file's reading has diagnostics at lines past cells quoted across lines.
    assert!(
        whole.contains("bill.csv:12 column") && whole.contains("expected 4 fields"),
        "{whole}"
    );
    let mut starts: Vec<(usize, u64)> = interesting
        .clone()
        .filter_map(|cut| record_start_after(bytes, cut))
        .collect();
    starts.dedup();
    assert!(starts.len() >= 30, "{} record starts", starts.len());
    for &start in &starts {
        let parsed = read_in_parts(bytes, &[(0, 1), start])
            .unwrap_or_else(|| panic!("the cut at {start:?} was refused"));
        assert_eq!(everything(&parsed), whole, "cut at {start:?}");
    }
    // Three parts, the second starting in the rows of interest and the third in the plain rows.
    let third = record_start_after(bytes, SNIFF_LEN).unwrap();
    for &start in starts.iter().step_by(7) {
        let parsed = read_in_parts(bytes, &[(0, 1), start, third]).unwrap();
        assert_eq!(
            everything(&parsed),
            whole,
            "cuts at {start:?} and {third:?}"
        );
    }
}

#[test]
fn a_cut_at_any_line_start_is_the_whole_files_table_or_refused() {
    let (text, interesting) = bill();
    let bytes = text.as_bytes();
    let whole = everything(&parse_file("bill.csv", bytes).remove(0));
    let (mut taken, mut refused) = (0, 0);
    for at in interesting.filter(|&at| bytes[at - 1] == b'\n') {
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        match read_in_parts(bytes, &[(0, 1), (at, line)]) {
            Some(parsed) => {
                assert_eq!(everything(&parsed), whole, "cut at line {line}");
                taken += 1;
            }
            None => refused += 1,
        }
    }
    // The lines that start inside a quoted cell (in rows 0, 1 and 3 of every six) are refused.
    assert!(
        taken >= 20 && refused >= 15,
        "{taken} cuts taken, {refused} refused"
    );
}

#[test]
fn a_cut_inside_a_quoted_cell_is_refused() {
    let (text, _) = bill();
    let bytes = text.as_bytes();
    let inside = text.find("line 0").unwrap();
    assert_eq!(bytes[inside - 1], b'\n');
    assert!(read_in_parts(bytes, &[(0, 1), (inside, 3)]).is_none());
    // A cut with the wrong line number is refused too: every row must keep its line.
    let (start, line) = record_start_after(bytes, inside).unwrap();
    assert!(read_in_parts(bytes, &[(0, 1), (start, line)]).is_some());
    assert!(read_in_parts(bytes, &[(0, 1), (start, line + 1)]).is_none());
}

#[test]
fn a_file_of_another_encoding_or_without_a_header_in_its_head_is_not_read_in_parts() {
    let (text, _) = bill();
    let chinese = text.replace("CPU", "处理器");
    let (gb18030, _, _) = encoding_rs::GB18030.encode(&chinese);
    assert!(TextParts::plan("bill.csv", &gb18030).is_none());
    assert!(TextParts::plan("bill.csv", &text.as_bytes()[..SNIFF_LEN - 1]).is_none());
    let no_header = text.replace(HEADER, "");
    assert!(TextParts::plan("bill.csv", no_header.as_bytes()).is_none());
}

/// The file read in parts with each later part handed over as bytes (from its Web Worker),
/// joined one at a time after the first: decoded whole then appended, or (`streamed`, as the
/// browser does) appended as it is decoded, through a source read in small pieces.
fn read_in_parts_through_bytes(
    bytes: &[u8],
    starts: &[(usize, u64)],
    streamed: bool,
) -> Option<ParsedFile> {
    let mut parts = parts(bytes, starts).into_iter();
    let mut joined = PartJoin::start(parts.next()?)?;
    for part in parts {
        let mut carried = Vec::new();
        part.write(&mut carried);
        assert_eq!(carried, part.to_bytes());
        assert_eq!(carried.len(), part.byte_len());
        joined = if streamed {
            joined.then_read(&carried[..])?
        } else {
            joined.then(PartRead::from_bytes("bill.csv", &carried).expect("reads back"))?
        };
    }
    Some(joined.finish("bill.csv"))
}

#[test]
fn parts_handed_over_as_bytes_give_the_whole_files_table() {
    let (text, interesting) = bill();
    let bytes = text.as_bytes();
    let whole = everything(&parse_file("bill.csv", bytes).remove(0));
    let third = record_start_after(bytes, SNIFF_LEN).unwrap();
    let mut checked = 0;
    for cut in interesting.step_by(37) {
        let start = record_start_after(bytes, cut).unwrap();
        for streamed in [false, true] {
            let parsed = read_in_parts_through_bytes(bytes, &[(0, 1), start, third], streamed)
                .unwrap_or_else(|| panic!("the cut at {start:?} was refused"));
            assert_eq!(
                everything(&parsed),
                whole,
                "cuts at {start:?} and {third:?}, streamed: {streamed}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked} cuts");
    // A cut inside a quoted cell is still refused after the trip.
    let inside = text.find("line 0").unwrap();
    for streamed in [false, true] {
        assert!(read_in_parts_through_bytes(bytes, &[(0, 1), (inside, 3)], streamed).is_none());
    }
}

#[test]
fn a_first_part_or_damaged_bytes_do_not_join() {
    let (text, _) = bill();
    let bytes = text.as_bytes();
    let third = record_start_after(bytes, SNIFF_LEN).unwrap();
    let mut read = parts(bytes, &[(0, 1), third]).into_iter();
    let (first, second) = (read.next().unwrap(), read.next().unwrap());
    // The first part keeps its header search, which bytes do not carry.
    let first_bytes = first.to_bytes();
    let first_again = PartRead::from_bytes("bill.csv", &first_bytes).unwrap();
    assert!(PartJoin::start(first_again).is_none());
    let carried = second.to_bytes();
    let mut longer = carried.clone();
    longer.push(0);
    let joined = PartJoin::start(first).unwrap();
    // Streamed, the part is appended as it is read: damage found late leaves the join to drop.
    let streamed = |bytes: &[u8]| {
        let (text, _) = bill();
        let first = parts(text.as_bytes(), &[(0, 1), third]).remove(0);
        PartJoin::start(first).unwrap().then_read(bytes).is_none()
    };
    for end in [0, 5, 20, carried.len() / 2, carried.len() - 1] {
        assert!(
            PartRead::from_bytes("bill.csv", &carried[..end]).is_none(),
            "cut at {end}"
        );
        assert!(streamed(&carried[..end]), "streamed, cut at {end}");
    }
    assert!(PartRead::from_bytes("bill.csv", &longer).is_none());
    assert!(streamed(&longer));
    assert!(streamed(&first_bytes));
    let second = PartRead::from_bytes("bill.csv", &carried).unwrap();
    let whole = everything(&parse_file("bill.csv", bytes).remove(0));
    assert_eq!(
        everything(&joined.then(second).unwrap().finish("bill.csv")),
        whole
    );
}

#[test]
fn a_part_starting_with_a_bom_keeps_it_as_the_whole_file_does() {
    // In the middle of a file a BOM is text, which csv-core strips from the first record it
    // reads: a part must not. The first row is split on the fast path, the second (a quote
    // inside an unquoted cell) by csv-core.
    let (mut text, _) = bill();
    let (first, second) = (
        "\u{feff}CVM,CPU,txbom,2\n",
        "\u{feff}\"CVM\",CPU,txlast,3\n",
    );
    let cut = text.len();
    let line = 1 + text.matches('\n').count() as u64;
    text.push_str(first);
    text.push_str(second);
    let bytes = text.as_bytes();
    let whole = parse_file("bill.csv", bytes).remove(0);
    let table = &whole.table;
    let last = table.row_count() - 1;
    assert_eq!(table.source(last), RowSource::Line(line + 1));
    assert_eq!(
        table.text("BusinessCodeName", last - 1),
        Some("\u{feff}CVM")
    );
    assert_eq!(
        table.text("BusinessCodeName", last),
        Some("\u{feff}\"CVM\"")
    );
    for start in [(cut, line), (cut + first.len(), line + 1)] {
        let parsed = read_in_parts(bytes, &[(0, 1), start]).expect("a cut where a record starts");
        assert_eq!(everything(&parsed), everything(&whole), "cut at {start:?}");
    }
}
