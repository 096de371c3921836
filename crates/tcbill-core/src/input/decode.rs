//! Bytes of a text file to text, deciding the encoding line by line.
//!
//! The encoding is first chosen from the head of the file, but a bill can still surprise later: a
//! GB18030 export whose first 64 KiB are ASCII, or two exports of different encodings joined
//! into one file. So UTF-8 and GB18030 are decoded a physical line at a time (`\n` never occurs
//! inside a multi-byte sequence of either): a line that is not valid in the file's encoding but
//! valid in the other one is read in the other one and the switch is reported with its line; a line
//! valid in neither keeps [`MALFORMED`] where its bad bytes were, so the row holding them is
//! rejected with its line and column instead of being accepted as mojibake. Every decision depends
//! only on the line and the lines before it, never on where a chunk ended.

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_16BE, UTF_8};

use crate::model::diagnostic::{Diagnostic, DiagnosticCode};

/// Stands for bytes that are not valid in any encoding tried: a Unicode noncharacter, reserved
/// for internal use, so unlike `U+FFFD` it never comes from a correctly decoded file.
pub(crate) const MALFORMED: char = '\u{FDD0}';

/// A line longer than this is decoded without waiting for its end (the CSV reader rejects such
/// a line anyway, as longer than a row may be).
const MAX_BUFFERED_LINE: usize = 16 << 20;

enum Mode {
    /// UTF-8 or GB18030, decided per line.
    PerLine(&'static Encoding),
    /// UTF-16 (from its BOM): streamed, as `\n` bytes occur inside its code units.
    Streaming(Utf16),
}

/// Decodes a text file fed in chunks.
pub(crate) struct TextDecoder {
    mode: Mode,
    /// The current physical line's bytes, while its end has not arrived.
    line: Vec<u8>,
    /// Decodes a line longer than [`MAX_BUFFERED_LINE`] piece by piece.
    long_line: Option<Decoder>,
    /// The 1-based number of the line in `line`.
    line_number: u64,
    /// Whether every line so far was ASCII, so it reads the same in UTF-8 and GB18030.
    ascii_so_far: bool,
    /// The line at which an ASCII-so-far "UTF-8" file turned out to be GB18030.
    switched_at: Option<u64>,
    /// Lines read in the other encoding than the file's, and the first of them.
    other_encoding_lines: u64,
    first_other_encoding_line: Option<u64>,
    /// Whether [`MALFORMED`] was ever written, so cells need to be searched for it.
    wrote_malformed: bool,
}

impl TextDecoder {
    pub(crate) fn new(encoding: &'static Encoding) -> Self {
        let mode = if encoding == UTF_8 || encoding == GB18030 {
            Mode::PerLine(encoding)
        } else {
            Mode::Streaming(Utf16::new(encoding))
        };
        TextDecoder {
            mode,
            line: Vec::new(),
            long_line: None,
            line_number: 1,
            ascii_so_far: true,
            switched_at: None,
            other_encoding_lines: 0,
            first_other_encoding_line: None,
            wrote_malformed: false,
        }
    }

    /// The encoding the file is read in (after any switch from UTF-8 to GB18030).
    pub(crate) fn encoding(&self) -> &'static Encoding {
        match &self.mode {
            Mode::PerLine(encoding) => encoding,
            Mode::Streaming(utf16) => utf16.encoding,
        }
    }

    /// Whether some bytes so far were valid in no encoding tried (marked [`MALFORMED`]).
    pub(crate) fn wrote_malformed(&self) -> bool {
        self.wrote_malformed
    }

    /// Whether every line so far was valid UTF-8 read as UTF-8, and the last one has ended: then
    /// the text read does not depend on the lines before it (see [`crate::input::parts`]).
    pub(crate) fn read_whole_utf8_lines(&self) -> bool {
        matches!(self.mode, Mode::PerLine(encoding) if encoding == UTF_8)
            && !self.wrote_malformed
            && self.switched_at.is_none()
            && self.other_encoding_lines == 0
            && self.line.is_empty()
            && self.long_line.is_none()
    }

    /// What a cell holding [`MALFORMED`] had, in words.
    pub(crate) fn malformed_message(&self) -> String {
        match &self.mode {
            Mode::PerLine(encoding) => format!(
                "the cell holds bytes that are valid neither in {} nor in {}",
                encoding.name(),
                other_encoding(encoding).name()
            ),
            Mode::Streaming(utf16) => format!(
                "the cell holds bytes that are not valid {}",
                utf16.encoding.name()
            ),
        }
    }

    /// Decodes `bytes` onto `out`; `last` ends the file. A UTF-8 BOM must already be removed.
    pub(crate) fn decode(&mut self, mut bytes: &[u8], last: bool, out: &mut String) {
        if let Mode::Streaming(utf16) = &mut self.mode {
            self.wrote_malformed |= utf16.decode(bytes, last, out);
            return;
        }
        if !self.line.is_empty() || self.long_line.is_some() {
            match memchr::memchr(b'\n', bytes) {
                Some(newline) => {
                    self.extend_line(&bytes[..=newline], out);
                    self.end_line(out);
                    bytes = &bytes[newline + 1..];
                }
                None => {
                    self.extend_line(bytes, out);
                    bytes = &[];
                }
            }
        }
        if let Some(last_newline) = memchr::memrchr(b'\n', bytes) {
            self.decode_lines(&bytes[..=last_newline], out);
            bytes = &bytes[last_newline + 1..];
        }
        self.extend_line(bytes, out);
        if last && (!self.line.is_empty() || self.long_line.is_some()) {
            self.end_line(out);
        }
    }

    /// Warnings about lines read in another encoding than the file's.
    pub(crate) fn diagnostics(&self, file: &str) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        if let Some(line) = self.switched_at {
            let message = "the lines above are ASCII, but this one is not UTF-8: it is GB18030, \
                           so the file is read as GB18030 (the ASCII lines read the same)";
            diagnostics.push(
                Diagnostic::warning(file, message)
                    .at_line(line)
                    .saying(DiagnosticCode::MixedEncodings),
            );
        }
        if let (Some(line), Mode::PerLine(encoding)) = (self.first_other_encoding_line, &self.mode)
        {
            let other = other_encoding(encoding);
            let message = format!(
                "the file mixes encodings: this line is not {} but {}; {} such lines were read as {}",
                encoding.name(),
                other.name(),
                self.other_encoding_lines,
                other.name()
            );
            diagnostics.push(
                Diagnostic::warning(file, message)
                    .at_line(line)
                    .saying(DiagnosticCode::MixedEncodings),
            );
        }
        diagnostics
    }

    fn extend_line(&mut self, bytes: &[u8], out: &mut String) {
        if let Some(decoder) = &mut self.long_line {
            self.wrote_malformed |= decode_marking_malformed(decoder, bytes, false, out);
            return;
        }
        self.line.extend_from_slice(bytes);
        if self.line.len() > MAX_BUFFERED_LINE {
            let mut decoder = new_decoder(self.encoding());
            self.wrote_malformed |= decode_marking_malformed(&mut decoder, &self.line, false, out);
            self.line.clear();
            self.long_line = Some(decoder);
        }
    }

    /// Decodes the buffered line (ended by `\n` or by the end of the file).
    fn end_line(&mut self, out: &mut String) {
        if let Some(mut decoder) = self.long_line.take() {
            self.wrote_malformed |= decode_marking_malformed(&mut decoder, &[], true, out);
            self.ascii_so_far = false;
            self.line_number += 1;
            return;
        }
        let line = std::mem::take(&mut self.line);
        self.decode_line(&line, out);
        self.line = line;
        self.line.clear();
    }

    /// Whole lines: at once when they are all valid, else one by one.
    fn decode_lines(&mut self, lines: &[u8], out: &mut String) {
        let Mode::PerLine(encoding) = self.mode else {
            return;
        };
        if decode_strictly(encoding, lines, out) {
            self.ascii_so_far = self.ascii_so_far && lines.is_ascii();
            self.line_number += count_newlines(lines);
        } else {
            lines
                .split_inclusive(|&b| b == b'\n')
                .for_each(|line| self.decode_line(line, out));
        }
    }

    fn decode_line(&mut self, line: &[u8], out: &mut String) {
        let Mode::PerLine(encoding) = self.mode else {
            return;
        };
        let other = other_encoding(encoding);
        if !decode_strictly(encoding, line, out) {
            if encoding == UTF_8 && self.ascii_so_far && decode_strictly(GB18030, line, out) {
                self.mode = Mode::PerLine(GB18030);
                self.switched_at = Some(self.line_number);
            } else if decode_strictly(other, line, out) {
                self.other_encoding_lines += 1;
                self.first_other_encoding_line
                    .get_or_insert(self.line_number);
            } else {
                let mut decoder = new_decoder(encoding);
                self.wrote_malformed |= decode_marking_malformed(&mut decoder, line, true, out);
            }
        }
        self.ascii_so_far &= line.is_ascii();
        self.line_number += u64::from(line.last() == Some(&b'\n'));
    }
}

/// A UTF-16 decoder, written here rather than taken from encoding_rs: encoding_rs picks a decoder
/// at run time from the encoding, so asking it for UTF-16 links every decoder it has, and the
/// tables of Big5, EUC-KR and the Japanese encodings, none of which a bill is in, into the web
/// app's worker (BENCHMARKS.md, *Initial load*). It decodes as encoding_rs (the WHATWG Encoding
/// Standard) does: a BOM at the start is removed, an unpaired surrogate is one malformed
/// sequence, and so is a code unit or a high surrogate cut off by the end of the file.
pub(crate) struct Utf16 {
    /// `UTF_16LE` or `UTF_16BE`, for its name.
    encoding: &'static Encoding,
    big_endian: bool,
    /// The first byte of a code unit whose second has not arrived.
    lead_byte: Option<u8>,
    /// A high surrogate waiting for its low one.
    lead_surrogate: Option<u16>,
    /// No code unit read yet: a BOM is still to be removed.
    at_start: bool,
}

impl Utf16 {
    fn new(encoding: &'static Encoding) -> Self {
        Utf16 {
            encoding,
            big_endian: encoding == UTF_16BE,
            lead_byte: None,
            lead_surrogate: None,
            at_start: true,
        }
    }

    /// Decodes `bytes` onto `out`, [`MALFORMED`] for each malformed sequence; `last` ends the
    /// file. True if it wrote a [`MALFORMED`].
    fn decode(&mut self, mut bytes: &[u8], last: bool, out: &mut String) -> bool {
        let mut malformed = false;
        out.reserve(bytes.len() / 2 * 3 + 4);
        if let Some(lead) = self.lead_byte {
            if let Some((&trail, rest)) = bytes.split_first() {
                self.lead_byte = None;
                self.unit([lead, trail], out, &mut malformed);
                bytes = rest;
            }
        }
        let mut units = bytes.chunks_exact(2);
        for unit in &mut units {
            self.unit([unit[0], unit[1]], out, &mut malformed);
        }
        if let [lead] = units.remainder() {
            self.lead_byte = Some(*lead);
        }
        if last && (self.lead_byte.take().is_some() | self.lead_surrogate.take().is_some()) {
            out.push(MALFORMED);
            malformed = true;
        }
        malformed
    }

    fn unit(&mut self, bytes: [u8; 2], out: &mut String, malformed: &mut bool) {
        let unit = if self.big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        };
        if std::mem::take(&mut self.at_start) && unit == 0xFEFF {
            return;
        }
        if let Some(high) = self.lead_surrogate.take() {
            if let 0xDC00..=0xDFFF = unit {
                let scalar =
                    0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                out.push(char::from_u32(scalar).unwrap_or(MALFORMED));
                return;
            }
            out.push(MALFORMED);
            *malformed = true;
        }
        match unit {
            0xD800..=0xDBFF => self.lead_surrogate = Some(unit),
            0xDC00..=0xDFFF => {
                out.push(MALFORMED);
                *malformed = true;
            }
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(MALFORMED)),
        }
    }
}

fn other_encoding(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == UTF_8 {
        GB18030
    } else {
        UTF_8
    }
}

/// A decoder of UTF-8 or GB18030, the encodings read a line at a time.
fn new_decoder(encoding: &'static Encoding) -> Decoder {
    if encoding == UTF_8 {
        UTF_8.new_decoder_without_bom_handling()
    } else {
        GB18030.new_decoder_without_bom_handling()
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Appends `bytes` decoded if they are wholly valid in `encoding`; otherwise appends nothing.
/// UTF-8 is checked by encoding_rs, with SIMD where the CPU has it (simdutf8): a bill is mostly
/// Chinese text, which `str::from_utf8` checks a byte at a time (6 % of a parse).
fn decode_strictly(encoding: &'static Encoding, bytes: &[u8], out: &mut String) -> bool {
    // Each call names its encoding, so the optimiser may see which decoder it takes.
    let decoded = if encoding == UTF_8 {
        UTF_8.decode_without_bom_handling_and_without_replacement(bytes)
    } else {
        GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    };
    match decoded {
        Some(text) => {
            out.push_str(&text);
            true
        }
        None => false,
    }
}

/// Streams `bytes` through `decoder`, writing [`MALFORMED`] for each malformed sequence; true if
/// it wrote one.
fn decode_marking_malformed(
    decoder: &mut Decoder,
    mut bytes: &[u8],
    last: bool,
    out: &mut String,
) -> bool {
    let mut malformed = false;
    loop {
        let needed = decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        out.reserve(needed);
        let (result, read) = decoder.decode_to_string_without_replacement(bytes, out, last);
        bytes = &bytes[read..];
        match result {
            DecoderResult::InputEmpty => return malformed,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(_, _) => {
                out.push(MALFORMED);
                malformed = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use encoding_rs::UTF_16LE;

    use super::*;

    fn decode_in_chunks(encoding: &'static Encoding, bytes: &[u8], chunk: usize) -> String {
        let mut decoder = TextDecoder::new(encoding);
        let mut out = String::new();
        for piece in bytes.chunks(chunk) {
            decoder.decode(piece, false, &mut out);
        }
        decoder.decode(&[], true, &mut out);
        out
    }

    /// encoding_rs's UTF-16 decoder, which [`Utf16`] replaces: `bytes` whole, BOM removed,
    /// [`MALFORMED`] for each malformed sequence.
    fn encoding_rs_utf16(encoding: &'static Encoding, bytes: &[u8]) -> String {
        let mut decoder = encoding.new_decoder_with_bom_removal();
        let mut out = String::new();
        decode_marking_malformed(&mut decoder, bytes, true, &mut out);
        out
    }

    fn utf16_in_pieces(encoding: &'static Encoding, pieces: &[&[u8]]) -> (String, bool) {
        let mut utf16 = Utf16::new(encoding);
        let mut out = String::new();
        let mut malformed = false;
        for piece in pieces {
            malformed |= utf16.decode(piece, false, &mut out);
        }
        malformed |= utf16.decode(&[], true, &mut out);
        (out, malformed)
    }

    /// Code units that exercise every branch: a BOM, ASCII, CJK, both surrogate halves alone, in
    /// pairs and reversed, and a byte cut off at the end.
    fn utf16_cases() -> Vec<Vec<u8>> {
        let units: &[&[u16]] = &[
            &[0xFEFF, 0x61, 0x4E91, 0x0A],
            &[0xFEFF, 0xFEFF, 0x61],
            &[0x61, 0xFEFF],
            &[0xD840, 0xDC00, 0x2C],
            &[0xDC00, 0x61],
            &[0xD800, 0x61],
            &[0xD800, 0xD800, 0xDC00],
            &[0xDC00, 0xD800],
            &[0x61, 0xD800],
            &[0xDBFF, 0xDFFF, 0xFFFF, 0x0000],
            &[],
        ];
        let mut cases = Vec::new();
        for units in units {
            for big_endian in [false, true] {
                let bytes: Vec<u8> = units
                    .iter()
                    .flat_map(|unit| {
                        if big_endian {
                            unit.to_be_bytes()
                        } else {
                            unit.to_le_bytes()
                        }
                    })
                    .collect();
                cases.push(bytes.clone());
                let mut odd = bytes;
                odd.push(0x41);
                cases.push(odd);
            }
        }
        cases
    }

    #[test]
    fn utf16_decodes_as_encoding_rs_does_however_it_is_split() {
        for encoding in [UTF_16LE, encoding_rs::UTF_16BE] {
            for bytes in utf16_cases() {
                let expected = encoding_rs_utf16(encoding, &bytes);
                let expected_malformed = expected.contains(MALFORMED);
                for split in 0..=bytes.len() {
                    for second in split..=bytes.len() {
                        let pieces = [&bytes[..split], &bytes[split..second], &bytes[second..]];
                        let (decoded, malformed) = utf16_in_pieces(encoding, &pieces);
                        assert_eq!(
                            decoded,
                            expected,
                            "{} {bytes:02X?} at {split}, {second}",
                            encoding.name()
                        );
                        assert_eq!(malformed, expected_malformed);
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn utf16_decodes_any_bytes_as_encoding_rs_does(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![proptest::num::u8::ANY, 0xD8u8..0xE0],
                0..64,
            ),
            cuts in proptest::collection::vec(0usize..64, 0..4),
            big_endian: bool,
        ) {
            let encoding = if big_endian { encoding_rs::UTF_16BE } else { UTF_16LE };
            let mut cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut at = 0;
            for cut in cuts {
                pieces.push(&bytes[at..cut]);
                at = cut;
            }
            pieces.push(&bytes[at..]);
            let (decoded, _) = utf16_in_pieces(encoding, &pieces);
            proptest::prop_assert_eq!(decoded, encoding_rs_utf16(encoding, &bytes));
        }
    }

    #[test]
    fn marks_bytes_valid_in_neither_encoding() {
        let bytes = b"a,b\nc,\xFF\x80\n";
        for chunk in 1..bytes.len() {
            assert_eq!(
                decode_in_chunks(UTF_8, bytes, chunk),
                "a,b\nc,\u{FDD0}\u{FDD0}\n"
            );
        }
    }
}
