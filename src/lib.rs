//! tcbill's web front end: a Yew single-page app over `tcbill-core`.
//!
//! Everything here is presentation and browser plumbing: drag-and-drop, the parsing Web Worker
//! that reads `File`s a slice at a time, and rendering what it reports.
//! What a file *means* is decided by `tcbill-core`, so the same answers come out of the CLI.

mod api_fetch;
mod app;
mod download;
mod drop_zone;
mod fetch_panel;
pub mod file_read;
pub mod file_table;
pub mod i18n;
pub mod loaded_files;
pub mod money;
mod parsing;
mod png;
pub mod protocol;
pub mod proxy_url;
pub mod report_view;
mod sample;
pub mod view_state;
pub mod views;
pub mod worker;

pub use app::App;
