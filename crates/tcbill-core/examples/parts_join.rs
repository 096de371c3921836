//! How long a part's hand-over takes, as the browser's workers do it (`src/worker/parts.rs`):
//! the part worker writes its part as bytes (`PartRead::write`), the file's worker appends them
//! to the table of the part it read itself (`PartJoin::then_read`). The file is cut in two at
//! its middle record and both halves are parsed first (not timed); then the part's byte length,
//! its bytes written and the join are each timed, and the joined file is summarised: its rows,
//! a hash of every cell and row source (what the analyses read), and a hash of its storage's
//! bytes (`input::files_to_bytes`: symbols, widths, absent slots too).
//!
//! `cargo run --release -p tcbill-core --example parts_join -- FILE [REPEATS]`: the write and
//! the join are repeated REPEATS times (the halves parsed again each time, untimed), and each
//! step's fastest time printed. Under callgrind, `--toggle-collect='*write_part*'` or
//! `--toggle-collect='*join_part*'` counts one step's instructions.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use tcbill_core::input::files_to_bytes;
use tcbill_core::input::parts::{PartJoin, PartRead, PartStarts, TextParts};
use tcbill_core::model::table::{ColumnValues, Table};

const CHUNK_LEN: usize = 4 << 20;

/// This thread's CPU time (user and system) in seconds, from `/proc` (ticks of 10 ms): what a
/// step cost however loaded the machine is, where wall time counts the other processes too.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    // After the command's name: state is field 3, utime 14 and stime 15 (1-based).
    let ticks = |at: usize| {
        fields
            .get(at - 3)
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(14) + ticks(15)) / 100.0
}

/// The part's bytes written (its own function, so that callgrind's `--toggle-collect` finds it
/// in an LTO build).
#[inline(never)]
fn write_part(part: &PartRead, bytes: &mut Vec<u8>) {
    part.write(bytes);
}

/// The part joined to the first (see [`write_part`]).
#[inline(never)]
fn join_part(joined: PartJoin, bytes: &[u8]) -> PartJoin {
    joined.then_read(bytes).expect("the parts join")
}

fn read_part(plan: &TextParts, bytes: &[u8], first: bool, ends_file: bool) -> PartRead {
    let mut reader = match first {
        true => plan.first_part(),
        false => plan.later_part(),
    };
    bytes.chunks(CHUNK_LEN).for_each(|chunk| reader.feed(chunk));
    reader.finish(ends_file)
}

/// A hash of every cell as read and every row's source.
fn cells_hash(table: &Table) -> u64 {
    let mut hasher = DefaultHasher::new();
    for column in table.columns() {
        column.name.hash(&mut hasher);
        for row in 0..table.row_count() {
            match &column.values {
                ColumnValues::Text(values) => {
                    values.get(row).map(|s| table.resolve(s)).hash(&mut hasher)
                }
                ColumnValues::Decimal(values) => {
                    values.get(row).map(|v| v.to_string()).hash(&mut hasher)
                }
                ColumnValues::Time(values) => {
                    values.get(row).map(|t| t.to_string()).hash(&mut hasher)
                }
            }
        }
    }
    for row in 0..table.row_count() {
        format!("{:?}", table.source(row)).hash(&mut hasher);
    }
    hasher.finish()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: parts_join FILE [REPEATS]");
    let repeats: usize = args
        .next()
        .map_or(1, |n| n.parse().expect("a number of repeats"));
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

    let (mut counting, mut writing, mut joining) = (f64::MAX, f64::MAX, f64::MAX);
    let (mut write_cpu, mut join_cpu) = (f64::MAX, f64::MAX);
    let mut summary = None;
    for _ in 0..repeats {
        let part = read_part(&plan, &file[cut..], false, true);
        let first = read_part(&plan, &file[..cut], true, false);
        let start = Instant::now();
        let len = part.byte_len();
        counting = counting.min(start.elapsed().as_secs_f64());
        // Touched before the write, as a JavaScript array the part worker allocates is.
        let mut bytes = vec![0; len];
        bytes.clear();
        let (start, cpu) = (Instant::now(), cpu_secs());
        write_part(&part, &mut bytes);
        writing = writing.min(start.elapsed().as_secs_f64());
        write_cpu = write_cpu.min(cpu_secs() - cpu);
        assert_eq!(bytes.len(), len, "byte_len counts the bytes written");
        drop(part);
        let joined = PartJoin::start(first).expect("the first part");
        let (start, cpu) = (Instant::now(), cpu_secs());
        let joined = join_part(joined, &bytes);
        joining = joining.min(start.elapsed().as_secs_f64());
        join_cpu = join_cpu.min(cpu_secs() - cpu);
        if summary.is_none() {
            let parsed = joined.finish(&path);
            let storage = files_to_bytes(std::slice::from_ref(&parsed));
            let mut hasher = DefaultHasher::new();
            storage.hash(&mut hasher);
            summary = Some((
                bytes.len(),
                parsed.table.row_count(),
                cells_hash(&parsed.table),
                hasher.finish(),
            ));
        }
    }
    let (len, rows, cells, storage) = summary.expect("one repeat at least");
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "file            {} bytes ({:.1} MiB), {rows} rows",
        file.len(),
        mib(file.len())
    );
    println!("part bytes      {len} bytes ({:.1} MiB)", mib(len));
    println!("byte_len        {:.4} s", counting);
    println!(
        "write           {:.4} s ({:.0} MiB/s), CPU {write_cpu:.2} s",
        writing,
        mib(len) / writing
    );
    println!(
        "join            {:.4} s ({:.0} MiB/s), CPU {join_cpu:.2} s",
        joining,
        mib(len) / joining
    );
    println!("cells hash      {cells:016x}");
    println!("storage hash    {storage:016x}");
}
