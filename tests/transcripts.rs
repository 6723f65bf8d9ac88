//! What users see, as snapshot transcripts: every command's human output on the fixtures of
//! testdata/ (issue 15's broken pastes among them) and every `--help`, at 80 columns, in a
//! cleared environment. One case per file in tests/cmd (written by tests/cmd/make_cases.py);
//! `TRYCMD=overwrite cargo test --test transcripts` re-records them, to be reviewed as a diff.

#[test]
fn transcripts() {
    trycmd::TestCases::new()
        .register_bin(
            "authpeek",
            trycmd::schema::Bin::Path(env!("CARGO_BIN_EXE_authpeek").into()),
        )
        .case("tests/cmd/*.toml");
}
