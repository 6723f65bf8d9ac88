//! Any paste through the whole `decode` pipeline: bare tokens, `name=value`, `Cookie:` /
//! `Set-Cookie:` headers, `Authorization: Bearer`, curl transcripts, HAR, chunked cookies.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_text(data));
