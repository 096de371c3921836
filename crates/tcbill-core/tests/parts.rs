//! A CSV file read in parts (the CLI cuts a big one and reads the parts on all cores, the
//! browser on several workers) gives exactly what reading it whole gives, wherever it is cut.
//! A part after the first starts at the first line start after its cut, a guess that a record
//! starts there made without reading the file before it, and counts its lines from its own
//! start; the join moves them to their place. A part that started inside a quoted cell spanning
//! lines makes the part before it end inside that cell, which the join refuses (the caller then
//! reads the file whole): never a different table, never a different line number.

mod common;

use common::{summary, table_dump};
use tcbill_core::input::parts::{
    join_parts, PartJoin, PartRead, PartStarts, TextParts, START_WINDOW,
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
    fill_past_sniff_len(&mut text, 100);
    (text, start..end)
}

/// Plain rows from transaction `i` on until `text` is past [`SNIFF_LEN`].
fn fill_past_sniff_len(text: &mut String, mut i: usize) {
    while text.len() <= SNIFF_LEN + 4096 {
        text.push_str(&format!("CVM,CPU,tx{i:06},1.50\n"));
        i += 1;
    }
}

/// A bill whose broken rows, well below its start (lines 100 to 200 or so), have diagnostics
/// naming lines in their words: quotes that close with text after them on a later line of their
/// record, that never close until a row of the header's width comes, or that span lines and
/// leave a row too narrow, each rejecting several lines; with a bad number and a row too wide
/// among them, every line end `\r\n` if `crlf`. The broken rows' range is returned.
fn broken_bill(crlf: bool) -> (String, std::ops::Range<usize>) {
    let mut text = String::from(HEADER);
    for i in 0..100 {
        text.push_str(&format!("CVM,CPU,tx{i:06},0.{i:02}\n"));
    }
    let start = text.len();
    for i in 100..110 {
        text.push_str(&format!("CVM,CPU,tx{i:06},1\n"));
        match i % 5 {
            // The quote of the last cell opens on the record's second line.
            0 => text.push_str(&format!(
                "CVM,\"CPU\nsecond\",tx{i:06},\"1\"x\nnot,a\nrow\n"
            )),
            1 => text.push_str(&format!("CVM,\"CPU, never closed,tx{i:06},1\nnot a row\n")),
            2 => text.push_str(&format!("CVM,\"CPU\nx\",tx{i:06}\nstill,not\n")),
            3 => text.push_str(&format!("CVM,CPU,tx{i:06},1.2.3\nCVM,CPU,tx,1,extra\n")),
            _ => text.push_str(&format!("CVM,\"CPU \"\"q\"\"\n\nend\",tx{i:06},2\n")),
        }
    }
    let end = text.len();
    fill_past_sniff_len(&mut text, 1000);
    if !crlf {
        return (text, start..end);
    }
    let moved = |at: usize| at + text[..at].matches('\n').count();
    let range = moved(start)..moved(end);
    (text.replace('\n', "\r\n"), range)
}

/// The file read in parts starting at `starts` (byte offsets, the first 0), or `None` if a part
/// could not take over from the one before.
fn read_in_parts(bytes: &[u8], starts: &[usize]) -> Option<ParsedFile> {
    join_parts("bill.csv", parts(bytes, starts))
}

/// The parts of the file starting at `starts`, each read apart.
fn parts(bytes: &[u8], starts: &[usize]) -> Vec<PartRead> {
    let plan = TextParts::plan("bill.csv", bytes).expect("a UTF-8 CSV with its header");
    starts
        .iter()
        .enumerate()
        .map(|(index, &start)| {
            let end = starts.get(index + 1).copied().unwrap_or(bytes.len());
            let mut reader = match index {
                0 => plan.first_part(),
                _ => plan.later_part(),
            };
            // Chunks of an odd size, so chunk ends fall anywhere in a part.
            for chunk in bytes[start..end].chunks(1000) {
                reader.feed(chunk);
            }
            reader.finish(end == bytes.len())
        })
        .collect()
}

/// Everything a parsed file says: counts, diagnostics (every field), columns, every cell and
/// every row's line.
fn everything(parsed: &ParsedFile) -> String {
    let sources: Vec<String> = (0..parsed.table.row_count())
        .map(|row| format!("{:?}", parsed.table.source(row)))
        .collect();
    format!(
        "{}{}\n{:?}\n{}",
        summary(parsed),
        table_dump(std::slice::from_ref(parsed)),
        parsed.diagnostics,
        sources.join(" ")
    )
}

/// Fails with the first line where `got` differs from `want` (whole dumps are too long to print).
fn assert_same(got: &str, want: &str, context: &str) {
    if got != want {
        let (line, (got, want)) = got
            .lines()
            .chain(["(end)"])
            .zip(want.lines().chain(["(end)"]))
            .enumerate()
            .find(|(_, (got, want))| got != want)
            .expect("texts that differ differ in a line");
        panic!("{context}: line {line} is {got:?}, reading the file whole gives {want:?}");
    }
}

fn whole(bytes: &[u8]) -> String {
    everything(&parse_file("bill.csv", bytes).remove(0))
}

/// The starts [`PartStarts`] finds for `parts` parts, fed `window` bytes at a time.
fn part_starts(bytes: &[u8], parts: usize, window: usize) -> Vec<usize> {
    let mut starts = PartStarts::new(bytes.len() as u64, parts);
    while let Some(at) = starts.wanted() {
        let at = at as usize;
        starts.feed(&bytes[at.min(bytes.len())..(at + window).min(bytes.len())]);
    }
    starts
        .into_starts()
        .into_iter()
        .map(|at| at as usize)
        .collect()
}

/// What [`PartStarts`] must find, the slow way: each equal cut moved on to the first line start
/// at or after it, dropped if the part before starts after it; none past the last line start.
fn line_starts_after_cuts(bytes: &[u8], parts: usize) -> Vec<usize> {
    let mut starts = vec![0];
    for part in 1..parts {
        let cut = bytes.len() * part / parts;
        if cut < *starts.last().unwrap() {
            continue;
        }
        let line_start = (cut.max(1)..bytes.len()).find(|&at| bytes[at - 1] == b'\n');
        match line_start {
            Some(start) if start > *starts.last().unwrap() => starts.push(start),
            Some(_) => {}
            None => break,
        }
    }
    starts
}

#[test]
fn parts_start_at_the_first_line_start_after_each_cut_whatever_the_windows() {
    let (text, _) = broken_bill(true);
    for bytes in [
        bill().0.as_bytes(),
        text.as_bytes(),
        b"a\nbb\n\nccc\r\nd" as &[u8],
    ] {
        for parts in 1..=40 {
            let expected = line_starts_after_cuts(bytes, parts);
            for window in [1, 2, 13, START_WINDOW] {
                assert_eq!(
                    part_starts(bytes, parts, window),
                    expected,
                    "{parts} parts, windows of {window}"
                );
            }
        }
    }
    // A cut just after a line end stays; one on a line end moves past it, one before it too.
    assert_eq!(part_starts(b"ab\ncd\nef\ngh\n", 4, 1), [0, 3, 6, 9]);
    assert_eq!(part_starts(b"abcde\nfghij\n", 2, 1), [0, 6]);
    assert_eq!(part_starts(b"abcdef\nghijk\n", 2, 1), [0, 7]);
    assert_eq!(part_starts(b"abcdefg\nhijk\n", 2, 1), [0, 8]);
    assert_eq!(part_starts(b"abcdef\r\nhijk\n", 2, 1), [0, 8]);
    // A line longer than a stretch: the cuts inside it are dropped; none starts at the end.
    assert_eq!(part_starts(b"a\nbcdefghijklmnop\nq\n", 10, 3), [0, 2, 18]);
    assert_eq!(part_starts(b"abcdefgh\n", 3, 2), [0]);
}

#[test]
fn parts_cut_where_the_caller_says_start_at_the_first_line_start_after_each_cut() {
    let starts_at = |bytes: &[u8], cuts: Vec<u64>| {
        let mut starts = PartStarts::at_cuts(bytes.len() as u64, cuts);
        while let Some(at) = starts.wanted() {
            let at = at as usize;
            starts.feed(&bytes[at.min(bytes.len())..(at + 3).min(bytes.len())]);
        }
        starts.into_starts()
    };
    let bytes = b"ab\ncd\nef\ngh\n";
    assert_eq!(starts_at(bytes, vec![2, 4]), [0, 3, 6]);
    assert_eq!(starts_at(bytes, vec![7]), [0, 9]);
    // Cuts inside one line give one start; equal cuts are `PartStarts::new`'s.
    assert_eq!(starts_at(bytes, vec![4, 5]), [0, 6]);
    let text = bill().0;
    let size = text.len() as u64;
    for parts in 2..=5u64 {
        let equal = (1..parts).map(|part| size * part / parts).collect();
        let expected: Vec<u64> = part_starts(text.as_bytes(), parts as usize, START_WINDOW)
            .into_iter()
            .map(|at| at as u64)
            .collect();
        assert_eq!(starts_at(text.as_bytes(), equal), expected, "{parts} parts");
    }
}

#[test]
fn a_cut_at_any_line_start_is_the_whole_files_table_or_refused() {
    let (text, interesting) = bill();
    let bytes = text.as_bytes();
    let whole = whole(bytes);
    // The whole file's reading has diagnostics at lines past cells quoted across lines.
    assert!(
        whole.contains("bill.csv:12 column") && whole.contains("expected 4 fields"),
        "{whole}"
    );
    let (mut taken, mut refused) = (0, 0);
    for at in interesting.filter(|&at| bytes[at - 1] == b'\n') {
        match read_in_parts(bytes, &[0, at]) {
            Some(parsed) => {
                assert_same(&everything(&parsed), &whole, &format!("cut at {at}"));
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

/// The offset just after the first record start at or after `at`, by quote parity from the
/// file's start (what counting the file's quotes, as parts were once cut, would find).
fn record_start_after(bytes: &[u8], at: usize) -> usize {
    let mut odd = bytes[..at].iter().filter(|&&b| b == b'"').count() % 2 == 1;
    let mut at = at;
    loop {
        match bytes[at] {
            b'"' => odd = !odd,
            b'\n' if !odd => return at + 1,
            _ => {}
        }
        at += 1;
    }
}

#[test]
fn every_record_start_is_taken_in_two_and_three_parts() {
    let (text, interesting) = bill();
    let bytes = text.as_bytes();
    let whole = whole(bytes);
    let mut starts: Vec<usize> = interesting
        .map(|cut| record_start_after(bytes, cut))
        .collect();
    starts.dedup();
    assert!(starts.len() >= 30, "{} record starts", starts.len());
    for &start in &starts {
        let parsed = read_in_parts(bytes, &[0, start])
            .unwrap_or_else(|| panic!("the cut at {start} was refused"));
        assert_same(&everything(&parsed), &whole, &format!("cut at {start}"));
    }
    // Three parts, the second starting in the rows of interest and the third in the plain rows.
    let third = record_start_after(bytes, SNIFF_LEN);
    for &start in starts.iter().step_by(7) {
        let parsed = read_in_parts(bytes, &[0, start, third]).unwrap();
        assert_same(
            &everything(&parsed),
            &whole,
            &format!("cuts at {start} and {third}"),
        );
    }
}

#[test]
fn a_cut_inside_a_quoted_cell_is_refused() {
    let (text, _) = bill();
    let bytes = text.as_bytes();
    let inside = text.find("line 0").unwrap();
    assert_eq!(bytes[inside - 1], b'\n');
    assert!(read_in_parts(bytes, &[0, inside]).is_none());
    let start = record_start_after(bytes, inside);
    assert!(read_in_parts(bytes, &[0, start]).is_some());
    // Every cut PartStarts makes in the quoted cells is refused or gives the whole file's table.
    let whole = whole(bytes);
    let (mut taken, mut refused) = (0, 0);
    for parts in (2..200).step_by(3) {
        let starts = part_starts(bytes, parts, START_WINDOW);
        match read_in_parts(bytes, &starts) {
            Some(parsed) => {
                assert_same(
                    &everything(&parsed),
                    &whole,
                    &format!("{parts} parts at {starts:?}"),
                );
                taken += 1;
            }
            None => refused += 1,
        }
    }
    assert!(taken > 5 && refused > 5, "{taken} taken, {refused} refused");
}

#[test]
fn diagnostics_in_later_parts_name_the_lines_reading_the_file_whole_names() {
    for crlf in [false, true] {
        let (text, broken) = broken_bill(crlf);
        let bytes = text.as_bytes();
        let whole = whole(bytes);
        // Lines three digits long named in the words, and at a line of the record after its first.
        for words in [
            "column Total Cost (Including Tax): lines 10",
            "the quote opened in this column at line 10",
            "runs across lines and leaves 3 fields",
            "\"1.2.3\" is not a number",
            "expected 4 fields, found 5",
        ] {
            assert!(
                whole.contains(words),
                "{words:?} in the whole file's diagnostics"
            );
        }
        // Line starts before and among the broken rows: the later part holds every diagnostic
        // (or some), its lines counted from 1 where it starts (one or two digits), and the join
        // names the lines of the file (three digits).
        let (mut taken, mut refused) = (0, 0);
        let line_starts: Vec<usize> = (1..broken.end)
            .filter(|&at| bytes[at - 1] == b'\n')
            .collect();
        let near = |at: usize| at + 200 > broken.start;
        for (i, &at) in line_starts.iter().enumerate() {
            if !near(at) && i % 9 != 0 {
                continue;
            }
            match read_in_parts(bytes, &[0, at]) {
                Some(parsed) => {
                    assert_same(
                        &everything(&parsed),
                        &whole,
                        &format!("cut at {at}, crlf {crlf}"),
                    );
                    taken += 1;
                }
                None => refused += 1,
            }
        }
        assert!(
            taken > 30 && refused > 5,
            "{taken} cuts taken, {refused} refused"
        );
        // Three and four parts, each later one holding broken rows.
        let third = text.find("CVM,CPU,tx000105,1").unwrap();
        let fourth = text.find("CVM,CPU,tx000109,1").unwrap();
        let mut joined = 0;
        for &at in line_starts.iter().filter(|&&at| at < third && near(at)) {
            for starts in [vec![0, at, third], vec![0, at, third, fourth]] {
                if let Some(parsed) = read_in_parts(bytes, &starts) {
                    assert_same(&everything(&parsed), &whole, &format!("cuts at {starts:?}"));
                    joined += 1;
                }
            }
        }
        assert!(joined > 20, "{joined} joined");
    }
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
    starts: &[usize],
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
    let whole_bill = whole(bytes);
    let third = record_start_after(bytes, SNIFF_LEN);
    let mut checked = 0;
    for cut in interesting.step_by(37) {
        let start = record_start_after(bytes, cut);
        for streamed in [false, true] {
            let parsed = read_in_parts_through_bytes(bytes, &[0, start, third], streamed)
                .unwrap_or_else(|| panic!("the cut at {start} was refused"));
            assert_same(
                &everything(&parsed),
                &whole_bill,
                &format!("cuts at {start} and {third}, streamed: {streamed}"),
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked} cuts");
    // A cut inside a quoted cell is still refused after the trip.
    let inside = text.find("line 0").unwrap();
    for streamed in [false, true] {
        assert!(read_in_parts_through_bytes(bytes, &[0, inside], streamed).is_none());
    }
    // Diagnostics whose words name lines keep where they name them through the bytes.
    let (text, broken) = broken_bill(false);
    let bytes = text.as_bytes();
    let whole_broken = whole(bytes);
    let third = text.find("CVM,CPU,tx000105,1").unwrap();
    for streamed in [false, true] {
        let parsed = read_in_parts_through_bytes(bytes, &[0, broken.start, third], streamed)
            .expect("cuts where records start");
        assert_same(
            &everything(&parsed),
            &whole_broken,
            &format!("streamed: {streamed}"),
        );
    }
}

#[test]
fn a_first_part_or_damaged_bytes_do_not_join() {
    let (text, broken) = broken_bill(false);
    let bytes = text.as_bytes();
    let second = broken.start;
    let mut read = parts(bytes, &[0, second]).into_iter();
    let (first, second_part) = (read.next().unwrap(), read.next().unwrap());
    // The first part keeps its header search, which bytes do not carry.
    let first_bytes = first.to_bytes();
    let first_again = PartRead::from_bytes("bill.csv", &first_bytes).unwrap();
    assert!(PartJoin::start(first_again).is_none());
    let carried = second_part.to_bytes();
    let mut longer = carried.clone();
    longer.push(0);
    let joined = PartJoin::start(first).unwrap();
    // Streamed, the part is appended as it is read: damage found late leaves the join to drop.
    let streamed = |bytes: &[u8]| {
        let (text, _) = broken_bill(false);
        let first = parts(text.as_bytes(), &[0, second]).remove(0);
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
    // A line named in a diagnostic's words that is not a number there is refused.
    let words = "lines 10";
    let at = carried
        .windows(words.len())
        .position(|window| window == words.as_bytes())
        .expect("a diagnostic naming lines in the bytes");
    let mut not_a_number = carried.clone();
    not_a_number[at + words.len() - 1] = b'x';
    assert!(PartRead::from_bytes("bill.csv", &not_a_number).is_none());
    assert!(streamed(&not_a_number));
    let second_part = PartRead::from_bytes("bill.csv", &carried).unwrap();
    assert_eq!(
        everything(&joined.then(second_part).unwrap().finish("bill.csv")),
        whole(bytes)
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
    for start in [cut, cut + first.len()] {
        let parsed = read_in_parts(bytes, &[0, start]).expect("a cut where a record starts");
        assert_same(
            &everything(&parsed),
            &everything(&whole),
            &format!("cut at {start}"),
        );
    }
}
