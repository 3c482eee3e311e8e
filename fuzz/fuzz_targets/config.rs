//! Fuzz target: see `psc_fuzz::config`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psc_fuzz::config(data));
