//! The entry point: bytes in (whole or in chunks), parsed files out.
//!
//! [`Parser`] lets a web worker feed a file one `Blob` slice at a time: CSV is decoded and
//! imported as it arrives, while ZIP, XLSX and JSON (whose structure needs the whole file) are
//! buffered. Parsing never fails: problems are diagnostics on the [`ParsedFile`].
//!
//! The parser owns ZIP recursion (`zip`): each member of a bill pack is streamed into a parser
//! of its own.

#[cfg(feature = "archive")]
mod zip;

#[cfg(feature = "archive")]
use self::zip::{parse_zip, Unpacking};
use crate::input::csv::CsvStream;
use crate::input::decode::{GB18030, UTF_16BE, UTF_16LE, UTF_8};
use crate::input::sniff::{self, sniff_container, Container};
#[cfg(feature = "archive")]
use crate::input::xlsx;
use crate::input::{json, SNIFF_LEN};
use serde::{Deserialize, Serialize};

use crate::model::diagnostic::{Diagnostic, DiagnosticCode};
use crate::model::kind::InputKind;
use crate::model::parsed_file::ParsedFile;
use crate::model::table::wire::{ByteCount, Reader, Sink, Source, Writer};
use crate::model::table::Table;

/// How far a [`Parser`] has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub bytes_fed: u64,
    /// Data rows read so far (0 while a ZIP, XLSX or JSON file is being buffered).
    pub rows_read: u64,
}

/// The most a ZIP, XLSX or JSON file (which must be read whole) may hold: 1 GiB in the browser,
/// where wasm32 has 4 GiB for the file, its parsed rows and everything else; 16 GiB natively.
pub const MAX_WHOLE_FILE: u64 = if cfg!(target_pointer_width = "32") {
    1 << 30
} else {
    16 << 30
};

enum State {
    /// Collecting the first [`SNIFF_LEN`] bytes to decide the container and encoding.
    Sniffing(Vec<u8>),
    /// A container that needs the whole file.
    Buffering(Vec<u8>),
    /// A container larger than [`MAX_WHOLE_FILE`]: nothing more is kept.
    TooLarge,
    Streaming(Box<CsvStream>),
    /// Binary data: nothing to keep.
    Discarding,
}

/// Parses one file fed in chunks.
pub struct Parser {
    name: String,
    bytes_fed: u64,
    state: State,
}

impl Parser {
    pub fn new(file_name: impl Into<String>) -> Self {
        Parser {
            name: file_name.into(),
            bytes_fed: 0,
            state: State::Sniffing(Vec::new()),
        }
    }

    /// Takes the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Progress {
        self.bytes_fed += chunk.len() as u64;
        match &mut self.state {
            State::Sniffing(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= SNIFF_LEN {
                    let head = std::mem::take(head);
                    self.state = match sniff_container(&head) {
                        Container::Text => {
                            State::Streaming(Box::new(CsvStream::new(&self.name, &head, false)))
                        }
                        Container::Binary => State::Discarding,
                        Container::Zip | Container::Json | Container::Empty => {
                            State::Buffering(head)
                        }
                    };
                }
            }
            State::Buffering(bytes) => {
                if (bytes.len() + chunk.len()) as u64 > MAX_WHOLE_FILE {
                    self.state = State::TooLarge;
                } else {
                    bytes.extend_from_slice(chunk);
                }
            }
            State::Streaming(stream) => stream.feed(chunk),
            State::Discarding | State::TooLarge => {}
        }
        self.progress()
    }

    pub fn progress(&self) -> Progress {
        let rows_read = match &self.state {
            State::Streaming(stream) => stream.rows_read(),
            _ => 0,
        };
        Progress {
            bytes_fed: self.bytes_fed,
            rows_read,
        }
    }

    /// Ends the file. A ZIP yields one parsed file per member; anything else yields one.
    pub fn finish(self) -> Vec<ParsedFile> {
        self.finish_nested(&mut Unpacking::new())
    }

    /// Ends a file that may itself be a member of a ZIP, within what unpacking may still cost.
    pub(crate) fn finish_nested(self, unpacking: &mut Unpacking) -> Vec<ParsedFile> {
        match self.state {
            State::Sniffing(bytes) | State::Buffering(bytes) => {
                parse_whole(&self.name, &bytes, unpacking)
            }
            State::Streaming(stream) => vec![finish_stream(&self.name, *stream)],
            State::Discarding => vec![binary_file(&self.name)],
            State::TooLarge => {
                let message = format!(
                    "a ZIP, XLSX or JSON file is read whole, and this one is larger than the {} MiB \
                     tcbill can hold here; split it (or unpack the ZIP) and drop the parts",
                    MAX_WHOLE_FILE >> 20
                );
                let diagnostic =
                    Diagnostic::error(&self.name, message).saying(DiagnosticCode::FileTooLarge {
                        mib: MAX_WHOLE_FILE >> 20,
                    });
                vec![ParsedFile::empty(
                    &self.name,
                    InputKind::Unknown,
                    vec![diagnostic],
                )]
            }
        }
    }
}

fn finish_stream(name: &str, stream: CsvStream) -> ParsedFile {
    let encoding = stream.encoding_name();
    let outcome = stream.finish(name);
    ParsedFile::from_parts(
        name,
        outcome.kind,
        Some(encoding),
        outcome.table,
        outcome.rows_rejected,
        outcome.diagnostics,
    )
}

fn binary_file(name: &str) -> ParsedFile {
    let diagnostic = Diagnostic::error(name, "binary data, not a CSV, JSON, ZIP or XLSX file")
        .saying(DiagnosticCode::Binary);
    ParsedFile::empty(name, InputKind::Unknown, vec![diagnostic])
}

/// Without the `archive` feature there is no unpacking to account for.
#[cfg(not(feature = "archive"))]
pub(crate) struct Unpacking;

#[cfg(not(feature = "archive"))]
impl Unpacking {
    fn new() -> Self {
        Unpacking
    }
}

/// A ZIP or XLSX file given to a build without the `archive` feature (the web app never does:
/// its file worker hands such files to the archive worker, `sniff::is_archive`).
#[cfg(not(feature = "archive"))]
fn archive_not_read(name: &str, bytes: &[u8], _: &mut Unpacking) -> ParsedFile {
    let message = "ZIP and XLSX files are not read by this build of tcbill";
    ParsedFile::empty(
        name,
        sniff::detect_kind(bytes),
        vec![Diagnostic::error(name, message)],
    )
}

/// Parses a complete file.
fn parse_whole(name: &str, bytes: &[u8], unpacking: &mut Unpacking) -> Vec<ParsedFile> {
    match sniff_container(bytes) {
        Container::Empty if bytes.is_empty() => {
            vec![ParsedFile::empty(
                name,
                InputKind::Unknown,
                vec![Diagnostic::error(name, "the file is empty").saying(DiagnosticCode::EmptyFile)],
            )]
        }
        Container::Empty => {
            vec![ParsedFile::empty(
                name,
                InputKind::Unknown,
                vec![Diagnostic::error(name, "the file holds only blank space")
                    .saying(DiagnosticCode::BlankFile)],
            )]
        }
        #[cfg(feature = "archive")]
        Container::Zip if sniff::zip_is_xlsx(bytes) => vec![xlsx::parse_xlsx(name, bytes)],
        #[cfg(feature = "archive")]
        Container::Zip => parse_zip(name, bytes, unpacking),
        #[cfg(not(feature = "archive"))]
        Container::Zip => vec![archive_not_read(name, bytes, unpacking)],
        Container::Json => vec![json::parse_json(name, bytes)],
        Container::Text => vec![finish_stream(name, CsvStream::new(name, bytes, true))],
        Container::Binary => vec![binary_file(name)],
    }
}

/// Parses a whole file at once: what [`Parser`] does when fed everything in one chunk.
pub fn parse_file(name: &str, bytes: &[u8]) -> Vec<ParsedFile> {
    let mut parser = Parser::new(name);
    parser.feed(bytes);
    parser.finish()
}

/// What starts the bytes of [`files_to_bytes`], with the format's version.
const FILES_MAGIC: &[u8; 5] = b"TCBF\x02";

/// What a parsed file is besides its table, as written by [`files_to_bytes`].
#[derive(Serialize)]
struct FileHead<'a> {
    name: &'a str,
    kind: InputKind,
    encoding: Option<&'a str>,
    rows_rejected: u64,
    diagnostics: &'a [Diagnostic],
}

/// [`FileHead`] read back.
#[derive(Deserialize)]
struct FileHeadRead {
    name: String,
    kind: InputKind,
    encoding: Option<String>,
    rows_rejected: u64,
    diagnostics: Vec<Diagnostic>,
}

/// Parsed files as bytes, for files parsed in one Web Worker to be analysed in another (the web
/// app's archive worker reads ZIP and XLSX files for the file worker, which is built without the
/// `archive` feature). Each file's name, kind, encoding, counts and diagnostics as JSON text (their
/// types say their shape to serde; diagnostics are at most
/// [`MAX_DIAGNOSTICS_PER_FILE`](crate::model::diagnostic::MAX_DIAGNOSTICS_PER_FILE) a file), then
/// its table's storage as it is (`model::table::wire`, as a part's).
pub fn files_to_bytes(files: &[ParsedFile]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(files_byte_len(files));
    write_files(files, &mut bytes);
    bytes
}

/// How many bytes [`files_to_bytes`] makes, to size a buffer for [`write_files`].
pub fn files_byte_len(files: &[ParsedFile]) -> usize {
    let mut count = ByteCount::default();
    write_files(files, &mut count);
    count.0
}

/// Writes [`files_to_bytes`]'s bytes to `sink` in blocks of 64 KiB (the browser's archive worker
/// writes them straight into the `ArrayBuffer` it posts).
pub fn write_files(files: &[ParsedFile], sink: &mut impl Sink) {
    let mut out = Writer::new(sink);
    out.raw(FILES_MAGIC);
    out.u64(files.len() as u64);
    for file in files {
        let head = FileHead {
            name: &file.name,
            kind: file.kind,
            encoding: file.encoding,
            rows_rejected: file.rows_rejected,
            diagnostics: &file.diagnostics,
        };
        out.str(&serde_json::to_string(&head).expect("a parsed file's head always serialises"));
        file.table.encode(&mut out);
    }
    out.finish();
}

/// The files [`files_to_bytes`] wrote; `None` if the bytes are not those (each table's storage is
/// checked as a part's is, so damaged bytes never make a table that panics when read).
pub fn files_from_bytes(bytes: &[u8]) -> Option<Vec<ParsedFile>> {
    read_files(bytes)
}

/// [`files_from_bytes`] from a [`Source`] (the browser's file worker reads the `ArrayBuffer` the
/// files came in a block at a time, never copying it whole into wasm memory).
pub fn read_files(source: impl Source) -> Option<Vec<ParsedFile>> {
    let mut input = Reader::new(source);
    input.expect(FILES_MAGIC)?;
    let count = input.u64()?;
    let mut files = Vec::new();
    for _ in 0..count {
        let head: FileHeadRead = serde_json::from_str(&input.str()?).ok()?;
        let table = Table::decode(&mut input)?;
        let encoding = match head.encoding {
            Some(name) => Some(encoding_name(&name)?),
            None => None,
        };
        files.push(ParsedFile {
            name: head.name,
            kind: head.kind,
            encoding,
            table,
            rows_rejected: head.rows_rejected,
            diagnostics: head.diagnostics,
        });
    }
    input.is_empty().then_some(files)
}

/// The name of an encoding a text file can be read in, as `ParsedFile::encoding` holds it.
fn encoding_name(name: &str) -> Option<&'static str> {
    [UTF_8, GB18030, UTF_16LE, UTF_16BE]
        .into_iter()
        .map(|encoding| encoding.name())
        .find(|known| *known == name)
}
