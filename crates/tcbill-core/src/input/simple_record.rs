//! The fast path of CSV splitting: a record on one line whose quotes, if any, only wrap whole
//! cells (`a,"b, c",d`) is split here, its cells sliced straight from the decoded text.
//!
//! csv-core reads a byte at a time through its state machine and copies every cell into a buffer,
//! whose text must then be checked as UTF-8 again; that was a third of a parse. Nearly every row
//! of a bill is a simple record, and for those the cells csv-core would give are exactly the
//! slices between delimiters (less the wrapping quotes), found sixteen bytes at a time. Delimiters
//! and quotes are ASCII, so those slices start and end on character boundaries: they are taken
//! without checking that again (in [`cell`], one of core's two `unsafe` blocks; the other calls
//! the SSE2 twin of the wasm search natively). Anything else (a
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
    let mut specials = Specials::new(bytes, line_len, delimiter);
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

/// The positions of the delimiters and quotes of a line in order, found sixteen bytes at a time
/// ([`special_bits`]: wasm's `simd128` in the browser, SSE2 natively): cells are short, so one
/// search per cell (memchr) would cost more in setting up than in searching.
struct Specials<'a> {
    /// The text the line starts, read on past the line's end where it goes on (so the last
    /// sixteen bytes of a line are seldom copied); what is past the line is masked off.
    text: &'a [u8],
    line_len: usize,
    delimiter: u8,
    /// Where the sixteen bytes in `mask` start.
    base: usize,
    /// Bit `i` is set for each byte at `base + i` of the line that is a delimiter or a quote and
    /// not yet returned.
    mask: u32,
}

/// How many bytes [`special_bits`] looks at.
const LANES: usize = 16;

impl<'a> Specials<'a> {
    /// The specials of `text[..line_len]`.
    fn new(text: &'a [u8], line_len: usize, delimiter: u8) -> Self {
        debug_assert!(line_len <= text.len());
        let mut specials = Specials {
            text,
            line_len,
            delimiter,
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
        let mut mask = match self.text.get(at..).and_then(<[u8]>::first_chunk::<LANES>) {
            Some(chunk) => special_bits(chunk, self.delimiter),
            None => {
                // The end of the text: a zero byte past it is neither a delimiter nor a quote.
                let rest = self.text.get(at..).unwrap_or_default();
                let mut chunk = [0; LANES];
                chunk[..rest.len()].copy_from_slice(rest);
                special_bits(&chunk, self.delimiter)
            }
        };
        let left = self.line_len.saturating_sub(at);
        if left < LANES {
            mask &= (1 << left) - 1;
        }
        self.mask = mask;
    }

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.base + LANES >= self.line_len {
                return None;
            }
            self.skip_to(self.base + LANES);
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// Bit `i` set for each byte `chunk[i]` that is `delimiter` or a quote, and no other bit: in wasm
/// (built with `simd128`, `.cargo/config.toml`) two `i8x16.eq`s and an `i8x16.bitmask`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn special_bits(chunk: &[u8; LANES], delimiter: u8) -> u32 {
    use core::arch::wasm32::{u64x2, u8x16_bitmask, u8x16_eq, u8x16_splat, v128_or};
    // Two words, which LLVM loads as one `v128.load` (no pointer cast, so no `unsafe`).
    let (low, high) = chunk.split_at(LANES / 2);
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or_default());
    let bytes = u64x2(word(low), word(high));
    let specials = v128_or(
        u8x16_eq(bytes, u8x16_splat(delimiter)),
        u8x16_eq(bytes, u8x16_splat(b'"')),
    );
    u32::from(u8x16_bitmask(specials))
}

/// [`special_bits`] by SSE2, which every x86_64 CPU has: the native twin of the wasm path, so
/// the tests and the CLI run the same sixteen-byte logic.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn special_bits(chunk: &[u8; LANES], delimiter: u8) -> u32 {
    // SAFETY: SSE2 is part of the x86_64 baseline, so the target feature is always there.
    unsafe { special_bits_sse2(chunk, delimiter) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn special_bits_sse2(chunk: &[u8; LANES], delimiter: u8) -> u32 {
    use core::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let (low, high) = chunk.split_at(LANES / 2);
    let word = |half: &[u8]| i64::from_le_bytes(half.try_into().unwrap_or_default());
    let bytes = _mm_set_epi64x(word(high), word(low));
    let specials = _mm_or_si128(
        _mm_cmpeq_epi8(bytes, _mm_set1_epi8(delimiter as i8)),
        _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8)),
    );
    _mm_movemask_epi8(specials) as u32
}

#[cfg(any(
    test,
    not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))
))]
mod swar {
    //! `special_bits` eight bytes at a time in plain integers (SWAR), for
    //! every other target (and the tests, which check it against the SIMD path and a byte loop).
    #[inline(always)]
    pub(super) fn special_bits(chunk: &[u8; 16], delimiter: u8) -> u32 {
        let (low, high) = chunk.split_at(8);
        let bits = |half: &[u8]| {
            let word = u64::from_le_bytes(half.try_into().unwrap_or_default());
            let high_bits =
                delimiter_or_quote_bytes(word ^ (ONES * u64::from(delimiter)), word ^ QUOTES);
            // The high bit of byte `i` moved to bit `56 + i` (no two products overlap), then down.
            ((high_bits >> 7).wrapping_mul(GATHER) >> 56) as u32
        };
        bits(low) | bits(high) << 8
    }

    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const QUOTES: u64 = ONES * b'"' as u64;
    /// Flags at bits `8 * i` times this: each flag's products are distinct bits (no carries), and
    /// the only one in bits 56–63 is bit `56 + i`.
    const GATHER: u64 = 0x0102_0408_1020_4080;

    /// The high bit of each byte that is zero in `delimiters` or in `quotes`, and no other bit
    /// (exact: no carry crosses bytes, as the sum of two 7-bit values fits in 8 bits). A byte's
    /// low seven bits plus 0x7f set its high bit unless they are all zero; with its own high bit,
    /// that is a byte that is not zero, so a byte is wanted where that fails in either word.
    #[inline(always)]
    fn delimiter_or_quote_bytes(delimiters: u64, quotes: u64) -> u64 {
        let nonzero = |word: u64| ((word & LOW_SEVEN).wrapping_add(LOW_SEVEN)) | word;
        !(nonzero(delimiters) & nonzero(quotes) | LOW_SEVEN)
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
#[inline(always)]
fn special_bits(chunk: &[u8; LANES], delimiter: u8) -> u32 {
    swar::special_bits(chunk, delimiter)
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

    /// Bytes of every class the split tells apart, and some it must not confuse with them.
    const CLASSES: [u8; 14] = [
        b',',
        b'\t',
        b';',
        b'"',
        b'\r',
        b'\n',
        b'a',
        b' ',
        0,
        0x80,
        0xE4,
        0xFF,
        b',' | 0x80,
        b'"' | 0x80,
    ];

    fn byte_loop(chunk: &[u8], delimiter: u8) -> u32 {
        let special =
            |(at, &byte): (usize, &u8)| u32::from(byte == delimiter || byte == b'"') << at;
        chunk.iter().enumerate().map(special).sum()
    }

    /// A few thousand pseudo-random bytes of [`CLASSES`].
    fn random_class_bytes(len: usize) -> Vec<u8> {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                CLASSES[(state % CLASSES.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn special_bits_agree_with_a_byte_loop_at_every_position() {
        for delimiter in [b',', b'\t', b';'] {
            for background in CLASSES {
                for class in CLASSES {
                    for at in 0..LANES {
                        let mut chunk = [background; LANES];
                        chunk[at] = class;
                        let expected = byte_loop(&chunk, delimiter);
                        assert_eq!(special_bits(&chunk, delimiter), expected, "{chunk:?}");
                        assert_eq!(swar::special_bits(&chunk, delimiter), expected, "{chunk:?}");
                    }
                }
            }
            let bytes = random_class_bytes(4096);
            for chunk in bytes.windows(LANES) {
                let chunk: &[u8; LANES] = chunk.try_into().unwrap();
                let expected = byte_loop(chunk, delimiter);
                assert_eq!(special_bits(chunk, delimiter), expected, "{chunk:?}");
                assert_eq!(swar::special_bits(chunk, delimiter), expected, "{chunk:?}");
            }
        }
    }

    /// Lines of every length up to 40 (tails shorter than sixteen bytes included), the text
    /// ending with the line or going on with more specials: `Specials` gives the line's own
    /// delimiters and quotes in order, from wherever it is sent on.
    #[test]
    fn specials_are_the_lines_delimiters_and_quotes_in_order() {
        let bytes = random_class_bytes(2000);
        let mut start = 0;
        for line_len in 0..=40 {
            for beyond in [0, 1, 5, 15, 16, 17, 40] {
                let mut text = bytes[start..start + line_len].to_vec();
                text.extend(std::iter::repeat_n(b',', beyond));
                start = (start + 37) % 1900;
                let expected: Vec<usize> = (0..line_len)
                    .filter(|&at| text[at] == b',' || text[at] == b'"')
                    .collect();
                let mut specials = Specials::new(&text, line_len, b',');
                let found: Vec<usize> = std::iter::from_fn(|| specials.next()).collect();
                assert_eq!(found, expected, "{text:?}, line of {line_len}");
                for from in 0..=line_len + 1 {
                    let mut specials = Specials::new(&text, line_len, b',');
                    specials.skip_to(from);
                    let found: Vec<usize> = std::iter::from_fn(|| specials.next()).collect();
                    let rest: Vec<usize> =
                        expected.iter().copied().filter(|&at| at >= from).collect();
                    assert_eq!(found, rest, "{text:?}, line of {line_len} from {from}");
                }
            }
        }
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
