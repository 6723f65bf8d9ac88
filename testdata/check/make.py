#!/usr/bin/env python3
"""Regenerate the testdata/check fixtures from ../vectors (run from the repository root)."""
import email.utils
import json

V = "testdata/vectors/"
OUT = "testdata/check/"


def case(family, cid):
    d = json.load(open(V + family + ".json"))
    return next(c for c in d["cases"] if c["id"] == cid)


def write(name, text):
    with open(OUT + name, "w") as f:
        f.write(text)


# The phantom logout: Auth.js v5 session before and after a refresh whose jwt callback dropped `user`.
pair = case("refresh-pairs", "authjs5-refresh-drop-user-p02")
write("refresh-secret.txt", pair["secret"] + "\n")
for side in ("before", "after"):
    write(f"refresh-{side}.txt", f"Cookie: {pair['cookie_name']}={pair[side]['cookie_value']}\n")
# What the jwt callback returned on first sign-in: the "before" claims without what encode() adds.
sample = {k: v for k, v in pair["before"]["expected_payload"].items() if k not in ("iat", "exp", "jti")}
write("first-signin.json", json.dumps(sample, indent=2, ensure_ascii=False) + "\n")

# Set-Cookie responses carrying an Auth.js v5 __Secure- session cookie.
c = case("authjs-v5", "authjs5-session-basic-secure-p03")
write("set-cookie-secret.txt", c["secret"] + "\n")
exp = c["expected_payload"]["exp"]
expires = email.utils.formatdate(exp, usegmt=True)
name, value = c["cookie_name"], c["cookie_value"]
write("set-cookie-good.txt",
      f"Set-Cookie: {name}={value}; Path=/; Expires={expires}; HttpOnly; Secure; SameSite=Lax\n")
write("set-cookie-bad.txt",
      f"Set-Cookie: {name}={value}; Path=/; Max-Age=3600; SameSite=None\n")
