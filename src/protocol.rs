//! Messages between the page and the parsing worker.
//!
//! Page → worker messages carry a `File` handle (structured clone copies the handle, not the
//! bytes), so they are plain JS objects. Worker → page messages are summaries only (the parsed
//! rows stay in the worker's wasm memory) and travel as JSON text: one string per message is
//! far cheaper than building JS objects field by field.

use js_sys::{Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::File;

/// Identifies one loaded file for the lifetime of the page.
pub type FileId = u32;

/// What the page asks of the worker.
#[derive(Debug)]
pub enum ToWorker {
    /// Read and parse this file.
    Parse { id: FileId, file: File },
    /// Stop parsing this file (answered by [`FromWorker::Cancelled`]).
    Cancel { id: FileId },
    /// Forget this file's rows.
    Remove { id: FileId },
}

impl ToWorker {
    pub fn to_js(&self) -> JsValue {
        let message = Object::new();
        let (verb, id, file) = match self {
            ToWorker::Parse { id, file } => ("parse", *id, Some(file)),
            ToWorker::Cancel { id } => ("cancel", *id, None),
            ToWorker::Remove { id } => ("remove", *id, None),
        };
        set(&message, "verb", &verb.into());
        set(&message, "id", &id.into());
        if let Some(file) = file {
            set(&message, "file", file);
        }
        message.into()
    }

    /// Decodes a message made by [`ToWorker::to_js`]; `None` for anything else.
    pub fn from_js(message: &JsValue) -> Option<ToWorker> {
        let get = |key: &str| Reflect::get(message, &key.into()).ok();
        let id = get("id")?.as_f64()? as FileId;
        match get("verb")?.as_string()?.as_str() {
            "parse" => Some(ToWorker::Parse { id, file: get("file")?.dyn_into().ok()? }),
            "cancel" => Some(ToWorker::Cancel { id }),
            "remove" => Some(ToWorker::Remove { id }),
            _ => None,
        }
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    Reflect::set(target, &key.into(), value).expect("setting a property of a fresh object");
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's wasm has loaded and it listens. A message posted before this would be
    /// dispatched while nobody listens, and lost, so the page holds its messages until then.
    Ready,
    /// Sent after every chunk.
    Progress { id: FileId, bytes_read: u64, rows_read: u64 },
    /// The file is parsed: one part per file inside it (a ZIP has several).
    Parsed { id: FileId, parts: Vec<PartSummary> },
    Cancelled { id: FileId },
    /// The browser could not read the file (deleted from disk, permission lost, ...).
    Unreadable { id: FileId, message: String },
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("worker messages always serialise")
    }

    pub fn from_json(text: &str) -> Result<FromWorker, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// What the page shows of one parsed file (or ZIP member).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartSummary {
    pub name: String,
    /// The detected kind, as a label for people.
    pub kind: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    /// Each problem as one line naming file, line and column.
    pub diagnostics: Vec<String>,
}

impl From<&tcbill_core::ParsedFile> for PartSummary {
    fn from(file: &tcbill_core::ParsedFile) -> Self {
        PartSummary {
            name: file.name.clone(),
            kind: file.kind.label().to_owned(),
            rows_read: file.rows_read(),
            rows_accepted: file.rows_accepted(),
            rows_rejected: file.rows_rejected,
            diagnostics: file.diagnostics.iter().map(ToString::to_string).collect(),
        }
    }
}
