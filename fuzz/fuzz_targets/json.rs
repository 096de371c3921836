#![no_main]
//! The json target (see tcbill_fuzz::Target::Json).

libfuzzer_sys::fuzz_target!(|input: &[u8]| tcbill_fuzz::Target::Json.run(input));
