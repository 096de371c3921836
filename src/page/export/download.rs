//! Saving what tcbill made (reports, tables, charts) as files on the user's machine, without a server.

use base64::prelude::{Engine, BASE64_STANDARD};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `content` to the user as a file download.
pub fn save(file_name: &str, mime: &str, content: &str) {
    save_part(file_name, mime, &content.into());
}

/// Offers the bytes that `base64` encodes (how the worker sends binary files) as a file download.
pub fn save_base64(file_name: &str, mime: &str, base64: &str) {
    match BASE64_STANDARD.decode(base64) {
        Ok(bytes) => save_part(file_name, mime, &Uint8Array::from(bytes.as_slice()).into()),
        Err(err) => web_sys::console::error_1(&format!("{file_name}: {err}").into()),
    }
}

/// Offers one blob part (a string or bytes) as the file `file_name`.
fn save_part(file_name: &str, mime: &str, part: &JsValue) {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    match Blob::new_with_u8_array_sequence_and_options(&Array::of1(part), &options) {
        Ok(blob) => save_blob(file_name, &blob),
        Err(err) => web_sys::console::error_1(&err),
    }
}

/// Offers `blob` to the user as a file download.
pub fn save_blob(file_name: &str, blob: &Blob) {
    let result = (|| {
        let url = Url::create_object_url_with_blob(blob)?;
        let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let link: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
        Url::revoke_object_url(&url)
    })();
    if let Err(err) = result {
        web_sys::console::error_1(&err);
    }
}
