//! How bills come in and what became of them: drop zone, *Fetch from API* form, the built-in
//! sample, and the Files tab's table.

pub(crate) mod drop_zone;
pub(crate) mod fetch_panel;
pub mod file_table;
pub(crate) mod sample;
