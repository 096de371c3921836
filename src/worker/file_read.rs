//! Reading bytes out of browser `Blob`s/`File`s without loading whole files.
//!
//! Files can be hundreds of megabytes, so callers ask for a byte range; the browser reads only
//! that slice from disk. [`Slices`] reads a range slice after slice with the next slices' reads
//! already asked for, so the browser reads them while the worker parses the one before.

use std::collections::VecDeque;

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Reads bytes `start..end` of `blob` (clamped to its size).
pub async fn read_range(blob: &Blob, start: u64, end: u64) -> Result<Vec<u8>, JsValue> {
    let buffer = ask(blob, start, end)?.await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Asks the browser for bytes `start..end` of `blob` (clamped to its size): it starts reading
/// at once, whether or not the answer is awaited yet.
fn ask(blob: &Blob, start: u64, end: u64) -> Result<JsFuture, JsValue> {
    let slice = blob.slice_with_f64_and_f64(start as f64, (end as f64).min(blob.size()))?;
    Ok(JsFuture::from(slice.array_buffer()))
}

/// Bytes `start..end` of a `Blob` in slices of `len` bytes, the next slices' reads asked for
/// while the one before is being used: `ahead` of them (1 by default), so at most `ahead + 1`
/// slices are out of wasm memory at once.
pub struct Slices {
    blob: Blob,
    /// Where the next slice to ask for starts.
    at: u64,
    end: u64,
    len: u64,
    ahead: usize,
    /// The slices asked for and not taken yet, in order, and where each ends.
    asked: VecDeque<(Result<JsFuture, JsValue>, u64)>,
}

impl Slices {
    pub fn new(blob: &Blob, start: u64, end: u64, len: usize) -> Slices {
        Slices::ahead(blob, start, end, len, 1)
    }

    /// With `ahead` slices asked for while one is used (at least 1).
    pub fn ahead(blob: &Blob, start: u64, end: u64, len: usize, ahead: usize) -> Slices {
        let end = end.min(blob.size() as u64);
        let ahead = ahead.max(1);
        let mut slices =
            Slices { blob: blob.clone(), at: start, end, len: len.max(1) as u64, ahead, asked: VecDeque::new() };
        slices.ask_more();
        slices
    }

    /// Asks for slices until `ahead` are asked for and not taken, or the range is asked for.
    fn ask_more(&mut self) {
        while self.asked.len() < self.ahead && self.at < self.end {
            let until = (self.at + self.len).min(self.end);
            let asked = ask(&self.blob, self.at, until);
            self.at = until;
            self.asked.push_back((asked, until));
        }
    }

    /// The next slice and the offset it ends at, `None` past the range; the ones after are asked
    /// for before this one is awaited.
    pub async fn next(&mut self) -> Option<Result<(Vec<u8>, u64), JsValue>> {
        let (asked, until) = self.asked.pop_front()?;
        self.ask_more();
        let read = async { Ok(Uint8Array::new(&asked?.await?).to_vec()) };
        Some(read.await.map(|bytes| (bytes, until)))
    }
}
