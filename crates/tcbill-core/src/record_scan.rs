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

/// Scans one record's text, up to its first line end outside quotes.
pub(crate) fn scan_record(text: &[u8], delimiter: u8) -> RecordScan {
    let mut scan = RecordScan {
        fields: 1,
        last_filled_field: None,
        broken_quote: None,
        multiline_quote: None,
        terminated_at: None,
    };
    let mut field = 0;
    let mut line = 0;
    let mut at_field_start = true;
    let mut open_quote: Option<QuoteAt> = None;
    let mut index = 0;
    while let Some(&byte) = text.get(index) {
        index += 1;
        if let Some(quote) = open_quote {
            match byte {
                b'"' if text.get(index) == Some(&b'"') => {
                    index += 1;
                    scan.last_filled_field = Some(field);
                }
                b'"' => {
                    open_quote = None;
                    let closes_properly = match text.get(index) {
                        None => true,
                        Some(&next) => next == delimiter || next == b'\r' || next == b'\n',
                    };
                    if !closes_properly {
                        scan.broken_quote
                            .get_or_insert((quote, QuoteFault::TextAfterClose));
                    }
                }
                b'\n' => {
                    line += 1;
                    scan.multiline_quote.get_or_insert(quote);
                }
                byte if byte.is_ascii_whitespace() => {}
                _ => scan.last_filled_field = Some(field),
            }
            continue;
        }
        match byte {
            byte if byte == delimiter => {
                field += 1;
                at_field_start = true;
                continue;
            }
            b'\r' | b'\n' => {
                scan.terminated_at = Some(index - 1);
                break;
            }
            b'"' if at_field_start => open_quote = Some(QuoteAt { field, line }),
            byte if byte.is_ascii_whitespace() => {}
            _ => scan.last_filled_field = Some(field),
        }
        at_field_start = false;
    }
    if let Some(quote) = open_quote {
        scan.broken_quote
            .get_or_insert((quote, QuoteFault::NeverCloses));
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
