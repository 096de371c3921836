//! What the page knows: the URL-kept view state, the loaded-files reducer, and its typed reading
//! of the report the worker sends. Views read these; only the app component changes them.

pub mod loaded_files;
pub mod report_view;
pub mod view_state;
