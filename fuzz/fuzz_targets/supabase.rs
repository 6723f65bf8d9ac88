//! Supabase `@supabase/ssr` session cookies (`base64-` JSON with a nested HS256 access token).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_one_of(
    &[
        "sb-abcdefghijklmnopqrst-auth-token",
        "sb-127-auth-token-code-verifier"
    ],
    data
));
