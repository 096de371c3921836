//! tcbill's web front end: a Yew single-page app over `tcbill-core`.
//!
//! Everything here is presentation and browser plumbing (drag-and-drop, reading `File`s).
//! What a file *means* is decided by `tcbill-core`, so the same answers come out of the CLI.

mod app;
mod drop_zone;
pub mod file_read;
mod file_table;
pub mod loaded_files;
mod sample;

pub use app::App;
