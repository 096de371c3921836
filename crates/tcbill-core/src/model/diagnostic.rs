//! What went wrong, where, in words a finance user understands.
//!
//! Parsing never fails as a whole: every problem becomes a [`Diagnostic`] next to the rows that
//! could be read, so one bad cell or file never hides the rest.

use std::fmt::{self, Write};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::model::number::NumberError;

/// Whether the problem cost a row (or the file), or is only worth a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A row or the whole file was not imported.
    Error,
    /// Imported, but something looks inconsistent.
    Warning,
}

/// One problem. `Display` gives `bill.csv:118 column 现金账户支出(元): "12.3.4" is not a number`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file name as the user dropped it (`pack.zip/member.csv` inside a ZIP).
    pub file: String,
    /// 1-based physical line, as a text editor shows it (the row number in a spreadsheet).
    pub line: Option<u64>,
    /// Where in a JSON document, e.g. `DetailSet[0].ComponentSet[1]`.
    pub record: Option<String>,
    /// The column as its header spells it (or the JSON field name).
    pub column: Option<String>,
    /// The English sentence.
    pub message: String,
    /// The common problems as a code, for a page to say in its own language; `None` for the
    /// rarer ones, which it shows in English.
    pub says: Option<DiagnosticCode>,
}

/// What a [`Diagnostic`] says, with what the sentence needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DiagnosticCode {
    NotANumber {
        text: String,
    },
    TooLarge {
        text: String,
    },
    TooPrecise {
        text: String,
    },
    /// A row with another number of fields than the header.
    FieldCount {
        expected: usize,
        found: usize,
    },
    /// A quote that never closes, closes before text, or runs across lines; `rows` rejected.
    BrokenQuote {
        rows: u64,
    },
    /// A cell or row past the size limit; `rows` rejected.
    TooLong {
        rows: u64,
    },
    /// Lines in another encoding than the file's (or than the ASCII lines before them).
    MixedEncodings,
    /// Bytes that are not text in the file's encoding.
    Undecodable,
    /// A cell holding a NUL byte (0x00).
    NulByte,
    EmptyFile,
    BlankFile,
    NoRows,
    NoDataRows,
    UnknownKind,
    Binary,
    /// More problems than [`MAX_DIAGNOSTICS_PER_FILE`]; `count` not listed.
    MoreProblems {
        count: u64,
    },
    /// A ZIP, XLSX or JSON file past what is read whole.
    FileTooLarge {
        mib: u64,
    },
    ZipTooDeep {
        levels: u32,
    },
    /// A ZIP member inflating more than `ratio` times its size.
    ZipBomb {
        ratio: u64,
    },
    /// The members inflate past `gib` in all.
    ZipTooLarge {
        gib: u64,
    },
    /// A total row (`合计`, `Total`) under the bill rows: its amounts are theirs added up.
    TotalRow {
        label: String,
    },
    /// An API response counting `total` records of which the file holds `read`: pages not pulled.
    PagesMissing {
        total: u64,
        read: u64,
    },
    /// A bill summary whose `SummaryTotal` `field` is `total` where its rows add up to `rows`:
    /// rows are missing (or were edited).
    SummaryTotalDiffers {
        field: String,
        total: String,
        rows: String,
    },
}

impl From<&NumberError> for DiagnosticCode {
    fn from(error: &NumberError) -> Self {
        match error {
            NumberError::NotANumber(text) => DiagnosticCode::NotANumber { text: text.clone() },
            NumberError::TooLarge(text) => DiagnosticCode::TooLarge { text: text.clone() },
            NumberError::TooPrecise(text) => DiagnosticCode::TooPrecise { text: text.clone() },
        }
    }
}

/// A problem before it has a place: the English sentence and, for the common ones, its code.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) message: String,
    pub(crate) says: Option<DiagnosticCode>,
}

impl From<String> for Problem {
    fn from(message: String) -> Self {
        Problem {
            message,
            says: None,
        }
    }
}

impl From<NumberError> for Problem {
    fn from(error: NumberError) -> Self {
        Problem {
            message: error.to_string(),
            says: Some(DiagnosticCode::from(&error)),
        }
    }
}

impl Diagnostic {
    pub fn error(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            line: None,
            record: None,
            column: None,
            message: message.into(),
            says: None,
        }
    }

    pub fn warning(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at_record(mut self, record: impl Into<String>) -> Self {
        self.record = Some(record.into());
        self
    }

    pub fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn saying(mut self, code: impl Into<Option<DiagnosticCode>>) -> Self {
        self.says = code.into();
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(record) = &self.record {
            write!(f, " {record}")?;
        }
        if let Some(column) = &self.column {
            write!(f, " column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// At most this many diagnostics are kept per file; a file with a systematic problem would
/// otherwise produce one per row.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 200;

/// A message whose words name lines (`lines 12–15 rejected`), with where each number is in it: a
/// later part of a file, read with its lines counted from the part's own start, has them moved
/// to the part's place in the file when it is joined ([`DiagnosticLog::append`]).
#[derive(Debug, Default)]
pub(crate) struct LinedText {
    pub(crate) text: String,
    /// The byte range of each line number in `text`, in order.
    pub(crate) lines: Vec<Range<usize>>,
}

impl LinedText {
    pub(crate) fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(crate) fn push_line(&mut self, line: u64) {
        let start = self.text.len();
        write!(self.text, "{line}").expect("writing to a String");
        self.lines.push(start..self.text.len());
    }

    pub(crate) fn push_lined(&mut self, more: LinedText) {
        let offset = self.text.len();
        self.text.push_str(&more.text);
        let moved = more.lines.into_iter();
        self.lines
            .extend(moved.map(|range| range.start + offset..range.end + offset));
    }
}

impl From<String> for LinedText {
    fn from(text: String) -> Self {
        LinedText {
            text,
            lines: Vec::new(),
        }
    }
}

/// A line number in the message of a kept diagnostic: its index in [`DiagnosticLog::kept`], and
/// the number's byte range in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineNamed {
    pub(crate) diagnostic: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Collects diagnostics up to [`MAX_DIAGNOSTICS_PER_FILE`] and counts the rest.
#[derive(Debug, Default)]
pub(crate) struct DiagnosticLog {
    pub(crate) kept: Vec<Diagnostic>,
    /// How many more were pushed past the limit.
    pub(crate) dropped: u64,
    /// The line numbers in the kept diagnostics' messages, in order of diagnostic and place.
    pub(crate) lines_named: Vec<LineNamed>,
}

impl DiagnosticLog {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.push_naming(diagnostic, Vec::new());
    }

    /// Pushes `diagnostic`, whose message names lines at `lines` (see [`LinedText`]).
    pub(crate) fn push_naming(&mut self, diagnostic: Diagnostic, lines: Vec<Range<usize>>) {
        if self.kept.len() < MAX_DIAGNOSTICS_PER_FILE {
            let index = self.kept.len();
            self.lines_named
                .extend(lines.into_iter().map(|range| LineNamed {
                    diagnostic: index,
                    start: range.start,
                    end: range.end,
                }));
            self.kept.push(diagnostic);
        } else {
            self.dropped += 1;
        }
    }

    /// Takes `later`'s diagnostics after these, as if each had been pushed here in its order:
    /// `later` kept the first of its own, so the first kept overall are among them. `later`
    /// counted its lines from 1 at a line `lines_before` lines below this one's first line (0
    /// for the same count), so each of its lines, in a diagnostic's place and in its words,
    /// is moved down by `lines_before`.
    pub(crate) fn append(&mut self, later: DiagnosticLog, lines_before: u64) {
        let mut named = later.lines_named.into_iter().peekable();
        for (index, mut diagnostic) in later.kept.into_iter().enumerate() {
            let mut lines = Vec::new();
            while let Some(line) = named.next_if(|line| line.diagnostic == index) {
                lines.push(line.start..line.end);
            }
            if lines_before > 0 {
                diagnostic.line = diagnostic.line.map(|line| line + lines_before);
                lines = move_lines(&mut diagnostic.message, &lines, lines_before);
            }
            self.push_naming(diagnostic, lines);
        }
        self.dropped += later.dropped;
    }

    /// Whether every line named is a number in the message of a kept diagnostic, in order (a
    /// log read back from bytes is checked before it is trusted).
    pub(crate) fn names_lines_soundly(&self) -> bool {
        let mut after = (0, 0);
        self.lines_named.iter().all(|line| {
            let in_order = (line.diagnostic, line.start) >= after && line.start < line.end;
            after = (line.diagnostic, line.end);
            in_order
                && self.kept.get(line.diagnostic).is_some_and(|diagnostic| {
                    let number = diagnostic.message.get(line.start..line.end);
                    number.is_some_and(|number| number.bytes().all(|b| b.is_ascii_digit()))
                        && number
                            .and_then(|number| number.parse::<u64>().ok())
                            .is_some()
                })
        })
    }

    pub(crate) fn into_vec(mut self, file: &str) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            let message = format!("{} more problems not listed", self.dropped);
            let code = DiagnosticCode::MoreProblems {
                count: self.dropped,
            };
            self.kept
                .push(Diagnostic::warning(file, message).saying(code));
        }
        self.kept
    }
}

/// `message` with each line number at `lines` (in order) moved down by `lines_before`; where
/// the numbers are now.
fn move_lines(
    message: &mut String,
    lines: &[Range<usize>],
    lines_before: u64,
) -> Vec<Range<usize>> {
    let mut moved = String::with_capacity(message.len() + 4 * lines.len());
    let mut ranges = Vec::with_capacity(lines.len());
    let mut copied = 0;
    for range in lines {
        moved.push_str(&message[copied..range.start]);
        let number: u64 = message[range.clone()]
            .parse()
            .expect("a line named is a number (checked when read from bytes)");
        let start = moved.len();
        write!(moved, "{}", number + lines_before).expect("writing to a String");
        ranges.push(start..moved.len());
        copied = range.end;
    }
    moved.push_str(&message[copied..]);
    *message = moved;
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_an_editor_location() {
        let diagnostic = Diagnostic::error("bill.csv", "\"12.3.4\" is not a number")
            .at_line(118)
            .in_column("现金账户支出(元)");
        assert_eq!(
            diagnostic.to_string(),
            "bill.csv:118 column 现金账户支出(元): \"12.3.4\" is not a number"
        );
        let diagnostic = Diagnostic::warning("api.json", "no rows").at_record("DetailSet[0]");
        assert_eq!(diagnostic.to_string(), "api.json DetailSet[0]: no rows");
    }

    #[test]
    fn a_later_logs_lines_move_in_place_and_in_words() {
        let mut words = LinedText::default();
        words.push_str("lines ");
        words.push_line(9);
        words.push_str("–");
        words.push_line(10);
        let mut reason = LinedText::default();
        reason.push_str(" rejected: opened at line ");
        reason.push_line(9);
        words.push_lined(reason);
        words.push_str(" (2 rows, 1 MiB)");
        let mut later = DiagnosticLog::default();
        later.push(Diagnostic::error("a.csv", "row 3 is bad").at_line(3));
        let named = Diagnostic::error("a.csv", words.text).at_line(9);
        later.push_naming(named, words.lines);
        assert!(later.names_lines_soundly());
        let mut log = DiagnosticLog::default();
        log.push(Diagnostic::error("a.csv", "first").at_line(2));
        log.append(later, 90);
        let said: Vec<String> = log.kept.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "a.csv:2: first",
                "a.csv:93: row 3 is bad",
                "a.csv:99: lines 99–100 rejected: opened at line 99 (2 rows, 1 MiB)",
            ]
        );
        // Where the numbers are now: moved again, as a third part's would be.
        assert!(log.names_lines_soundly());
        let mut moved = DiagnosticLog::default();
        moved.append(log, 1000);
        assert_eq!(
            moved.kept[2].message,
            "lines 1099–1100 rejected: opened at line 1099 (2 rows, 1 MiB)"
        );
        // A line named where there is no number is unsound.
        moved.lines_named[0].start -= 1;
        assert!(!moved.names_lines_soundly());
    }
}
