#![no_main]
//! The zip target (see tcbill_fuzz::Target::Zip).

libfuzzer_sys::fuzz_target!(|input: &[u8]| tcbill_fuzz::Target::Zip.run(input));
