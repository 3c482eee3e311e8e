//! Fuzz target: see `psc_fuzz::roundtrip`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psc_fuzz::roundtrip(data));
