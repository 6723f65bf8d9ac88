//! express-session cookies: `s:<id>.<HMAC>` under its default name, and under an app's own name
//! (recognised by the value's shape).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_one_of(
    &["connect.sid", "myapp"],
    data
));
