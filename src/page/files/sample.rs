//! The built-in sample month, so a first-time user can see tcbill work without their own bills.
//!
//! The files live in `sample/` at the workspace root; Trunk copies them next to `index.html`
//! (`rel="copy-dir"`), and "Load sample data" fetches them from there, relative to the page, so it
//! works from any static host and sub-path. They are not in the page's wasm, which every visit
//! downloads (issue #12: the usage sample alone is 132 KiB).

use js_sys::Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, Response};
use yew::Callback;

/// The sample files, in the order they are loaded.
pub const SAMPLE_FILES: &[&str] = &[
    "2025-06-明细账单-L3.csv",
    "2025-06-资源包抵扣明细.csv",
    "2025-06-资源包总览.csv",
    "2025-06-用量明细-CDN-5分钟.csv",
    "DescribeBillSummaryByProduct-2025-06.json",
];

/// Fetches every sample file and hands them to `on_files` as browser `File`s, so they take the same
/// path as dropped files; if one cannot be fetched, none is handed over and the console says why.
pub fn load(on_files: Callback<Vec<File>>) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut files = Vec::with_capacity(SAMPLE_FILES.len());
        for name in SAMPLE_FILES {
            match fetch(name).await {
                Ok(file) => files.push(file),
                Err(err) => {
                    web_sys::console::error_2(&format!("tcbill: sample file {name} not loaded:").into(), &err);
                    return;
                }
            }
        }
        on_files.emit(files);
    });
}

async fn fetch(name: &str) -> Result<File, wasm_bindgen::JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_str(&format!("./sample/{name}"))).await?.dyn_into()?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()).into());
    }
    let blob: Blob = JsFuture::from(response.blob()?).await?.dyn_into()?;
    File::new_with_blob_sequence(&Array::of1(&blob), name)
}
