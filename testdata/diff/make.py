#!/usr/bin/env python3
"""Regenerate the JWS fixtures of testdata/diff (python3 standard library only, deterministic).

Run from the repository root: python3 testdata/diff/make.py
The Auth.js fixtures (authjs-*.txt) are not made here: they wrap vector
authjs5-refresh-drop-user-p02 of testdata/vectors/refresh-pairs.json (see README.md).
"""
import base64
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "diff-fixture-secret-not-a-real-one"
T0 = 1790000000  # 2026-09-21T14:13:20Z, the vectors' anchor time


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(claims: dict, kid: str = "k1") -> str:
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    signing_input = b64(json.dumps(header, separators=(",", ":")).encode()) + "." + b64(
        json.dumps(claims, separators=(",", ":")).encode()
    )
    sig = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(sig)


def write(name: str, text: str) -> None:
    with open(os.path.join(HERE, name), "w") as f:
        f.write(text + "\n")


BEFORE = {
    "sub": "user-1",
    "email": "ada@example.com",
    "name": "Ada",
    "user": {"id": "user-1", "roles": ["admin", "editor"], "org": {"id": "o1", "plan": "pro"}},
    "iat": T0,
    "exp": T0 + 86400,
    "jti": "j-1",
}


def variant(**changes):
    c = json.loads(json.dumps(BEFORE))
    for k, v in changes.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


before = jws(BEFORE)
write("jws-secret.txt", SECRET)
write("jws-before.txt", before)

# rolled: new iat/exp/jti, an array element added, a nested value changed, a claim added, new kid.
rolled = variant(iat=T0 + 7200, exp=T0 + 7200 + 86400, jti="j-2", refreshedAt=T0 + 7200)
rolled["user"]["roles"].append("billing")
rolled["user"]["org"]["plan"] = "team"
rolled_tok = jws(rolled, kid="k2")
write("jws-rolled.txt", rolled_tok)
write("jws-rolled-set-cookie.txt", f"Set-Cookie: session={rolled_tok}; Path=/; HttpOnly; Secure; SameSite=Lax")

# identity_changed: another user's session.
other = variant(sub="user-2", email="bob@example.com", name="Bob", iat=T0 + 60, exp=T0 + 60 + 86400, jti="j-9")
other["user"]["id"] = "user-2"
write("jws-other-user.txt", jws(other))

# claims_lost: an array element and a nested object dropped.
lost = variant(iat=T0 + 7200, exp=T0 + 7200 + 86400, jti="j-2")
lost["user"]["roles"] = ["admin"]
del lost["user"]["org"]
write("jws-lost.txt", jws(lost))

# refresh_not_saved: re-issued (name changed) with the old iat/exp/jti.
write("jws-not-saved.txt", jws(variant(name="Ada L.")))

# an older token: iat and exp moved back 2h.
write("jws-older.txt", jws(variant(iat=T0 - 7200, exp=T0 - 7200 + 86400, jti="j-0")))

# two unrelated tokens in one input: ambiguous without --cookie-name.
write("two-tokens.txt", f"Cookie: a={before}; b={rolled_tok}")

# a --like sample: the claims the app's code reads.
with open(os.path.join(HERE, "like-sample.json"), "w") as f:
    json.dump({"sub": "", "email": "", "user": {"id": "", "roles": [], "org": {"id": ""}}}, f, indent=2)
    f.write("\n")
