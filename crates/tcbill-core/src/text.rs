//! Streaming delimited text: encoding, CSV/TSV records and physical line numbers.
//!
//! The web worker hands over a file a slice at a time, so text is decoded and split into records
//! incrementally. The encoding is decided once from the first bytes: a BOM wins; otherwise UTF-8
//! if those bytes are valid UTF-8, else GB18030 (what Excel on a Chinese Windows writes). Line
//! numbers count physical lines, as an editor shows them, even when quoted fields span lines.

use encoding_rs::{Decoder, Encoding, GB18030, UTF_8};

use crate::detect::{InputKind, SNIFF_LEN, UTF8_BOM};
use crate::diagnostic::Diagnostic;
use crate::tabular::{ImportOutcome, RecordImporter};

/// The encoding of a text file, from its first bytes. `complete` says whether `head` is the whole
/// file (so a multi-byte sequence cut at the end is an error, not a chunk boundary).
pub(crate) fn choose_encoding(head: &[u8], complete: bool) -> &'static Encoding {
    if let Some((encoding, _bom_len)) = Encoding::for_bom(head) {
        return encoding;
    }
    match std::str::from_utf8(head) {
        Ok(_) => UTF_8,
        Err(error) if error.error_len().is_none() && !complete => UTF_8,
        Err(_) => GB18030,
    }
}

/// Comma or tab, whichever the first lines use more (outside nothing fancy: a header row has
/// no quoted delimiters in practice).
fn sniff_delimiter(text: &str) -> u8 {
    let sample = text.lines().take(20);
    let (tabs, commas) = sample.fold((0, 0), |(tabs, commas), line| {
        (
            tabs + line.matches('\t').count(),
            commas + line.matches(',').count(),
        )
    });
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

/// Decodes and splits a text file fed in chunks, passing records to a [`RecordImporter`].
pub(crate) struct CsvStream {
    encoding: &'static Encoding,
    decoder: Decoder,
    decoded: String,
    decoder_finished: bool,
    had_replacements: bool,
    reader: csv_core::Reader,
    field_bytes: Vec<u8>,
    field_ends: Vec<usize>,
    field_bytes_used: usize,
    field_ends_used: usize,
    /// Newlines consumed between records, which the CSV reader never sees.
    skipped_newlines: u64,
    record_start_line: Option<u64>,
    importer: RecordImporter,
}

impl CsvStream {
    /// Starts with the file's first bytes (at least [`SNIFF_LEN`] of them unless the file is
    /// shorter, in which case `head_is_whole_file`).
    pub(crate) fn new(file: &str, head: &[u8], head_is_whole_file: bool) -> Self {
        let encoding = choose_encoding(head, head_is_whole_file);
        let mut stream = CsvStream {
            encoding,
            decoder: encoding.new_decoder_with_bom_removal(),
            decoded: String::new(),
            decoder_finished: false,
            had_replacements: false,
            reader: csv_core::Reader::new(),
            field_bytes: vec![0; 4096],
            field_ends: vec![0; 64],
            field_bytes_used: 0,
            field_ends_used: 0,
            skipped_newlines: 0,
            record_start_line: None,
            importer: RecordImporter::new(file),
        };
        stream.decode(head, head_is_whole_file);
        let delimiter = sniff_delimiter(&stream.decoded);
        stream.reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        stream.split_records(head_is_whole_file);
        stream
    }

    pub(crate) fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }

    pub(crate) fn rows_read(&self) -> u64 {
        self.importer.rows_read()
    }

    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        self.decode(chunk, false);
        self.split_records(false);
    }

    pub(crate) fn finish(mut self, file: &str) -> ImportOutcome {
        self.decode(&[], true);
        self.split_records(true);
        let replaced = self.had_replacements;
        let encoding = self.encoding;
        let mut outcome = self.importer.finish();
        if replaced {
            let message = format!(
                "some bytes are not valid {} and were replaced by \u{FFFD}; check the file's encoding",
                encoding.name()
            );
            outcome.diagnostics.push(Diagnostic::warning(file, message));
        }
        outcome
    }

    fn decode(&mut self, bytes: &[u8], last: bool) {
        if self.decoder_finished {
            return;
        }
        self.decoder_finished = last;
        let needed = self
            .decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        self.decoded.reserve(needed);
        let (_result, _read, had_replacements) =
            self.decoder
                .decode_to_string(bytes, &mut self.decoded, last);
        self.had_replacements |= had_replacements;
    }

    fn split_records(&mut self, last: bool) {
        let decoded = std::mem::take(&mut self.decoded);
        let input = decoded.as_bytes();
        let mut pos = 0;
        loop {
            if self.record_start_line.is_none() {
                while let Some(&byte @ (b'\n' | b'\r')) = input.get(pos) {
                    self.skipped_newlines += u64::from(byte == b'\n');
                    pos += 1;
                }
                if pos == input.len() && !last {
                    break;
                }
                self.record_start_line = Some(self.reader.line() + self.skipped_newlines);
            }
            // An empty input tells the CSV reader the file has ended, so never pass one early.
            if pos == input.len() && !last {
                break;
            }
            let (result, read, written, ends_written) = self.reader.read_record(
                &input[pos..],
                &mut self.field_bytes[self.field_bytes_used..],
                &mut self.field_ends[self.field_ends_used..],
            );
            pos += read;
            self.field_bytes_used += written;
            self.field_ends_used += ends_written;
            match result {
                csv_core::ReadRecordResult::InputEmpty if !last => break,
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    self.field_bytes.resize(self.field_bytes.len() * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    self.field_ends.resize(self.field_ends.len() * 2, 0);
                }
                csv_core::ReadRecordResult::Record => self.deliver_record(),
                csv_core::ReadRecordResult::End => break,
            }
        }
        self.decoded = decoded;
        self.decoded.drain(..pos);
    }

    fn deliver_record(&mut self) {
        // The fields are decoded text less ASCII quotes and delimiters, so together they are valid
        // UTF-8 and each ends on a character boundary: validate once per record, not per field.
        let text = String::from_utf8_lossy(&self.field_bytes[..self.field_bytes_used]);
        let mut start = 0;
        let fields: Vec<&str> = self.field_ends[..self.field_ends_used]
            .iter()
            .map(|&end| {
                let field = text.get(start..end).unwrap_or("\u{FFFD}");
                start = end;
                field
            })
            .collect();
        let line = self.record_start_line.take().unwrap_or_default();
        self.importer.push_record(&fields, line);
        self.field_bytes_used = 0;
        self.field_ends_used = 0;
    }
}

/// The kind of a text file from its first bytes: the kind of its header row, if one is there.
pub(crate) fn detect_text_kind(head: &[u8]) -> InputKind {
    let is_whole_file = head.len() < SNIFF_LEN;
    let mut stream = CsvStream::new("", head, is_whole_file);
    if !is_whole_file {
        stream.split_records(true);
    }
    if stream.importer.has_header() {
        stream.importer.finish().kind
    } else {
        InputKind::Unknown
    }
}

/// The bytes without a leading UTF-8 BOM.
pub(crate) fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_16BE, UTF_16LE};

    #[test]
    fn chooses_encoding_from_content() {
        assert_eq!(choose_encoding("产品名称".as_bytes(), true), UTF_8);
        assert_eq!(choose_encoding(b"\xEF\xBB\xBFa", true), UTF_8);
        assert_eq!(choose_encoding(b"\xFF\xFEa\x00", true), UTF_16LE);
        assert_eq!(choose_encoding(b"\xFE\xFF\x00a", true), UTF_16BE);
        let (gbk, _, _) = GB18030.encode("产品名称");
        assert_eq!(choose_encoding(&gbk, true), GB18030);
        let cut_utf8 = &"产".as_bytes()[..2];
        assert_eq!(choose_encoding(cut_utf8, false), UTF_8);
        assert_eq!(choose_encoding(cut_utf8, true), GB18030);
    }
}
