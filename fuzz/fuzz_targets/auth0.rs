//! Auth0 Next.js SDK v3 / v4 cookies (session JWE, chunks, transaction and verification cookies).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authpeek_fuzz::decode_one_of(
    &[
        "appSession",
        "__session",
        "auth_verification",
        "__txn_abc",
        "__FC_0"
    ],
    data
));
