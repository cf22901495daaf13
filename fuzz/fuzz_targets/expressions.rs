//! See `watchbill::fuzzing::expressions`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| watchbill::fuzzing::expressions(data));
