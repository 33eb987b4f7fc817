#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| loopkv::fuzzing::check_aof_invariants(data));
