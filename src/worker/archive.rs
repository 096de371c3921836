//! XLSX workbooks and ZIP packs, read by a worker of their own (issue #12: the first visit's
//! download).
//!
//! The file worker (`src/bin/tcbill-worker.rs`) is built without core's `archive` feature, so
//! calamine, quick-xml and zip's reader, and every decoder of encoding_rs that quick-xml can pick
//! from an XML declaration, are not in the wasm every visit fetches. A file whose first bytes say
//! ZIP (`tcbill_core::input::is_archive`: a bill pack or a workbook) goes to the archive worker
//! (`src/bin/tcbill-archive.rs`, built with the feature, `dist/tcbill-archive_bg.wasm`), which the
//! file worker starts the first time such a file comes and keeps for the next ones, so its wasm
//! is fetched once, and never in a session without such a file.
//!
//! The archive worker reads the `File` (a structured clone of the handle) with core's `Parser`
//! as the file worker reads any file ([`super::parse_blob`]), then hands the parsed files back as
//! bytes in a transferred `ArrayBuffer` (core's `write_files`: the tables' storage as it is),
//! written into it 64 KiB at a time; the file worker decodes them from it a block at a time
//! (core's `read_files`) and adds them as if it had read them itself. Progress and a cancel pass
//! through; a panic in the archive worker is re-raised in the file worker on the same file, so
//! the page recovers exactly as from a crash while reading a CSV file.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use tcbill_core::input::{files_byte_len, is_archive, read_files, write_files};
use tcbill_core::ParsedFile;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, File, MessageEvent, Worker};

use super::file_read::read_range;
use super::parts::{byte_len, FromArray, IntoArray};
use super::{parse_blob, take_cancel, working_on, CANCELLED, CHUNK_LEN};
use crate::protocol::{FileId, FromWorker, Handshake, PartSummary};

/// The archive worker's loader, written by Trunk beside this worker's in dist/
/// (`data-loader-shim`).
const ARCHIVE_LOADER: &str = "./tcbill-archive_loader.js";

/// The message keys: a job (the file's id, with the `File` beside it), a cancel, an answer.
const JOB: &str = "archiveJob";
const CANCEL: &str = "archiveCancel";
const FROM_ARCHIVE: &str = "fromArchive";
const BYTES: &str = "bytes";

/// What the archive worker answers about its file.
#[derive(Debug, Serialize, Deserialize)]
enum FromArchive {
    Progress {
        bytes_read: u64,
        rows_read: u64,
    },
    /// The parsed files' bytes are in the message's `bytes`.
    Parsed,
    Cancelled,
    Unreadable {
        message: String,
    },
}

fn field(message: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(message, &key.into()).ok().filter(|value| !value.is_undefined())
}

fn message(entries: &[(&str, &JsValue)]) -> JsValue {
    let message = Object::new();
    for (key, value) in entries {
        Reflect::set(&message, &(*key).into(), value).expect("setting a property of a fresh object");
    }
    message.into()
}

// ---- The archive worker's side ----

/// Starts answering the file worker. Called once by the archive worker's binary.
pub fn run() {
    super::report_panics();
    super::gb18030::install();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        if let Some(id) = field(&data, CANCEL).and_then(|id| id.as_f64()) {
            CANCELLED.with_borrow_mut(|cancelled| cancelled.insert(id as FileId));
            return;
        }
        let id = field(&data, JOB).and_then(|id| id.as_f64());
        let file = field(&data, "file").and_then(|file| file.dyn_into::<File>().ok());
        match (id, file) {
            (Some(id), Some(file)) => wasm_bindgen_futures::spawn_local(read(id as FileId, file)),
            _ => web_sys::console::warn_1(&"tcbill archive worker: unknown message".into()),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    super::post(FromWorker::Ready);
}

fn answer(answer: &FromArchive, bytes: Option<&Uint8Array>) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let json: JsValue = serde_json::to_string(answer).expect("archive answers always serialise").into();
    let posted = match bytes {
        Some(bytes) => {
            let buffer = bytes.buffer();
            let message = message(&[(FROM_ARCHIVE, &json), (BYTES, &buffer)]);
            scope.post_message_with_transfer(&message, &js_sys::Array::of1(&buffer))
        }
        None => scope.post_message(&message(&[(FROM_ARCHIVE, &json)])),
    };
    posted.expect("posting to the file worker");
}

/// Reads `file` as the file worker reads any file, and hands back what it found.
async fn read(id: FileId, file: File) {
    let report = |said: FromWorker<'static>| match said {
        FromWorker::Progress { bytes_read, rows_read, .. } => {
            answer(&FromArchive::Progress { bytes_read, rows_read }, None)
        }
        FromWorker::Cancelled { .. } => answer(&FromArchive::Cancelled, None),
        FromWorker::Unreadable { message, .. } => answer(&FromArchive::Unreadable { message }, None),
        // The file worker says it, once it has the files.
        _ => {}
    };
    let Some(files) = parse_blob(id, &file, &file.name(), CHUNK_LEN, &report).await else { return };
    let array = working_on(id, || {
        let mut into = IntoArray { array: Uint8Array::new_with_length(byte_len(files_byte_len(&files))), at: 0 };
        write_files(&files, &mut into);
        into.array
    });
    drop(files);
    answer(&FromArchive::Parsed, Some(&array));
}

// ---- The file worker's side ----

/// Whether `file` is for the archive worker: its first bytes say ZIP. A file that cannot be read
/// is not (reading it as any other file reports why).
pub(super) async fn is_for_archive(file: &File) -> bool {
    read_range(file, 0, 4).await.is_ok_and(|head| is_archive(&head))
}

thread_local! {
    /// The archive worker, once started.
    static ARCHIVE: RefCell<Option<ArchiveWorker>> = const { RefCell::new(None) };
    /// What the archive worker said, and the file worker's wait for it.
    static INBOX: RefCell<Inbox> = RefCell::default();
}

#[derive(Default)]
struct Inbox {
    events: VecDeque<Event>,
    waiting: Option<Function>,
}

enum Event {
    Answer(FromArchive, Option<JsValue>),
    /// The archive worker panicked (its hook's message).
    Crashed(String),
    /// It could not start or stopped otherwise (an error event).
    Died(String),
}

fn deliver(event: Event) {
    INBOX.with_borrow_mut(|inbox| inbox.events.push_back(event));
    if let Some(resolve) = INBOX.with_borrow_mut(|inbox| inbox.waiting.take()) {
        let _ = resolve.call0(&JsValue::NULL);
    }
}

async fn next_event() -> Event {
    loop {
        if let Some(event) = INBOX.with_borrow_mut(|inbox| inbox.events.pop_front()) {
            return event;
        }
        let woken = Promise::new(&mut |resolve, _| INBOX.with_borrow_mut(|inbox| inbox.waiting = Some(resolve)));
        let _ = JsFuture::from(woken).await;
    }
}

struct Slot {
    ready: bool,
    /// A job posted before the worker listened, and its file's id.
    queued: Option<(FileId, JsValue)>,
    /// The file it reads now.
    current: Option<FileId>,
}

struct ArchiveWorker {
    worker: Worker,
    slot: Rc<RefCell<Slot>>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(ErrorEvent)>,
}

impl ArchiveWorker {
    fn start() -> Result<ArchiveWorker, JsValue> {
        let worker = Worker::new(ARCHIVE_LOADER)?;
        let slot = Rc::new(RefCell::new(Slot { ready: false, queued: None, current: None }));
        let on_message = {
            let (slot, worker) = (slot.clone(), worker.clone());
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| on_message(&slot, &worker, &event.data()))
        };
        let on_error = Closure::<dyn Fn(ErrorEvent)>::new(|event: ErrorEvent| {
            // Not this worker's own error: the page would take it for this worker dying.
            event.prevent_default();
            deliver(Event::Died(event.message()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(ArchiveWorker { worker, slot, _on_message: on_message, _on_error: on_error })
    }

    fn send(&self, id: FileId, file: &File) {
        let job = message(&[(JOB, &JsValue::from(id)), ("file", file)]);
        let mut slot = self.slot.borrow_mut();
        slot.current = Some(id);
        if slot.ready {
            let _ = self.worker.post_message(&job);
        } else {
            slot.queued = Some((id, job));
        }
    }
}

fn on_message(slot: &Rc<RefCell<Slot>>, worker: &Worker, data: &JsValue) {
    if let Some(said) = Handshake::from_js(data) {
        match said {
            Some(Handshake::Ready) => {
                let mut slot = slot.borrow_mut();
                slot.ready = true;
                if let Some((_, job)) = slot.queued.take() {
                    let _ = worker.post_message(&job);
                }
            }
            Some(Handshake::Crashed { message }) => deliver(Event::Crashed(message)),
            None => {}
        }
        return;
    }
    match field(data, FROM_ARCHIVE).and_then(|json| serde_json::from_str(&json.as_string()?).ok()) {
        Some(answer) => deliver(Event::Answer(answer, field(data, BYTES))),
        None => deliver(Event::Died("an unknown message from the archive worker".to_owned())),
    }
}

/// Passes the page's cancel of file `id` on to the archive worker, if it reads that file.
pub(super) fn cancel(id: FileId) {
    ARCHIVE.with_borrow(|archive| {
        let Some(archive) = archive else { return };
        let mut slot = archive.slot.borrow_mut();
        if slot.current != Some(id) {
            return;
        }
        if slot.queued.take().is_some() {
            // Not started yet: nothing to stop.
            drop(slot);
            deliver(Event::Answer(FromArchive::Cancelled, None));
        } else {
            let _ = archive.worker.post_message(&message(&[(CANCEL, &JsValue::from(id))]));
        }
    });
}

/// Has the archive worker read `file`, telling `report` how it goes, and returns what it found
/// (`None` if cancelled or unreadable; the page has been told).
pub(super) async fn parse(id: FileId, file: &File, report: &dyn Fn(FromWorker<'static>)) -> Option<Vec<ParsedFile>> {
    INBOX.with_borrow_mut(|inbox| inbox.events.clear());
    let started = ARCHIVE.with_borrow_mut(|archive| {
        if archive.is_none() {
            *archive = Some(ArchiveWorker::start()?);
        }
        archive.as_ref().expect("started above").send(id, file);
        Ok::<(), JsValue>(())
    });
    if let Err(err) = started {
        let message = err.as_string().unwrap_or_else(|| format!("{err:?}"));
        report(FromWorker::Unreadable { id, message: format!("the ZIP and XLSX reader did not start: {message}") });
        return None;
    }
    let outcome = loop {
        match next_event().await {
            Event::Answer(FromArchive::Progress { bytes_read, rows_read }, _) => {
                report(FromWorker::Progress { id, bytes_read, rows_read })
            }
            Event::Answer(FromArchive::Parsed, bytes) => break Ok(bytes),
            Event::Answer(FromArchive::Cancelled, _) => break Err(None),
            Event::Answer(FromArchive::Unreadable { message }, _) => break Err(Some(message)),
            // As if this worker had panicked reading the file: the page starts a fresh worker
            // with the other files, as it does for a crash on any file.
            Event::Crashed(message) => working_on(id, || panic!("{message}")),
            Event::Died(message) => {
                // A fresh archive worker for the next file.
                ARCHIVE.with_borrow_mut(|archive| {
                    if let Some(archive) = archive.take() {
                        archive.worker.terminate();
                    }
                });
                break Err(Some(format!("the ZIP and XLSX reader stopped: {message}")));
            }
        }
    };
    ARCHIVE.with_borrow(|archive| archive.iter().for_each(|archive| archive.slot.borrow_mut().current = None));
    let cancelled = take_cancel(id);
    let files = match outcome {
        Ok(_) if cancelled => None,
        Ok(bytes) => {
            let array = bytes.map(|bytes| Uint8Array::new(&bytes)).unwrap_or_else(|| Uint8Array::new_with_length(0));
            match working_on(id, || read_files(FromArray { array, at: 0 })) {
                Some(files) => Some(files),
                None => {
                    let message = "the ZIP and XLSX reader handed back damaged files".to_owned();
                    report(FromWorker::Unreadable { id, message });
                    return None;
                }
            }
        }
        Err(Some(message)) => {
            report(FromWorker::Unreadable { id, message });
            return None;
        }
        Err(None) => None,
    };
    let Some(files) = files else {
        report(FromWorker::Cancelled { id });
        return None;
    };
    report(FromWorker::Parsed { id, parts: files.iter().map(PartSummary::from).collect() });
    Some(files)
}
