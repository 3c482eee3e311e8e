//! Fuzz target: see `psc_fuzz::serve_request`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psc_fuzz::serve_request(data));
