//! The parsing worker: runs in a dedicated Web Worker so that a 500 MB file never blocks the page.
//!
//! It reads each `File` a slice at a time, feeds tcbill-core's streaming [`Parser`], reports
//! progress after every slice, and keeps the parsed tables in its own wasm memory, where the
//! analyses will run. Between slices it awaits the browser, so a cancel message gets through.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

use tcbill_core::{ParsedFile, Parser};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use crate::file_read::read_range;
use crate::protocol::{FileId, FromWorker, PartSummary, ToWorker};

/// Bytes read from a file per step: large enough that per-slice overhead vanishes, small enough
/// that progress moves and memory stays flat.
pub const CHUNK_LEN: usize = 4 * 1024 * 1024;

thread_local! {
    /// Parsed files by page file id: the data the analyses will read.
    static PARSED: RefCell<BTreeMap<FileId, Vec<ParsedFile>>> = RefCell::default();
    /// Files the page asked to stop parsing.
    static CANCELLED: RefCell<HashSet<FileId>> = RefCell::default();
}

/// Starts answering the page's messages. Called once by the worker binary.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
        match ToWorker::from_js(&event.data()) {
            Some(ToWorker::Parse { id, file }) => wasm_bindgen_futures::spawn_local(async move {
                parse_blob(id, &file, &file.name(), CHUNK_LEN, &post).await;
            }),
            Some(ToWorker::Cancel { id }) => {
                CANCELLED.with_borrow_mut(|cancelled| cancelled.insert(id));
            }
            Some(ToWorker::Remove { id }) => {
                PARSED.with_borrow_mut(|parsed| parsed.remove(&id));
            }
            None => web_sys::console::warn_1(&"tcbill worker: unknown message".into()),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    post(FromWorker::Ready);
}

fn post(message: FromWorker) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope
        .post_message(&message.to_json().into())
        .expect("posting a string to the page");
}

/// Parses `blob` in slices of `chunk_len` bytes, telling `report` how it goes, and keeps the result.
pub async fn parse_blob(
    id: FileId,
    blob: &Blob,
    name: &str,
    chunk_len: usize,
    report: &dyn Fn(FromWorker),
) {
    let size = blob.size() as u64;
    let mut parser = Parser::new(name);
    let mut offset = 0;
    while offset < size {
        let end = (offset + chunk_len as u64).min(size);
        let chunk = match read_range(blob, offset, end).await {
            Ok(chunk) => chunk,
            Err(err) => {
                let message = err.as_string().unwrap_or_else(|| format!("{err:?}"));
                return report(FromWorker::Unreadable { id, message });
            }
        };
        if CANCELLED.with_borrow_mut(|cancelled| cancelled.remove(&id)) {
            return report(FromWorker::Cancelled { id });
        }
        let progress = parser.feed(&chunk);
        offset = end;
        report(FromWorker::Progress { id, bytes_read: offset, rows_read: progress.rows_read });
    }
    let files = parser.finish();
    let parts = files.iter().map(PartSummary::from).collect();
    PARSED.with_borrow_mut(|parsed| parsed.insert(id, files));
    report(FromWorker::Parsed { id, parts });
}
