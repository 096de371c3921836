//! One big CSV file parsed by several Web Workers at once (issue #12, item 3 in the browser), as
//! the CLI does with threads (`crates/tcbill-cli/src/parallel.rs`), with core's `input::parts`.
//!
//! The file's worker coordinates. It plans the parts from the file's first 64 KiB, starts part
//! workers (this same wasm: its compiled module is posted to each, so the wasm is fetched and
//! compiled once, not once per worker), cuts the file into equal stretches and starts each part
//! after the first at the first line start after its cut (core's `PartStarts`: a few bytes read
//! at each cut, a guess that a record starts there; nothing is counted before the parse). Each
//! part worker then parses its byte range of the same `File` (a structured clone of the handle,
//! never the bytes), its lines counted from its own start, and hands its part back as bytes in
//! a transferred `ArrayBuffer` (core's `PartRead::write`: the table's storage as it is, no JSON),
//! written into it 64 KiB at a time, so the worker's wasm memory never holds the bytes beside the
//! table. The coordinator
//! parses the first part itself meanwhile, then joins the parts in file order as they come, each
//! appended as it is decoded from its `ArrayBuffer` (core's `PartJoin::then_read`), a block at a
//! time: wasm memory never holds a part's bytes, nor its whole table beside the file's (wasm
//! memory never shrinks, so each such copy would stay in the worker's peak); the join moves each
//! part's lines to their place in the file. Each part worker is terminated as soon as its part
//! arrives, so its memory is released. Exactness is core's: a part that did not end between
//! records where the next starts (a guess that fell inside a quoted cell spanning lines) makes the
//! file be read whole, as before.
//!
//! No SharedArrayBuffer: no COOP/COEP headers, so the app still works from any static host and
//! offline. Cancelling stops every worker of the file (dropping the [`Team`] terminates them); a
//! part worker that dies fails the file with a message, never a wait; one that cannot start (its
//! script not loaded: the page went offline after this worker loaded) has the file read whole.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, ArrayBuffer, Function, Object, Promise, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use tcbill_core::analysis::cost::Dimension;
use tcbill_core::input::parts::{PartJoin, PartStarts, Sink, Source, TextParts, START_WINDOW};
use tcbill_core::report::RowsPass;
use tcbill_core::{ParsedFile, ReportOptions, SNIFF_LEN};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, File, MessageEvent, Worker};

use super::file_read::{read_range, Slices};
use super::phases::{self, Phases};
use super::{take_cancel, working_on, CHUNK_LEN};
use crate::protocol::{FileId, FromWorker, Handshake};

/// Smaller files are read whole by one worker: starting workers (each a wasm instance) would
/// cost more than it saves. The CLI's threshold.
const MIN_PARALLEL_LEN: u64 = 16 << 20;

/// At most this many workers read one file: past four, memory bandwidth and the join, which one
/// worker does, leave little to gain, and each worker holds a wasm instance.
const MAX_WORKERS: usize = 4;

/// Knobs the end-to-end tests and the benchmark set on the file worker's global scope (as
/// `self.tcbill_parts = {...}`, through Playwright's `worker.evaluate`), read at each file:
/// `min_len` lowers [`MIN_PARALLEL_LEN`] so small fixtures are read in parts, `workers` fixes how
/// many workers read a file (1 reads every file whole, as before), `crash_drill` makes the last
/// part's worker panic as a bug would; `spare: false` starts the file's part workers afresh
/// instead of taking the spare ones (see [`start_spares`]); the benchmark's `read_ahead` (slices
/// asked for ahead, [`READ_AHEAD`]), `slice_len` ([`CHUNK_LEN`]) and `first_share` (part 0's share
/// of the file, the part workers sharing the rest equally; equal stretches otherwise) try other
/// ways of reading. The app never sets them.
#[derive(Default, Deserialize)]
struct Knobs {
    min_len: Option<u64>,
    workers: Option<usize>,
    #[serde(default)]
    crash_drill: bool,
    spare: Option<bool>,
    read_ahead: Option<usize>,
    slice_len: Option<usize>,
    first_share: Option<f64>,
}

/// How many slices of a part each worker has asked the browser for while it parses one.
const READ_AHEAD: usize = 1;

/// How a part is read: slices of `slice_len` bytes, `read_ahead` of them asked for ahead.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Reading {
    slice_len: usize,
    read_ahead: usize,
}

impl Knobs {
    fn reading(&self) -> Reading {
        Reading {
            slice_len: self.slice_len.unwrap_or(CHUNK_LEN).clamp(64 << 10, 64 << 20),
            read_ahead: self.read_ahead.unwrap_or(READ_AHEAD).clamp(1, 16),
        }
    }

    fn read() -> Knobs {
        Reflect::get(&js_sys::global(), &"tcbill_parts".into())
            .ok()
            .and_then(|knobs| js_sys::JSON::stringify(&knobs).ok())
            .and_then(|json| json.as_string())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }
}

/// What reading a file in parts came to.
pub(super) enum InParts {
    /// With the passes over its rows each worker made of its part, merged, where asked.
    Parsed(ParsedFile, Option<RowsPass>),
    /// Not read in parts (too small, not UTF-8 CSV with its header in its head, a cut refused):
    /// read it whole.
    Whole,
    /// Cancelled, or failed; the page has been told.
    Stopped,
}

/// What the file worker asks of a part worker (with the `File` beside it): parse bytes
/// `start..end`, a later part of the file (its lines counted from its start), read as `reading`
/// says; `ends_file` for the last part; `pass` asks for the passes over its rows too, for a
/// report of these breakdowns.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Job {
    start: u64,
    end: u64,
    ends_file: bool,
    crash_drill: bool,
    pass: Option<Vec<Vec<Dimension>>>,
    reading: Reading,
}

/// What a part worker answers (a part's bytes ride beside it, transferred).
#[derive(Debug, Serialize, Deserialize)]
enum FromPart {
    Progress {
        bytes_read: u64,
        rows_read: u64,
    },
    /// The part's bytes are in the message's `bytes`, the passes over its rows (JSON) in its
    /// `pass` where the job asked for them; `memory` is the worker's wasm memory at
    /// its peak (wasm memory never shrinks), and `phases` when its steps happened, for the
    /// benchmark.
    Read {
        memory: u64,
        phases: Phases,
    },
    Unreadable {
        message: String,
    },
}

/// The message key of a job, and of a part worker's answer.
const JOB: &str = "partJob";
const FROM_PART: &str = "fromPart";
const BYTES: &str = "bytes";
const PASS: &str = "pass";

fn message(key: &str, json: String, extra: &[(&str, &JsValue)]) -> JsValue {
    let message = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&message, &key.into(), value).expect("setting a property of a fresh object");
    };
    set(key, &json.into());
    for (key, value) in extra {
        set(key, value);
    }
    message.into()
}

fn field(message: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(message, &key.into()).ok().filter(|value| !value.is_undefined())
}

/// A job for a part worker, if `message` is one (see [`work`]).
pub(super) fn job_of(message: &JsValue) -> Option<(Job, File)> {
    let job = serde_json::from_str(&field(message, JOB)?.as_string()?).ok()?;
    Some((job, field(message, "file")?.dyn_into().ok()?))
}

fn post_to_coordinator(answer: &FromPart, bytes: Option<&ArrayBuffer>, pass: Option<String>) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let json = serde_json::to_string(answer).expect("part answers always serialise");
    let pass = pass.map(JsValue::from);
    let posted = match bytes {
        Some(bytes) => {
            let extra: Vec<(&str, &JsValue)> =
                std::iter::once((BYTES, bytes.as_ref())).chain(pass.as_ref().map(|pass| (PASS, pass))).collect();
            scope.post_message_with_transfer(&message(FROM_PART, json, &extra), &Array::of1(bytes))
        }
        None => scope.post_message(&message(FROM_PART, json, &[])),
    };
    posted.expect("posting to the file's worker");
}

/// A part worker's side: does `job` on `file` and answers.
pub(super) async fn work(job: Job, file: File) {
    if let Err(message) = read_part(&file, job).await {
        post_to_coordinator(&FromPart::Unreadable { message }, None, None);
    }
}

/// Parses one part and posts it, progress after each slice; the bytes of a part that cannot be
/// read in parts are empty.
async fn read_part(file: &File, Job { start, end, ends_file, crash_drill, pass, reading }: Job) -> Result<(), String> {
    phases::mark("read job received");
    let head = read_range(file, 0, SNIFF_LEN as u64).await.map_err(|err| js_message(&err))?;
    let mut passed = None;
    let part = match TextParts::plan(&file.name(), &head) {
        Some(plan) => {
            let mut reader = plan.later_part();
            let mut bytes_read = 0;
            for_each_chunk(file, start, end, reading, |chunk| {
                if crash_drill {
                    panic!("a crash drill in a part worker");
                }
                phases::timed("parse", || reader.feed(chunk));
                bytes_read += chunk.len() as u64;
                post_to_coordinator(&FromPart::Progress { bytes_read, rows_read: reader.rows_read() }, None, None);
            })
            .await?;
            phases::mark("parsed");
            let part = reader.finish(ends_file);
            phases::mark("finished");
            // The passes over its rows before its bytes, so the table is dropped with them sent:
            // this worker never holds it beside the file worker's joined file.
            if let (Some(breakdowns), Some(table)) = (pass, part.table()) {
                let options = ReportOptions { breakdowns, ..ReportOptions::default() };
                passed = Some(RowsPass::of_rows(&file.name(), table, 0..table.row_count(), &options).to_json());
                phases::mark("rows passed");
            }
            let len = part.byte_len();
            phases::mark("bytes counted");
            let mut into = IntoArray { array: Uint8Array::new_with_length(byte_len(len)), at: 0 };
            part.write(&mut into);
            phases::mark(format!("bytes written ({:.1} MiB)", len as f64 / (1 << 20) as f64));
            drop(part);
            phases::mark("table dropped");
            into.array
        }
        None => Uint8Array::new_with_length(0),
    };
    let bytes = part.buffer();
    phases::mark("posting");
    post_to_coordinator(&FromPart::Read { memory: wasm_memory(), phases: phases::take() }, Some(&bytes), passed);
    Ok(())
}

/// A length of a JavaScript array: a part's bytes come from a wasm32 table, well below 4 GiB.
pub(super) fn byte_len(len: usize) -> u32 {
    u32::try_from(len).expect("a part's bytes fit a wasm32 address space")
}

/// A part's bytes written straight into the JavaScript array posted (in blocks of 64 KiB); the
/// archive worker's files too.
pub(super) struct IntoArray {
    pub(super) array: Uint8Array,
    pub(super) at: u32,
}

impl Sink for IntoArray {
    fn write(&mut self, bytes: &[u8]) {
        let end = self.at + byte_len(bytes.len());
        self.array.subarray(self.at, end).copy_from(bytes);
        self.at = end;
    }
}

/// A part's bytes read from the JavaScript array they came in, a block at a time; the archive
/// worker's files too.
pub(super) struct FromArray {
    pub(super) array: Uint8Array,
    pub(super) at: u32,
}

impl Source for FromArray {
    fn remaining(&self) -> usize {
        (self.array.length() - self.at) as usize
    }

    fn read(&mut self, into: &mut [u8]) {
        let end = self.at + byte_len(into.len());
        self.array.subarray(self.at, end).copy_to(into);
        self.at = end;
    }
}

/// This worker's wasm memory, in bytes: its peak, as wasm memory never shrinks.
fn wasm_memory() -> u64 {
    let buffer = Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap_or_default();
    buffer.dyn_into::<ArrayBuffer>().map_or(0, |buffer| buffer.byte_length() as u64)
}

fn js_message(err: &JsValue) -> String {
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}

/// Calls `take` with the bytes of `start..end` of `file` in slices, as `reading` says (the waits
/// for the slices summed as `parse: Blob reads`).
async fn for_each_chunk(
    file: &File,
    start: u64,
    end: u64,
    reading: Reading,
    mut take: impl FnMut(&[u8]),
) -> Result<(), String> {
    let mut slices = Slices::ahead(file, start, end, reading.slice_len, reading.read_ahead);
    loop {
        let asked = phases::now();
        let Some(read) = slices.next().await else { break };
        let (chunk, _) = read.map_err(|err| js_message(&err))?;
        phases::add("parse: Blob reads", phases::now() - asked);
        if chunk.is_empty() {
            break;
        }
        take(&chunk);
    }
    Ok(())
}

thread_local! {
    /// What the part workers said, in arrival order, and the file worker's wait for it.
    static INBOX: RefCell<Inbox> = RefCell::default();
    /// Whether a file is being read in parts: one at a time, others are read whole meanwhile.
    static BUSY: RefCell<bool> = const { RefCell::new(false) };
    /// The error handler of a stopped part worker: swallows its error (lives as long as this worker).
    static QUIET: Closure<dyn Fn(ErrorEvent)> = Closure::new(|event: ErrorEvent| event.prevent_default());
    /// The part workers started before a file needs them, by number (1 first), taken by the next
    /// file's team ([`start_spares`]).
    static SPARES: RefCell<Vec<Option<PartWorker>>> = const { RefCell::new(Vec::new()) };
}

#[derive(Default)]
struct Inbox {
    events: VecDeque<(usize, Event)>,
    /// Resolves the promise the file worker awaits for the next event.
    waiting: Option<Function>,
}

enum Event {
    /// An answer, with the part's bytes and the passes over its rows where it has them (a
    /// JavaScript string, made a Rust one only once the part worker is gone: as UTF-8 in wasm
    /// memory, which never shrinks, it would count in the workers' memory at once).
    Answer(FromPart, Option<ArrayBuffer>, Option<JsValue>),
    /// The worker stopped: a panic (its hook's message) or an error event.
    Died(String),
    /// The worker never started: its script could not be loaded (the page went offline after
    /// this worker loaded, so `tcbill-part_loader.js` was never fetched).
    NeverStarted,
}

fn deliver(index: usize, event: Event) {
    INBOX.with_borrow_mut(|inbox| inbox.events.push_back((index, event)));
    wake();
}

/// Wakes the file worker if it awaits the part workers: an event came, or a cancel.
pub(super) fn wake() {
    if let Some(resolve) = INBOX.with_borrow_mut(|inbox| inbox.waiting.take()) {
        let _ = resolve.call0(&JsValue::NULL);
    }
}

/// The next event, or `None` once woken without one (a cancel).
async fn next_event() -> Option<(usize, Event)> {
    if let Some(event) = INBOX.with_borrow_mut(|inbox| inbox.events.pop_front()) {
        return Some(event);
    }
    let woken = Promise::new(&mut |resolve, _| INBOX.with_borrow_mut(|inbox| inbox.waiting = Some(resolve)));
    let _ = JsFuture::from(woken).await;
    INBOX.with_borrow_mut(|inbox| inbox.events.pop_front())
}

/// One part worker: its handle, and its job until it says it is ready.
struct Slot {
    worker: Worker,
    ready: bool,
    queued: Option<JsValue>,
    stopped: bool,
    /// A spare's: in no team yet, so what it says reaches no file (see [`start_spares`]).
    spare: bool,
    /// It died or never started (while a spare: a team takes a fresh worker instead).
    dead: bool,
}

struct PartWorker {
    slot: Rc<RefCell<Slot>>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(ErrorEvent)>,
}

/// A part worker's script (`tcbill-part_loader.js`, beside this worker's in dist/): it waits for the
/// wasm module instead of fetching it.
const PART_LOADER: &str = "./tcbill-part_loader.js";

/// The part workers of one file; dropping it terminates every one.
struct Team {
    workers: Vec<PartWorker>,
}

impl PartWorker {
    /// Starts part worker `index` (numbered from 1: the file worker reads part 0), a spare until a
    /// team takes it.
    fn start(index: usize, spare: bool) -> Result<PartWorker, JsValue> {
        let worker = Worker::new(PART_LOADER)?;
        // This worker's own compiled module, which the part loader starts on.
        worker.post_message(&wasm_bindgen::module())?;
        let slot = Rc::new(RefCell::new(Slot {
            worker: worker.clone(),
            ready: false,
            queued: None,
            stopped: false,
            spare,
            dead: false,
        }));
        let on_message = {
            let slot = slot.clone();
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                on_part_message(index, &slot, &event.data())
            })
        };
        let on_error = {
            let slot = slot.clone();
            Closure::<dyn Fn(ErrorEvent)>::new(move |event: ErrorEvent| {
                event.prevent_default();
                let started = slot.borrow().ready;
                tell(index, &slot, if started { Event::Died(event.message()) } else { Event::NeverStarted });
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(PartWorker { slot, _on_message: on_message, _on_error: on_error })
    }

    fn terminate(&self) {
        let mut slot = self.slot.borrow_mut();
        if slot.stopped {
            return;
        }
        slot.stopped = true;
        slot.worker.set_onmessage(None);
        // A worker that died may still have its error event on its way: it must not reach
        // this worker's own scope, which the page would take for this worker dying.
        QUIET.with(|quiet| slot.worker.set_onerror(Some(quiet.as_ref().unchecked_ref())));
        slot.worker.terminate();
    }
}

/// Tells the file's team what part worker `index` said; a spare's death is only noted.
fn tell(index: usize, slot: &Rc<RefCell<Slot>>, event: Event) {
    let spare = {
        let mut slot = slot.borrow_mut();
        if matches!(event, Event::Died(_) | Event::NeverStarted) {
            slot.dead = true;
        }
        slot.spare
    };
    if !spare {
        deliver(index, event);
    }
}

/// Whether this worker is a part worker (its loader, `tcbill-part_loader.js`, says so).
pub(super) fn is_part_worker() -> bool {
    Reflect::get(&js_sys::global(), &"tcbill_part_worker".into()).is_ok_and(|said| said.is_truthy())
}

/// How many spare part workers the file worker keeps: as many as a big file's team has.
fn spares_wanted() -> usize {
    workers_for(MIN_PARALLEL_LEN, &Knobs::default()) - 1
}

/// Starts the spare part workers that are missing (see [`SPARES`]): called when the file worker
/// starts, and after each file read in parts, whose team took them. A part worker takes some
/// 0.17 s to start (a thread, the wasm instantiated, its handshake); a spare has done so before
/// the file comes, so the file's later parts are read from its start, as its first part is.
pub(super) fn start_spares() {
    let wanted = spares_wanted();
    SPARES.with_borrow_mut(|spares| {
        spares.resize_with(wanted.max(spares.len()), || None);
        for (at, spare) in spares.iter_mut().enumerate().take(wanted) {
            if spare.as_ref().is_none_or(|spare| spare.slot.borrow().dead) {
                if let Some(dead) = spare.take() {
                    dead.terminate();
                }
                *spare = PartWorker::start(at + 1, true).ok();
            }
        }
    });
}

impl Team {
    /// Starts `count` part workers, numbered from 1 (the file worker reads part 0): the spare ones
    /// where `spare` and they live, others afresh.
    fn start(count: usize, spare: bool) -> Result<Team, JsValue> {
        INBOX.with_borrow_mut(|inbox| inbox.events.clear());
        let mut spares = SPARES.with_borrow_mut(std::mem::take);
        if !spare {
            spares.drain(..).flatten().for_each(|spare| spare.terminate());
        }
        spares.resize_with(spares.len().max(count), || None);
        let workers = (1..=count)
            .map(|index| match spares[index - 1].take().filter(|spare| !spare.slot.borrow().dead) {
                Some(spare) => {
                    spare.slot.borrow_mut().spare = false;
                    Ok(spare)
                }
                None => PartWorker::start(index, false),
            })
            .collect::<Result<Vec<_>, JsValue>>();
        // Dead spares are terminated; those this team does not need stay spares.
        spares.iter_mut().for_each(|spare| {
            if spare.as_ref().is_some_and(|spare| spare.slot.borrow().dead) {
                spare.take().expect("a dead spare").terminate();
            }
        });
        SPARES.with_borrow_mut(|kept| *kept = spares);
        let workers = workers?;
        set_global("tcbill_parts_live", &JsValue::from(workers.len() as f64));
        Ok(Team { workers })
    }

    /// Gives part worker `index` its job, on `file`, as soon as it listens.
    fn send(&self, index: usize, job: &Job, file: &File) {
        let json = serde_json::to_string(job).expect("jobs always serialise");
        let message = message(JOB, json, &[("file", file)]);
        let mut slot = self.workers[index - 1].slot.borrow_mut();
        if slot.ready {
            let _ = slot.worker.post_message(&message);
        } else {
            slot.queued = Some(message);
        }
    }

    /// Terminates part worker `index`, releasing its memory.
    fn stop(&self, index: usize) {
        self.workers[index - 1].terminate();
        let live = self.workers.iter().filter(|worker| !worker.slot.borrow().stopped).count();
        set_global("tcbill_parts_live", &JsValue::from(live as f64));
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        (1..=self.workers.len()).for_each(|index| self.stop(index));
        INBOX.with_borrow_mut(|inbox| inbox.events.clear());
        // Spares for the next big file, started while this worker builds the report.
        start_spares();
    }
}

/// Sets `self.NAME`: what the end-to-end tests and the benchmark read of the part workers
/// (`tcbill_parts_live`: how many are running; `tcbill_parts_last`: the last file read in parts,
/// its number of parts, whether they joined, each part worker's peak wasm memory in bytes, and
/// this worker's while any of them lived).
fn set_global(name: &str, value: &JsValue) {
    let _ = Reflect::set(&js_sys::global(), &name.into(), value);
}

/// Records what the last file read in parts came to (see [`set_global`]).
fn record_last(parts: usize, joined: bool, collected: &Collected) {
    let last = Object::new();
    let memory: Array = collected.memory.iter().map(|&bytes| JsValue::from(bytes as f64)).collect();
    let own_memory = JsValue::from(collected.memory_while_parts_lived as f64);
    for (key, value) in [
        ("parts", JsValue::from(parts as f64)),
        ("joined", joined.into()),
        ("memory", memory.into()),
        ("memory_while_parts_lived", own_memory),
    ] {
        let _ = Reflect::set(&last, &key.into(), &value);
    }
    set_global("tcbill_parts_last", &last);
}

/// A part worker's message: its handshake and its panic as any worker says them
/// ([`FromWorker::to_js`]), its answers under [`FROM_PART`].
fn on_part_message(index: usize, slot: &Rc<RefCell<Slot>>, data: &JsValue) {
    if let Some(said) = Handshake::from_js(data) {
        match said {
            Some(Handshake::Ready) => {
                let mut slot = slot.borrow_mut();
                slot.ready = true;
                if let Some(job) = slot.queued.take() {
                    let _ = slot.worker.post_message(&job);
                }
            }
            Some(Handshake::Crashed { message }) => tell(index, slot, Event::Died(message)),
            None => {}
        }
        return;
    }
    let answer = field(data, FROM_PART).and_then(|json| serde_json::from_str(&json.as_string()?).ok());
    match answer {
        Some(answer) => {
            let bytes = field(data, BYTES).and_then(|bytes| bytes.dyn_into().ok());
            let pass = field(data, PASS);
            deliver(index, Event::Answer(answer, bytes, pass));
        }
        None => tell(index, slot, Event::Died("an unknown message from a part worker".to_owned())),
    }
}

/// How many workers read a file of `size` bytes: one (read whole) below the threshold.
fn workers_for(size: u64, knobs: &Knobs) -> usize {
    if size < knobs.min_len.unwrap_or(MIN_PARALLEL_LEN) {
        return 1;
    }
    let cores = Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"hardwareConcurrency".into()))
        .ok()
        .and_then(|cores| cores.as_f64())
        .map_or(1, |cores| cores as usize);
    knobs.workers.unwrap_or(cores).clamp(1, MAX_WORKERS)
}

/// Reads `file` in parts on several workers when it pays (see the module's documentation),
/// telling `report` how it goes; the page has been told of a cancel or a failure.
///
/// `pass` (the report's breakdowns) asks each worker for the passes over its part's rows too:
/// only where the file will be the report's only one, the one case the report takes them in.
pub(super) async fn parse_in_parts(
    id: FileId,
    file: &File,
    pass: Option<Vec<Vec<Dimension>>>,
    report: &dyn Fn(FromWorker<'static>),
) -> InParts {
    let knobs = Knobs::read();
    let size = file.size() as u64;
    let workers = workers_for(size, &knobs);
    if workers < 2 || BUSY.with_borrow(|busy| *busy) {
        return InParts::Whole;
    }
    BUSY.with_borrow_mut(|busy| *busy = true);
    let outcome = coordinate(id, file, size, workers, &knobs, pass, report).await;
    BUSY.with_borrow_mut(|busy| *busy = false);
    match outcome {
        Ok(Some((parsed, pass))) => InParts::Parsed(parsed, pass),
        Ok(None) => InParts::Whole,
        Err(Stop::Cancelled) => {
            report(FromWorker::Cancelled { id });
            InParts::Stopped
        }
        Err(Stop::Failed(message)) => {
            report(FromWorker::Unreadable { id, message });
            InParts::Stopped
        }
        Err(Stop::NoPartWorkers) => InParts::Whole,
    }
}

enum Stop {
    Cancelled,
    Failed(String),
    /// A part worker could not be started: the file is read whole by this worker instead.
    NoPartWorkers,
}

fn cancelled(id: FileId) -> Result<(), Stop> {
    match take_cancel(id) {
        true => Err(Stop::Cancelled),
        false => Ok(()),
    }
}

fn unreadable(err: JsValue) -> Stop {
    Stop::Failed(js_message(&err))
}

/// What the part workers have handed in so far: their progress, their parts (kept as the
/// `ArrayBuffer`s they came in, outside wasm memory, until their turn to be joined) and their
/// wasm memory.
struct Collected {
    bytes: Vec<u64>,
    rows: Vec<u64>,
    parts: Vec<Option<ArrayBuffer>>,
    /// The passes over each part's rows, as they came (JSON, a JavaScript string).
    passes: Vec<Option<JsValue>>,
    memory: Vec<u64>,
    /// This worker's wasm memory when the last part worker's part arrived: the most it held while
    /// any part worker lived (wasm memory only grows), for the benchmark's peak of all at once.
    memory_while_parts_lived: u64,
}

impl Collected {
    fn new(parts: usize) -> Self {
        Collected {
            bytes: vec![0; parts],
            rows: vec![0; parts],
            parts: vec![None; parts],
            passes: vec![None; parts],
            memory: Vec::new(),
            memory_while_parts_lived: 0,
        }
    }

    fn take(&mut self, team: &Team, (index, event): (usize, Event)) -> Result<(), Stop> {
        match event {
            Event::Answer(FromPart::Progress { bytes_read, rows_read }, ..) => {
                self.bytes[index] = bytes_read;
                self.rows[index] = rows_read;
            }
            Event::Answer(FromPart::Read { memory, phases: theirs }, Some(bytes), pass) => {
                phases::mark(format!("part {index} arrived"));
                phases::merge(&format!("part {index}"), theirs);
                team.stop(index);
                self.memory.push(memory);
                self.memory_while_parts_lived = wasm_memory();
                self.parts[index] = Some(bytes);
                self.passes[index] = pass;
            }
            event => failed(index, event)?,
        }
        Ok(())
    }

    fn report(&self, id: FileId, report: &dyn Fn(FromWorker<'static>)) {
        let bytes_read = self.bytes.iter().sum();
        let rows_read = self.rows.iter().sum();
        report(FromWorker::Progress { id, bytes_read, rows_read });
    }
}

/// The file read in parts, with the passes over its rows `pass` asks for; `Ok(None)` where it
/// must be read whole.
async fn coordinate(
    id: FileId,
    file: &File,
    size: u64,
    workers: usize,
    knobs: &Knobs,
    pass: Option<Vec<Vec<Dimension>>>,
    report: &dyn Fn(FromWorker<'static>),
) -> Result<Option<(ParsedFile, Option<RowsPass>)>, Stop> {
    let name = file.name();
    phases::mark("reading in parts");
    let head = read_range(file, 0, SNIFF_LEN as u64).await.map_err(unreadable)?;
    let Some(plan) = TextParts::plan(&name, &head) else { return Ok(None) };
    let team = Team::start(workers - 1, knobs.spare.unwrap_or(true)).map_err(|_| Stop::NoPartWorkers)?;
    let first_share = knobs.first_share.map(|share| share.clamp(0.05, 0.95));
    let starts = part_starts(file, size, workers, first_share).await.map_err(unreadable)?;
    phases::mark("parts start found");
    let part_end = |index: usize| starts.get(index + 1).copied().unwrap_or(size);
    let last = starts.len() - 1;
    let reading = knobs.reading();
    for (index, &start) in starts.iter().enumerate().skip(1) {
        let crash_drill = knobs.crash_drill && index == last;
        let ends_file = index == last;
        let job = Job { start, end: part_end(index), ends_file, crash_drill, pass: pass.clone(), reading };
        team.send(index, &job, file);
    }
    (starts.len()..workers).for_each(|index| team.stop(index));

    // Part 0 here, while the part workers read theirs.
    let mut collected = Collected::new(starts.len());
    let mut reader = plan.first_part();
    let mut slices = Slices::ahead(file, 0, part_end(0), reading.slice_len, reading.read_ahead);
    loop {
        let asked = phases::now();
        let Some(read) = slices.next().await else { break };
        let (chunk, at) = read.map_err(unreadable)?;
        phases::add("parse: Blob reads", phases::now() - asked);
        cancelled(id)?;
        phases::timed("parse", || working_on(id, || reader.feed(&chunk)));
        while let Some(event) = INBOX.with_borrow_mut(|inbox| inbox.events.pop_front()) {
            collected.take(&team, event)?;
        }
        collected.bytes[0] = at;
        collected.rows[0] = reader.rows_read();
        collected.report(id, report);
    }
    let refused = |collected: &Collected| {
        record_last(starts.len(), false, collected);
        Ok(None)
    };
    phases::mark("parsed");
    let first = working_on(id, || reader.finish(last == 0));
    phases::mark("finished");
    // The passes over this part's rows while the part workers make theirs; the daily costs, most
    // of a pass's memory, once they are gone (see `RowsPass::without_daily`).
    let mut first_rows = 0;
    let mut passed = pass.and_then(|breakdowns| {
        let options = ReportOptions { breakdowns, ..ReportOptions::default() };
        let table = first.table()?;
        first_rows = table.row_count();
        Some(working_on(id, || RowsPass::without_daily(&name, table, 0..first_rows, &options)))
    });
    phases::mark("rows passed");
    let Some(mut joined) = working_on(id, || PartJoin::start(first)) else {
        return refused(&collected);
    };
    for index in 1..starts.len() {
        let bytes = loop {
            if let Some(bytes) = collected.parts[index].take() {
                break FromArray { array: Uint8Array::new(&bytes), at: 0 };
            }
            cancelled(id)?;
            if let Some(event) = next_event().await {
                collected.take(&team, event)?;
                collected.report(id, report);
            }
        };
        phases::mark(format!("joining part {index}"));
        let lines_before = joined.lines_before_next();
        match working_on(id, || joined.then_read(bytes)) {
            Some(more) => joined = more,
            None => return refused(&collected),
        }
        phases::mark(format!("joined part {index}"));
        let theirs = collected.passes[index]
            .take()
            .and_then(|json| json.as_string())
            .and_then(|json| RowsPass::from_json(&json));
        passed = match (passed, theirs) {
            (Some(mut passed), Some(theirs)) => {
                working_on(id, || passed.merge(theirs, lines_before));
                Some(passed)
            }
            _ => None,
        };
        phases::mark(format!("rows passed merged, part {index}"));
    }
    record_last(starts.len(), true, &collected);
    let file = working_on(id, || joined.finish(&name));
    phases::mark("file finished");
    if let Some(passed) = &mut passed {
        working_on(id, || passed.read_daily(&file.table, 0..first_rows));
        phases::mark("daily costs of part 0 read");
    }
    Ok(Some((file, passed)))
}

/// A part worker said something other than what the file worker waits for: it died, could not
/// read the file, or answered out of turn.
fn failed(index: usize, event: Event) -> Result<(), Stop> {
    let message = match event {
        Event::NeverStarted => return Err(Stop::NoPartWorkers),
        Event::Died(message) => format!("part worker {index} stopped: {message}"),
        Event::Answer(FromPart::Unreadable { message }, ..) => message,
        Event::Answer(answer, ..) => format!("part worker {index} answered out of turn: {answer:?}"),
    };
    Err(Stop::Failed(message))
}

/// Where each part starts, as the CLI finds them (core's [`PartStarts`]): a few bytes read at
/// each cut; equal stretches, or part 0 `first_share` of the file and the others the rest equally.
async fn part_starts(file: &File, size: u64, parts: usize, first_share: Option<f64>) -> Result<Vec<u64>, JsValue> {
    let mut starts = match first_share {
        Some(share) => {
            let first = (size as f64 * share) as u64;
            let rest = (size - first) as f64 / (parts - 1) as f64;
            PartStarts::at_cuts(size, (0..parts - 1).map(|part| first + (rest * part as f64) as u64).collect())
        }
        None => PartStarts::new(size, parts),
    };
    while let Some(at) = starts.wanted() {
        starts.feed(&read_range(file, at, at + START_WINDOW as u64).await?);
    }
    Ok(starts.into_starts())
}
