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
//!
//! Core decodes every encoding itself except GB18030's two- and four-byte characters, whose tables
//! it leaves to a [`Gb18030Decode`]: encoding_rs's with the `encoding_rs` feature (the CLI), the
//! browser's own `TextDecoder` in the web worker, which thus links no decoding table (BENCHMARKS.md,
//! *Initial load, step 5*). Which GB18030 bytes are malformed needs no table: core finds them
//! ([`gb18030_step`]), so a line valid in neither encoding is marked the same by either decoder.

use std::sync::OnceLock;

use crate::model::diagnostic::{Diagnostic, DiagnosticCode};

/// Stands for bytes that are not valid in any encoding tried: a Unicode noncharacter, reserved
/// for internal use, so unlike `U+FFFD` it never comes from a correctly decoded file.
pub(crate) const MALFORMED: char = '\u{FDD0}';

/// A line longer than this is decoded without waiting for its end (the CSV reader rejects such
/// a line anyway, as longer than a row may be).
const MAX_BUFFERED_LINE: usize = 16 << 20;

/// The encodings a text file is read in, decoded as the WHATWG Encoding Standard says (as
/// encoding_rs and browsers decode them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Gb18030,
    Utf16Le,
    Utf16Be,
}

pub(crate) const UTF_8: Encoding = Encoding::Utf8;
pub(crate) const GB18030: Encoding = Encoding::Gb18030;
pub(crate) const UTF_16LE: Encoding = Encoding::Utf16Le;
pub(crate) const UTF_16BE: Encoding = Encoding::Utf16Be;

impl Encoding {
    /// The Encoding Standard's name, as `ParsedFile::encoding` and the messages hold it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// The encoding a byte order mark at the start of `bytes` names, and the mark's length.
    pub(crate) fn for_bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
        match bytes {
            [0xEF, 0xBB, 0xBF, ..] => Some((UTF_8, 3)),
            [0xFF, 0xFE, ..] => Some((UTF_16LE, 2)),
            [0xFE, 0xFF, ..] => Some((UTF_16BE, 2)),
            _ => None,
        }
    }
}

/// Decodes GB18030 (the Encoding Standard's `gb18030` decoder, without BOM handling): appends
/// the text of `bytes` to `out` and returns true if they are wholly valid; otherwise appends
/// nothing and returns false. Core hands it only bytes whose every character is whole.
pub type Gb18030Decode = fn(bytes: &[u8], out: &mut String) -> bool;

static GB18030_DECODE: OnceLock<Gb18030Decode> = OnceLock::new();

/// Sets the GB18030 decoder of this process (the web worker: the browser's `TextDecoder`), once,
/// before any file is read; false if one was already set. Without it a build with the
/// `encoding_rs` feature decodes with encoding_rs, and a build without reading a GB18030 line panics.
pub fn set_gb18030_decoder(decode: Gb18030Decode) -> bool {
    GB18030_DECODE.set(decode).is_ok()
}

fn gb18030_decode() -> Gb18030Decode {
    match GB18030_DECODE.get() {
        Some(decode) => *decode,
        #[cfg(feature = "encoding_rs")]
        None => encoding_rs_gb18030,
        #[cfg(not(feature = "encoding_rs"))]
        None => panic!("no GB18030 decoder: call tcbill_core::input::set_gb18030_decoder first"),
    }
}

/// encoding_rs's GB18030 decoder, the one native builds use.
#[cfg(feature = "encoding_rs")]
pub fn encoding_rs_gb18030(bytes: &[u8], out: &mut String) -> bool {
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => {
            out.push_str(&text);
            true
        }
        None => false,
    }
}

enum Mode {
    /// UTF-8 or GB18030, decided per line.
    PerLine(Encoding),
    /// UTF-16 (from its BOM): streamed, as `\n` bytes occur inside its code units.
    Streaming(Utf16),
}

/// Decodes a text file fed in chunks.
pub(crate) struct TextDecoder {
    mode: Mode,
    /// The current physical line's bytes, while its end has not arrived.
    line: Vec<u8>,
    /// A line longer than [`MAX_BUFFERED_LINE`], decoded piece by piece: the bytes of a character
    /// the last piece cut off.
    long_line: Option<Vec<u8>>,
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
    pub(crate) fn new(encoding: Encoding) -> Self {
        let mode = match encoding {
            Encoding::Utf8 | Encoding::Gb18030 => Mode::PerLine(encoding),
            Encoding::Utf16Le | Encoding::Utf16Be => Mode::Streaming(Utf16::new(encoding)),
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
    pub(crate) fn encoding(&self) -> Encoding {
        match &self.mode {
            Mode::PerLine(encoding) => *encoding,
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
        matches!(self.mode, Mode::PerLine(UTF_8))
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
                other_encoding(*encoding).name()
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
            let other = other_encoding(*encoding);
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
        let encoding = self.encoding();
        if let Some(cut) = &mut self.long_line {
            cut.extend_from_slice(bytes);
            let (malformed, unread) = decode_marking_malformed(encoding, cut, false, out);
            self.wrote_malformed |= malformed;
            cut.drain(..cut.len() - unread);
            return;
        }
        self.line.extend_from_slice(bytes);
        if self.line.len() > MAX_BUFFERED_LINE {
            let (malformed, unread) = decode_marking_malformed(encoding, &self.line, false, out);
            self.wrote_malformed |= malformed;
            self.long_line = Some(self.line[self.line.len() - unread..].to_vec());
            self.line.clear();
        }
    }

    /// Decodes the buffered line (ended by `\n` or by the end of the file).
    fn end_line(&mut self, out: &mut String) {
        if let Some(cut) = self.long_line.take() {
            self.wrote_malformed |= decode_marking_malformed(self.encoding(), &cut, true, out).0;
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
                self.wrote_malformed |= decode_marking_malformed(encoding, line, true, out).0;
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
    encoding: Encoding,
    big_endian: bool,
    /// The first byte of a code unit whose second has not arrived.
    lead_byte: Option<u8>,
    /// A high surrogate waiting for its low one.
    lead_surrogate: Option<u16>,
    /// No code unit read yet: a BOM is still to be removed.
    at_start: bool,
}

impl Utf16 {
    fn new(encoding: Encoding) -> Self {
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

fn other_encoding(encoding: Encoding) -> Encoding {
    if encoding == UTF_8 {
        GB18030
    } else {
        UTF_8
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Appends `bytes` decoded if they are wholly valid in `encoding` (UTF-8 or GB18030); otherwise
/// appends nothing. UTF-8 is checked by simdutf8, with SIMD where the CPU has it: a bill is mostly
/// Chinese text, which `str::from_utf8` checks a byte at a time (6 % of a parse natively; the wasm
/// builds enable `simd128`, for which simdutf8 has a path of its own).
fn decode_strictly(encoding: Encoding, bytes: &[u8], out: &mut String) -> bool {
    if encoding == UTF_8 {
        match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        }
    } else {
        gb18030_decode()(bytes, out)
    }
}

/// Decodes `bytes` (UTF-8 or GB18030), writing [`MALFORMED`] for each malformed sequence, as the
/// Encoding Standard's decoders find them (encoding_rs's `Malformed`, a browser's U+FFFD). Unless
/// `last`, a character cut off at the end is left unread. Whether it wrote a [`MALFORMED`], and
/// how many bytes at the end it left unread.
fn decode_marking_malformed(
    encoding: Encoding,
    bytes: &[u8],
    last: bool,
    out: &mut String,
) -> (bool, usize) {
    if encoding == UTF_8 {
        utf8_marking_malformed(bytes, last, out)
    } else {
        gb18030_marking_malformed(bytes, last, out)
    }
}

fn utf8_marking_malformed(bytes: &[u8], last: bool, out: &mut String) -> (bool, usize) {
    let mut malformed = false;
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        out.push_str(chunk.valid());
        let invalid = chunk.invalid();
        if invalid.is_empty() {
            continue;
        }
        // Only the last chunk can end in a character cut off by the end of `bytes`.
        let cut_off = chunks.peek().is_none()
            && std::str::from_utf8(invalid).is_err_and(|error| error.error_len().is_none());
        if cut_off && !last {
            return (malformed, invalid.len());
        }
        // A maximal subpart of a sequence: one error to the Encoding Standard, as to
        // `String::from_utf8_lossy`.
        out.push(MALFORMED);
        malformed = true;
    }
    (malformed, 0)
}

fn gb18030_marking_malformed(bytes: &[u8], last: bool, out: &mut String) -> (bool, usize) {
    let decode = gb18030_decode();
    let mut malformed = false;
    // Valid characters are decoded a run at a time.
    let mut run_start = 0;
    let mut at = 0;
    let end_run = |run: &[u8], out: &mut String, malformed: &mut bool| {
        if !run.is_empty() && !decode(run, out) {
            // The decoder refuses what the Encoding Standard calls valid: never seen, but the
            // row is then rejected rather than read wrong.
            out.push(MALFORMED);
            *malformed = true;
        }
    };
    while at < bytes.len() {
        match gb18030_step(&bytes[at..]) {
            Gb18030Step::Char(len) => at += len,
            Gb18030Step::Error(len) => {
                end_run(&bytes[run_start..at], out, &mut malformed);
                out.push(MALFORMED);
                malformed = true;
                at += len;
                run_start = at;
            }
            Gb18030Step::CutOff => {
                end_run(&bytes[run_start..at], out, &mut malformed);
                if !last {
                    return (malformed, bytes.len() - at);
                }
                out.push(MALFORMED);
                return (true, 0);
            }
        }
    }
    end_run(&bytes[run_start..], out, &mut malformed);
    (malformed, 0)
}

/// What the Encoding Standard's GB18030 decoder makes of the bytes at the start of `bytes`.
#[derive(Debug, PartialEq, Eq)]
enum Gb18030Step {
    /// A character of this many bytes.
    Char(usize),
    /// An error; this many bytes are consumed, and reading goes on after them (an ASCII byte
    /// after a lead, or the second and third bytes of a four-byte sequence cut by a byte that is
    /// not its fourth, are read again).
    Error(usize),
    /// The bytes end inside a character (at the end of the file: one error).
    CutOff,
}

/// Every two-byte sequence whose bytes are in range is a character (the Encoding Standard's index
/// has no hole), and which four-byte sequences are is arithmetic, so validity needs no table.
fn gb18030_step(bytes: &[u8]) -> Gb18030Step {
    use Gb18030Step::{Char, CutOff, Error};
    let lead = bytes[0];
    if lead <= 0x80 {
        // ASCII, and 0x80 is the euro sign.
        return Char(1);
    }
    if lead == 0xFF {
        return Error(1);
    }
    let Some(&second) = bytes.get(1) else {
        return CutOff;
    };
    match second {
        0x30..=0x39 => {}
        0x40..=0x7E | 0x80..=0xFE => return Char(2),
        // An ASCII byte is read again; 0xFF is consumed with the lead.
        0x00..=0x7F => return Error(1),
        0xFF => return Error(2),
    }
    let Some(&third) = bytes.get(2) else {
        return CutOff;
    };
    if !(0x81..=0xFE).contains(&third) {
        return Error(1);
    }
    let Some(&fourth) = bytes.get(3) else {
        return CutOff;
    };
    if !(0x30..=0x39).contains(&fourth) {
        return Error(1);
    }
    let pointer = usize::from(lead - 0x81) * 12600
        + usize::from(second - 0x30) * 1260
        + usize::from(third - 0x81) * 10
        + usize::from(fourth - 0x30);
    if pointer <= 39419 || (189_000..=1_237_575).contains(&pointer) {
        Char(4)
    } else {
        Error(4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_chunks(encoding: Encoding, bytes: &[u8], chunk: usize) -> String {
        let mut decoder = TextDecoder::new(encoding);
        let mut out = String::new();
        for piece in bytes.chunks(chunk) {
            decoder.decode(piece, false, &mut out);
        }
        decoder.decode(&[], true, &mut out);
        out
    }

    fn encoding_rs_of(encoding: Encoding) -> &'static encoding_rs::Encoding {
        match encoding {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Gb18030 => encoding_rs::GB18030,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
        }
    }

    /// `bytes` whole through encoding_rs's `decoder`, [`MALFORMED`] for each malformed sequence
    /// (how core decoded before it decoded UTF-8 and found GB18030's errors itself).
    fn encoding_rs_marking(mut decoder: encoding_rs::Decoder, mut bytes: &[u8]) -> String {
        let mut out = String::new();
        loop {
            out.reserve(bytes.len() * 3 + 16);
            let (result, read) =
                decoder.decode_to_string_without_replacement(bytes, &mut out, true);
            bytes = &bytes[read..];
            match result {
                encoding_rs::DecoderResult::InputEmpty => return out,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(_, _) => out.push(MALFORMED),
            }
        }
    }

    /// encoding_rs's UTF-16 decoder, which [`Utf16`] replaces: `bytes` whole, BOM removed,
    /// [`MALFORMED`] for each malformed sequence.
    fn encoding_rs_utf16(encoding: Encoding, bytes: &[u8]) -> String {
        encoding_rs_marking(
            encoding_rs_of(encoding).new_decoder_with_bom_removal(),
            bytes,
        )
    }

    fn utf16_in_pieces(encoding: Encoding, pieces: &[&[u8]]) -> (String, bool) {
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
        for encoding in [UTF_16LE, UTF_16BE] {
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
            let encoding = if big_endian { UTF_16BE } else { UTF_16LE };
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

    #[test]
    fn names_and_byte_order_marks_are_encoding_rs_s() {
        for encoding in [UTF_8, GB18030, UTF_16LE, UTF_16BE] {
            assert_eq!(encoding.name(), encoding_rs_of(encoding).name());
        }
        let heads: [&[u8]; 8] = [
            b"\xEF\xBB\xBFa",
            b"\xEF\xBB",
            b"\xFF\xFEa",
            b"\xFE\xFF",
            b"\xFF",
            b"a",
            b"",
            b"\xFE\xFE",
        ];
        for head in heads {
            let ours = Encoding::for_bom(head).map(|(encoding, len)| (encoding.name(), len));
            let theirs =
                encoding_rs::Encoding::for_bom(head).map(|(encoding, len)| (encoding.name(), len));
            assert_eq!(ours, theirs, "{head:02X?}");
        }
    }

    /// encoding_rs's decoder of `encoding` (UTF-8 or GB18030), which core's marking of malformed
    /// bytes replaces: `bytes` whole, no BOM handling.
    fn encoding_rs_per_line(encoding: Encoding, bytes: &[u8]) -> String {
        encoding_rs_marking(
            encoding_rs_of(encoding).new_decoder_without_bom_handling(),
            bytes,
        )
    }

    /// `pieces` through [`decode_marking_malformed`] as a long line goes, the bytes of a character
    /// cut off by a piece's end kept for the next.
    fn marking_in_pieces(encoding: Encoding, pieces: &[&[u8]]) -> (String, bool) {
        let mut cut = Vec::new();
        let mut out = String::new();
        let mut malformed = false;
        for piece in pieces {
            cut.extend_from_slice(piece);
            let (wrote, unread) = decode_marking_malformed(encoding, &cut, false, &mut out);
            malformed |= wrote;
            cut.drain(..cut.len() - unread);
        }
        malformed |= decode_marking_malformed(encoding, &cut, true, &mut out).0;
        (out, malformed)
    }

    /// Byte sequences that take every branch of both decoders: each kind of error, characters of
    /// each length (GB18030's euro sign, two-byte, four-byte BMP and astral, the last of each
    /// range), and sequences cut off at the end.
    fn per_line_cases() -> Vec<Vec<u8>> {
        let cases: &[&[u8]] = &[
            b"a,b\n",
            "云服务器,𠀀,\u{80},\u{FFFF},\u{10FFFF},€".as_bytes(),
            b"\xD4\xC6\xB7\xFE\x80\x81\x40\xFE\xFE\xA1\xA1\x81\x30\x81\x30\x84\x31\xA4\x39",
            b"\x90\x30\x81\x30\xE3\x32\x9A\x35\x84\x31\xA4\x37\x84\x31\x82\x36",
            b"\xFF,\x81,x\x81\x30,x\x81\x30\x81,x",
            b"\x85\x30\x81\x30\xFE\x39\xFE\x39\x84\x32\xA4\x30\xE3\x32\x9A\x36",
            b"\x81\x7F\x81\xFF\xA1\n\x81\x30\n\x81\x30\x81\n",
            b"\xE4\xBA\xFF\xC0\x80\xED\xA0\x80\xF4\x90\x80\x80\x80,\xF0\x9F\x98",
            b"\xE4\xBA\x91\xF0\x9F\x98\x80\xEF\xBF\xBF\xF4\x8F\xBF\xBF\xE0\xA0",
            b"\x81",
            b"\x81\x30",
            b"\x81\x30\x81",
            b"\xE4",
            b"",
        ];
        cases.iter().map(|case| case.to_vec()).collect()
    }

    #[test]
    fn utf8_and_gb18030_mark_what_encoding_rs_marks_however_they_are_split() {
        for encoding in [UTF_8, GB18030] {
            for bytes in per_line_cases() {
                let expected = encoding_rs_per_line(encoding, &bytes);
                let expected_malformed = expected.contains(MALFORMED);
                for split in 0..=bytes.len() {
                    for second in split..=bytes.len() {
                        let pieces = [&bytes[..split], &bytes[split..second], &bytes[second..]];
                        let (decoded, malformed) = marking_in_pieces(encoding, &pieces);
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
        fn utf8_and_gb18030_mark_any_bytes_as_encoding_rs_does(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::u8::ANY, 0x30u8..0x3A, 0x81u8..0x86, 0xE0u8..0xF0, 0x80u8..0xC0
                ],
                0..64,
            ),
            cuts in proptest::collection::vec(0usize..64, 0..4),
            gb18030: bool,
        ) {
            let encoding = if gb18030 { GB18030 } else { UTF_8 };
            let mut cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut at = 0;
            for cut in cuts {
                pieces.push(&bytes[at..cut]);
                at = cut;
            }
            pieces.push(&bytes[at..]);
            let (decoded, _) = marking_in_pieces(encoding, &pieces);
            proptest::prop_assert_eq!(decoded, encoding_rs_per_line(encoding, &bytes));
        }
    }

    /// Core tells valid GB18030 from malformed without a table: every two- and four-byte
    /// sequence (lead and third bytes 0x81 to 0xFE, seconds and fourths of every value the step
    /// reads on) is a character to [`gb18030_step`] exactly when encoding_rs decodes it.
    #[test]
    fn gb18030_validity_needs_no_table() {
        let valid = |bytes: &[u8]| {
            encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some()
        };
        for lead in 0x81..=0xFEu8 {
            for second in 0..=0xFFu8 {
                let bytes = [lead, second];
                if (0x30..=0x39).contains(&second) {
                    assert_eq!(gb18030_step(&bytes), Gb18030Step::CutOff);
                    continue;
                }
                let step = gb18030_step(&bytes);
                assert_eq!(step == Gb18030Step::Char(2), valid(&bytes), "{bytes:02X?}");
            }
            for second in 0x30..=0x39u8 {
                for third in 0x81..=0xFEu8 {
                    for fourth in 0x30..=0x39u8 {
                        let bytes = [lead, second, third, fourth];
                        let step = gb18030_step(&bytes);
                        assert_eq!(step == Gb18030Step::Char(4), valid(&bytes), "{bytes:02X?}");
                    }
                }
            }
        }
    }
}
