//! When each step of a file's way through the workers happened, for the benchmark
//! (`bench/browser.mjs` prints them against the drop): instants as wall-clock milliseconds
//! (`Date.now()`, the one clock every worker and the page share), and time summed over many steps
//! (the waits for `Blob` slices, the parsing of them). A part worker's steps travel to the file's
//! worker with its answers. Nothing here decides anything; it costs a clock read per step.

use std::cell::RefCell;

use js_sys::{Array, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// What was recorded: instants and sums, each with its label.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Phases {
    /// `(label, wall-clock ms)`, in the order they happened in this worker.
    pub marks: Vec<(String, f64)>,
    /// `(label, ms)`: time summed over many steps.
    pub sums: Vec<(String, f64)>,
}

thread_local! {
    static PHASES: RefCell<Phases> = RefCell::default();
}

/// Wall-clock milliseconds (the same clock in every worker and the page).
pub(super) fn now() -> f64 {
    js_sys::Date::now()
}

/// Forgets what was recorded: a file starts.
pub(super) fn clear() {
    PHASES.with_borrow_mut(|phases| *phases = Phases::default());
}

/// Records that `label` happened now.
pub(super) fn mark(label: impl Into<String>) {
    let at = now();
    PHASES.with_borrow_mut(|phases| phases.marks.push((label.into(), at)));
}

/// Adds `ms` to the sum called `label`.
pub(super) fn add(label: &str, ms: f64) {
    PHASES.with_borrow_mut(|phases| match phases.sums.iter_mut().find(|(name, _)| name == label) {
        Some((_, sum)) => *sum += ms,
        None => phases.sums.push((label.to_owned(), ms)),
    });
}

/// Runs `work`, adding its time to the sum called `label`.
pub(super) fn timed<T>(label: &str, work: impl FnOnce() -> T) -> T {
    let start = now();
    let result = work();
    add(label, now() - start);
    result
}

/// What was recorded, taken (a part worker sends it with its answer).
pub(super) fn take() -> Phases {
    PHASES.with_borrow_mut(std::mem::take)
}

/// Adds a part worker's record, its labels prefixed with `who`.
pub(super) fn merge(who: &str, theirs: Phases) {
    PHASES.with_borrow_mut(|phases| {
        phases.marks.extend(theirs.marks.into_iter().map(|(label, at)| (format!("{who}: {label}"), at)));
        phases.sums.extend(theirs.sums.into_iter().map(|(label, ms)| (format!("{who}: {label}"), ms)));
    });
}

/// Sets `self.tcbill_phases = {marks: [[label, ms], ...], sums: [[label, ms], ...]}`, which the
/// benchmark reads.
pub(super) fn publish() {
    let pairs = |list: &[(String, f64)]| -> Array {
        list.iter().map(|(label, value)| Array::of2(&JsValue::from_str(label), &JsValue::from(*value))).collect()
    };
    let (marks, sums) = PHASES.with_borrow(|phases| (pairs(&phases.marks), pairs(&phases.sums)));
    let record = js_sys::Object::new();
    let _ = Reflect::set(&record, &"marks".into(), &marks);
    let _ = Reflect::set(&record, &"sums".into(), &sums);
    let _ = Reflect::set(&js_sys::global(), &"tcbill_phases".into(), &record);
}
