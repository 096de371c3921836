//! The bottom layer: the values every other layer reads and writes, and nothing that decides
//! anything about a file. Exact numbers and Beijing times as cells hold them, diagnostics, what
//! kind a file is, the columnar table (with its string interner) and the parsed file that bundles
//! them. It imports no other layer.

pub mod diagnostic;
pub mod kind;
pub mod number;
pub mod parsed_file;
pub mod table;
pub mod time;
