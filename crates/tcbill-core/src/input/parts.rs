//! One big CSV file read in parts, each on a core of its own, with exactly the result of reading
//! it whole (issue #12, item 3).
//!
//! The caller (the CLI's threads, the browser's workers; it owns the file and how it is read)
//! cuts the file into equal stretches and starts each part after the first at the first line
//! start at or after its cut ([`PartStarts`], which names the few bytes it needs read there): a
//! guess that the line starts a record, outside quotes, made without reading the file before
//! it. Each part is read by a [`PartReader`]: the first as any file is, the others below the
//! header row the first part found ([`TextParts`]), their lines counted from their own start,
//! since nothing before them was read. [`join_parts`] appends the parts' tables and diagnostics
//! in file order, and moves each later part's lines (its rows', its diagnostics', and the line
//! numbers in their words) down by the lines of the parts before it, which the join knows.
//!
//! A cut is checked, never trusted: a part must end between records (its reader not inside a
//! quoted cell, nor skipping a broken quote's lines), where the next part starts, and every
//! part must be UTF-8 read without a fault (a later line of another encoding changes how the
//! lines after it are read). Part 0 starts where the file does, and each part that ends where a
//! record ends hands the next one exactly the state reading the file whole would have there, so
//! the parts' rows and diagnostics are the whole file's. Otherwise [`join_parts`] says `None`
//! and the caller reads the file whole: a part that started inside a quoted cell spanning lines
//! costs time, never an answer.

use crate::input::csv::{choose_encoding, CsvStream};
use crate::input::decode::UTF_8;
use crate::input::rows::RecordImporter;
use crate::input::sniff::{sniff_container, Container};
use crate::input::SNIFF_LEN;
use crate::model::diagnostic::{DiagnosticLog, LineNamed};
use crate::model::parsed_file::ParsedFile;
pub use crate::model::table::wire::{ByteCount, Sink, Source};
use crate::model::table::wire::{Reader, Writer};
use crate::model::table::Table;

/// How many bytes a caller may read at a time for [`PartStarts`]: far more than a bill's line.
pub const START_WINDOW: usize = 64 << 10;

/// Where each part of a file starts: the file cut into equal stretches, each after the first
/// moved on to the first line start at or after its cut (just after a `\n`; a cut just after
/// one stays). A cut at or before the line start of the part before it (a line longer than a
/// stretch), or with no line start after it, is dropped. It reads nothing itself: the caller
/// reads the bytes from [`PartStarts::wanted`] on (any number, [`START_WINDOW`] say) and hands
/// them to [`PartStarts::feed`], until `wanted` says `None`.
#[derive(Debug)]
pub struct PartStarts {
    size: u64,
    /// Where each part after the first is cut, before it is moved on to a line start.
    cuts: Vec<u64>,
    /// The cut being moved on (1 for the first part after part 0).
    next_cut: u64,
    starts: Vec<u64>,
    /// Where the next bytes to look at start.
    scanned_to: Option<u64>,
}

impl PartStarts {
    /// The starts of a file of `size` bytes cut into `parts` equal stretches.
    pub fn new(size: u64, parts: usize) -> PartStarts {
        let parts = parts as u64;
        PartStarts::at_cuts(size, (1..parts).map(|part| size * part / parts).collect())
    }

    /// The starts of a file of `size` bytes cut at `cuts` (in increasing order, each below
    /// `size`): the browser gives its file worker, which joins the parts, a first part of another
    /// length than the part workers' equal rest.
    pub fn at_cuts(size: u64, cuts: Vec<u64>) -> PartStarts {
        let mut finder = PartStarts {
            size,
            cuts,
            next_cut: 1,
            starts: vec![0],
            scanned_to: None,
        };
        finder.seek_next_cut();
        finder
    }

    /// The offset of the bytes to read next, `None` once every start is found.
    pub fn wanted(&self) -> Option<u64> {
        self.scanned_to
    }

    /// Takes bytes read at [`PartStarts::wanted`] (none past the end of the file).
    pub fn feed(&mut self, bytes: &[u8]) {
        let Some(at) = self.scanned_to else {
            return;
        };
        if bytes.is_empty() {
            // No line starts after this cut, nor after the later ones.
            self.scanned_to = None;
            return;
        }
        match memchr::memchr(b'\n', bytes) {
            Some(newline) => {
                let start = at + newline as u64 + 1;
                if start >= self.size {
                    self.scanned_to = None;
                    return;
                }
                self.starts.push(start);
                self.next_cut += 1;
                self.seek_next_cut();
            }
            None => self.scanned_to = Some(at + bytes.len() as u64),
        }
    }

    /// Where each part starts, part 0 at 0, in order.
    pub fn into_starts(self) -> Vec<u64> {
        self.starts
    }

    fn seek_next_cut(&mut self) {
        self.scanned_to = None;
        while let Some(&cut) = self.cuts.get(self.next_cut as usize - 1) {
            // A `\n` just before the cut makes the cut a line start.
            let from = cut.saturating_sub(1);
            if from >= *self.starts.last().expect("part 0 starts the file") {
                self.scanned_to = Some(from);
                return;
            }
            // The part before starts past this cut (a line longer than a stretch).
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

    /// The reader of the file's first part, from its start: it reads it as any file is read.
    pub fn first_part(&self) -> PartReader {
        PartReader {
            name: self.name.clone(),
            first: true,
            state: PartState::Head(Vec::new()),
        }
    }

    /// The reader of a later part, which starts at a line start ([`PartStarts`]) and counts its
    /// lines from 1 there; the join moves them to the part's place in the file.
    pub fn later_part(&self) -> PartReader {
        let state = match CsvStream::for_stretch(&self.name, self.delimiter, &self.header) {
            Some(stream) => PartState::Reading(Box::new(stream)),
            None => PartState::Unreadable,
        };
        PartReader {
            name: self.name.clone(),
            first: false,
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
    /// The file's first part.
    first: bool,
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
            first: self.first,
            read: stream.and_then(|stream| stream.end_stretch(ends_file)),
        }
    }
}

/// One part read: its rows and diagnostics, and the line after it (the next part's first); a
/// later part's lines are counted from 1 at its start.
pub struct PartRead {
    /// The file's first part.
    first: bool,
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

    /// The part's rows (`None` for a part that cannot be joined), for the passes over them made
    /// where the part was read (`report::RowsPass`); a later part's lines count from its start.
    pub fn table(&self) -> Option<&Table> {
        self.read
            .as_ref()
            .map(|(importer, _)| importer.imported().0)
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
        match self.read.as_ref().filter(|_| !self.first) {
            Some((importer, next_line)) => {
                let (table, rows_rejected, log) = importer.imported();
                out.u8(1);
                out.u64(*next_line);
                out.u64(rows_rejected);
                out.u64(log.dropped);
                let diagnostics =
                    serde_json::to_string(&log.kept).expect("diagnostics always serialise");
                out.str(&diagnostics);
                out.u64(log.lines_named.len() as u64);
                for line in &log.lines_named {
                    for number in [line.diagnostic, line.start, line.end] {
                        out.u64(number as u64);
                    }
                }
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
        let read = match read_head(&mut input)? {
            PartHead::Unjoinable => None,
            PartHead::Rows(head) => {
                let table = Table::decode(&mut input)?;
                let importer = RecordImporter::holding(name, table, head.rows_rejected, head.log);
                Some((importer, head.next_line))
            }
        };
        // Any part read back from bytes is a later one: the first is never written.
        let first = false;
        input.is_empty().then_some(PartRead { first, read })
    }
}

/// What comes before a part's table in its bytes.
enum PartHead {
    /// The file's first part, or one that did not end where a record does.
    Unjoinable,
    Rows(RowsHead),
}

struct RowsHead {
    next_line: u64,
    rows_rejected: u64,
    log: DiagnosticLog,
}

fn read_head<S: Source>(input: &mut Reader<S>) -> Option<PartHead> {
    input.expect(PART_MAGIC)?;
    match input.u8()? {
        0 => Some(PartHead::Unjoinable),
        1 => {
            let next_line = input.u64()?;
            let rows_rejected = input.u64()?;
            let dropped = input.u64()?;
            let kept = serde_json::from_str(&input.str()?).ok()?;
            let named = input.u64()?;
            let mut lines_named = Vec::new();
            for _ in 0..named {
                let mut number = || usize::try_from(input.u64()?).ok();
                let (diagnostic, start, end) = (number()?, number()?, number()?);
                lines_named.push(LineNamed {
                    diagnostic,
                    start,
                    end,
                });
            }
            let log = DiagnosticLog {
                kept,
                dropped,
                lines_named,
            };
            log.names_lines_soundly().then_some(())?;
            Some(PartHead::Rows(RowsHead {
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
        let (importer, next_line) = first.read.filter(|_| first.first)?;
        Some(PartJoin {
            importer,
            next_line,
        })
    }

    /// Appends the next part; `None` if it cannot take over from the parts before (see the
    /// module's documentation), so the file must be read whole.
    pub fn then(mut self, part: PartRead) -> Option<PartJoin> {
        let (later, next_line) = part.read.filter(|_| !part.first)?;
        // The part counted its lines from 1 at this line.
        let lines_before = self.next_line - 1;
        self.importer.append(later, lines_before);
        self.next_line = lines_before + next_line;
        Some(self)
    }

    /// How many lines of the file come before the next part: its lines, counted from 1 at its
    /// start, are moved down by that much.
    pub fn lines_before_next(&self) -> u64 {
        self.next_line - 1
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
        let lines_before = self.next_line - 1;
        self.importer
            .append_decoded(&mut input, head.rows_rejected, head.log, lines_before)?;
        self.next_line = lines_before + head.next_line;
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
