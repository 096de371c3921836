//! The page's handle on the parsing worker.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

use crate::protocol::{FromWorker, ToWorker};

/// The worker's loader script, written by Trunk next to `index.html` (`data-loader-shim`).
/// Relative, so the app works from any sub-path.
const WORKER_URL: &str = "./tcbill-worker_loader.js";

/// Owns the worker; dropping it stops the worker.
pub struct ParsingWorker {
    worker: Worker,
    /// Messages waiting for [`FromWorker::Ready`]; `None` once the worker listens.
    held: Rc<RefCell<Option<Vec<ToWorker>>>>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
}

impl ParsingWorker {
    /// Starts the worker; `on_report` receives everything it says about files.
    pub fn start(on_report: Callback<FromWorker>) -> Result<Self, JsValue> {
        let worker = Worker::new(WORKER_URL)?;
        let held = Rc::new(RefCell::new(Some(Vec::new())));
        let on_message = {
            let (worker, held) = (worker.clone(), held.clone());
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                let text = event.data().as_string().unwrap_or_default();
                match FromWorker::from_json(&text) {
                    Ok(FromWorker::Ready) => {
                        for message in held.take().unwrap_or_default() {
                            post(&worker, &message);
                        }
                    }
                    Ok(report) => on_report.emit(report),
                    Err(err) => web_sys::console::error_1(&format!("tcbill: bad worker message: {err}").into()),
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(ParsingWorker { worker, held, _on_message: on_message })
    }

    pub fn send(&self, message: ToWorker) {
        match self.held.borrow_mut().as_mut() {
            Some(held) => held.push(message),
            None => post(&self.worker, &message),
        }
    }
}

fn post(worker: &Worker, message: &ToWorker) {
    if let Err(err) = worker.post_message(&message.to_js()) {
        web_sys::console::error_1(&err);
    }
}

impl Drop for ParsingWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
