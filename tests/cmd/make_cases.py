#!/usr/bin/env python3
"""Write the trycmd cases of tests/cmd (one .toml per command line). Run from the repo root:
python3 tests/cmd/make_cases.py, then `TRYCMD=overwrite cargo test --test transcripts` records
what authpeek prints; review the diff of the .stdout / .stderr files like code."""
import pathlib

here = pathlib.Path(__file__).parent
NOW = ["--now", "1790000000"]
AUTHJS = ["--secret-file", "testdata/cookies/authjs-secret.txt"]
JWS = ["--secret-file", "testdata/cookies/jws-secret.txt"]
P = "@testdata/paste/"

CASES = {
    # decode: the main job and every broken paste of issue 15
    "decode-main-job": (["decode", *NOW, "@testdata/cookies/authjs-session.txt", *AUTHJS], 0),
    "decode-behind-proxy": (["decode", *NOW, "@testdata/cookies/behind-proxy.txt", *AUTHJS], 1),
    "decode-browser-cookie": (["decode", *NOW, P + "browser-cookie.txt"], 2),
    "decode-cut-off": (["decode", *NOW, P + "cut-session.txt", *AUTHJS], 2),
    "decode-lone-chunk": (["decode", *NOW, P + "lone-chunk-cookie.txt", *AUTHJS], 1),
    "decode-stale-chunk": (["decode", *NOW, P + "stale-tail-cookie.txt", *AUTHJS], 1),
    "decode-mixed-chunks": (["decode", *NOW, P + "mixed-chunks-cookie.txt", *AUTHJS], 1),
    "decode-unchunked-beside-chunks": (["decode", *NOW, P + "unchunked-beside-chunks.jar", *AUTHJS], 1),
    "decode-ms-exp": (["decode", *NOW, P + "ms-exp-jws.txt", *JWS], 0),
    "decode-quoted-secret": (["decode", *NOW, "@testdata/cookies/authjs-session.txt", "--secret-file", "testdata/paste/quoted-secret.txt"], 0),
    "decode-dotenv-as-secret-file": (["decode", *NOW, "@testdata/cookies/authjs-session.txt", "--secret-file", "testdata/cookies/app.env"], 0),
    "decode-wrong-key": (["decode", *NOW, "@testdata/cookies/jws-hs256.txt", *AUTHJS], 1),
    "decode-har": (["decode", *NOW, "@testdata/audit/cdn-leak.har", "--secret-file", "testdata/audit/secret.txt"], 2),
    "decode-forgotten-at": (["decode", *NOW, "testdata/cookies/jws-hs256.txt"], 2),
    "decode-bad-option": (["decode", "--bogus"], 2),
    "decode-json-fatal-error": (["decode", "--json", "@testdata/no-such-file.txt"], 2),
    "decode-now-in-ms": (["decode", "--now", "1790000000000", P + "ms-exp-jws.txt"], 2),
    "decode-opaque-id": (["decode", "authjs.session-token=8f14e45f-ceea-467a-9575-3f2d2c1b6d2e"], 1),
    # batch
    "batch": (["decode", "--batch", "testdata/paste/batch.txt", *NOW, *AUTHJS, *JWS], 2),
    "batch-summary": (["decode", "--batch", "testdata/paste/batch.txt", "--summary", *NOW, *AUTHJS], 2),
    # check
    "check-phantom-logout": (["check", "--now", "1790026911", "@testdata/check/refresh-after.txt", "--secret-file", "testdata/check/refresh-secret.txt", "--like", "testdata/check/first-signin.json"], 1),
    "check-one-cause-once": (["check", "--now", "1790026911", "@testdata/check/refresh-after.txt", "--secret-file", "testdata/check/refresh-secret.txt", "--config", "testdata/check/authpeek.toml"], 1),
    "check-set-cookie": (["check", "--no-config", *NOW, "@testdata/check/set-cookie-bad.txt", "--secret-file", "testdata/check/set-cookie-secret.txt"], 1),
    "check-ms-exp": (["check", "--no-config", *NOW, P + "ms-exp-jws.txt", *JWS], 1),
    # diff
    "diff-refresh": (["diff", "@testdata/diff/authjs-before.txt", "@testdata/diff/authjs-after.txt", "--secret-file", "testdata/diff/authjs-secret.txt", "--now", "2026-09-21T21:41:51Z"], 1),
    "diff-jws-kid": (["diff", "@testdata/diff/jws-before.txt", "@testdata/diff/jws-rolled.txt", "--secret-file", "testdata/diff/jws-secret.txt", *NOW], 0),
    # audit (snapshotted as it is; the audit rework re-blesses these)
    "audit-cdn-leak": (["audit", "testdata/audit/cdn-leak.har", "--secret-file", "testdata/audit/secret.txt"], 1),
    "audit-nginx-leak": (["audit", "testdata/audit/nginx-leak.curl.txt"], 1),
    # audit on real recordings (testdata/interop): the leak a visitor got, and the fixed deployment
    "audit-interop-visitor": (["audit", "--now", "2026-12-06T00:00:00Z", "--timeline", "testdata/interop/authjs5/misconfigured/session-leak/visitor.har", "--env-file", "testdata/interop/authjs5/secrets.env"], 1),
    "audit-interop-fixed": (["audit", "--now", "2026-12-06T00:00:00Z", "testdata/interop/authjs5/fixed/session-leak/alice.har", "--env-file", "testdata/interop/authjs5/secrets.env"], 0),
    "audit-interop-stripped-callback": (["audit", "--now", "2026-12-06T00:00:00Z", "testdata/interop/auth0v3/misconfigured/stripped-callback/alice.har", "--env-file", "testdata/interop/auth0v3/secrets.env"], 1),
    # express-session (testdata/vectors/express-session, recorded from a real express app)
    "decode-express-session": (["decode", "@testdata/vectors/express-session/rotated-old.txt", "--secret-file", "testdata/vectors/express-session/secret-new.txt", "--secret-file", "testdata/vectors/express-session/secret-old.txt"], 0),
    "decode-express-session-tampered": (["decode", "@testdata/vectors/express-session/tampered.txt", "--secret-file", "testdata/vectors/express-session/secret.txt"], 1),
    "check-express-session": (["check", "--no-config", *NOW, "@testdata/vectors/express-session/fresh.txt", "--secret-file", "testdata/vectors/express-session/secret.txt"], 0),
    "diff-express-session-fixation": (["diff", "@testdata/vectors/express-session/login-keeps-id-before.txt", "@testdata/vectors/express-session/login-keeps-id-after.txt", "--secret-file", "testdata/vectors/express-session/secret.txt"], 0),
    "audit-express-session": (["audit", "testdata/vectors/express-session/cached-set-cookie.pos.har", "--secret-file", "testdata/vectors/express-session/secret.txt"], 1),
    # doctor on the Amplify story
    "doctor-amplify-story": (["doctor", "testdata/doctor/story-amplify-authjs"], 1),
    # every --help, at 80 columns
    "help": (["--help"], 0),
    "help-decode": (["decode", "--help"], 0),
    "help-check": (["check", "--help"], 0),
    "help-audit": (["audit", "--help"], 0),
    "help-diff": (["diff", "--help"], 0),
    "help-generate": (["generate", "--help"], 0),
    "help-doctor": (["doctor", "--help"], 0),
    "help-mcp": (["mcp", "--help"], 0),
    "help-encode": (["encode", "--help"], 0),
}

for name, (args, code) in CASES.items():
    quoted = ", ".join('"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"' for a in args)
    status = f"status.code = {code}\n" if code is not None else ""
    (here / f"{name}.toml").write_text(
        'bin.name = "authpeek"\n'
        f"args = [{quoted}]\n"
        f"{status}"
        'fs.cwd = "../.."\n'
        "env.inherit = false\n"
        'env.add = { COLUMNS = "80" }\n'
    )
    # trycmd compares (and TRYCMD=overwrite records) only the streams that have a file.
    for stream in ("stdout", "stderr"):
        (here / f"{name}.{stream}").touch()
