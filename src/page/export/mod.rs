//! What leaves the page as a file or on the clipboard: downloads and chart PNGs, made in the
//! browser without a server.

pub(crate) mod download;
pub(crate) mod png;
