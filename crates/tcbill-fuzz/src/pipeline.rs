//! What every target runs: a file through the pipeline a user's drop goes through (parse, then
//! the dataset, the report with every breakdown, its JSON and CSV tables, and the FOCUS export),
//! panicking when an invariant breaks, so that every runner reports it like a crash.
//!
//! Invariants checked, besides "no panic":
//! - every column of a parsed table holds exactly one value per row;
//! - rows read = accepted + rejected, and the report shows the same counts as the parse;
//! - a rejected row is never silent: a file with rejected rows has an error diagnostic;
//! - the streaming [`Parser`] fed in random chunk sizes gives what whole-file parsing gives, and
//!   its progress never goes backwards.

use tcbill_core::analysis::cost::Dimension;
use tcbill_core::{
    ColumnValues, Dataset, ParsedFile, Parser, Report, ReportOptions, Severity, SNIFF_LEN,
};

/// The chunked-parse comparison parses a file of more than [`SNIFF_LEN`] bytes twice, several
/// times the cost of the rest; one input in this many (chosen by the input's hash, so a
/// reproduction repeats it) gets it.
const CHUNK_CHECK_EVERY: u64 = 4;

/// Runs `bytes`, named `name`, through the pipeline; panics if an invariant breaks.
pub fn check_file(name: &str, bytes: &[u8]) {
    let parsed = tcbill_core::parse_file(name, bytes);
    assert!(
        !parsed.is_empty(),
        "{name}: parse_file returned no parsed file"
    );
    parsed.iter().for_each(check_parsed);
    if fnv1a(bytes).is_multiple_of(CHUNK_CHECK_EVERY) {
        check_chunked_equals_whole(name, bytes);
    }
    check_report(parsed);
}

fn check_parsed(file: &ParsedFile) {
    let table = &file.table;
    for column in table.columns() {
        let values = column.values.len();
        assert_eq!(
            values,
            table.row_count(),
            "{}: column {} holds {values} values for {} rows",
            file.name,
            column.name,
            table.row_count()
        );
    }
    assert_eq!(
        file.rows_read(),
        file.rows_accepted() + file.rows_rejected,
        "{}: rows read",
        file.name
    );
    if file.rows_rejected > 0 {
        assert!(
            file.diagnostics
                .iter()
                .any(|diagnostic| diagnostic.severity == Severity::Error),
            "{}: {} rows rejected without an error diagnostic",
            file.name,
            file.rows_rejected
        );
    }
}

/// The report, with a breakdown of each kind on top of the defaults, and everything it exports.
fn check_report(parsed: Vec<ParsedFile>) {
    let counts: Vec<(String, u64, u64, u64)> = parsed
        .iter()
        .map(|file| {
            (
                file.name.clone(),
                file.rows_read(),
                file.rows_accepted(),
                file.rows_rejected,
            )
        })
        .collect();
    let mut dataset = Dataset::new();
    dataset.add(parsed);
    let mut options = ReportOptions::default();
    options.usage.bandwidth_from_traffic = true;
    for dims in ["day", "month", "tag:env", "product,region", "resource_id"] {
        options.breakdowns.push(
            dims.split(',')
                .map(|dim| dim.parse::<Dimension>().expect("a known dimension"))
                .collect(),
        );
    }
    let report = Report::build(&dataset, &options);
    assert_eq!(
        report.inputs.len(),
        counts.len(),
        "the report lists every parsed file"
    );
    for (input, (name, read, accepted, rejected)) in report.inputs.iter().zip(counts) {
        // The report splits the parse's accepted rows into counted ones and duplicates of an
        // earlier file (another member of the same ZIP, say).
        assert_eq!(
            (
                input.rows_read,
                input.rows_accepted + input.rows_duplicate,
                input.rows_rejected
            ),
            (read, accepted, rejected),
            "{name}: the report's row counts differ from the parse"
        );
        assert_eq!(
            input.rows_read,
            input.rows_accepted + input.rows_duplicate + input.rows_rejected,
            "{name}: rows read"
        );
    }
    assert!(
        report.to_json().starts_with('{'),
        "the report's JSON is an object"
    );
    for table in report.csv_tables() {
        table.to_csv();
    }
    let focus = tcbill_core::focus::export(&dataset);
    for month in focus.months() {
        focus.to_csv(Some(month));
    }
}

/// A file shorter than [`SNIFF_LEN`] is buffered whole however it is fed, so text is tiled past
/// that length to reach the streaming path, where chunk boundaries matter.
fn check_chunked_equals_whole(name: &str, bytes: &[u8]) {
    if !looks_like_text(bytes) {
        return;
    }
    // Each copy on its own lines: glued copies would make one line of thousands of fields, whose
    // header search is slow (about 0.1 ms a field) and tells nothing about chunking.
    let mut line = bytes.to_vec();
    if !line.ends_with(b"\n") {
        line.push(b'\n');
    }
    let tiled = line.repeat(SNIFF_LEN / line.len() + 2);
    let whole = fingerprint(&tcbill_core::parse_file(name, &tiled));
    let chunked = fingerprint(&parse_in_chunks(name, &tiled, fnv1a(bytes)));
    if whole != chunked {
        let line = whole
            .lines()
            .zip(chunked.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name}: the chunked parse differs from the whole-file parse at line {line} of their renderings:\n\
             whole:   {}\nchunked: {}",
            whole.lines().nth(line).unwrap_or("(end)"),
            chunked.lines().nth(line).unwrap_or("(end)")
        );
    }
}

/// Whether core will stream the file as text (not a ZIP, not JSON), roughly: for other files
/// the chunked and whole parses are the same code.
fn looks_like_text(bytes: &[u8]) -> bool {
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace());
    !bytes.starts_with(b"PK") && first.is_some_and(|byte| !matches!(byte, b'{' | b'['))
}

/// Feeds `bytes` in chunks of 1 byte to 8 KiB drawn from `seed`.
fn parse_in_chunks(name: &str, bytes: &[u8], seed: u64) -> Vec<ParsedFile> {
    let mut rng = crate::mutate::Rng::new(seed);
    let mut parser = Parser::new(name);
    let (mut offset, mut rows_so_far) = (0, 0);
    while offset < bytes.len() {
        let len = if rng.below(4) == 0 {
            1 + rng.below(16)
        } else {
            1 + rng.below(8192)
        };
        let end = (offset + len).min(bytes.len());
        let progress = parser.feed(&bytes[offset..end]);
        assert!(
            progress.rows_read >= rows_so_far,
            "{name}: progress went back from {rows_so_far} rows"
        );
        assert_eq!(progress.bytes_fed, end as u64, "{name}: bytes fed");
        rows_so_far = progress.rows_read;
        offset = end;
    }
    let files = parser.finish();
    if let [file] = files.as_slice() {
        assert!(
            rows_so_far <= file.rows_read(),
            "{name}: progress showed {rows_so_far} rows, the file has fewer"
        );
    }
    files
}

/// Everything a parse produced, as text, one line per item: kind, counts, diagnostics, every cell.
fn fingerprint(files: &[ParsedFile]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for file in files {
        let table = &file.table;
        lines.push(format!(
            "{} {} {:?} rejected {}",
            file.name, file.kind, file.encoding, file.rows_rejected
        ));
        lines.extend(file.diagnostics.iter().map(ToString::to_string));
        lines.push(format!(
            "{:?} {:?} {} rows",
            table.kind(),
            table.title(),
            table.row_count()
        ));
        for column in table.columns() {
            lines.push(format!(
                "column {} {:?} {:?}",
                column.name, column.source_header, column.role
            ));
            let rows = 0..table.row_count();
            match &column.values {
                ColumnValues::Text(values) => lines.extend(
                    rows.map(|row| format!("{:?}", values.get(row).map(|s| table.resolve(s)))),
                ),
                ColumnValues::Decimal(values) => {
                    lines.extend(rows.map(|row| format!("{:?}", values.get(row))))
                }
                ColumnValues::Time(values) => {
                    lines.extend(rows.map(|row| format!("{:?}", values.get(row))))
                }
            }
        }
    }
    lines.join("\n")
}

/// FNV-1a: a stable hash of an input (for choosing checks and naming crash files).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
