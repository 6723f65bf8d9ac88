//! An Auth.js v5 / next-auth v4 cookie value with the fixed secret: structure checks, kid
//! thumbprints, trial decryption over every known salt, payload parsing. The first byte picks the
//! cookie name it is presented under.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_one_of(
    authpeek_fuzz::COOKIE_NAMES,
    data
));
