//! better-auth cookies: signed session tokens and the session-data cookie cache (compact, JWT, JWE).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_one_of(
    &[
        "better-auth.session_token",
        "better-auth.session_data",
        "__Secure-better-auth.session_token"
    ],
    data
));
