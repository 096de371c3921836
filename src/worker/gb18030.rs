//! GB18030 decoded by the browser: core finds which bytes are malformed and leaves the characters
//! to a decoder it is given (`tcbill_core::input::Gb18030Decode`); here that is the browser's own
//! `TextDecoder`, which implements the same Encoding Standard as encoding_rs (checked against it on
//! every two-byte and four-byte sequence by `tests/gb18030.rs`), so the worker's wasm links no
//! decoding table (BENCHMARKS.md, *Initial load, step 5*).

use web_sys::{TextDecoder, TextDecoderOptions};

thread_local! {
    /// `fatal`: malformed bytes throw instead of becoming U+FFFD, so that "not GB18030" can be told.
    static DECODER: TextDecoder = {
        let options = TextDecoderOptions::new();
        options.set_fatal(true);
        TextDecoder::new_with_label_and_options("gb18030", &options)
            .expect("every browser the app runs in decodes gb18030")
    };
}

/// Appends `bytes` decoded as GB18030 to `out` if they are wholly valid; else appends nothing and
/// returns false (a `Gb18030Decode`). The bytes are read in place from wasm memory; the text comes
/// back through one UTF-8 copy.
pub fn decode(bytes: &[u8], out: &mut String) -> bool {
    DECODER.with(|decoder| match decoder.decode_with_u8_array(bytes) {
        Ok(text) => {
            out.push_str(&text);
            true
        }
        Err(_) => false,
    })
}

/// Makes core decode GB18030 with [`decode`]: each worker calls it before reading any file.
pub fn install() {
    tcbill_core::input::set_gb18030_decoder(decode);
}
