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

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_8};

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
    Streaming(Decoder),
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
            Mode::Streaming(encoding.new_decoder_with_bom_removal())
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
            Mode::Streaming(decoder) => decoder.encoding(),
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
            Mode::Streaming(decoder) => format!(
                "the cell holds bytes that are not valid {}",
                decoder.encoding().name()
            ),
        }
    }

    /// Decodes `bytes` onto `out`; `last` ends the file. A UTF-8 BOM must already be removed.
    pub(crate) fn decode(&mut self, mut bytes: &[u8], last: bool, out: &mut String) {
        if let Mode::Streaming(decoder) = &mut self.mode {
            self.wrote_malformed |= decode_marking_malformed(decoder, bytes, last, out);
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
            let mut decoder = self.encoding().new_decoder_without_bom_handling();
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
                let mut decoder = encoding.new_decoder_without_bom_handling();
                self.wrote_malformed |= decode_marking_malformed(&mut decoder, line, true, out);
            }
        }
        self.ascii_so_far &= line.is_ascii();
        self.line_number += u64::from(line.last() == Some(&b'\n'));
    }
}

fn other_encoding(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == UTF_8 {
        GB18030
    } else {
        UTF_8
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Appends `bytes` decoded if they are wholly valid in `encoding`; otherwise appends nothing.
/// UTF-8 is checked by encoding_rs, with SIMD where the CPU has it (simdutf8): a bill is mostly
/// Chinese text, which `str::from_utf8` checks a byte at a time (6 % of a parse).
fn decode_strictly(encoding: &'static Encoding, bytes: &[u8], out: &mut String) -> bool {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
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
