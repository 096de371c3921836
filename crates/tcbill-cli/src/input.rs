//! Reading the files named on the command line, one at a time, so that nothing one file does
//! costs the others: a Parquet file that cannot be read, or a panic anywhere in reading a file (a
//! bug in tcbill or in a library it uses), becomes one error diagnostic on that file, shown with
//! the other files' diagnostics, and the run goes on. A big CSV file is read on all cores
//! (`parallel`), as many as `TCBILL_THREADS` says if set.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use tcbill_core::{Diagnostic, InputKind, ParsedFile, Parser, Table, TableKind};

use crate::{panics, parallel, parquet_input};

/// The size of the slices fed to the parser, like the web worker's `Blob` slices.
pub const CHUNK_LEN: usize = 1 << 20;

/// What became of one file that could be opened.
pub struct FileOutcome {
    /// Its parsed files (one per ZIP member); when tcbill failed, one with the diagnostic saying so.
    pub parsed: Vec<ParsedFile>,
    /// tcbill panicked on the file.
    pub tcbill_failed: bool,
}

/// Reads the file at `path`, naming it `name` in everything it reports.
pub fn read(path: &Path, name: &str) -> io::Result<FileOutcome> {
    match panics::catch(|| parse_path(path, name)) {
        Ok(parsed) => Ok(FileOutcome {
            parsed: parsed?,
            tcbill_failed: false,
        }),
        Err(panic) => Ok(FileOutcome {
            parsed: vec![unread_file(
                name,
                format!("tcbill failed on this file: {panic}; the other files were analysed"),
            )],
            tcbill_failed: true,
        }),
    }
}

/// Opens `path` once: a named pipe or a `<(…)` substitution gives its bytes to one reader only,
/// and cannot go back to its start.
fn parse_path(path: &Path, name: &str) -> io::Result<Vec<ParsedFile>> {
    let file = File::open(path)?;
    if file.metadata()?.is_file() {
        parse_regular_file(file, name)
    } else {
        parse_stream(file, name)
    }
}

/// A file on disk: Parquet by its reader, a big CSV on all cores, anything else as a stream.
fn parse_regular_file(mut file: File, name: &str) -> io::Result<Vec<ParsedFile>> {
    let mut head = Vec::new();
    (&mut file).take(4).read_to_end(&mut head)?;
    if parquet_input::is_parquet(&head) {
        return Ok(from_parquet(name, parquet_input::to_csv(file)));
    }
    if let Some(parsed) = parallel::read(&file, name, threads())? {
        return Ok(vec![parsed]);
    }
    file.rewind()?;
    parse_stream(file, name)
}

/// Bytes read once from the start, in chunks, as the web worker reads `Blob` slices; a Parquet
/// file (which is read from its end) is gathered whole first.
fn parse_stream(mut source: impl Read, name: &str) -> io::Result<Vec<ParsedFile>> {
    let mut chunk = vec![0; CHUNK_LEN];
    let mut filled = 0;
    // A pipe may hand over fewer bytes than asked: enough to know Parquet from the rest.
    while filled < 4 {
        match source.read(&mut chunk[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    if parquet_input::is_parquet(&chunk[..filled]) {
        chunk.truncate(filled);
        source.read_to_end(&mut chunk)?;
        return Ok(from_parquet(
            name,
            parquet_input::to_csv(bytes::Bytes::from(chunk)),
        ));
    }
    let mut parser = Parser::new(name);
    while filled > 0 {
        parser.feed(&chunk[..filled]);
        filled = source.read(&mut chunk)?;
    }
    Ok(parser.finish())
}

fn from_parquet(name: &str, csv: Result<Vec<u8>, String>) -> Vec<ParsedFile> {
    match csv {
        Ok(csv) => tcbill_core::parse_file(name, &csv),
        Err(reason) => vec![unread_file(
            name,
            format!("not a readable Parquet file: {reason}"),
        )],
    }
}

/// A file of which nothing could be read, for the one reason given.
fn unread_file(name: &str, reason: String) -> ParsedFile {
    ParsedFile {
        name: name.to_owned(),
        kind: InputKind::Unknown,
        encoding: None,
        table: Table::new(TableKind::Other),
        rows_rejected: 0,
        diagnostics: vec![Diagnostic::error(name, reason)],
    }
}

/// The cores to read a file and build the report on: `TCBILL_THREADS` if it is a number, else all.
pub fn threads() -> usize {
    std::env::var("TCBILL_THREADS")
        .ok()
        .and_then(|threads| threads.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}
