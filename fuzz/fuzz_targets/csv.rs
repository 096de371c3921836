#![no_main]
//! The csv target (see tcbill_fuzz::Target::Csv).

libfuzzer_sys::fuzz_target!(|input: &[u8]| tcbill_fuzz::Target::Csv.run(input));
