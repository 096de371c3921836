//! The page's handle on the parsing worker.

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
    _on_message: Closure<dyn Fn(MessageEvent)>,
}

impl ParsingWorker {
    /// Starts the worker; `on_report` receives everything it says.
    pub fn start(on_report: Callback<FromWorker>) -> Result<Self, JsValue> {
        let worker = Worker::new(WORKER_URL)?;
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let text = event.data().as_string().unwrap_or_default();
            match FromWorker::from_json(&text) {
                Ok(report) => on_report.emit(report),
                Err(err) => web_sys::console::error_1(&format!("tcbill: bad worker message: {err}").into()),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(ParsingWorker { worker, _on_message: on_message })
    }

    pub fn send(&self, message: ToWorker) {
        if let Err(err) = self.worker.post_message(&message.to_js()) {
            web_sys::console::error_1(&err);
        }
    }
}

impl Drop for ParsingWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
