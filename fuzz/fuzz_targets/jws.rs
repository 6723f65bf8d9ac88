//! A compact JWS as a bare value and as a plain cookie: parse, verify with the fixed secret,
//! judge times.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    authpeek_fuzz::decode_cookie(None, data);
    authpeek_fuzz::decode_cookie(Some("token"), data);
});
