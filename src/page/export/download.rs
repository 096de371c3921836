//! Saving what tcbill made (reports, tables, charts) as files on the user's machine, without a server.

use js_sys::Array;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `content` (text the page made: a chart's SVG) to the user as a file download.
pub fn save(file_name: &str, mime: &str, content: &str) {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    match Blob::new_with_str_sequence_and_options(&Array::of1(&content.into()), &options) {
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
