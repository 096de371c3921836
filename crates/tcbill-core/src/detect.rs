//! Guessing what kind of billing export a file is, from its first bytes.
//!
//! Detection looks at content, never at the file name: users rename downloads.

use std::fmt;

/// How many leading bytes of a file [`detect_kind`] needs to decide.
pub const SNIFF_LEN: usize = 64 * 1024;

/// The kinds of input tcbill recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A ZIP archive (a bill pack of CSVs, or an XLSX workbook).
    Zip,
    /// A JSON document (an API response).
    Json,
    /// Delimited text (CSV/TSV).
    Csv,
    /// Nothing tcbill can read.
    Unknown,
}

impl InputKind {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            InputKind::Zip => "ZIP archive",
            InputKind::Json => "JSON",
            InputKind::Csv => "CSV",
            InputKind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Detects the kind of a file from its first [`SNIFF_LEN`] bytes (or fewer, for short files).
pub fn detect_kind(head: &[u8]) -> InputKind {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.starts_with(b"PK\x03\x04") {
        return InputKind::Zip;
    }
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => InputKind::Json,
        Some(_) if head.contains(&b'\n') || head.contains(&b',') => InputKind::Csv,
        _ => InputKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_containers_from_content() {
        assert_eq!(detect_kind(b"PK\x03\x04rest"), InputKind::Zip);
        assert_eq!(detect_kind(b"\xEF\xBB\xBF  {\"Response\":{}}"), InputKind::Json);
        assert_eq!(detect_kind("产品名称,地域\n云服务器,广州\n".as_bytes()), InputKind::Csv);
        assert_eq!(detect_kind(b""), InputKind::Unknown);
    }
}
