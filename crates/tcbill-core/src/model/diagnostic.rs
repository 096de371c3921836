//! What went wrong, where, in words a finance user understands.
//!
//! Parsing never fails as a whole: every problem becomes a [`Diagnostic`] next to the rows that
//! could be read, so one bad cell or file never hides the rest.

use std::fmt;

/// Whether the problem cost a row (or the file), or is only worth a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// A row or the whole file was not imported.
    Error,
    /// Imported, but something looks inconsistent.
    Warning,
}

/// One problem. `Display` gives `bill.csv:118 column 现金账户支出(元): "12.3.4" is not a number`.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    pub message: String,
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
    kept: Vec<Diagnostic>,
    dropped: u64,
}

impl DiagnosticLog {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        if self.kept.len() < MAX_DIAGNOSTICS_PER_FILE {
            self.kept.push(diagnostic);
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn into_vec(mut self, file: &str) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            let message = format!("{} more problems not listed", self.dropped);
            self.kept.push(Diagnostic::warning(file, message));
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
