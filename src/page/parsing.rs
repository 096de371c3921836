//! The page's handle on the parsing worker, which it restarts when the worker dies.
//!
//! Release builds abort on a panic, and a trap leaves the worker's wasm unusable, taking every
//! parsed table with it. The page keeps the `File` handle of every file the worker holds (dropped
//! ones, and each pulled entry, which the worker hands back as a `File`), so when the worker
//! crashes the page marks the file it was on as failed, starts a fresh worker and feeds it the
//! others again: one bad file costs only itself.
//!
//! The worker starts when it is first needed, as the archive worker does (issue #12: a first
//! visit's download): at the first sign that the user is about to hand it something (a drag
//! entering the window, a pointer press or a key press anywhere on the page), else at the first
//! message sent. A visit that reads no file never fetches the worker's script or wasm; a drop
//! follows the drag's `dragenter`, so the worker loads while the file is being dragged.
//!
//! A worker whose script cannot be fetched (a page taken offline before its first use) dies before
//! it listens. That is not a crash: a fresh worker would fail alike, so none is started; the page
//! is told (`on_load_failed`), the messages stay held, and the next sign of use tries again.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, File, MessageEvent, Window, Worker};
use yew::Callback;

use crate::protocol::{FileId, FromWorker, Request, ToWorker};

/// The worker's loader script, written by Trunk next to `index.html` (`data-loader-shim`).
/// Relative, so the app works from any sub-path.
const WORKER_URL: &str = "./tcbill-worker_loader.js";

/// Owns the worker; dropping it stops the worker.
pub struct ParsingWorker {
    state: Rc<RefCell<State>>,
}

/// The events that start the worker before anything is sent ([`ParsingWorker::start`]), listened
/// to on the window in the capture phase.
const INTENT_EVENTS: [&str; 3] = ["dragenter", "pointerdown", "keydown"];

struct State {
    /// `None` until the worker is first needed.
    worker: Option<Wired>,
    /// Starts the worker on the first of [`INTENT_EVENTS`]; kept (not dropped from within its
    /// own call) until the [`ParsingWorker`] is dropped.
    on_intent: Option<Closure<dyn Fn()>>,
    /// Messages waiting for [`FromWorker::Ready`]; `None` once the worker listens.
    held: Option<Vec<ToWorker>>,
    /// What a fresh worker is fed after a crash: each file's handle, in the order given.
    files: Vec<(FileId, File)>,
    /// The last report option set, replayed to a fresh worker.
    bandwidth: Option<Request>,
    /// The file the worker last reported on, blamed for a crash its panic hook did not name.
    last_file: Option<FileId>,
    /// A worker died while no file was being read (building the report over files read one after
    /// another names none): its successors rebuild after each file, so a crash names its file.
    rebuild_after_each_file: bool,
    on_report: Callback<FromWorker<'static>>,
    /// Told `true` when a worker could not be loaded, `false` when one starts after that.
    on_load_failed: Callback<bool>,
    load_failed: bool,
}

/// A worker and the handlers it calls, which live as long as it does.
struct Wired {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(Event)>,
}

impl std::ops::Deref for Wired {
    type Target = Worker;

    fn deref(&self) -> &Worker {
        &self.worker
    }
}

impl ParsingWorker {
    /// The page's handle on the worker, which starts at the first sign of use (module doc);
    /// `on_report` receives everything it says about files, and [`FromWorker::Crashed`] when it
    /// died (a fresh one is then already starting); `on_load_failed` whether it could not be loaded.
    pub fn start(on_report: Callback<FromWorker<'static>>, on_load_failed: Callback<bool>) -> Self {
        let state = Rc::new_cyclic(|weak: &Weak<RefCell<State>>| {
            let weak = weak.clone();
            let on_intent = Closure::<dyn Fn()>::new(move || {
                if let Some(state) = weak.upgrade() {
                    wake(&state);
                }
            });
            listen_for_intent(&on_intent);
            RefCell::new(State {
                worker: None,
                on_intent: Some(on_intent),
                held: Some(Vec::new()),
                files: Vec::new(),
                bandwidth: None,
                last_file: None,
                rebuild_after_each_file: false,
                on_report,
                on_load_failed,
                load_failed: false,
            })
        });
        ParsingWorker { state }
    }

    pub fn send(&self, message: ToWorker) {
        let mut state = self.state.borrow_mut();
        match &message {
            ToWorker::Parse { id, file } => state.files.push((*id, file.clone())),
            ToWorker::Request(Request::Remove { id } | Request::Cancel { id }) => {
                state.files.retain(|(file, _)| file != id)
            }
            ToWorker::Request(request @ Request::BandwidthFromTraffic { .. }) => {
                state.bandwidth = Some(request.clone())
            }
            ToWorker::Request(_) => {}
        }
        match state.held.as_mut() {
            Some(held) => held.push(message),
            None => post(state.worker.as_ref(), &message),
        }
        drop(state);
        wake(&self.state);
    }
}

/// Starts the worker unless it runs, and stops listening for [`INTENT_EVENTS`]. The messages sent
/// so far wait in `held` for its [`FromWorker::Ready`].
fn wake(state: &Rc<RefCell<State>>) {
    let mut current = state.borrow_mut();
    if current.worker.is_some() {
        return;
    }
    current.worker = Some(spawn(Rc::downgrade(state)));
    stop_listening(&current);
}

fn listen_for_intent(on_intent: &Closure<dyn Fn()>) {
    if let Some(window) = web_sys::window() {
        for event in INTENT_EVENTS {
            let _ = window.add_event_listener_with_callback_and_bool(event, on_intent.as_ref().unchecked_ref(), true);
        }
    }
}

fn stop_listening(state: &State) {
    if let (Some(window), Some(on_intent)) = (web_sys::window(), state.on_intent.as_ref()) {
        remove_listeners(&window, on_intent);
    }
}

fn remove_listeners(window: &Window, on_intent: &Closure<dyn Fn()>) {
    for event in INTENT_EVENTS {
        let _ = window.remove_event_listener_with_callback_and_bool(event, on_intent.as_ref().unchecked_ref(), true);
    }
}

/// A new worker wired to `state`: its handlers hold `state` weakly, so dropping the
/// [`ParsingWorker`] frees everything.
fn spawn(state: Weak<RefCell<State>>) -> Wired {
    let worker = Worker::new(WORKER_URL).unwrap_or_else(|err| {
        web_sys::console::error_1(&err);
        JsValue::UNDEFINED.unchecked_into()
    });
    let on_message = {
        let state = state.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(state) = state.upgrade() {
                on_message(&state, event.data());
            }
        })
    };
    let on_error = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        // The worker is dead; what it threw is for this handler, not the console.
        event.prevent_default();
        let Some(state) = state.upgrade() else { return };
        let listened = state.borrow().held.is_none();
        // A script that could not be fetched is a plain `Event`, with no message.
        match event.dyn_ref::<ErrorEvent>().map(ErrorEvent::message) {
            Some(message) if listened => {
                let id = state.borrow().last_file;
                restart(&state, id, message);
            }
            _ => not_loaded(&state),
        }
    });
    if worker.is_object() {
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    }
    Wired { worker, _on_message: on_message, _on_error: on_error }
}

fn on_message(state: &Rc<RefCell<State>>, data: JsValue) {
    // A pulled entry handed back as a file, kept for a restart.
    if let Some((id, file)) = ToWorker::parse_from_js(&data) {
        state.borrow_mut().files.push((id, file));
        return;
    }
    let report = match FromWorker::from_js(&data) {
        Ok(report) => report,
        Err(err) => return web_sys::console::error_1(&format!("tcbill: bad worker message: {err}").into()),
    };
    match report {
        FromWorker::Ready => {
            let on_load_failed = {
                let mut state = state.borrow_mut();
                for message in state.held.take().unwrap_or_default() {
                    post(state.worker.as_ref(), &message);
                }
                std::mem::take(&mut state.load_failed).then(|| state.on_load_failed.clone())
            };
            if let Some(on_load_failed) = on_load_failed {
                on_load_failed.emit(false);
            }
        }
        FromWorker::Crashed { id, message } => restart(state, id, message),
        report => {
            let on_report = {
                let mut state = state.borrow_mut();
                if let FromWorker::Progress { id, .. } | FromWorker::Parsed { id, .. } = report {
                    state.last_file = Some(id);
                }
                state.on_report.clone()
            };
            // Not borrowed: the page may send a request while it handles the report.
            on_report.emit(report);
        }
    }
}

/// Stops a dead worker, deaf to anything it still sends.
fn stop(dead: &Worker) {
    dead.set_onmessage(None);
    dead.set_onerror(None);
    dead.terminate();
}

/// A worker that died before it listened: none is started in its place (one would fail alike);
/// the messages stay held, the page is told, and the next sign of use (or message) tries again.
fn not_loaded(state: &Rc<RefCell<State>>) {
    let on_load_failed = {
        let mut current = state.borrow_mut();
        if let Some(dead) = current.worker.take() {
            stop(&dead);
        }
        if let Some(on_intent) = current.on_intent.as_ref() {
            listen_for_intent(on_intent);
        }
        current.load_failed = true;
        current.on_load_failed.clone()
    };
    on_load_failed.emit(true);
}

/// Replaces the dead worker by a fresh one fed every file but `crashed`, and tells the page.
fn restart(state: &Rc<RefCell<State>>, crashed: Option<FileId>, message: String) {
    let on_report = {
        let mut current = state.borrow_mut();
        if let Some(dead) = current.worker.as_ref() {
            stop(dead);
        }
        let worker = Some(spawn(Rc::downgrade(state)));
        current.files.retain(|(id, _)| Some(*id) != crashed);
        let rebuild_after_each_file = current.rebuild_after_each_file || crashed.is_none();
        let mut held: Vec<ToWorker> = rebuild_after_each_file
            .then_some(ToWorker::Request(Request::RebuildAfterEachFile))
            .into_iter()
            .chain(current.files.iter().map(|(id, file)| ToWorker::Parse { id: *id, file: file.clone() }))
            .collect();
        held.extend(current.bandwidth.clone().map(ToWorker::Request));
        *current = State {
            worker,
            on_intent: current.on_intent.take(),
            held: Some(held),
            files: std::mem::take(&mut current.files),
            bandwidth: current.bandwidth.take(),
            last_file: None,
            rebuild_after_each_file,
            on_report: current.on_report.clone(),
            on_load_failed: current.on_load_failed.clone(),
            load_failed: current.load_failed,
        };
        current.on_report.clone()
    };
    on_report.emit(FromWorker::Crashed { id: crashed, message });
}

fn post(worker: Option<&Wired>, message: &ToWorker) {
    let Some(worker) = worker else { return };
    if let Err(err) = worker.post_message(&message.to_js()) {
        web_sys::console::error_1(&err);
    }
}

impl Drop for ParsingWorker {
    fn drop(&mut self) {
        let state = self.state.borrow();
        stop_listening(&state);
        if let Some(worker) = state.worker.as_ref() {
            worker.terminate();
        }
    }
}
