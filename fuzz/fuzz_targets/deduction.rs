#![no_main]
//! The deduction target (see tcbill_fuzz::Target::Deduction).

libfuzzer_sys::fuzz_target!(|input: &[u8]| tcbill_fuzz::Target::Deduction.run(input));
