//! iron-session seals (`Fe26.2*...`), opened with the fixed secret as the password.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_one_of(
    &["iron-session", "session"],
    data
));
