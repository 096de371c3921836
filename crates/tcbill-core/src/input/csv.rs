//! Streaming delimited text: CSV/TSV records and physical line numbers, losing no line silently.
//!
//! The web worker hands over a file a slice at a time, so text is decoded ([`crate::input::decode`]) and
//! split into records incrementally. Line numbers count physical lines, as an editor shows them,
//! even when quoted fields span lines.
//!
//! A broken quote must not swallow the rest of the file: a record that spans lines is checked
//! again ([`crate::input::record_scan`]), and if its quote never closes properly, or its cells exceed
//! the limits, its lines are rejected and reading resumes at the next line that reads as a whole
//! row of the header's width. Every physical line is a row read (accepted or rejected), and
//! every outcome is the same whatever the chunk sizes.

use crate::model::diagnostic::{DiagnosticCode, LinedText};

use crate::input::decode::{Encoding, TextDecoder, GB18030, MALFORMED, UTF_8};
use crate::input::record_scan::{scan_record, QuoteAt, QuoteFault};
use crate::input::rows::{ImportOutcome, RecordImporter};
use crate::input::simple_record::split_simple_record;
use crate::input::SNIFF_LEN;
use crate::model::kind::InputKind;

/// The longest cell read, in bytes of UTF-8: far beyond any real export. A longer one is rejected
/// as soon as it is seen, never buffered whole.
pub const MAX_FIELD_BYTES: usize = 1 << 20;
/// The longest row read, all its cells together, in bytes of UTF-8.
pub const MAX_RECORD_BYTES: usize = 16 << 20;
/// Input is decoded and split this many bytes at a time, so a whole file is never decoded whole.
const DECODE_PIECE: usize = 1 << 20;

/// The encoding of a text file, from its first bytes. `complete` says whether `head` is the whole
/// file (so a multi-byte sequence cut at the end is an error, not a chunk boundary).
pub(crate) fn choose_encoding(head: &[u8], complete: bool) -> Encoding {
    if let Some((encoding, _bom_len)) = Encoding::for_bom(head) {
        return encoding;
    }
    match std::str::from_utf8(head) {
        Ok(_) => UTF_8,
        Err(error) if error.error_len().is_none() && !complete => UTF_8,
        Err(_) => GB18030,
    }
}

/// Comma or tab, whichever the first lines use more (outside nothing fancy: a header row has
/// no quoted delimiters in practice).
fn sniff_delimiter(text: &str) -> u8 {
    let sample = text.lines().take(20);
    let (tabs, commas) = sample.fold((0, 0), |(tabs, commas), line| {
        (
            tabs + line.matches('\t').count(),
            commas + line.matches(',').count(),
        )
    });
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

/// Why the lines of a record are rejected instead of read.
#[derive(Clone, Copy, Debug)]
enum Broken {
    /// `line` is absolute.
    Quote {
        at: QuoteAt,
        fault: QuoteFault,
    },
    /// A quote spanning lines that leaves the row with the wrong number of fields.
    QuoteSpan {
        at: QuoteAt,
        fields: usize,
    },
    LongField {
        field: usize,
    },
    LongRecord {
        field: usize,
    },
}

impl Broken {
    fn field(self) -> usize {
        match self {
            Broken::Quote { at, .. } | Broken::QuoteSpan { at, .. } => at.field,
            Broken::LongField { field } | Broken::LongRecord { field } => field,
        }
    }

    /// Why, for a diagnostic at `first_line` that names the column; the lines it names are
    /// marked, so a part of a file read apart can have them moved to its place in the file.
    fn reason(self, first_line: u64, header_len: Option<usize>) -> LinedText {
        let mut reason = LinedText::default();
        let mut opened = |at: QuoteAt| {
            reason.push_str("the quote opened in this column");
            if at.line != first_line {
                reason.push_str(" at line ");
                reason.push_line(at.line);
            }
        };
        let rest = match self {
            Broken::Quote {
                at,
                fault: QuoteFault::NeverCloses,
            } => {
                opened(at);
                " never closes".to_owned()
            }
            Broken::Quote {
                at,
                fault: QuoteFault::TextAfterClose,
            } => {
                opened(at);
                " closes with text after it, before the next delimiter".to_owned()
            }
            Broken::QuoteSpan { at, fields } => {
                opened(at);
                format!(
                    " runs across lines and leaves {fields} fields where the header has {}",
                    header_len.unwrap_or_default()
                )
            }
            Broken::LongField { .. } => format!(
                "the cell is longer than {} MiB, the limit",
                MAX_FIELD_BYTES >> 20
            ),
            Broken::LongRecord { .. } => format!(
                "the row passes {} MiB, the limit, in this column",
                MAX_RECORD_BYTES >> 20
            ),
        };
        reason.push_str(&rest);
        reason
    }
}

/// Skipping the lines of a broken record until one reads as a row again.
struct Resync {
    broken: Broken,
    first_line: u64,
    last_rejected_line: u64,
    /// Non-blank lines rejected: each was meant to be a row.
    rows: u64,
    /// The physical line of the text at the read position.
    line_at_pos: u64,
    /// The text at the read position belongs to a line already rejected.
    skipping_line: bool,
}

/// Decodes and splits a text file fed in chunks, passing records to a [`RecordImporter`].
pub(crate) struct CsvStream {
    decoder: TextDecoder,
    decoded: String,
    decoder_finished: bool,
    delimiter: u8,
    reader: csv_core::Reader,
    /// csv-core has not read since it was built or reset, so it would strip a UTF-8 BOM from the
    /// start of the next record: that record is left to it, not split on the fast path.
    reader_fresh: bool,
    field_bytes: Vec<u8>,
    field_ends: Vec<usize>,
    field_bytes_used: usize,
    field_ends_used: usize,
    /// The raw text of the current record read by earlier calls of the CSV reader.
    record_raw: Vec<u8>,
    /// The fast path's list of a row's cells, empty between rows: kept for its allocation, which
    /// each row took and freed before (cells borrow the row's text, so they are recycled).
    cells: Vec<&'static str>,
    /// Physical line = `line_offset` + the CSV reader's line (which counts only the newlines it
    /// sees: not those between records, nor those before a resynchronisation).
    line_offset: u64,
    record_start_line: Option<u64>,
    /// Where the current record starts in the text being split, if it started there (else its
    /// beginning is in `record_raw`).
    record_start_pos: Option<usize>,
    resync: Option<Resync>,
    importer: RecordImporter,
    /// Every record is left to csv-core, as before the fast path: the reference the fast path is
    /// tested against (`csv/fast_path_tests.rs`).
    #[cfg(test)]
    csv_core_only: bool,
}

impl CsvStream {
    /// Starts with the file's first bytes (at least [`SNIFF_LEN`] of them unless the file is
    /// shorter, in which case `head_is_whole_file`).
    pub(crate) fn new(file: &str, head: &[u8], head_is_whole_file: bool) -> Self {
        let (mut stream, rest) = CsvStream::sniffing(file, head, head_is_whole_file);
        stream.read_head(rest, head_is_whole_file);
        stream
    }

    /// [`CsvStream::new`], but every record is split by csv-core alone.
    #[cfg(test)]
    pub(crate) fn csv_core_only(file: &str, head: &[u8], head_is_whole_file: bool) -> Self {
        let (mut stream, rest) = CsvStream::sniffing(file, head, head_is_whole_file);
        stream.csv_core_only = true;
        stream.read_head(rest, head_is_whole_file);
        stream
    }

    /// A stream with the encoding and delimiter of `head`, its first piece decoded, and what is
    /// left of `head` to decode.
    fn sniffing<'h>(file: &str, head: &'h [u8], head_is_whole_file: bool) -> (Self, &'h [u8]) {
        // Only the first SNIFF_LEN bytes decide, however many came in the first chunk.
        let sniffed = &head[..head.len().min(SNIFF_LEN)];
        let encoding = choose_encoding(sniffed, head_is_whole_file && sniffed.len() == head.len());
        let head = if encoding == UTF_8 {
            strip_utf8_bom(head)
        } else {
            head
        };
        let mut stream = CsvStream::starting(encoding, b',', 1, RecordImporter::new(file));
        let (first, rest) = head.split_at(head.len().min(DECODE_PIECE));
        stream.decode(first, head_is_whole_file && rest.is_empty());
        stream.delimiter = sniff_delimiter(&stream.decoded);
        stream.reader = csv_core::ReaderBuilder::new()
            .delimiter(stream.delimiter)
            .build();
        stream.reader_fresh = true;
        (stream, rest)
    }

    /// Splits the records of the head's first piece, decoded by [`CsvStream::sniffing`], and
    /// reads the `rest` of the head.
    fn read_head(&mut self, rest: &[u8], head_is_whole_file: bool) {
        self.split_records(head_is_whole_file && rest.is_empty());
        if !rest.is_empty() {
            self.feed_pieces(rest, head_is_whole_file);
        }
    }

    /// A stream at the start of a line (`first_line`), before any record.
    fn starting(
        encoding: Encoding,
        delimiter: u8,
        first_line: u64,
        importer: RecordImporter,
    ) -> Self {
        CsvStream {
            decoder: TextDecoder::new(encoding),
            decoded: String::new(),
            decoder_finished: false,
            delimiter,
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            reader_fresh: true,
            field_bytes: vec![0; 4096],
            field_ends: vec![0; 64],
            field_bytes_used: 0,
            field_ends_used: 0,
            record_raw: Vec::new(),
            cells: Vec::new(),
            // The CSV reader counts from line 1.
            line_offset: first_line - 1,
            record_start_line: None,
            record_start_pos: None,
            resync: None,
            importer,
            #[cfg(test)]
            csv_core_only: false,
        }
    }

    /// A stream for a later stretch of a UTF-8 file, which starts where a record starts (its
    /// lines counted from 1 there: the stretch's place in the file is not known yet), below the
    /// header row `header` (as [`CsvStream::header`] gave it).
    pub(crate) fn for_stretch(file: &str, delimiter: u8, header: &[String]) -> Option<Self> {
        let importer = RecordImporter::with_header(file, header)?;
        let mut stream = CsvStream::starting(UTF_8, delimiter, 1, importer);
        // csv-core strips a UTF-8 BOM from the first record it reads; here, as reading the file
        // whole, a BOM is text. An empty line read first (csv-core skips it) makes its next
        // record not its first.
        let (result, read, _, _) = stream.reader.read_record(b"\n", &mut [0], &mut [0]);
        debug_assert!(matches!(result, csv_core::ReadRecordResult::InputEmpty) && read == 1);
        stream.reader.set_line(1);
        stream.reader_fresh = false;
        Some(stream)
    }

    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The header row's cells as read, once the header row is found.
    pub(crate) fn header(&self) -> Option<&[String]> {
        self.importer.header()
    }

    /// Ends a stretch of a file read apart: the last one as the end of the file, any other
    /// where its last record ended. What it imported, and the line the next stretch starts at;
    /// `None` unless the stretch was UTF-8 throughout and it ends between records (not inside a
    /// quoted cell, nor while skipping a broken quote's lines), where the next may take over.
    pub(crate) fn end_stretch(mut self, ends_file: bool) -> Option<(RecordImporter, u64)> {
        if ends_file {
            self.decode(&[], true);
            self.split_records(true);
        }
        // At the end of the file every record has been taken, whatever the reader's state.
        let between_records = ends_file
            || (self.resync.is_none()
                && self.record_start_line.is_none()
                && self.decoded.is_empty()
                && self.record_raw.is_empty());
        let next_line = self.line_offset + self.reader.line();
        (between_records && self.decoder.read_whole_utf8_lines())
            .then_some((self.importer, next_line))
    }

    pub(crate) fn encoding_name(&self) -> &'static str {
        self.decoder.encoding().name()
    }

    pub(crate) fn rows_read(&self) -> u64 {
        self.importer.rows_read()
    }

    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        self.feed_pieces(chunk, false);
    }

    fn feed_pieces(&mut self, bytes: &[u8], last: bool) {
        let mut pieces = bytes.chunks(DECODE_PIECE).peekable();
        while let Some(piece) = pieces.next() {
            let last = last && pieces.peek().is_none();
            self.decode(piece, last);
            self.split_records(last);
        }
    }

    pub(crate) fn finish(mut self, file: &str) -> ImportOutcome {
        self.decode(&[], true);
        self.split_records(true);
        let mut outcome = self.importer.finish();
        outcome.diagnostics.extend(self.decoder.diagnostics(file));
        outcome
    }

    fn decode(&mut self, bytes: &[u8], last: bool) {
        if self.decoder_finished {
            return;
        }
        self.decoder_finished = last;
        self.decoder.decode(bytes, last, &mut self.decoded);
    }

    fn split_records(&mut self, last: bool) {
        let mut decoded = std::mem::take(&mut self.decoded);
        let mut pos = 0;
        // Whether a record of `decoded` may hold a NUL byte: looked for once in the whole text
        // rather than in each record.
        let mut may_hold_nul = memchr::memchr(0, decoded.as_bytes()).is_some();
        loop {
            if self.resync.is_some() {
                if self.resync_step(&decoded, &mut pos, last) {
                    continue;
                }
                break;
            }
            let input = decoded.as_bytes();
            if self.record_start_line.is_none() {
                while let Some(&byte @ (b'\n' | b'\r')) = input.get(pos) {
                    self.line_offset += u64::from(byte == b'\n');
                    pos += 1;
                }
                if pos == input.len() && !last {
                    break;
                }
                let line = self.reader.line() + self.line_offset;
                if self.may_split_fast() {
                    let mut fields = recycle_cells(std::mem::take(&mut self.cells));
                    let text = &decoded[pos..];
                    let simple = split_simple_record(
                        text,
                        self.delimiter,
                        last,
                        MAX_FIELD_BYTES,
                        &mut fields,
                    );
                    if let Some(record) = simple {
                        let bytes = &input[pos..pos + record.len];
                        deliver(
                            &mut self.importer,
                            &self.decoder,
                            &fields,
                            bytes,
                            may_hold_nul,
                            line,
                        );
                        self.cells = recycle_cells(fields);
                        pos += record.len;
                        // What csv-core's line count would have counted.
                        self.line_offset += u64::from(record.ends_with_newline);
                        continue;
                    }
                    self.cells = recycle_cells(fields);
                }
                self.record_start_line = Some(line);
                self.record_start_pos = Some(pos);
            }
            // An empty input tells the CSV reader the file has ended, so never pass one early.
            if pos == input.len() && !last {
                break;
            }
            let call_start = pos;
            let (result, read, written, ends_written) = self.reader.read_record(
                &input[pos..],
                &mut self.field_bytes[self.field_bytes_used..],
                &mut self.field_ends[self.field_ends_used..],
            );
            self.reader_fresh = false;
            pos += read;
            self.field_bytes_used += written;
            self.field_ends_used += ends_written;
            if self.record_start_pos.is_none() {
                self.record_raw.extend_from_slice(&input[call_start..pos]);
            }
            let broken = match result {
                csv_core::ReadRecordResult::End => break,
                // A complete record is delivered unless it breaks a limit or a quote.
                csv_core::ReadRecordResult::Record => {
                    match self
                        .limit_breach()
                        .or_else(|| self.broken_quote(input, pos))
                    {
                        Some(broken) => broken,
                        None => {
                            self.deliver_record();
                            continue;
                        }
                    }
                }
                // A record still being read is given up as soon as it passes a limit.
                incomplete => match self.limit_breach() {
                    Some(broken) => broken,
                    None => {
                        match incomplete {
                            csv_core::ReadRecordResult::InputEmpty if !last => break,
                            csv_core::ReadRecordResult::OutputFull => {
                                self.field_bytes.resize(self.field_bytes.len() * 2, 0);
                            }
                            csv_core::ReadRecordResult::OutputEndsFull => {
                                self.field_ends.resize(self.field_ends.len() * 2, 0);
                            }
                            _ => {}
                        }
                        continue;
                    }
                },
            };
            self.start_resync(broken, &mut decoded, &mut pos);
            may_hold_nul = memchr::memchr(0, decoded.as_bytes()).is_some();
        }
        if let Some(start) = self.record_start_pos.take() {
            // The record goes on in the next input: keep what the reader has taken of it.
            self.record_raw
                .extend_from_slice(&decoded.as_bytes()[start..pos]);
        }
        self.decoded = decoded;
        self.decoded.drain(..pos);
    }

    /// Whether the next record may be split on the fast path: not if csv-core would strip a
    /// UTF-8 BOM from it (the fast path keeps it), nor in a test comparing with csv-core alone.
    fn may_split_fast(&self) -> bool {
        #[cfg(test)]
        if self.csv_core_only {
            return false;
        }
        !self.reader_fresh
    }

    /// The first cell over [`MAX_FIELD_BYTES`] or the cell where the row passes
    /// [`MAX_RECORD_BYTES`], whichever comes first in the text (so the verdict does not depend
    /// on how far the reader had got when it was asked). A row's length counts its delimiters,
    /// one before each cell but the first: a row of millions of empty cells is long too.
    fn limit_breach(&self) -> Option<Broken> {
        if self.field_bytes_used + self.field_ends_used <= MAX_FIELD_BYTES {
            return None;
        }
        let mut start = 0;
        let ends = self.field_ends[..self.field_ends_used].iter().copied();
        for (field, end) in ends.chain([self.field_bytes_used]).enumerate() {
            let field_limit_at = (end - start > MAX_FIELD_BYTES).then_some(start + MAX_FIELD_BYTES);
            let record_limit_at = (end + field > MAX_RECORD_BYTES).then_some(MAX_RECORD_BYTES);
            match (field_limit_at, record_limit_at) {
                (Some(at_field), Some(at_record)) if at_record < at_field => {
                    return Some(Broken::LongRecord { field })
                }
                (Some(_), _) => return Some(Broken::LongField { field }),
                (None, Some(_)) => return Some(Broken::LongRecord { field }),
                (None, None) => {}
            }
            start = end;
        }
        None
    }

    /// A quote that does not close properly (on one line: one closed with text after it, which
    /// the CSV reader would glue to the cell, `"1"72.8` read as `172.8`), or, for a record that
    /// spans lines or ends the file, one that leaves the row with the wrong number of fields.
    fn broken_quote(&self, input: &[u8], pos: usize) -> Option<Broken> {
        let start_line = self.record_start_line.unwrap_or_default();
        let raw = match self.record_start_pos {
            Some(start) => &input[start..pos],
            None => &self.record_raw[..],
        };
        let scan = scan_record(raw, self.delimiter);
        let absolute = |at: QuoteAt| QuoteAt {
            field: at.field,
            line: start_line + at.line,
        };
        if let Some((at, fault)) = scan.broken_quote {
            return Some(Broken::Quote {
                at: absolute(at),
                fault,
            });
        }
        let header_len = self.importer.header_len()?;
        match scan.multiline_quote {
            Some(at) if !scan.fits(header_len) => Some(Broken::QuoteSpan {
                at: absolute(at),
                fields: scan.fields,
            }),
            _ => None,
        }
    }

    /// Rejects the current record and goes on line by line from the line after its first, whose
    /// text is in `decoded` from the record's start (or in `record_raw`, if it began earlier).
    fn start_resync(&mut self, broken: Broken, decoded: &mut String, pos: &mut usize) {
        let first_line = self.record_start_line.take().unwrap_or_default();
        self.reader.reset();
        self.reader_fresh = true;
        self.field_bytes_used = 0;
        self.field_ends_used = 0;
        let skipping_line = match self.record_start_pos.take() {
            Some(start) => match decoded.as_bytes()[start..*pos]
                .iter()
                .position(|&b| b == b'\n')
            {
                Some(newline) => {
                    *pos = start + newline + 1;
                    false
                }
                None => true,
            },
            None => match memchr::memchr(b'\n', &self.record_raw) {
                Some(newline) => {
                    // The lines after the first are read again: put them back before the rest.
                    let mut text = self.record_raw.split_off(newline + 1);
                    text.extend_from_slice(&decoded.as_bytes()[*pos..]);
                    *decoded = String::from_utf8_lossy(&text).into_owned();
                    *pos = 0;
                    false
                }
                None => true,
            },
        };
        self.record_raw.clear();
        self.resync = Some(Resync {
            broken,
            first_line,
            last_rejected_line: first_line,
            rows: 1,
            line_at_pos: first_line + u64::from(!skipping_line),
            skipping_line,
        });
    }

    /// Takes the next line while resynchronising; false when more input is needed. A line where
    /// a whole row starts (one that fits the header, its quotes closing properly, even if they
    /// span lines) ends the resynchronisation; any other line is rejected.
    fn resync_step(&mut self, decoded: &str, pos: &mut usize, last: bool) -> bool {
        let header_len = self.importer.header_len();
        let delimiter = self.delimiter;
        let Some(resync) = self.resync.as_mut() else {
            return true;
        };
        let available = &decoded.as_bytes()[*pos..];
        let newline = memchr::memchr(b'\n', available);
        if resync.skipping_line {
            // The rest of a line already rejected.
            match newline {
                Some(newline) => {
                    resync.skipping_line = false;
                    resync.line_at_pos += 1;
                    *pos += newline + 1;
                    return true;
                }
                None => *pos += available.len(),
            }
            if last {
                self.end_resync();
            }
            return false;
        }
        if available.is_empty() {
            if last {
                self.end_resync();
            }
            return false;
        }
        let line_len = newline.map_or(available.len(), |newline| newline + 1);
        if available[..line_len].iter().all(u8::is_ascii_whitespace) {
            if newline.is_none() && !last {
                return false;
            }
            *pos += line_len;
            resync.line_at_pos += 1;
            return true;
        }
        let window = &available[..available.len().min(MAX_RECORD_BYTES)];
        let scan = scan_record(window, delimiter);
        let complete = scan.terminated_at.is_some() || last;
        if !complete && window.len() < MAX_RECORD_BYTES {
            return false;
        }
        let starts_a_row = complete
            && scan.broken_quote.is_none()
            && header_len.is_none_or(|header_len| scan.fits(header_len));
        if starts_a_row {
            let line_number = resync.line_at_pos;
            self.end_resync();
            self.line_offset = line_number - self.reader.line();
            return true;
        }
        resync.rows += 1;
        resync.last_rejected_line = resync.line_at_pos;
        match newline {
            Some(_) => {
                *pos += line_len;
                resync.line_at_pos += 1;
            }
            None if last => {
                *pos += line_len;
                self.end_resync();
                return false;
            }
            None => {
                resync.skipping_line = true;
                *pos += line_len;
            }
        }
        true
    }

    fn end_resync(&mut self) {
        let Some(resync) = self.resync.take() else {
            return;
        };
        let reason = resync
            .broken
            .reason(resync.first_line, self.importer.header_len());
        let message = if resync.last_rejected_line == resync.first_line {
            reason
        } else {
            let mut message = LinedText::default();
            message.push_str("lines ");
            message.push_line(resync.first_line);
            message.push_str("–");
            message.push_line(resync.last_rejected_line);
            message.push_str(&format!(" rejected ({} rows): ", resync.rows));
            message.push_lined(reason);
            message
        };
        let rows = resync.rows;
        let says = match resync.broken {
            Broken::Quote { .. } | Broken::QuoteSpan { .. } => DiagnosticCode::BrokenQuote { rows },
            Broken::LongField { .. } | Broken::LongRecord { .. } => {
                DiagnosticCode::TooLong { rows }
            }
        };
        self.importer.reject_rows(
            resync.first_line,
            resync.rows,
            Some(resync.broken.field()),
            message,
            says,
        );
    }

    fn deliver_record(&mut self) {
        self.record_raw.clear();
        self.record_start_pos = None;
        // The fields are decoded text less ASCII quotes and delimiters, so together they are valid
        // UTF-8 and each ends on a character boundary: validate once per record, not per field,
        // with `str::from_utf8`, which runs through ASCII a word at a time (the lossy conversion
        // looks at every byte, and cost more than the CSV splitting).
        let bytes = &self.field_bytes[..self.field_bytes_used];
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let mut start = 0;
        let fields: Vec<&str> = self.field_ends[..self.field_ends_used]
            .iter()
            .map(|&end| {
                let field = text.get(start..end).unwrap_or("\u{FFFD}");
                start = end;
                field
            })
            .collect();
        let line = self.record_start_line.take().unwrap_or_default();
        deliver(
            &mut self.importer,
            &self.decoder,
            &fields,
            bytes,
            true,
            line,
        );
        self.field_bytes_used = 0;
        self.field_ends_used = 0;
    }
}

/// An empty list with the allocation of `cells`, for cells of another lifetime. (Collecting a
/// vector's own iterator into a vector of an element of the same size reuses its allocation.)
fn recycle_cells<'b>(mut cells: Vec<&str>) -> Vec<&'b str> {
    cells.clear();
    cells.into_iter().map(|_| "").collect()
}

/// Imports a record read at `line` whose cells are `fields`, found in `bytes`, or rejects it if a
/// cell holds a NUL byte or bytes that could not be decoded.
fn deliver(
    importer: &mut RecordImporter,
    decoder: &TextDecoder,
    fields: &[&str],
    bytes: &[u8],
    may_hold_nul: bool,
    line: u64,
) {
    // NUL and MALFORMED are rare: look at each cell only if the record may hold one.
    let suspect = (may_hold_nul && memchr::memchr(0, bytes).is_some())
        || (decoder.wrote_malformed() && memchr::memchr(0xEF, bytes).is_some());
    let bad_cell = suspect.then(|| bad_cell(fields, decoder)).flatten();
    match bad_cell {
        Some((field, message, says)) if importer.has_header() => {
            importer.reject_rows(line, 1, Some(field), message, says);
        }
        bad_cell => {
            if !importer.import_direct(fields, line) {
                importer.push_record(fields, line);
                // Before the header row a bad cell costs no data row; if this row was the header,
                // its columns are read all the same, and the user is told which cell was bad.
                if let Some((field, message, _)) = bad_cell.filter(|_| importer.has_header()) {
                    importer.warn_header_cell(line, field, message);
                }
            }
        }
    }
}

/// The first cell holding a NUL byte or bytes that could not be decoded, and what is wrong.
fn bad_cell(fields: &[&str], decoder: &TextDecoder) -> Option<(usize, String, DiagnosticCode)> {
    fields.iter().enumerate().find_map(|(index, field)| {
        if field.contains('\0') {
            let message = "the cell holds a NUL byte (0x00)".to_owned();
            Some((index, message, DiagnosticCode::NulByte))
        } else if field.contains(MALFORMED) {
            let message = decoder.malformed_message();
            Some((index, message, DiagnosticCode::Undecodable))
        } else {
            None
        }
    })
}

pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The bytes without a leading UTF-8 BOM.
pub(crate) fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// The kind of a text file from its first bytes: the kind of its header row, if one is there.
pub(crate) fn detect_text_kind(head: &[u8]) -> InputKind {
    let is_whole_file = head.len() < SNIFF_LEN;
    let mut stream = CsvStream::new("", head, is_whole_file);
    if !is_whole_file {
        stream.split_records(true);
    }
    if stream.importer.has_header() {
        stream.importer.finish().kind
    } else {
        InputKind::Unknown
    }
}

#[cfg(test)]
mod fast_path_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::decode::{UTF_16BE, UTF_16LE};

    #[test]
    fn recycled_cells_keep_their_allocation() {
        let row = String::from("a,b,c");
        let mut cells: Vec<&str> = row.split(',').collect();
        cells.reserve(40);
        let (at, room) = (cells.as_ptr() as usize, cells.capacity());
        let recycled: Vec<&'static str> = recycle_cells(cells);
        assert!(recycled.is_empty());
        assert_eq!(
            (recycled.as_ptr() as usize, recycled.capacity()),
            (at, room)
        );
    }

    #[test]
    fn chooses_encoding_from_content() {
        assert_eq!(choose_encoding("产品名称".as_bytes(), true), UTF_8);
        assert_eq!(choose_encoding(b"\xEF\xBB\xBFa", true), UTF_8);
        assert_eq!(choose_encoding(b"\xFF\xFEa\x00", true), UTF_16LE);
        assert_eq!(choose_encoding(b"\xFE\xFF\x00a", true), UTF_16BE);
        let (gbk, _, _) = encoding_rs::GB18030.encode("产品名称");
        assert_eq!(choose_encoding(&gbk, true), GB18030);
        let cut_utf8 = &"产".as_bytes()[..2];
        assert_eq!(choose_encoding(cut_utf8, false), UTF_8);
        assert_eq!(choose_encoding(cut_utf8, true), GB18030);
    }
}
