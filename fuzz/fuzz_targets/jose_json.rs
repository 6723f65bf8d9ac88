//! JWS and JWE in the JSON serialisation (general and flattened) and general compact JWEs,
//! through the whole `decode` pipeline: header merging, recipients, every key management
//! algorithm a secret can open (dir, AES key wrap, PBES2 with its `p2c` cap), zip inflation.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_text(data));
