#![no_main]
//! The usage target (see tcbill_fuzz::Target::Usage).

libfuzzer_sys::fuzz_target!(|input: &[u8]| tcbill_fuzz::Target::Usage.run(input));
