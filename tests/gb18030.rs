//! The worker's GB18030 decoding (`worker::gb18030`, the browser's `TextDecoder`) against
//! encoding_rs, which native builds decode with, in headless Chromium
//! (`cargo test -p tcbill-web --target wasm32-unknown-unknown --test gb18030`): every two-byte
//! character, every four-byte one of the BMP range and a stride of the astral range decode to the
//! same text, malformed sequences of every kind are refused, and a bill with bad bytes is read
//! by the worker with the rows, lines, columns and messages `tcbill-core`'s native tests expect.

use std::fmt::Write;

use js_sys::{Array, Uint8Array};
use tcbill_core::ParsedFile;
use tcbill_web::worker::{gb18030, parse_blob};
use wasm_bindgen_test::*;
use web_sys::File;

wasm_bindgen_test_configure!(run_in_browser);

fn browser(bytes: &[u8]) -> Option<String> {
    let mut out = String::new();
    gb18030::decode(bytes, &mut out).then_some(out)
}

fn encoding_rs(bytes: &[u8]) -> Option<String> {
    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).map(|text| text.into_owned())
}

/// Every sequence in `sequences` decodes alike, one call for all (each one alone where they differ).
fn assert_same_text(sequences: &[Vec<u8>], what: &str) {
    let all = sequences.concat();
    if browser(&all) == encoding_rs(&all) {
        return;
    }
    let differ: Vec<String> = sequences
        .iter()
        .filter(|bytes| browser(bytes) != encoding_rs(bytes))
        .take(20)
        .map(|bytes| format!("{bytes:02X?}: browser {:?}, encoding_rs {:?}", browser(bytes), encoding_rs(bytes)))
        .collect();
    panic!("{what}: the browser and encoding_rs differ on\n{}", differ.join("\n"));
}

#[wasm_bindgen_test]
fn known_strings_decode_as_gb18030_says() {
    let cases: &[(&[u8], &str)] = &[
        (b"a,b\n", "a,b\n"),
        (b"\xD4\xC6\xB7\xFE\xCE\xF1\xC6\xF7", "云服务器"),
        (b"\x80", "€"),
        (b"\xA1\xA1\xFE\xFE\x81\x40", "\u{3000}\u{E4C5}\u{4E02}"),
        // Four bytes: the first and last of the BMP range, the first astral character, U+20000
        // and the last.
        (b"\x81\x30\x81\x30", "\u{80}"),
        (b"\x84\x31\xA4\x39", "\u{FFFF}"),
        (b"\x90\x30\x81\x30", "\u{10000}"),
        (b"\x95\x32\x82\x36", "𠀀"),
        (b"\xE3\x32\x9A\x35", "\u{10FFFF}"),
        // A BOM is text in GB18030 (no BOM handling, as core asks).
        (b"\x84\x31\x95\x33a", "\u{FEFF}a"),
    ];
    for (bytes, text) in cases {
        assert_eq!(browser(bytes).as_deref(), Some(*text), "{bytes:02X?}");
        assert_eq!(encoding_rs(bytes).as_deref(), Some(*text), "{bytes:02X?}");
    }
}

#[wasm_bindgen_test]
fn every_two_byte_character_decodes_as_encoding_rs_does() {
    let mut pairs = Vec::new();
    for lead in 0x81..=0xFEu8 {
        for trail in (0x40..=0x7Eu8).chain(0x80..=0xFE) {
            pairs.push(vec![lead, trail]);
        }
    }
    assert_eq!(pairs.len(), 23940);
    assert_same_text(&pairs, "two-byte characters");
}

#[wasm_bindgen_test]
fn four_byte_characters_decode_as_encoding_rs_does() {
    let sequence = |pointer: u32| {
        let bytes =
            [pointer / 12600 + 0x81, pointer / 1260 % 10 + 0x30, pointer / 10 % 126 + 0x81, pointer % 10 + 0x30];
        bytes.map(|byte| byte as u8).to_vec()
    };
    let bmp: Vec<Vec<u8>> = (0..=39419).map(sequence).collect();
    assert_same_text(&bmp, "four-byte BMP characters");
    let astral: Vec<Vec<u8>> = (189_000..=1_237_575).step_by(37).chain([1_237_575]).map(sequence).collect();
    assert_same_text(&astral, "four-byte astral characters");
}

#[wasm_bindgen_test]
fn malformed_sequences_are_refused() {
    let malformed: &[&[u8]] = &[
        b"\xFF",
        b"\x81",
        b"\x81,",
        b"\x81\x7F",
        b"\x81\xFF",
        b"\x81\x30",
        b"\x81\x30,",
        b"\x81\x30\x81",
        b"\x81\x30\x81,",
        // Between the BMP and astral ranges, and past U+10FFFF.
        b"\x84\x32\xA4\x30",
        b"\x85\x30\x81\x30",
        b"\x8F\x39\xFE\x39",
        b"\xE3\x32\x9A\x36",
        b"\xFE\x39\xFE\x39",
        b"ok\xD4\xC6\xFF",
    ];
    for bytes in malformed {
        assert_eq!(encoding_rs(bytes), None, "{bytes:02X?}");
        assert_eq!(browser(bytes), None, "{bytes:02X?}");
    }
    // The decoder is fatal each call, not for good: valid bytes after a refusal still decode.
    assert_eq!(browser(b"\xD4\xC6").as_deref(), Some("云"));
}

fn summary(parsed: &ParsedFile) -> String {
    let mut out = String::new();
    writeln!(out, "{} | {}", parsed.name, parsed.kind).unwrap();
    if let Some(encoding) = parsed.encoding {
        writeln!(out, "encoding {encoding}").unwrap();
    }
    let (read, accepted, rejected) = (parsed.rows_read(), parsed.rows_accepted(), parsed.rows_rejected);
    writeln!(out, "rows read {read}, accepted {accepted}, rejected {rejected}").unwrap();
    for diagnostic in &parsed.diagnostics {
        writeln!(out, "{diagnostic}").unwrap();
    }
    out
}

/// The bill of `tcbill-core`'s `tests/text_input.rs`,
/// `a_small_gb18030_bill_with_bad_bytes_reads_as_the_web_worker_reads_it`: the same bytes, and
/// the same summary expected, read by the worker in slices of 7 bytes (inside characters).
#[wasm_bindgen_test]
async fn the_worker_reads_bad_gb18030_bytes_with_the_lines_and_messages_core_expects() {
    gb18030::install();
    let gb = |text: &str| encoding_rs::GB18030.encode(text).0.into_owned();
    let mut bytes = gb("产品名称,组件名称,交易ID,现金账户支出(元)\n");
    bytes.extend(gb("云服务器,€𠀀\u{80}\u{FFFF}\u{10FFFF},ok,1\n"));
    let bad_cells: [&[u8]; 9] = [
        b"\xFF",
        b"\x81,x",
        b"\x81\x30,x",
        b"\x81\x30\x81,x",
        b"\x85\x30\x81\x30",
        b"\xFE\x39\xFE\x39",
        b"\x81\x7F",
        b"\x81\xFF",
        b"\xA1",
    ];
    for (i, cell) in bad_cells.iter().enumerate() {
        bytes.extend(gb("云服务器,"));
        bytes.extend(*cell);
        bytes.extend(gb(&format!(",tx{i},1\n")));
    }
    bytes.extend(gb("云服务器,内存,tx9,1"));
    bytes.extend(b"\x81\x30");
    let file = File::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&bytes[..])), "gb.csv").unwrap();
    let parsed = parse_blob(1, &file, "gb.csv", 7, &|_| {}).await.expect("read");
    assert_eq!(parsed.len(), 1);
    assert_eq!(summary(&parsed[0]), SMALL_BILL_SUMMARY);
    assert_eq!(parsed[0].table.text("ItemCodeName", 0), Some("€𠀀\u{80}\u{FFFF}\u{10FFFF}"));
}

const SMALL_BILL_SUMMARY: &str = "\
gb.csv | L3 明细账单 (bill details)
encoding gb18030
rows read 11, accepted 1, rejected 10
gb.csv:3 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:4 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:5 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:6 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:7 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:8 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:9 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:10 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:11 column 组件名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8
gb.csv:12 column 现金账户支出(元): the cell holds bytes that are valid neither in gb18030 nor in UTF-8
";
