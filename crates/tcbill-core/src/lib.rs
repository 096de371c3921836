//! tcbill's pure logic: reading Tencent Cloud billing exports and analysing them.
//!
//! Architecture invariant: this crate never does IO of its own and never depends on
//! `web-sys`/`wasm-bindgen`. Callers (the web app, the CLI) hand it bytes; it hands back
//! values. Money and usage are never `f64`.

pub mod detect;
