//! How much memory reading one big CSV file in two parts takes on each side, as the browser's
//! workers do it (`src/worker/parts.rs`), measured by a counting allocator (see `table_memory`):
//! the part worker parses the second part and writes it out as bytes; the file's worker parses
//! the first part, then appends the second as it reads it back from those bytes. Wasm memory
//! never shrinks, so each side's peak is what its worker keeps; the bytes between them live in a
//! JavaScript `ArrayBuffer` in the browser, outside both, and in a temporary file here.
//!
//! `cargo run --release -p tcbill-core --example parts_memory -- FILE`

#[path = "common/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{live, peak, reset_peak};
use std::fs::File;
use std::io::{Read, Write};
use tcbill_core::input::parts::{PartJoin, PartRead, PartStarts, Sink, Source, TextParts};

/// The part's bytes, outside the memory counted (a JavaScript `ArrayBuffer` in the browser).
struct Outside {
    file: File,
    left: usize,
}

impl Sink for Outside {
    fn write(&mut self, bytes: &[u8]) {
        self.file
            .write_all(bytes)
            .expect("a writable temporary file");
        self.left += bytes.len();
    }
}

impl Source for Outside {
    fn remaining(&self) -> usize {
        self.left
    }

    fn read(&mut self, into: &mut [u8]) {
        self.file.read_exact(into).expect("the bytes written");
        self.left -= into.len();
    }
}

const CHUNK_LEN: usize = 4 << 20;

fn read_part(plan: &TextParts, bytes: &[u8], first: bool, ends_file: bool) -> PartRead {
    let mut reader = match first {
        true => plan.first_part(),
        false => plan.later_part(),
    };
    bytes.chunks(CHUNK_LEN).for_each(|chunk| reader.feed(chunk));
    reader.finish(ends_file)
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: parts_memory FILE");
    let file = std::fs::read(&path).expect("a readable file");
    let plan = TextParts::plan(&path, &file).expect("a UTF-8 CSV file with its header row");
    let mut starts = PartStarts::new(file.len() as u64, 2);
    while let Some(at) = starts.wanted() {
        starts.feed(&file[at as usize..]);
    }
    let cut = *starts
        .into_starts()
        .get(1)
        .expect("a line start past the middle") as usize;
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    let line = |side: &str, peak: usize| {
        println!(
            "{side:<16}{peak} bytes ({:.1} MiB, {:.2}x the file)",
            mib(peak),
            peak as f64 / file.len() as f64
        )
    };

    let base = reset_peak();
    let part = read_part(&plan, &file[cut..], false, true);
    let temporary = std::env::temp_dir().join(format!("parts_memory.{}", std::process::id()));
    let mut outside = Outside {
        file: File::create(&temporary).expect("a temporary file"),
        left: 0,
    };
    part.write(&mut outside);
    drop(part);
    let byte_len = outside.left;
    let part_peak = peak() - base;

    let base = reset_peak();
    let first = read_part(&plan, &file[..cut], true, false);
    let parse_peak = peak() - base;
    let mut joined = PartJoin::start(first).expect("the first part");
    outside.file = File::open(&temporary).expect("the temporary file");
    joined = joined.then_read(outside).expect("the parts join");
    std::fs::remove_file(&temporary).expect("the temporary file");
    let parsed = joined.finish(&path);
    let file_peak = peak() - base;
    let held = live() - base;

    println!(
        "file            {} bytes ({:.1} MiB), {} rows",
        file.len(),
        mib(file.len()),
        parsed.table.row_count()
    );
    println!(
        "part bytes      {byte_len} bytes ({:.1} MiB)",
        mib(byte_len)
    );
    line("part worker", part_peak);
    line("first part", parse_peak);
    line("file worker", file_peak);
    line("table held", held);
    line("summed peaks", part_peak + file_peak);
}
