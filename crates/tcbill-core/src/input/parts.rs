//! One big CSV file read in parts, each on a core of its own, with exactly the result of reading
//! it whole (issue #12, item 3).
//!
//! The caller (the CLI's threads, the browser's workers; it owns the file and how it is read)
//! cuts the file where records start: [`QuoteCount`]s of equal stretches, taken in parallel, give
//! the quote parity at each stretch's start, so [`first_record_start`] finds the first line end
//! outside quotes after it, and the line number there ([`PartStarts`] does it for every cut,
//! naming the bytes it needs read). Each part is read by a [`PartReader`]: the first as any file is, the others
//! below the header row the first part found ([`TextParts`]). [`join_parts`] appends the parts'
//! tables and diagnostics in file order.
//!
//! A cut is checked, never trusted: a part must end between records (its reader not inside a
//! quoted cell, nor skipping a broken quote's lines), at the line where the next part starts,
//! and every part must be UTF-8 read without a fault (a later line of another encoding changes
//! how the lines after it are read). Part 0 starts where the file does, and each part that ends
//! where a record ends hands the next one exactly the state reading the file whole would have
//! there, so the parts' rows and diagnostics are the whole file's. Otherwise [`join_parts`] says
//! `None` and the caller reads the file whole: a quote-parity guess that was wrong (a quote
//! inside an unquoted cell, which the CSV reader keeps as text) costs time, never an answer.

use crate::input::csv::{choose_encoding, CsvStream};
use crate::input::decode::UTF_8;
use crate::input::rows::RecordImporter;
use crate::input::sniff::{sniff_container, Container};
use crate::input::SNIFF_LEN;
use crate::model::diagnostic::DiagnosticLog;
use crate::model::parsed_file::ParsedFile;
pub use crate::model::table::wire::{ByteCount, Sink, Source};
use crate::model::table::wire::{Reader, Writer};
use crate::model::table::Table;

/// Quotes and line ends in a stretch of bytes, to find where records start without parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QuoteCount {
    /// An odd number of `"`: text after the stretch starts inside a quoted cell (in a file whose
    /// quotes open cells and double inside them, as every export writes them).
    pub odd_quotes: bool,
    /// How many `\n` bytes (in UTF-8, a `\n` byte is always a line end).
    pub line_ends: u64,
}

impl QuoteCount {
    pub fn of(bytes: &[u8]) -> Self {
        let quotes = memchr::memchr_iter(b'"', bytes).count();
        QuoteCount {
            odd_quotes: quotes % 2 == 1,
            line_ends: memchr::memchr_iter(b'\n', bytes).count() as u64,
        }
    }

    /// The count of this stretch followed by `later`.
    #[must_use]
    pub fn then(self, later: QuoteCount) -> Self {
        QuoteCount {
            odd_quotes: self.odd_quotes != later.odd_quotes,
            line_ends: self.line_ends + later.line_ends,
        }
    }
}

/// Where the first record starts in `bytes`, which follow text ending inside quotes if
/// `odd_quotes`: just after the first `\n` outside quotes. The offset, and the line ends in
/// `bytes` before it (that `\n` included); `None` if there is none.
pub fn first_record_start(bytes: &[u8], mut odd_quotes: bool) -> Option<(usize, u64)> {
    let mut line_ends = 0;
    for at in memchr::memchr2_iter(b'"', b'\n', bytes) {
        if bytes[at] == b'"' {
            odd_quotes = !odd_quotes;
            continue;
        }
        line_ends += 1;
        if !odd_quotes {
            return Some((at + 1, line_ends));
        }
    }
    None
}

/// Where each part of a file starts, `(byte offset, line number)`, from equal stretches cut at
/// `cuts` (the first at 0) and their [`QuoteCount`]s: each cut moved on to the first record
/// starting after it, by the quote parity and line count before it; a cut inside the quoted cell
/// the part before it started in is dropped. It reads nothing itself: the caller (the CLI's
/// threads, the browser's `Blob` slices) reads the window [`PartStarts::wanted`] names and hands
/// it to [`PartStarts::feed`], as often as a start lies past a window's end.
#[derive(Debug)]
pub struct PartStarts {
    size: u64,
    cuts: Vec<u64>,
    counts: Vec<QuoteCount>,
    starts: Vec<(u64, u64)>,
    /// The cut being moved on, and the quote count of the file before it.
    next_cut: usize,
    before: QuoteCount,
    /// Where the next window starts, and the quote count of the file before it.
    scanned_to: Option<(u64, QuoteCount)>,
}

impl PartStarts {
    /// `cuts[i]` starts stretch `i` (so `cuts[0]` is 0) and `counts[i]` counts it.
    pub fn new(size: u64, cuts: &[u64], counts: &[QuoteCount]) -> PartStarts {
        let mut finder = PartStarts {
            size,
            cuts: cuts.to_vec(),
            counts: counts.to_vec(),
            starts: vec![(0, 1)],
            next_cut: 1,
            before: QuoteCount::default(),
            scanned_to: None,
        };
        finder.seek_next_cut();
        finder
    }

    /// The offset of the window to read next, `None` once every start is found.
    pub fn wanted(&self) -> Option<u64> {
        self.scanned_to.map(|(at, _)| at)
    }

    /// Takes the window read at [`PartStarts::wanted`] (empty past the end of the file).
    pub fn feed(&mut self, window: &[u8]) {
        let Some((at, scanned)) = self.scanned_to else {
            return;
        };
        if window.is_empty() {
            self.next_cut += 1;
            return self.seek_next_cut();
        }
        if let Some((offset, line_ends)) = first_record_start(window, scanned.odd_quotes) {
            let start = at + offset as u64;
            if start < self.size {
                self.starts.push((start, 1 + scanned.line_ends + line_ends));
            }
            self.next_cut += 1;
            return self.seek_next_cut();
        }
        self.scanned_to = Some((
            at + window.len() as u64,
            scanned.then(QuoteCount::of(window)),
        ));
    }

    /// Where each part starts, part 0 at `(0, 1)`.
    pub fn into_starts(self) -> Vec<(u64, u64)> {
        self.starts
    }

    fn seek_next_cut(&mut self) {
        self.scanned_to = None;
        while let Some(&cut) = self.cuts.get(self.next_cut) {
            self.before = self.before.then(self.counts[self.next_cut - 1]);
            let &(previous, _) = self.starts.last().expect("part 0 starts the file");
            if previous <= cut {
                self.scanned_to = Some((cut, self.before));
                return;
            }
            // The part before starts past this cut (a quoted cell longer than a stretch).
            self.next_cut += 1;
        }
    }
}

/// What every part needs from the file's first bytes: its delimiter and header row.
#[derive(Clone, Debug)]
pub struct TextParts {
    name: String,
    delimiter: u8,
    header: Vec<String>,
}

impl TextParts {
    /// From the file's first bytes, at least [`SNIFF_LEN`] of them (more when a title and notes
    /// come before the header row): `None` unless the file is UTF-8 delimited text whose header
    /// row is among them, the only files read in parts.
    pub fn plan(name: &str, head: &[u8]) -> Option<TextParts> {
        if head.len() < SNIFF_LEN
            || sniff_container(head) != Container::Text
            || choose_encoding(&head[..SNIFF_LEN], false) != UTF_8
        {
            return None;
        }
        let stream = CsvStream::new(name, head, false);
        Some(TextParts {
            name: name.to_owned(),
            delimiter: stream.delimiter(),
            header: stream.header()?.to_vec(),
        })
    }

    /// The reader of the part starting at line `first_line` (1 for the file's start, which it
    /// reads as any file is read).
    pub fn part(&self, first_line: u64) -> PartReader {
        let state = if first_line == 1 {
            PartState::Head(Vec::new())
        } else {
            match CsvStream::for_stretch(&self.name, self.delimiter, &self.header, first_line) {
                Some(stream) => PartState::Reading(Box::new(stream)),
                None => PartState::Unreadable,
            }
        };
        PartReader {
            name: self.name.clone(),
            first_line,
            state,
        }
    }
}

enum PartState {
    /// The file's first part, until [`SNIFF_LEN`] bytes have come (as [`crate::Parser`] does).
    Head(Vec<u8>),
    Reading(Box<CsvStream>),
    Unreadable,
}

/// Reads one part of a file, fed in chunks.
pub struct PartReader {
    name: String,
    first_line: u64,
    state: PartState,
}

impl PartReader {
    /// Data rows read so far (imported or rejected), for progress.
    pub fn rows_read(&self) -> u64 {
        match &self.state {
            PartState::Reading(stream) => stream.rows_read(),
            PartState::Head(_) | PartState::Unreadable => 0,
        }
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        match &mut self.state {
            PartState::Head(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= SNIFF_LEN {
                    let stream = CsvStream::new(&self.name, head, false);
                    self.state = PartState::Reading(Box::new(stream));
                }
            }
            PartState::Reading(stream) => stream.feed(chunk),
            PartState::Unreadable => {}
        }
    }

    /// Ends the part; `ends_file` for the file's last part.
    pub fn finish(self, ends_file: bool) -> PartRead {
        let stream = match self.state {
            PartState::Head(head) => Some(CsvStream::new(&self.name, &head, ends_file)),
            PartState::Reading(stream) => Some(*stream),
            PartState::Unreadable => None,
        };
        PartRead {
            first_line: self.first_line,
            read: stream.and_then(|stream| stream.end_stretch(ends_file)),
        }
    }
}

/// One part read: its rows and diagnostics, and the line the next part must start at.
pub struct PartRead {
    first_line: u64,
    read: Option<(RecordImporter, u64)>,
}

/// What starts the bytes of a [`PartRead`], with the format's version.
const PART_MAGIC: &[u8; 5] = b"TCBP\x02";

impl PartRead {
    /// The part as bytes, for a part read in one Web Worker to be joined in another (the
    /// browser's workers share no memory). The table's storage is copied as it is
    /// (`model::table::wire`); the diagnostics, at most
    /// [`MAX_DIAGNOSTICS_PER_FILE`](crate::model::diagnostic::MAX_DIAGNOSTICS_PER_FILE), as JSON
    /// text inside, since their types already say their shape to serde. The file's first part
    /// keeps its header search, which is not written: it must be joined where it was read, and
    /// its bytes read back as a part that cannot be joined.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.byte_len());
        self.write(&mut bytes);
        bytes
    }

    /// How many bytes [`PartRead::to_bytes`] makes, to size a buffer for [`PartRead::write`].
    pub fn byte_len(&self) -> usize {
        let mut count = ByteCount::default();
        self.write(&mut count);
        count.0
    }

    /// Writes [`PartRead::to_bytes`]'s bytes to `sink` in blocks of 64 KiB: the browser's part
    /// worker writes them straight into the `ArrayBuffer` it posts, so its wasm memory never
    /// holds them beside the table.
    pub fn write(&self, sink: &mut impl Sink) {
        let mut out = Writer::new(sink);
        out.raw(PART_MAGIC);
        out.u64(self.first_line);
        match self.read.as_ref().filter(|_| self.first_line > 1) {
            Some((importer, next_line)) => {
                let (table, rows_rejected, log) = importer.imported();
                out.u8(1);
                out.u64(*next_line);
                out.u64(rows_rejected);
                out.u64(log.dropped);
                let diagnostics =
                    serde_json::to_string(&log.kept).expect("diagnostics always serialise");
                out.str(&diagnostics);
                table.encode(&mut out);
            }
            None => out.u8(0),
        }
        out.finish();
    }

    /// The part [`PartRead::to_bytes`] wrote, of file `name`; `None` if the bytes are not one
    /// (the caller then reads the file whole).
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Option<PartRead> {
        let mut input = Reader::new(bytes);
        let (first_line, read) = match read_head(&mut input)? {
            PartHead::Unjoinable { first_line } => (first_line, None),
            PartHead::Rows(head) => {
                let table = Table::decode(&mut input)?;
                let importer = RecordImporter::holding(name, table, head.rows_rejected, head.log);
                (head.first_line, Some((importer, head.next_line)))
            }
        };
        input.is_empty().then_some(PartRead { first_line, read })
    }
}

/// What comes before a part's table in its bytes.
enum PartHead {
    /// The file's first part, or one that did not end where a record does.
    Unjoinable {
        first_line: u64,
    },
    Rows(RowsHead),
}

struct RowsHead {
    first_line: u64,
    next_line: u64,
    rows_rejected: u64,
    log: DiagnosticLog,
}

fn read_head<S: Source>(input: &mut Reader<S>) -> Option<PartHead> {
    input.expect(PART_MAGIC)?;
    let first_line = input.u64()?;
    match input.u8()? {
        0 => Some(PartHead::Unjoinable { first_line }),
        1 => {
            let next_line = input.u64()?;
            let rows_rejected = input.u64()?;
            let dropped = input.u64()?;
            let kept = serde_json::from_str(&input.str()?).ok()?;
            let log = DiagnosticLog { kept, dropped };
            Some(PartHead::Rows(RowsHead {
                first_line,
                next_line,
                rows_rejected,
                log,
            }))
        }
        _ => None,
    }
}

/// A file's parts joined one at a time in file order, so that beside the file's table only the
/// part being appended is held (the browser receives each part as bytes from its worker, and
/// appends it as it decodes it, a column at a time: [`PartJoin::then_read`]).
pub struct PartJoin {
    importer: RecordImporter,
    next_line: u64,
}

impl PartJoin {
    /// Starts with the file's first part; `None` if it did not end where a record ends.
    pub fn start(first: PartRead) -> Option<PartJoin> {
        let (importer, next_line) = first.read.filter(|_| first.first_line == 1)?;
        Some(PartJoin {
            importer,
            next_line,
        })
    }

    /// Appends the next part; `None` if it cannot take over from the parts before (see the
    /// module's documentation), so the file must be read whole.
    pub fn then(mut self, part: PartRead) -> Option<PartJoin> {
        let (later, next_line) = part.read.filter(|_| part.first_line == self.next_line)?;
        self.importer.append(later);
        self.next_line = next_line;
        Some(self)
    }

    /// [`PartJoin::then`] of the part [`PartRead::write`] wrote to what `source` reads, decoded
    /// a column at a time as it is appended: beside the file's table, only the part's strings
    /// and one of its columns are held, never its bytes or its whole table. `None` where `then`
    /// says it, or if the bytes are not a part.
    pub fn then_read(mut self, source: impl Source) -> Option<PartJoin> {
        let mut input = Reader::new(source);
        let PartHead::Rows(head) = read_head(&mut input)? else {
            return None;
        };
        if head.first_line != self.next_line {
            return None;
        }
        self.importer
            .append_decoded(&mut input, head.rows_rejected, head.log)?;
        self.next_line = head.next_line;
        input.is_empty().then_some(self)
    }

    /// The file `name`, exactly as reading it whole would give it.
    pub fn finish(self, name: &str) -> ParsedFile {
        let outcome = self.importer.finish();
        ParsedFile::from_parts(
            name,
            outcome.kind,
            Some(UTF_8.name()),
            outcome.table,
            outcome.rows_rejected,
            outcome.diagnostics,
        )
    }
}

/// The file `name` from its parts read in order, exactly as reading it whole would give it;
/// `None` where a part could not take over from the one before (see the module's documentation),
/// so the file must be read whole.
pub fn join_parts(name: &str, parts: Vec<PartRead>) -> Option<ParsedFile> {
    let mut parts = parts.into_iter();
    let first = PartJoin::start(parts.next()?)?;
    let joined = parts.try_fold(first, PartJoin::then)?;
    Some(joined.finish(name))
}
