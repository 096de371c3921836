//! The page side: the Yew component and everything it renders, running on the browser's main
//! thread. It never parses a file; it posts requests to the worker and shows what comes back.

mod app;
pub mod export;
pub mod files;
pub mod i18n;
pub mod money;
mod parsing;
mod routing;
pub mod state;
pub mod views;

pub use app::App;
