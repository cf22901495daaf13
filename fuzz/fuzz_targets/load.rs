//! See `watchbill::fuzzing::load_and_check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| watchbill::fuzzing::load_and_check(data));
