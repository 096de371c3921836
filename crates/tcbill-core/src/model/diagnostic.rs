//! What went wrong, where, in words a finance user understands.
//!
//! Parsing never fails as a whole: every problem becomes a [`Diagnostic`] next to the rows that
//! could be read, so one bad cell or file never hides the rest.

use std::fmt;

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

/// Collects diagnostics up to [`MAX_DIAGNOSTICS_PER_FILE`] and counts the rest.
#[derive(Debug, Default)]
pub(crate) struct DiagnosticLog {
    pub(crate) kept: Vec<Diagnostic>,
    /// How many more were pushed past the limit.
    pub(crate) dropped: u64,
}

impl DiagnosticLog {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        if self.kept.len() < MAX_DIAGNOSTICS_PER_FILE {
            self.kept.push(diagnostic);
        } else {
            self.dropped += 1;
        }
    }

    /// Takes `later`'s diagnostics after these, as if each had been pushed here in its order:
    /// `later` kept the first of its own, so the first kept overall are among them.
    pub(crate) fn append(&mut self, later: DiagnosticLog) {
        for diagnostic in later.kept {
            self.push(diagnostic);
        }
        self.dropped += later.dropped;
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
}
