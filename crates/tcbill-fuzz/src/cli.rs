//! The CLI's Parquet reader and writer, compiled from its own source files.
//!
//! tcbill-cli is a binary without a library target, so its modules cannot be imported. Including
//! the files keeps one copy of the code: the fuzzer exercises exactly what `tcbill` runs. The price
//! is that this crate must depend on whatever those files use (parquet, rust_decimal, core).

#[path = "../../tcbill-cli/src/export.rs"]
pub(crate) mod export;
#[path = "../../tcbill-cli/src/panics.rs"]
pub(crate) mod panics;
#[path = "../../tcbill-cli/src/parquet_input.rs"]
pub(crate) mod parquet_input;
