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
use tcbill_core::input::parts::{PartJoin, PartStarts, Sink, Source, TextParts, START_WINDOW};
use tcbill_core::{ParsedFile, SNIFF_LEN};
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
/// part's worker panic as a bug would. The app never sets them.
#[derive(Default, Deserialize)]
struct Knobs {
    min_len: Option<u64>,
    workers: Option<usize>,
    #[serde(default)]
    crash_drill: bool,
}

impl Knobs {
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
    Parsed(ParsedFile),
    /// Not read in parts (too small, not UTF-8 CSV with its header in its head, a cut refused):
    /// read it whole.
    Whole,
    /// Cancelled, or failed; the page has been told.
    Stopped,
}

/// What the file worker asks of a part worker (with the `File` beside it): parse bytes
/// `start..end`, a later part of the file (its lines counted from its start); `ends_file` for
/// the last part.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Job {
    start: u64,
    end: u64,
    ends_file: bool,
    crash_drill: bool,
}

/// What a part worker answers (a part's bytes ride beside it, transferred).
#[derive(Debug, Serialize, Deserialize)]
enum FromPart {
    Progress {
        bytes_read: u64,
        rows_read: u64,
    },
    /// The part's bytes are in the message's `bytes`; `memory` is the worker's wasm memory at
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

fn message(key: &str, json: String, extra: Option<(&str, &JsValue)>) -> JsValue {
    let message = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&message, &key.into(), value).expect("setting a property of a fresh object");
    };
    set(key, &json.into());
    if let Some((key, value)) = extra {
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

fn post_to_coordinator(answer: &FromPart, bytes: Option<&ArrayBuffer>) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let json = serde_json::to_string(answer).expect("part answers always serialise");
    let posted = match bytes {
        Some(bytes) => {
            scope.post_message_with_transfer(&message(FROM_PART, json, Some((BYTES, bytes))), &Array::of1(bytes))
        }
        None => scope.post_message(&message(FROM_PART, json, None)),
    };
    posted.expect("posting to the file's worker");
}

/// A part worker's side: does `job` on `file` and answers.
pub(super) async fn work(job: Job, file: File) {
    if let Err(message) = read_part(&file, job).await {
        post_to_coordinator(&FromPart::Unreadable { message }, None);
    }
}

/// Parses one part and posts it, progress after each slice; the bytes of a part that cannot be
/// read in parts are empty.
async fn read_part(file: &File, Job { start, end, ends_file, crash_drill }: Job) -> Result<(), String> {
    phases::mark("read job received");
    let head = read_range(file, 0, SNIFF_LEN as u64).await.map_err(|err| js_message(&err))?;
    let part = match TextParts::plan(&file.name(), &head) {
        Some(plan) => {
            let mut reader = plan.later_part();
            let mut bytes_read = 0;
            for_each_chunk(file, start, end, "parse", |chunk| {
                if crash_drill {
                    panic!("a crash drill in a part worker");
                }
                reader.feed(chunk);
                bytes_read += chunk.len() as u64;
                post_to_coordinator(&FromPart::Progress { bytes_read, rows_read: reader.rows_read() }, None);
            })
            .await?;
            phases::mark("parsed");
            let part = reader.finish(ends_file);
            phases::mark("finished");
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
    post_to_coordinator(&FromPart::Read { memory: wasm_memory(), phases: phases::take() }, Some(&bytes));
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

/// Calls `take` with the bytes of `start..end` of `file` in [`CHUNK_LEN`] slices (the time spent
/// in each summed as `step`, the waits for the slices as `step: Blob reads`).
async fn for_each_chunk(
    file: &File,
    start: u64,
    end: u64,
    step: &str,
    mut take: impl FnMut(&[u8]),
) -> Result<(), String> {
    let reads = format!("{step}: Blob reads");
    let mut slices = Slices::new(file, start, end, CHUNK_LEN);
    loop {
        let asked = phases::now();
        let Some(read) = slices.next().await else { break };
        let (chunk, _) = read.map_err(|err| js_message(&err))?;
        phases::add(&reads, phases::now() - asked);
        if chunk.is_empty() {
            break;
        }
        phases::timed(step, || take(&chunk));
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
}

#[derive(Default)]
struct Inbox {
    events: VecDeque<(usize, Event)>,
    /// Resolves the promise the file worker awaits for the next event.
    waiting: Option<Function>,
}

enum Event {
    Answer(FromPart, Option<ArrayBuffer>),
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

impl Team {
    /// Starts `count` part workers, numbered from 1 (the file worker reads part 0).
    fn start(count: usize) -> Result<Team, JsValue> {
        INBOX.with_borrow_mut(|inbox| inbox.events.clear());
        let workers = (1..=count)
            .map(|index| {
                let worker = Worker::new(PART_LOADER)?;
                // This worker's own compiled module, which the part loader starts on.
                worker.post_message(&wasm_bindgen::module())?;
                let slot =
                    Rc::new(RefCell::new(Slot { worker: worker.clone(), ready: false, queued: None, stopped: false }));
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
                        deliver(index, if started { Event::Died(event.message()) } else { Event::NeverStarted });
                    })
                };
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
                Ok(PartWorker { slot, _on_message: on_message, _on_error: on_error })
            })
            .collect::<Result<Vec<_>, JsValue>>()?;
        set_global("tcbill_parts_live", &JsValue::from(workers.len() as f64));
        Ok(Team { workers })
    }

    /// Gives part worker `index` its job, on `file`, as soon as it listens.
    fn send(&self, index: usize, job: &Job, file: &File) {
        let json = serde_json::to_string(job).expect("jobs always serialise");
        let message = message(JOB, json, Some(("file", file)));
        let mut slot = self.workers[index - 1].slot.borrow_mut();
        if slot.ready {
            let _ = slot.worker.post_message(&message);
        } else {
            slot.queued = Some(message);
        }
    }

    /// Terminates part worker `index`, releasing its memory.
    fn stop(&self, index: usize) {
        {
            let mut slot = self.workers[index - 1].slot.borrow_mut();
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
        let live = self.workers.iter().filter(|worker| !worker.slot.borrow().stopped).count();
        set_global("tcbill_parts_live", &JsValue::from(live as f64));
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        (1..=self.workers.len()).for_each(|index| self.stop(index));
        INBOX.with_borrow_mut(|inbox| inbox.events.clear());
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
            Some(Handshake::Crashed { message }) => deliver(index, Event::Died(message)),
            None => {}
        }
        return;
    }
    let answer = field(data, FROM_PART).and_then(|json| serde_json::from_str(&json.as_string()?).ok());
    match answer {
        Some(answer) => {
            let bytes = field(data, BYTES).and_then(|bytes| bytes.dyn_into().ok());
            deliver(index, Event::Answer(answer, bytes));
        }
        None => deliver(index, Event::Died("an unknown message from a part worker".to_owned())),
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
pub(super) async fn parse_in_parts(id: FileId, file: &File, report: &dyn Fn(FromWorker<'static>)) -> InParts {
    let knobs = Knobs::read();
    let size = file.size() as u64;
    let workers = workers_for(size, &knobs);
    if workers < 2 || BUSY.with_borrow(|busy| *busy) {
        return InParts::Whole;
    }
    BUSY.with_borrow_mut(|busy| *busy = true);
    let outcome = coordinate(id, file, size, workers, &knobs, report).await;
    BUSY.with_borrow_mut(|busy| *busy = false);
    match outcome {
        Ok(Some(parsed)) => InParts::Parsed(parsed),
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
            memory: Vec::new(),
            memory_while_parts_lived: 0,
        }
    }

    fn take(&mut self, team: &Team, (index, event): (usize, Event)) -> Result<(), Stop> {
        match event {
            Event::Answer(FromPart::Progress { bytes_read, rows_read }, _) => {
                self.bytes[index] = bytes_read;
                self.rows[index] = rows_read;
            }
            Event::Answer(FromPart::Read { memory, phases: theirs }, Some(bytes)) => {
                phases::mark(format!("part {index} arrived"));
                phases::merge(&format!("part {index}"), theirs);
                team.stop(index);
                self.memory.push(memory);
                self.memory_while_parts_lived = wasm_memory();
                self.parts[index] = Some(bytes);
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

/// The file read in parts; `Ok(None)` where it must be read whole.
async fn coordinate(
    id: FileId,
    file: &File,
    size: u64,
    workers: usize,
    knobs: &Knobs,
    report: &dyn Fn(FromWorker<'static>),
) -> Result<Option<ParsedFile>, Stop> {
    let name = file.name();
    phases::mark("reading in parts");
    let head = read_range(file, 0, SNIFF_LEN as u64).await.map_err(unreadable)?;
    let Some(plan) = TextParts::plan(&name, &head) else { return Ok(None) };
    let team = Team::start(workers - 1).map_err(|_| Stop::NoPartWorkers)?;
    let starts = part_starts(file, size, workers).await.map_err(unreadable)?;
    phases::mark("parts start found");
    let part_end = |index: usize| starts.get(index + 1).copied().unwrap_or(size);
    let last = starts.len() - 1;
    for (index, &start) in starts.iter().enumerate().skip(1) {
        let crash_drill = knobs.crash_drill && index == last;
        let job = Job { start, end: part_end(index), ends_file: index == last, crash_drill };
        team.send(index, &job, file);
    }
    (starts.len()..workers).for_each(|index| team.stop(index));

    // Part 0 here, while the part workers read theirs.
    let mut collected = Collected::new(starts.len());
    let mut reader = plan.first_part();
    let mut slices = Slices::new(file, 0, part_end(0), CHUNK_LEN);
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
    let Some(mut joined) = working_on(id, || PartJoin::start(reader.finish(last == 0))) else {
        return refused(&collected);
    };
    phases::mark("finished");
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
        match working_on(id, || joined.then_read(bytes)) {
            Some(more) => joined = more,
            None => return refused(&collected),
        }
        phases::mark(format!("joined part {index}"));
    }
    record_last(starts.len(), true, &collected);
    let file = working_on(id, || joined.finish(&name));
    phases::mark("file finished");
    Ok(Some(file))
}

/// A part worker said something other than what the file worker waits for: it died, could not
/// read the file, or answered out of turn.
fn failed(index: usize, event: Event) -> Result<(), Stop> {
    let message = match event {
        Event::NeverStarted => return Err(Stop::NoPartWorkers),
        Event::Died(message) => format!("part worker {index} stopped: {message}"),
        Event::Answer(FromPart::Unreadable { message }, _) => message,
        Event::Answer(answer, _) => format!("part worker {index} answered out of turn: {answer:?}"),
    };
    Err(Stop::Failed(message))
}

/// Where each part starts, as the CLI finds them (core's [`PartStarts`]): a few bytes read at
/// each cut.
async fn part_starts(file: &File, size: u64, parts: usize) -> Result<Vec<u64>, JsValue> {
    let mut starts = PartStarts::new(size, parts);
    while let Some(at) = starts.wanted() {
        starts.feed(&read_range(file, at, at + START_WINDOW as u64).await?);
    }
    Ok(starts.into_starts())
}
