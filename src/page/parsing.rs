//! The page's handle on the parsing worker, which it restarts when the worker dies.
//!
//! Release builds abort on a panic, and a trap leaves the worker's wasm unusable, taking every
//! parsed table with it. The page keeps the `File` handle of every file the worker holds (dropped
//! ones, and each pulled entry, which the worker hands back as a `File`), so when the worker
//! crashes the page marks the file it was on as failed, starts a fresh worker and feeds it the
//! others again: one bad file costs only itself.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};
use yew::Callback;

use crate::protocol::{FileId, FromWorker, Request, ToWorker};

/// The worker's loader script, written by Trunk next to `index.html` (`data-loader-shim`).
/// Relative, so the app works from any sub-path.
const WORKER_URL: &str = "./tcbill-worker_loader.js";

/// Owns the worker; dropping it stops the worker.
pub struct ParsingWorker {
    state: Rc<RefCell<State>>,
}

struct State {
    worker: Wired,
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
}

/// A worker and the handlers it calls, which live as long as it does.
struct Wired {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(ErrorEvent)>,
}

impl std::ops::Deref for Wired {
    type Target = Worker;

    fn deref(&self) -> &Worker {
        &self.worker
    }
}

impl ParsingWorker {
    /// Starts the worker; `on_report` receives everything it says about files, and
    /// [`FromWorker::Crashed`] when it died (a fresh one is then already starting).
    pub fn start(on_report: Callback<FromWorker<'static>>) -> Result<Self, JsValue> {
        let state = Rc::new_cyclic(|weak: &Weak<RefCell<State>>| {
            RefCell::new(State {
                worker: spawn(weak.clone()),
                held: Some(Vec::new()),
                files: Vec::new(),
                bandwidth: None,
                last_file: None,
                rebuild_after_each_file: false,
                on_report,
            })
        });
        let started = state.borrow().worker.is_object();
        started.then_some(ParsingWorker { state }).ok_or_else(|| "the worker script did not load".into())
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
            None => post(&state.worker, &message),
        }
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
    let on_error = Closure::<dyn Fn(ErrorEvent)>::new(move |event: ErrorEvent| {
        // The worker is dead; what it threw is for this handler, not the console.
        event.prevent_default();
        if let Some(state) = state.upgrade() {
            let id = state.borrow().last_file;
            restart(&state, id, event.message());
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
            let mut state = state.borrow_mut();
            for message in state.held.take().unwrap_or_default() {
                post(&state.worker, &message);
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

/// Replaces the dead worker by a fresh one fed every file but `crashed`, and tells the page.
fn restart(state: &Rc<RefCell<State>>, crashed: Option<FileId>, message: String) {
    let on_report = {
        let mut current = state.borrow_mut();
        current.worker.set_onmessage(None);
        current.worker.set_onerror(None);
        current.worker.terminate();
        let worker = spawn(Rc::downgrade(state));
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
            held: Some(held),
            files: std::mem::take(&mut current.files),
            bandwidth: current.bandwidth.take(),
            last_file: None,
            rebuild_after_each_file,
            on_report: current.on_report.clone(),
        };
        current.on_report.clone()
    };
    on_report.emit(FromWorker::Crashed { id: crashed, message });
}

fn post(worker: &Worker, message: &ToWorker) {
    if let Err(err) = worker.post_message(&message.to_js()) {
        web_sys::console::error_1(&err);
    }
}

impl Drop for ParsingWorker {
    fn drop(&mut self) {
        self.state.borrow().worker.terminate();
    }
}
