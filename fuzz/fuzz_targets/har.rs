//! HAR reading: the fuzzer's bytes as a HAR file (input::har), then the whole pipeline.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = authpeek_fuzz::text(data);
    let _ = authpeek::input::har::looks_like_har(&text);
    if let Ok(found) = authpeek::input::har::found_in_har("fuzz", &text) {
        assert!(
            !found.is_empty(),
            "found_in_har returns Ok only with cookies"
        );
    }
    authpeek_fuzz::decode_text(data);
});
