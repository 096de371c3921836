//! Reading bytes out of browser `Blob`s/`File`s without loading whole files.
//!
//! Files can be hundreds of megabytes, so callers ask for a byte range; the browser reads only
//! that slice from disk. [`Slices`] reads a range slice after slice with the next slice's read
//! already asked for, so the browser reads it while the worker parses the one before.

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

/// Bytes `start..end` of a `Blob` in slices of `len` bytes, each slice's read asked for while the
/// one before is being used: at most two slices (`2 × len` bytes) are out of wasm memory at once.
pub struct Slices {
    blob: Blob,
    /// Where the next slice to ask for starts.
    at: u64,
    end: u64,
    len: u64,
    /// The slice asked for and not taken yet, and where it ends.
    next: Option<(Result<JsFuture, JsValue>, u64)>,
}

impl Slices {
    pub fn new(blob: &Blob, start: u64, end: u64, len: usize) -> Slices {
        let end = end.min(blob.size() as u64);
        let mut slices = Slices { blob: blob.clone(), at: start, end, len: len as u64, next: None };
        slices.next = slices.ask_next();
        slices
    }

    fn ask_next(&mut self) -> Option<(Result<JsFuture, JsValue>, u64)> {
        if self.at >= self.end {
            return None;
        }
        let until = (self.at + self.len).min(self.end);
        let asked = ask(&self.blob, self.at, until);
        self.at = until;
        Some((asked, until))
    }

    /// The next slice and the offset it ends at, `None` past the range; the one after is asked
    /// for before this one is awaited.
    pub async fn next(&mut self) -> Option<Result<(Vec<u8>, u64), JsValue>> {
        let (asked, until) = self.next.take()?;
        self.next = self.ask_next();
        let read = async { Ok(Uint8Array::new(&asked?.await?).to_vec()) };
        Some(read.await.map(|bytes| (bytes, until)))
    }
}
