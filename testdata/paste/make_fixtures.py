#!/usr/bin/env python3
"""Wrap real tokens in the broken pastes of testdata/paste (see README.md). Run from the repo root:
python3 testdata/paste/make_fixtures.py"""
import json
import pathlib

here = pathlib.Path(__file__).parent
vectors = {c["id"]: c for c in json.load(open(here / "../vectors/authjs-v5.json"))["cases"]}
minted = json.load(open(here / "minted.json"))
CHUNK = 3936  # @auth/core SessionStore chunk size (FORMATS.md)
NAME = "authjs.session-token"


def chunks(value):
    return [value[i:i + CHUNK] for i in range(0, len(value), CHUNK)]


def write(name, text):
    (here / name).write_text(text)


new = [c["value"] for c in vectors["authjs5-session-chunked-p30"]["chunks"]]  # 2 chunks
old = chunks(minted["old"])  # 3 chunks, iat 10000 s earlier

# A refresh wrote 2 chunks over a 3-chunk cookie and left .2: the browser sends all three.
write("stale-tail-cookie.txt", "Cookie: " + "; ".join(
    [f"{NAME}.0={new[0]}", f"{NAME}.1={new[1]}", f"{NAME}.2={old[2]}", "theme=dark"]) + "\n")
# .0 rewritten by a newer token, .1 and .2 still the older one's.
write("mixed-chunks-cookie.txt", "Cookie: " + "; ".join(
    [f"{NAME}.0={new[0]}", f"{NAME}.1={old[1]}", f"{NAME}.2={old[2]}"]) + "\n")
# A curl cookie jar holding a new, small, unchunked session beside the chunks of an older one.
rows = ["# Netscape HTTP Cookie File", ""]
rows.append(f"#HttpOnly_localhost\tFALSE\t/\tFALSE\t1792592000\t{NAME}\t{minted['fresh']}")
for i, v in enumerate(old):
    rows.append(f"#HttpOnly_localhost\tFALSE\t/\tFALSE\t1792582000\t{NAME}.{i}\t{v}")
write("unchunked-beside-chunks.jar", "\n".join(rows) + "\n")
# A JWS whose iat / exp are milliseconds.
write("ms-exp-jws.txt", minted["ms"] + "\n")
# A browser's Cookie header as DevTools copies it: analytics and UI cookies, the CSRF and
# callback-url cookies first, the session cookie last.
csrf = vectors["authjs5-csrf-token-p34"]
cb = vectors["authjs5-callback-url-p35"]
session = vectors["authjs5-session-basic-p01"]
write("browser-cookie.txt", "Cookie: " + "; ".join([
    "_ga=GA1.1.1234567890.1789990000", "theme=dark", "_gid=GA1.1.987654321.1789990000",
    f"authjs.csrf-token={csrf.get('wire_value') or csrf['cookie_value']}",
    f"authjs.callback-url={cb.get('wire_value') or cb['cookie_value']}",
    "NEXT_LOCALE=en", "ajs_anonymous_id=%2206f4b1c2%22",
    f"authjs.session-token={session['cookie_value']}"]) + "\n")
# A session cookie value cut after 300 characters (a copy that stopped early), and chunk .0
# of a chunked session pasted alone.
write("cut-session.txt", f"{NAME}={session['cookie_value'][:300]}\n")
write("lone-chunk-cookie.txt", "Cookie: " + vectors["authjs5-session-chunk-missing-p32"]["cookie_header"] + "\n")
# The test secret as people mistype it into a secret file: in quotes, with a CRLF.
secret = (here / "../cookies/authjs-secret.txt").read_text().strip()
write("quoted-secret.txt", f'"{secret}"\r\n')
# A log of pasted values, one per line, for --batch.
write("batch.txt", "\n".join([
    "# a few lines as a log export holds them",
    f"{NAME}={session['cookie_value']}",
    f"{NAME}={session['cookie_value'][:300]}",
    "Cookie: " + vectors["authjs5-session-chunk-missing-p32"]["cookie_header"],
    minted["ms"],
]) + "\n")
