//! `tcbill-fuzz`: seed corpora, the stable mutation harness and crash reproduction.
//!
//! ```text
//! tcbill-fuzz corpus [DIR]                              every target's seeds into DIR/<target>/ (default fuzz/seeds)
//! tcbill-fuzz run [--seconds N] [--seed S] [TARGET...]  mutate each target's seeds for N seconds (default 15)
//! tcbill-fuzz dict                                     the mutator's numbers and tokens as a libFuzzer dictionary
//! tcbill-fuzz repro TARGET FILE...                      run files through a target, as the fuzzer did
//! tcbill-fuzz minimize TARGET FILE                      the smallest part of FILE that still panics alike, as FILE.min
//! ```
//!
//! `run` runs each target in a child process. A panic is caught, its input kept as
//! `fuzz/artifacts/<target>/crash-<hash>` (once per distinct panic) and the run goes on, so one
//! known crash does not hide the others. The child writes every input to `last-input` before
//! running it: a stack overflow or an abort (a ZIP bomb's allocation) kills the child and cannot
//! be caught, but the input that did it is on disk, and the parent keeps it as `crash-<hash>`.
//! It mutates the seeds from the repository's test data plus whatever cargo-fuzz has grown in
//! `fuzz/corpus/<target>/`.

use std::backtrace::Backtrace;
use std::panic::catch_unwind;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tcbill_fuzz::mutate::Mutator;
use tcbill_fuzz::pipeline::fnv1a;
use tcbill_fuzz::{corpus, Target};

const USAGE: &str = "usage: tcbill-fuzz corpus [DIR]
       tcbill-fuzz run [--seconds N] [--seed S] [TARGET...]
       tcbill-fuzz dict
       tcbill-fuzz repro TARGET FILE...
       tcbill-fuzz minimize TARGET FILE
targets: csv deduction usage json zip xlsx parquet";

/// How long past its budget a target may take before its last input counts as a hang.
const HANG_GRACE: Duration = Duration::from_secs(60);

fn repo() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    repo.canonicalize().unwrap_or(repo)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["corpus"] => write_corpus(&repo().join("fuzz/seeds")),
        ["dict"] => {
            print!("{}", tcbill_fuzz::mutate::libfuzzer_dictionary());
            ExitCode::SUCCESS
        }
        ["corpus", dir] => write_corpus(Path::new(dir)),
        ["run", rest @ ..] => {
            RunArgs::parse(rest).map_or_else(usage, |run_args| run_all(&run_args))
        }
        ["repro", target, files @ ..] if !files.is_empty() => {
            let Some(target) = Target::from_name(target) else {
                return usage();
            };
            for file in files {
                eprintln!("{}: {file}", target.name());
                target.run(&std::fs::read(file).unwrap_or_else(|error| panic!("{file}: {error}")));
            }
            eprintln!("no crash");
            ExitCode::SUCCESS
        }
        ["minimize", target, file] => {
            let Some(target) = Target::from_name(target) else {
                return usage();
            };
            let bytes = std::fs::read(file).unwrap_or_else(|error| panic!("{file}: {error}"));
            let Some((minimal, panic)) = minimize(target, bytes) else {
                eprintln!("{file}: no panic in {}", target.name());
                return ExitCode::FAILURE;
            };
            let out = format!("{file}.min");
            std::fs::write(&out, &minimal).unwrap_or_else(|error| panic!("{out}: {error}"));
            println!("{out}: {} bytes, {panic}", minimal.len());
            ExitCode::SUCCESS
        }
        ["run-one", target, seconds, seed] => run_one(
            Target::from_name(target).expect("a target"),
            Duration::from_secs(seconds.parse().expect("seconds")),
            seed.parse().expect("a seed"),
        ),
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn write_corpus(dir: &Path) -> ExitCode {
    match corpus::write_all(&repo(), dir) {
        Ok(count) => {
            println!("{count} seeds in {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}: {error}", dir.display());
            ExitCode::FAILURE
        }
    }
}

struct RunArgs {
    seconds: u64,
    seed: u64,
    targets: Vec<Target>,
}

impl RunArgs {
    fn parse(args: &[&str]) -> Option<RunArgs> {
        let mut run_args = RunArgs {
            seconds: 15,
            seed: 0,
            targets: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(&arg) = args.next() {
            match arg {
                "--seconds" => run_args.seconds = args.next()?.parse().ok()?,
                "--seed" => run_args.seed = args.next()?.parse().ok()?,
                name => run_args.targets.push(Target::from_name(name)?),
            }
        }
        if run_args.targets.is_empty() {
            run_args.targets = Target::ALL.to_vec();
        }
        Some(run_args)
    }
}

fn artifacts(target: Target) -> PathBuf {
    repo().join("fuzz/artifacts").join(target.name())
}

/// What a child's exit code 1 means: it ran to the end and kept the inputs that panicked.
const EXIT_PANICS_KEPT: i32 = 1;

/// Runs each target in a child process; keeps the input of any that aborted or hung.
fn run_all(args: &RunArgs) -> ExitCode {
    let this = std::env::current_exe().expect("the path of this program");
    let mut failed = Vec::new();
    for &target in &args.targets {
        let budget = Duration::from_secs(args.seconds);
        let (seconds, seed) = (args.seconds.to_string(), args.seed.to_string());
        let mut child = Command::new(&this)
            .args(["run-one", target.name(), &seconds, &seed])
            .spawn()
            .expect("starting a child of tcbill-fuzz");
        let started = Instant::now();
        let outcome = loop {
            if let Some(status) = child.try_wait().expect("waiting for a child") {
                break match status.code() {
                    Some(0) => None,
                    Some(EXIT_PANICS_KEPT) => Some(None),
                    _ => Some(Some(format!("died ({status})"))),
                };
            }
            if started.elapsed() > budget + HANG_GRACE {
                let _ = child.kill();
                let _ = child.wait();
                let grace = HANG_GRACE.as_secs();
                break Some(Some(format!(
                    "hung (still running {grace} s past its budget)"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let Some(died) = outcome else { continue };
        if let Some(what) = died {
            let last = artifacts(target).join("last-input");
            let input = std::fs::read(&last).unwrap_or_default();
            let kept = artifacts(target).join(format!("crash-{:016x}", fnv1a(&input)));
            let _ = std::fs::rename(&last, &kept);
            eprintln!("{}: {what} on {}", target.name(), kept.display());
        }
        failed.push(target.name());
    }
    if failed.is_empty() {
        println!("fuzz: no crash in {} targets", args.targets.len());
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "fuzz: crashes in {}; reproduce one with\n  cargo run -p tcbill-fuzz -- repro TARGET fuzz/artifacts/TARGET/crash-…",
        failed.join(", ")
    );
    ExitCode::FAILURE
}

/// The place and message of the last panic, recorded by [`record_panics`]' hook.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Replaces the panic hook (a message and backtrace per panic) with one that records the panic
/// in [`LAST_PANIC`], for runs that catch thousands of panics and report each kind once.
fn record_panics() {
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(ToString::to_string).unwrap_or_default();
        let message = info.payload_as_str().unwrap_or_default();
        // Overflows all panic inside rust_decimal: the first frame of tcbill's own code tells
        // them apart.
        let backtrace = Backtrace::force_capture().to_string();
        let frame = backtrace
            .lines()
            .map(str::trim)
            .find(|line| line.contains("tcbill_core::") || line.contains("tcbill_fuzz::cli::"))
            .map_or("", |line| {
                line.split_once(": ").map_or(line, |(_, name)| name)
            });
        *LAST_PANIC.lock().unwrap_or_else(PoisonError::into_inner) =
            format!("{location}: {message} (in {frame})");
    }));
}

/// Runs one input; the recorded panic if it panicked.
fn panic_of(target: Target, input: &[u8]) -> Option<String> {
    catch_unwind(|| target.run(input)).err().map(|_| {
        LAST_PANIC
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    })
}

/// The child: mutates `target`'s corpus until `budget` is spent. An input that panics is kept
/// as `crash-<hash>` (the first one of each distinct panic) and the run goes on; one that
/// aborts the process is left in `last-input` for the parent.
fn run_one(target: Target, budget: Duration, seed: u64) -> ExitCode {
    record_panics();
    let corpus = load_corpus(target);
    let dir = artifacts(target);
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    let last = dir.join("last-input");
    let mut mutator = Mutator::new(seed ^ fnv1a(target.name().as_bytes()));
    let started = Instant::now();
    let (mut execs, mut slowest, mut panics) = (0u64, Duration::ZERO, 0u64);
    let mut distinct: Vec<String> = Vec::new();
    while started.elapsed() < budget {
        // The seeds first, as they are, then mutants.
        let input = corpus
            .get(execs as usize)
            .cloned()
            .unwrap_or_else(|| mutator.mutant(&corpus));
        std::fs::write(&last, &input).unwrap_or_else(|error| panic!("{}: {error}", last.display()));
        let exec_started = Instant::now();
        let panic = panic_of(target, &input);
        if exec_started.elapsed() > slowest {
            slowest = exec_started.elapsed();
            // Kept for a look at what is slow, like libFuzzer's slow-unit files.
            let _ = std::fs::copy(&last, dir.join("slowest-input"));
        }
        if let Some(panic) = panic {
            panics += 1;
            if !distinct.contains(&panic) {
                let kept = dir.join(format!("crash-{:016x}", fnv1a(&input)));
                let _ = std::fs::rename(&last, &kept);
                eprintln!("{}: {panic}\n  kept {}", target.name(), kept.display());
                distinct.push(panic);
            }
        }
        execs += 1;
    }
    let _ = std::fs::remove_file(&last);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}: {execs} execs in {seconds:.0} s ({:.0}/s) from {} inputs, slowest {} ms, seed {seed}: \
         {panics} panicked, {} distinct",
        target.name(),
        execs as f64 / seconds,
        corpus.len(),
        slowest.as_millis(),
        distinct.len()
    );
    if distinct.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PANICS_KEPT as u8)
    }
}

/// Removes ever smaller chunks of `bytes` while the target still panics at the same place with
/// the same message; `None` if it does not panic at all. (Panics only: a stack overflow or an
/// abort ends this process too; `cargo fuzz tmin` minimises those.)
fn minimize(target: Target, mut bytes: Vec<u8>) -> Option<(Vec<u8>, String)> {
    record_panics();
    let panic = panic_of(target, &bytes)?;
    let mut chunk = bytes.len().div_ceil(2);
    while chunk > 0 {
        let mut at = 0;
        let mut removed_any = false;
        while at < bytes.len() {
            let mut candidate = bytes.clone();
            candidate.drain(at..(at + chunk).min(bytes.len()));
            if panic_of(target, &candidate).as_ref() == Some(&panic) {
                bytes = candidate;
                removed_any = true;
            } else {
                at += chunk;
            }
        }
        if !removed_any {
            chunk /= 2;
        }
    }
    Some((bytes, panic))
}

/// The target's seeds, plus what cargo-fuzz has added in `fuzz/corpus/<target>/`.
fn load_corpus(target: Target) -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = corpus::seeds(&repo(), target)
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect();
    if let Ok(entries) = std::fs::read_dir(repo().join("fuzz/corpus").join(target.name())) {
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        paths.sort();
        inputs.extend(paths.iter().filter_map(|path| std::fs::read(path).ok()));
    }
    inputs
}
