//! Fuzz target: see `psc_fuzz::decode_request`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psc_fuzz::decode_request(data));
