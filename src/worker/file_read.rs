//! Reading bytes out of browser `Blob`s/`File`s without loading whole files.
//!
//! Files can be hundreds of megabytes, so callers ask for a byte range; the browser reads only
//! that slice from disk.

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Reads bytes `start..end` of `blob` (clamped to its size).
pub async fn read_range(blob: &Blob, start: u64, end: u64) -> Result<Vec<u8>, JsValue> {
    let slice = blob.slice_with_f64_and_f64(start as f64, (end as f64).min(blob.size()))?;
    let buffer = JsFuture::from(slice.array_buffer()).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
