//! See `watchbill::fuzzing::times`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| watchbill::fuzzing::times(data));
