//! The fast path of CSV splitting: a record on one line whose quotes, if any, only wrap whole
//! cells (`a,"b, c",d`) is split here, its cells sliced straight from the decoded text.
//!
//! csv-core reads a byte at a time through its state machine and copies every cell into a buffer,
//! whose text must then be checked as UTF-8 again; that was a third of a parse. Nearly every row
//! of a bill is a simple record, and for those the cells csv-core would give are exactly the
//! slices between delimiters (less the wrapping quotes), found eight bytes at a time. Delimiters
//! and quotes are ASCII, so those slices start and end on character boundaries: they are taken
//! without checking that again (the one `unsafe` of core, in [`cell`]). Anything else (a
//! doubled quote, a quote inside an unquoted cell or text after a closing one, a quote running
//! across lines, a line not ended yet) is left to csv-core, which reads it as before, so the
//! outcome is the same whichever path a record takes.

/// A record split from the start of a text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SimpleRecord {
    /// Bytes taken: the record and its line end (`\n`, or `\r` whose `\n`, if any, is left).
    pub len: usize,
    /// Whether the line end taken was a `\n`.
    pub ends_with_newline: bool,
}

/// Splits the record at the start of `text` into `fields` (which must be empty) if it is simple
/// and no longer than `max_len` bytes; `None` (with `fields` in any state) otherwise. Without
/// `last`, a record counts only once its line end is in `text`; with it, the end of `text` ends
/// the file and so the record. An empty `text` is no record.
pub(crate) fn split_simple_record<'t>(
    text: &'t str,
    delimiter: u8,
    last: bool,
    max_len: usize,
    fields: &mut Vec<&'t str>,
) -> Option<SimpleRecord> {
    let bytes = text.as_bytes();
    let (line_len, terminated) = match memchr::memchr2(b'\n', b'\r', bytes) {
        Some(end) => (end, true),
        None if last && !bytes.is_empty() => (bytes.len(), false),
        None => return None,
    };
    if line_len > max_len {
        return None;
    }
    let line = &bytes[..line_len];
    let mut specials = Specials::new(line, delimiter);
    let mut start = 0;
    loop {
        // The first delimiter or quote from `start` on: a wrapped cell's opening quote if it is
        // at `start`, else the end of an unquoted cell.
        let end = specials.next().unwrap_or(line_len);
        match line.get(end) {
            Some(&byte) if byte == delimiter => {
                fields.push(cell(text, start, end));
                start = end + 1;
            }
            None => {
                fields.push(cell(text, start, end));
                break;
            }
            Some(_) if end == start => {
                // A wrapped cell: it ends at the next quote, which must close it.
                let close = start + 1 + memchr::memchr(b'"', &line[start + 1..])?;
                fields.push(cell(text, start + 1, close));
                match line.get(close + 1) {
                    None => break,
                    Some(&byte) if byte == delimiter => {
                        start = close + 2;
                        specials.skip_to(start);
                    }
                    Some(_) => return None,
                }
            }
            // A quote inside an unquoted cell.
            Some(_) => return None,
        }
    }
    Some(SimpleRecord {
        len: line_len + usize::from(terminated),
        ends_with_newline: terminated && bytes[line_len] == b'\n',
    })
}

/// `text[start..end]`, where `start` and `end` are the start or end of the line or next to a
/// delimiter or quote of it, and `start <= end`.
#[inline(always)]
fn cell(text: &str, start: usize, end: usize) -> &str {
    debug_assert!(start <= end && text.is_char_boundary(start) && text.is_char_boundary(end));
    // SAFETY: the line is a prefix of `text`; its start, its end (before a line end or at the end
    // of `text`) and the bytes next to an ASCII byte (a delimiter or quote) in valid UTF-8 are
    // character boundaries. Checking them on each slice cost 15.7M instructions of the 334M that
    // parse a 20,000-row bill (BENCHMARKS.md, "per-row parse cost, round two").
    unsafe { text.get_unchecked(start..end) }
}

/// The positions of the delimiters and quotes of a line in order, found eight bytes at a time
/// (SWAR): cells are short, so one search per cell (memchr) would cost more in setting up than
/// in searching.
struct Specials<'a> {
    line: &'a [u8],
    delimiters: u64,
    /// Where the word in `mask` starts.
    base: usize,
    /// The high bit of each byte of the word at `base` that is a delimiter or a quote and not
    /// yet returned.
    mask: u64,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const QUOTES: u64 = ONES * b'"' as u64;

impl<'a> Specials<'a> {
    fn new(line: &'a [u8], delimiter: u8) -> Self {
        let mut specials = Specials {
            line,
            delimiters: ONES * u64::from(delimiter),
            base: 0,
            mask: 0,
        };
        specials.skip_to(0);
        specials
    }

    /// Goes on from `at`, skipping what is before it.
    #[inline]
    fn skip_to(&mut self, at: usize) {
        self.base = at;
        let rest = self.line.get(at..).unwrap_or_default();
        let word = match rest.first_chunk::<8>() {
            Some(word) => u64::from_le_bytes(*word),
            None => {
                // A zero byte past the end of the line is neither a delimiter nor a quote.
                let mut word = [0; 8];
                word[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(word)
            }
        };
        self.mask = delimiter_or_quote_bytes(word ^ self.delimiters, word ^ QUOTES);
    }

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.base + 8 >= self.line.len() {
                return None;
            }
            self.skip_to(self.base + 8);
        }
        let at = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// The high bit of each byte that is zero in `delimiters` or in `quotes`, and no other bit
/// (exact: no carry crosses bytes, as the sum of two 7-bit values fits in 8 bits). A byte's
/// low seven bits plus 0x7f set its high bit unless they are all zero; with its own high bit,
/// that is a byte that is not zero, so a byte is wanted where that fails in either word.
#[inline(always)]
fn delimiter_or_quote_bytes(delimiters: u64, quotes: u64) -> u64 {
    let nonzero = |word: u64| ((word & LOW_SEVEN).wrapping_add(LOW_SEVEN)) | word;
    !(nonzero(delimiters) & nonzero(quotes) | LOW_SEVEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, last: bool) -> Option<(Vec<&str>, usize, bool)> {
        let mut fields = Vec::new();
        let record = split_simple_record(text, b',', last, 1 << 20, &mut fields)?;
        Some((fields, record.len, record.ends_with_newline))
    }

    #[test]
    fn splits_plain_and_wrapped_cells_of_one_line() {
        assert_eq!(split("a,b\nc", false), Some((vec!["a", "b"], 4, true)));
        assert_eq!(
            split("a,\"b, c\",,\"\"\r\nx", false),
            Some((vec!["a", "b, c", "", ""], 13, false))
        );
        assert_eq!(split(",\n", false), Some((vec!["", ""], 2, true)));
        assert_eq!(
            split("产品,名称\n", false),
            Some((vec!["产品", "名称"], 14, true))
        );
        // The end of the file ends the last record.
        assert_eq!(split("a,b", true), Some((vec!["a", "b"], 3, false)));
        assert_eq!(split("a,b", false), None);
        assert_eq!(split("", true), None);
    }

    #[test]
    fn leaves_every_other_quote_to_csv_core() {
        // A doubled quote, a quote inside an unquoted cell, text after a closing quote.
        assert_eq!(split("\"say \"\"hi\"\"\",b\n", false), None);
        assert_eq!(split("a\"b,c\n", false), None);
        assert_eq!(split("\"a\"b,c\n", false), None);
        // A quote that runs across lines (or to the end of the text), or holds a `\r`.
        assert_eq!(split("\"a\nb\",c\n", false), None);
        assert_eq!(split("a,\"b", true), None);
        assert_eq!(split("\"a\rb\",c\n", false), None);
    }

    #[test]
    fn leaves_a_line_beyond_the_limit_to_csv_core() {
        let mut fields = Vec::new();
        assert_eq!(
            split_simple_record("abcd\n", b',', false, 3, &mut fields),
            None
        );
        fields.clear();
        assert!(split_simple_record("abc\n", b',', false, 3, &mut fields).is_some());
    }
}
