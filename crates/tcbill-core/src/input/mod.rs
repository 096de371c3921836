//! Reading files: bytes in, [`ParsedFile`](crate::model::parsed_file::ParsedFile)s out.
//!
//! Each module uses only those listed before it (`tests/layers.rs` checks the order):
//! `decode` (text encodings), `record_scan` (a broken quote's extent) and `simple_record` (the
//! fast path of CSV splitting) know nothing of bills;
//! `rows` turns records into table rows by a schema, whatever the container; `csv` splits
//! delimited text into records as it streams in; `json` reads API responses; `sniff` tells a
//! file's container and kind from its first bytes; `xlsx` reads workbooks; `parser` is the entry
//! point, buffering what must be read whole and unpacking ZIPs into a parser per member (`xlsx`
//! and the unpacking only with the `archive` feature), and hands parsed files between workers; `parts`
//! reads one big CSV file in parts on several cores, with the result of reading it whole.

mod csv;
mod decode;
mod json;
pub mod parser;
pub mod parts;
mod record_scan;
mod rows;
mod simple_record;
pub mod sniff;
#[cfg(feature = "archive")]
mod xlsx;

#[cfg(feature = "encoding_rs")]
pub use decode::encoding_rs_gb18030;
pub use decode::{set_gb18030_decoder, Gb18030Decode};
pub use parser::{
    files_byte_len, files_from_bytes, files_to_bytes, parse_file, read_files, write_files, Parser,
    Progress, MAX_WHOLE_FILE,
};
pub use sniff::{detect_kind, is_archive};

/// How many leading bytes of a file [`detect_kind`] needs to decide.
pub const SNIFF_LEN: usize = 64 * 1024;
