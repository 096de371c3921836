//! tcbill's web front end: a Yew single-page app over `tcbill-core`.
//!
//! Everything here is presentation and browser plumbing: drag-and-drop, the parsing Web Worker
//! that reads `File`s a slice at a time, and rendering what it reports.
//! What a file *means* is decided by `tcbill-core`, so the same answers come out of the CLI.
//!
//! Two sides: [`page`] (the UI, `src/main.rs`) and [`worker`] (parsing and analysis,
//! `src/bin/tcbill-worker.rs`, with ZIP and XLSX files read by a third binary,
//! `src/bin/tcbill-archive.rs`, which the parsing worker starts when it needs it). Page and worker
//! share nothing at run time but the messages of [`protocol`].

pub mod page;
pub mod protocol;
pub mod worker;

pub use page::App;
