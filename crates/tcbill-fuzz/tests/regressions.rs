//! Replays inputs through their fuzz targets: every seed (the repository's test data, as the
//! fuzzers start from it) and every crash the fuzzers found that core has since fixed, kept in
//! `tests/regressions/<target>/`. Crashes not yet fixed wait in `fuzz/found/`, which no test runs.

use std::panic::catch_unwind;
use std::path::Path;

use tcbill_fuzz::{corpus, Target};

/// The names of the inputs that panicked in `target`, with the panic message.
fn failures(target: Target, inputs: Vec<(String, Vec<u8>)>) -> Vec<String> {
    inputs
        .into_iter()
        .filter_map(|(name, bytes)| {
            let panic = catch_unwind(|| target.run(&bytes)).err()?;
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
                .unwrap_or_default();
            Some(format!("{}/{name}: {message}", target.name()))
        })
        .collect()
}

#[test]
fn every_seed_runs_clean() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for target in Target::ALL {
        let seeds = corpus::seeds(&repo, target);
        assert!(
            seeds.len() >= 3,
            "{}: only {} seeds",
            target.name(),
            seeds.len()
        );
        assert_eq!(failures(target, seeds), Vec::<String>::new());
    }
}

#[test]
fn every_fixed_crash_stays_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut replayed = 0;
    for target in Target::ALL {
        let Ok(entries) = std::fs::read_dir(dir.join(target.name())) else {
            continue;
        };
        let inputs: Vec<(String, Vec<u8>)> = entries
            .map(|entry| entry.expect("a directory entry").path())
            .map(|path| {
                let name = path
                    .file_name()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned();
                (name, std::fs::read(&path).expect("a regression input"))
            })
            .collect();
        replayed += inputs.len();
        assert_eq!(failures(target, inputs), Vec::<String>::new());
    }
    println!("{replayed} regression inputs replayed");
}
