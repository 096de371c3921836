#![no_main]
//! The parquet target (see tcbill_fuzz::Target::Parquet).

libfuzzer_sys::fuzz_target!(|input: &[u8]| tcbill_fuzz::Target::Parquet.run(input));
