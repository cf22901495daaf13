//! See `watchbill::fuzzing::template`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| watchbill::fuzzing::template(data));
