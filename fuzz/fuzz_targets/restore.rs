#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| loopkv::fuzzing::check_restore_invariants(data));
