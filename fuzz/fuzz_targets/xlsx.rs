#![no_main]
//! The xlsx target (see tcbill_fuzz::Target::Xlsx).

libfuzzer_sys::fuzz_target!(|input: &[u8]| tcbill_fuzz::Target::Xlsx.run(input));
