//! A big CSV file read on all cores (issue #12, item 3): cut into equal stretches, each part
//! after the first starting at the first line start after its cut (a guess that a record starts
//! there: nothing is read before the parse but a few bytes at each cut), each part parsed by a
//! thread of its own, the parts joined in file order (`tcbill_core::input::parts`, which checks
//! every cut, gives each part's lines their place, and says when the file must be read whole
//! instead). Each thread reads its own byte range in [`CHUNK_LEN`] slices, so memory holds the
//! parsed tables, never the file. The browser's workers cut and join a file the same way.
//! The report's independent analyses then run on threads too ([`Threads`]).

use std::fs::File;
use std::io;
use std::thread;

use tcbill_core::input::parts::{join_parts, PartStarts, TextParts, START_WINDOW};
use tcbill_core::report::Fork;
use tcbill_core::{ParsedFile, SNIFF_LEN};

use crate::input::CHUNK_LEN;

/// Smaller files are read whole: starting threads would cost more than it saves.
const MIN_PARALLEL_LEN: u64 = 16 << 20;
/// The file's first bytes, which must hold its header row: the least `TextParts::plan` takes, as
/// it parses them all (a whole MiB cost the main thread as much again as the join).
const HEAD_LEN: usize = SNIFF_LEN;

/// Runs the two sides of each of `Report::build_with`'s forks on two threads. A panic on either
/// side is raised again on the calling thread, so `panics::catch` still turns it into exit 3.
pub struct Threads;

impl Fork for Threads {
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        thread::scope(|scope| {
            let b = scope.spawn(b);
            let a = a();
            let b = b
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (a, b)
        })
    }
}

/// The file read in parts on `threads` cores; `None` when it must be read whole (too small, not
/// UTF-8 CSV with its header in the first 64 KiB, or a cut that did not fall between records).
pub fn read(file: &File, name: &str, threads: usize) -> io::Result<Option<ParsedFile>> {
    let len = file.metadata()?.len();
    if threads < 2 || len < MIN_PARALLEL_LEN {
        return Ok(None);
    }
    let head = read_range(file, 0, HEAD_LEN as u64)?;
    let Some(plan) = TextParts::plan(name, &head) else {
        return Ok(None);
    };
    let starts = part_starts(file, len, threads)?;
    let parts = thread::scope(|scope| {
        let readers: Vec<_> = starts
            .iter()
            .enumerate()
            .map(|(index, &start)| {
                let end = starts.get(index + 1).copied().unwrap_or(len);
                let ends_file = index + 1 == starts.len();
                let plan = &plan;
                scope.spawn(move || -> io::Result<_> {
                    let mut reader = match index {
                        0 => plan.first_part(),
                        _ => plan.later_part(),
                    };
                    for_each_chunk(file, start, end, |chunk| reader.feed(chunk))?;
                    Ok(reader.finish(ends_file))
                })
            })
            .collect();
        readers
            .into_iter()
            .map(|reader| {
                reader
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect::<io::Result<Vec<_>>>()
    })?;
    Ok(join_parts(name, parts))
}

/// Where each part starts: the file cut into `parts` equal stretches, each after the first
/// moved on to the first line start at or after its cut (core's `PartStarts`).
fn part_starts(file: &File, len: u64, parts: usize) -> io::Result<Vec<u64>> {
    let mut starts = PartStarts::new(len, parts);
    while let Some(at) = starts.wanted() {
        starts.feed(&read_range(file, at, START_WINDOW as u64)?);
    }
    Ok(starts.into_starts())
}

/// Calls `take` with the bytes of `start..end` in [`CHUNK_LEN`] slices.
fn for_each_chunk(
    file: &File,
    start: u64,
    end: u64,
    mut take: impl FnMut(&[u8]),
) -> io::Result<()> {
    let mut chunk = vec![0; CHUNK_LEN];
    let mut at = start;
    while at < end {
        let want = usize::try_from(end - at).map_or(CHUNK_LEN, |left| left.min(CHUNK_LEN));
        let read = read_at(file, &mut chunk[..want], at)?;
        if read == 0 {
            break;
        }
        take(&chunk[..read]);
        at += read as u64;
    }
    Ok(())
}

/// Up to `len` bytes from `start` (fewer at the end of the file).
fn read_range(file: &File, start: u64, len: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    for_each_chunk(file, start, start + len, |chunk| {
        bytes.extend_from_slice(chunk)
    })?;
    Ok(bytes)
}

/// Reads at `offset` without moving the file's cursor, so threads share one handle.
#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, offset)
}

/// Reads at `offset`; on Windows this moves the handle's cursor too (the whole-file read rewinds).
#[cfg(windows)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}
