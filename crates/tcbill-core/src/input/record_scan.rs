//! A second look at the raw text of a doubtful record: where its quotes open, whether they close
//! properly, how many fields it has.
//!
//! csv-core is lenient, as a streaming reader must be: a quote that never closes swallows the rest
//! of the file into one cell, and text after a closing quote is glued onto the cell. That leniency
//! would lose rows silently, so records that span lines (or end the file) are scanned again here
//! with csv-core's own rules, and candidate lines for resynchronising after a broken quote are
//! checked the same way. Ordinary one-line records are never scanned twice.

/// Where a quoted field starts: its 0-based field index and line (counted from the text's start).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuoteAt {
    pub field: usize,
    pub line: u64,
}

/// What is wrong with a quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QuoteFault {
    /// The text ends inside the quoted field.
    NeverCloses,
    /// Text follows the closing quote before the next delimiter or line end.
    TextAfterClose,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RecordScan {
    pub fields: usize,
    /// The last field with something other than blank space in it.
    pub last_filled_field: Option<usize>,
    /// The first quote that does not close properly.
    pub broken_quote: Option<(QuoteAt, QuoteFault)>,
    /// The first quoted field that holds a line break.
    pub multiline_quote: Option<QuoteAt>,
    /// Where the line end that ends the record is, if the text has it.
    pub terminated_at: Option<usize>,
}

impl RecordScan {
    /// Whether the fields fit a header of `header_len` columns (extra fields only if blank).
    pub(crate) fn fits(&self, header_len: usize) -> bool {
        self.fields >= header_len && self.last_filled_field.is_none_or(|last| last < header_len)
    }
}

/// Scans one record's text, up to its first line end outside quotes. It jumps from one special
/// byte to the next with memchr: multi-line records are common (配置描述), so this runs often.
pub(crate) fn scan_record(text: &[u8], delimiter: u8) -> RecordScan {
    let mut scan = RecordScan {
        fields: 1,
        last_filled_field: None,
        broken_quote: None,
        multiline_quote: None,
        terminated_at: None,
    };
    let filled = |span: &[u8]| span.iter().any(|b| !b.is_ascii_whitespace());
    let mut field = 0;
    let mut line = 0;
    let mut index = 0;
    'fields: loop {
        if text.get(index) == Some(&b'"') {
            let quote = QuoteAt { field, line };
            index += 1;
            // Inside the quotes: only quotes and line ends matter.
            loop {
                let Some(offset) = memchr::memchr2(b'"', b'\n', &text[index..]) else {
                    if filled(&text[index..]) {
                        scan.last_filled_field = Some(field);
                    }
                    scan.broken_quote
                        .get_or_insert((quote, QuoteFault::NeverCloses));
                    break 'fields;
                };
                if filled(&text[index..index + offset]) {
                    scan.last_filled_field = Some(field);
                }
                index += offset + 1;
                if text[index - 1] == b'\n' {
                    line += 1;
                    scan.multiline_quote.get_or_insert(quote);
                } else if text.get(index) == Some(&b'"') {
                    index += 1;
                    scan.last_filled_field = Some(field);
                } else {
                    let closes_properly = text
                        .get(index)
                        .is_none_or(|&next| matches!(next, b'\r' | b'\n') || next == delimiter);
                    if !closes_properly {
                        scan.broken_quote
                            .get_or_insert((quote, QuoteFault::TextAfterClose));
                    }
                    break;
                }
            }
        }
        // Unquoted (or after a closing quote): up to the next delimiter or line end.
        let rest = &text[index..];
        let end = memchr::memchr3(delimiter, b'\r', b'\n', rest).unwrap_or(rest.len());
        if filled(&rest[..end]) {
            scan.last_filled_field = Some(field);
        }
        index += end;
        match text.get(index) {
            Some(&byte) if byte == delimiter => {
                index += 1;
                field += 1;
            }
            Some(_) => {
                scan.terminated_at = Some(index);
                break;
            }
            None => break,
        }
    }
    scan.fields = field + 1;
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_broken_and_multiline_quotes() {
        let scan = scan_record(b"a,\"b\nc\",d\n", b',');
        assert_eq!(scan.fields, 3);
        assert_eq!(scan.broken_quote, None);
        assert_eq!(scan.multiline_quote, Some(QuoteAt { field: 1, line: 0 }));

        let scan = scan_record(b"a,b,\"c,d\ne,f\n", b',');
        assert_eq!(
            scan.broken_quote,
            Some((QuoteAt { field: 2, line: 0 }, QuoteFault::NeverCloses))
        );
        assert_eq!(scan.fields, 3);

        let scan = scan_record(b"a,\"b\"x,c", b',');
        assert_eq!(
            scan.broken_quote,
            Some((QuoteAt { field: 1, line: 0 }, QuoteFault::TextAfterClose))
        );

        let scan = scan_record(b"a,\"say \"\"hi\"\"\",,  ,\r\n", b',');
        assert_eq!((scan.fields, scan.last_filled_field), (5, Some(1)));
        assert!(scan.fits(2) && scan.fits(5) && !scan.fits(1) && !scan.fits(6));
    }
}
