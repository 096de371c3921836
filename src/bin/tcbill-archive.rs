//! Entry point of the archive Web Worker (built by Trunk as `tcbill-archive.js`, with core's
//! `archive` feature): it reads the ZIP and XLSX files the parsing worker hands it
//! (`src/worker/archive.rs`), so their readers are not in the wasm every visit fetches.

fn main() {
    tcbill_web::worker::archive::run();
}
