//! The entry point: bytes in (whole or in chunks), parsed files out.
//!
//! [`Parser`] lets a web worker feed a file one `Blob` slice at a time: CSV is decoded and
//! imported as it arrives, while ZIP, XLSX and JSON (whose structure needs the whole file) are
//! buffered. Parsing never fails: problems are diagnostics on the [`ParsedFile`].
//!
//! The parser owns ZIP recursion (`zip`): each member of a bill pack is streamed into a parser
//! of its own.

mod zip;

use self::zip::{parse_zip, Unpacking};
use crate::input::csv::CsvStream;
use crate::input::sniff::{self, sniff_container, Container};
use crate::input::{json, xlsx, SNIFF_LEN};
use crate::model::diagnostic::{Diagnostic, DiagnosticCode};
use crate::model::kind::InputKind;
use crate::model::parsed_file::ParsedFile;

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
        Container::Zip if sniff::zip_is_xlsx(bytes) => vec![xlsx::parse_xlsx(name, bytes)],
        Container::Zip => parse_zip(name, bytes, unpacking),
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
