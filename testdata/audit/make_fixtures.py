#!/usr/bin/env python3
"""Regenerate the audit fixtures in this folder (see README.md). Deterministic: same output every run.

Needs Python 3 and the `cryptography` package (only to encrypt the Auth.js v5 session tokens).
Run from anywhere: python3 testdata/audit/make_fixtures.py
"""
import base64, hashlib, hmac, json, os
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes, padding

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = open(os.path.join(HERE, "secret.txt")).read().strip()  # a test secret, not a real one
HOST = "https://app.example"
IAT = 1790000000


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def authjs_jwe(cookie_name, payload, seed):
    """An Auth.js v5 session JWE (dir, A256CBC-HS512, no kid), key = HKDF(secret, salt=cookie name)."""
    info = f"Auth.js Generated Encryption Key ({cookie_name})".encode()
    key = HKDF(algorithm=hashes.SHA256(), length=64, salt=cookie_name.encode(), info=info).derive(SECRET.encode())
    header = b64u(json.dumps({"alg": "dir", "enc": "A256CBC-HS512"}, separators=(",", ":")).encode())
    iv = hashlib.sha256(seed.encode()).digest()[:16]
    p = padding.PKCS7(128).padder()
    pt = p.update(json.dumps(payload, separators=(",", ":")).encode()) + p.finalize()
    enc = Cipher(algorithms.AES(key[32:]), modes.CBC(iv)).encryptor()
    ct = enc.update(pt) + enc.finalize()
    aad = header.encode()
    al = (len(aad) * 8).to_bytes(8, "big")
    tag = hmac.new(key[:32], aad + iv + ct + al, hashlib.sha512).digest()[:32]
    return f"{header}..{b64u(iv)}.{b64u(ct)}.{b64u(tag)}"


def session(user, n):
    """The n-th rolled session token of a user (each response re-encrypts with a new iat)."""
    payload = {"name": user.title(), "email": f"{user}@example.com", "sub": f"{user}-id",
               "iat": IAT + n * 60, "exp": IAT + 30 * 86400, "jti": f"{user}-{n}"}
    return authjs_jwe("authjs.session-token", payload, f"{user}-{n}")


def jws(payload):
    """A JWS (HS256 with the test secret) readable without any key."""
    h = b64u(b'{"alg":"HS256","typ":"JWT"}')
    p = b64u(json.dumps(payload, separators=(",", ":")).encode())
    s = b64u(hmac.new(SECRET.encode(), f"{h}.{p}".encode(), hashlib.sha256).digest())
    return f"{h}.{p}.{s}"


SC = "authjs.session-token"
SESSION_ATTRS = "Path=/; Expires=Wed, 01 Oct 2036 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax"
CLEAR = f"{SC}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax"
PRIVATE = ("Cache-Control", "private, no-cache, no-store")


def entry(n, method, path, status, req=(), resp=(), body=""):
    return {
        "startedDateTime": f"2026-09-23T10:00:{n:02d}.000Z",
        "time": 12.5,
        "request": {"method": method, "url": HOST + path, "httpVersion": "HTTP/2",
                    "headers": [{"name": k, "value": v} for k, v in req], "queryString": [], "cookies": [],
                    "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/2",
                     "headers": [{"name": k, "value": v} for k, v in resp], "cookies": [],
                     "content": {"size": len(body), "mimeType": "text/html", "text": body},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
        "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2.5},
    }


def har(entries):
    return {"log": {"version": "1.2", "creator": {"name": "authpeek make_fixtures.py", "version": "1"},
                    "pages": [], "entries": [entry(i + 1, *e) for i, e in enumerate(entries)]}}


def cookie(user, n):
    return ("Cookie", f"theme=dark; {SC}={session(user, n)}")


def set_session(user, n):
    return ("Set-Cookie", f"{SC}={session(user, n)}; {SESSION_ATTRS}")


HTML = ("Content-Type", "text/html; charset=utf-8")
FIX = {}

# cached-set-cookie: CloudFront serves a cached page that sets alice's session to bob.
FIX["cached-set-cookie.pos.har"] = har([
    ("GET", "/dashboard", 200, [cookie("bob", 0)],
     [HTML, ("X-Cache", "Hit from cloudfront"), ("Age", "42"), set_session("alice", 1)]),
])
FIX["cached-set-cookie.neg.har"] = har([
    ("GET", "/dashboard", 200, [cookie("bob", 0)],
     [HTML, ("X-Cache", "Miss from cloudfront"), PRIVATE, set_session("bob", 1)]),
])
# cacheable-set-cookie: a rolling refresh on a public, s-maxage response (cache miss this time).
FIX["cacheable-set-cookie.pos.har"] = har([
    ("GET", "/", 200, [cookie("alice", 0)],
     [HTML, ("Cache-Control", "public, s-maxage=60"), ("x-vercel-cache", "MISS"), set_session("alice", 1)]),
])
FIX["cacheable-set-cookie.neg.har"] = har([
    ("GET", "/", 200, [cookie("alice", 0)],
     [HTML, PRIVATE, ("x-vercel-cache", "MISS"), set_session("alice", 1)]),
])
# cacheable-auth-route: /api/auth/session answered from the Vercel cache.
FIX["cacheable-auth-route.pos.har"] = har([
    ("GET", "/api/auth/session", 200, [cookie("alice", 0)],
     [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=0, s-maxage=300"), ("x-vercel-cache", "HIT"), ("Vary", "Cookie")]),
])
FIX["cacheable-auth-route.neg.har"] = har([
    ("GET", "/api/auth/session", 200, [cookie("alice", 0)],
     [("Content-Type", "application/json"), PRIVATE, ("x-vercel-cache", "MISS")]),
])
# session-resurrected: sign-out clears the cookie, the next page sets it again (no sign-in).
FIX["session-resurrected.pos.har"] = har([
    ("GET", "/dashboard", 200, [cookie("alice", 0)], [HTML, PRIVATE]),
    ("POST", "/api/auth/signout", 302, [cookie("alice", 0)], [("Location", "/"), PRIVATE, ("Set-Cookie", CLEAR)]),
    ("GET", "/", 200, [("Cookie", "theme=dark")], [HTML, PRIVATE, set_session("alice", 1)]),
])
FIX["session-resurrected.neg.har"] = har([
    ("GET", "/dashboard", 200, [cookie("alice", 0)], [HTML, PRIVATE]),
    ("POST", "/api/auth/signout", 302, [cookie("alice", 0)], [("Location", "/"), PRIVATE, ("Set-Cookie", CLEAR)]),
    ("GET", "/api/auth/callback/github?code=abc&state=def", 302,
     [("Cookie", "theme=dark; authjs.pkce.code_verifier=v; authjs.state=s")],
     [("Location", "/"), PRIVATE, set_session("alice", 1)]),
    ("GET", "/", 200, [cookie("alice", 1)], [HTML, PRIVATE]),
])
# identity-switch: alice's browser is handed bob's session (decodable with the secret).
FIX["identity-switch.pos.har"] = har([
    ("GET", "/dashboard", 200, [cookie("alice", 0)], [HTML, PRIVATE, set_session("alice", 1)]),
    ("GET", "/settings", 200, [cookie("alice", 1)], [HTML, PRIVATE, set_session("bob", 2)]),
])
FIX["identity-switch.neg.har"] = har([
    ("GET", "/dashboard", 200, [cookie("alice", 0)], [HTML, PRIVATE, set_session("alice", 1)]),
    ("GET", "/settings", 200, [cookie("alice", 1)], [HTML, PRIVATE, set_session("alice", 2)]),
])
# identity-switch without a secret: an opaque value comes back after it was replaced (a replay).
FIX["identity-switch-replay.pos.har"] = har([
    ("GET", "/a", 200, [("Cookie", "connect.sid=s%3Aold-value")], [HTML, PRIVATE, ("Set-Cookie", "connect.sid=s%3Anew-value; Path=/; HttpOnly")]),
    ("GET", "/b", 200, [("Cookie", "connect.sid=s%3Anew-value")], [HTML, PRIVATE, ("Set-Cookie", "connect.sid=s%3Aold-value; Path=/; HttpOnly")]),
])
# missing-vary-cookie: a signed-in page cached publicly without Vary: Cookie.
FIX["missing-vary-cookie.pos.har"] = har([
    ("GET", "/account", 200, [cookie("alice", 0)], [HTML, ("Cache-Control", "public, max-age=60")]),
])
FIX["missing-vary-cookie.neg.har"] = har([
    ("GET", "/account", 200, [cookie("alice", 0)], [HTML, ("Cache-Control", "public, max-age=60"), ("Vary", "Cookie, Accept-Encoding")]),
    ("GET", "/_next/static/chunks/main.js", 200, [cookie("alice", 0)],
     [("Content-Type", "application/javascript"), ("Cache-Control", "public, max-age=31536000, immutable")]),
])
# callback-missing-transaction-cookie: the PKCE/state cookies are SameSite=Strict and do not come back.
TX = "Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=900"
FIX["callback-missing-transaction-cookie.pos.har"] = har([
    ("POST", "/api/auth/signin/github", 302, [("Cookie", "theme=dark")],
     [("Location", "https://github.com/login/oauth/authorize?client_id=x"), PRIVATE,
      ("Set-Cookie", f"authjs.pkce.code_verifier=eyJhbGciOiJkaXIifQ..a.b.c; {TX}"),
      ("Set-Cookie", f"authjs.state=eyJhbGciOiJkaXIifQ..d.e.f; {TX}")]),
    ("GET", "/api/auth/callback/github?code=abc&state=def", 302, [("Cookie", "theme=dark")],
     [("Location", "/api/auth/error?error=InvalidCheck"), PRIVATE]),
])
FIX["callback-missing-transaction-cookie.neg.har"] = har([
    ("POST", "/api/auth/signin/github", 302, [("Cookie", "theme=dark")],
     [("Location", "https://github.com/login/oauth/authorize?client_id=x"), PRIVATE,
      ("Set-Cookie", "authjs.pkce.code_verifier=eyJhbGciOiJkaXIifQ..a.b.c; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=900")]),
    ("GET", "/api/auth/callback/github?code=abc&state=def", 302,
     [("Cookie", "theme=dark; authjs.pkce.code_verifier=eyJhbGciOiJkaXIifQ..a.b.c")],
     [("Location", "/"), PRIVATE, set_session("alice", 0),
      ("Set-Cookie", "authjs.pkce.code_verifier=; Path=/; Max-Age=0")]),
])
# cookie-attributes: every attribute mistake at once, and the same cookies done right.
BIG = "x" * 4200
FIX["cookie-attributes.pos.har"] = har([
    ("POST", "/api/auth/callback/credentials", 302, [], [HTML, PRIVATE,
        ("Set-Cookie", f"__Secure-{SC}={session('alice', 0)}; Path=/; SameSite=None"),
        ("Set-Cookie", f"__Host-authjs.state=v; Path=/app; Domain=app.example; Secure"),
        ("Set-Cookie", f"my_app_session={BIG}; Path=/; HttpOnly; Secure")]),
])
FIX["cookie-attributes.neg.har"] = har([
    ("POST", "/api/auth/callback/credentials", 302, [], [HTML, PRIVATE,
        ("Set-Cookie", f"__Secure-{SC}={session('alice', 0)}; Path=/; HttpOnly; Secure; SameSite=Lax"),
        ("Set-Cookie", "__Host-authjs.state=v; Path=/; HttpOnly; Secure; SameSite=Lax")]),
])
# anonymous-session-leak: a request with no session is handed alice's (decodable without a key: a JWS).
ALICE_JWS = jws({"sub": "alice", "iat": IAT})
FIX["anonymous-session-leak.pos.har"] = har([
    ("GET", "/pricing", 200, [("Cookie", "theme=dark")], [HTML, PRIVATE, ("Set-Cookie", f"session={ALICE_JWS}; Path=/; HttpOnly; Secure; SameSite=Lax")]),
])
FIX["anonymous-session-leak.neg.har"] = har([
    ("GET", "/api/auth/callback/credentials", 302, [("Cookie", "theme=dark")], [PRIVATE, ("Location", "/"), ("Set-Cookie", f"session={ALICE_JWS}; Path=/; HttpOnly; Secure; SameSite=Lax")]),
])
# The whole story for the README: bob signs in, a cached page hands him alice's session, sign-out blinks.
FIX["cdn-leak.har"] = har([
    ("GET", "/", 200, [("Cookie", "theme=dark")], [HTML, ("Cache-Control", "public, max-age=0, s-maxage=60"), ("X-Cache", "Miss from cloudfront")]),
    ("POST", "/api/auth/signin/github", 302, [("Cookie", "theme=dark")],
     [("Location", "https://github.com/login/oauth/authorize"), PRIVATE,
      ("Set-Cookie", "authjs.pkce.code_verifier=eyJhbGciOiJkaXIifQ..a.b.c; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=900")]),
    ("GET", "/api/auth/callback/github?code=abc&state=def", 302,
     [("Cookie", "theme=dark; authjs.pkce.code_verifier=eyJhbGciOiJkaXIifQ..a.b.c")],
     [("Location", "/dashboard"), PRIVATE, set_session("bob", 0), ("Set-Cookie", "authjs.pkce.code_verifier=; Path=/; Max-Age=0")]),
    ("GET", "/dashboard", 200, [cookie("bob", 0)],
     [HTML, ("Cache-Control", "public, max-age=0, s-maxage=60"), ("X-Cache", "Hit from cloudfront"), ("Age", "17"), set_session("alice", 3)]),
    ("GET", "/api/auth/session", 200, [cookie("alice", 3)], [("Content-Type", "application/json"), PRIVATE]),
    ("POST", "/api/auth/signout", 302, [cookie("alice", 3)], [("Location", "/"), PRIVATE, ("Set-Cookie", CLEAR)]),
    ("GET", "/dashboard", 200, [("Cookie", "theme=dark")],
     [HTML, ("Cache-Control", "public, max-age=0, s-maxage=60"), ("X-Cache", "Hit from cloudfront"), ("Age", "31"), set_session("alice", 3)]),
])
# A HAR exported without sensitive data: Cookie / Set-Cookie removed, bodies kept.
stripped = har([
    ("GET", "/", 200, [("Accept", "text/html")], [HTML, ("X-Cache", "Hit from cloudfront")], "<html>hello</html>"),
    ("GET", "/api/auth/session", 200, [("Accept", "application/json")], [("Content-Type", "application/json")], '{"user":{"name":"Alice"}}'),
])
FIX["stripped.har"] = stripped
FIX["empty.har"] = {"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "pages": [], "entries": []}}

# The other libraries (issue 7): Auth0 nextjs v3 / v4 transaction cookies on the callback, and each
# library's session cookie in a cached response. Values are placeholders of the right shape: the
# rules decide by cookie name.
A0_TXN = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..c2lnbmF0dXJl"  # detached JWS
A0_JWE = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y2lwaGVydGV4dA.dGFn"
# v3: `auth_verification` is set with Path=/api/auth/login, so the browser keeps it off the callback.
FIX["auth0-v3-callback-missing-transaction-cookie.pos.har"] = har([
    ("GET", "/api/auth/login", 302, [("Cookie", "theme=dark")],
     [("Location", "https://tenant.auth0.example/authorize?client_id=x&state=s1"), PRIVATE,
      ("Set-Cookie", f"auth_verification={A0_TXN}; Path=/api/auth/login; HttpOnly; Secure; SameSite=Lax")]),
    ("GET", "/api/auth/callback?code=abc&state=s1", 400, [("Cookie", "theme=dark")],
     [HTML, PRIVATE], "checks.state argument is missing"),
])
FIX["auth0-v3-callback-missing-transaction-cookie.neg.har"] = har([
    ("GET", "/api/auth/login", 302, [("Cookie", "theme=dark")],
     [("Location", "https://tenant.auth0.example/authorize?client_id=x&state=s1"), PRIVATE,
      ("Set-Cookie", f"auth_verification={A0_TXN}; Path=/; HttpOnly; Secure; SameSite=Lax")]),
    ("GET", "/api/auth/callback?code=abc&state=s1", 302, [("Cookie", f"theme=dark; auth_verification={A0_TXN}")],
     [("Location", "/"), PRIVATE,
      ("Set-Cookie", f"appSession={A0_JWE}; Path=/; HttpOnly; Secure; SameSite=Lax"),
      ("Set-Cookie", "auth_verification=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")]),
])
# v4: one `__txn_<state>` cookie per sign-in, SameSite=Strict: dropped on the redirect back.
FIX["auth0-v4-callback-missing-transaction-cookie.pos.har"] = har([
    ("GET", "/auth/login", 307, [("Cookie", "theme=dark")],
     [("Location", "https://tenant.auth0.example/authorize?client_id=x&state=s2"), PRIVATE,
      ("Set-Cookie", f"__txn_s2=1790000000:{A0_JWE}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=3600")]),
    ("GET", "/auth/callback?code=abc&state=s2", 400, [("Cookie", "theme=dark")],
     [HTML, PRIVATE], "The state parameter is invalid."),
])
FIX["auth0-v4-callback-missing-transaction-cookie.neg.har"] = har([
    ("GET", "/auth/login", 307, [("Cookie", "theme=dark")],
     [("Location", "https://tenant.auth0.example/authorize?client_id=x&state=s2"), PRIVATE,
      ("Set-Cookie", f"__txn_s2=1790000000:{A0_JWE}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=3600")]),
    ("GET", "/auth/callback?code=abc&state=s2", 307, [("Cookie", f"theme=dark; __txn_s2=1790000000:{A0_JWE}")],
     [("Location", "/"), PRIVATE,
      ("Set-Cookie", f"__session={A0_JWE}; Path=/; HttpOnly; Secure; SameSite=Lax"),
      ("Set-Cookie", "__txn_s2=; Path=/; Max-Age=0")]),
])
# cached-set-cookie for each library: Auth0 v3 `appSession`, v4 `__session`, Supabase
# `sb-<ref>-auth-token`, better-auth `better-auth.session_token`, each on its own page.
SB_SESSION = "base64-" + b64u(json.dumps({"access_token": jws({"sub": "alice", "iat": IAT}), "refresh_token": "r1",
                                           "expires_at": IAT + 3600, "user": {"id": "alice"}}, separators=(",", ":")).encode())
BA_TOKEN = "J16q4YAtN5bflRKRXyMuW24yxd0uYN1B." + base64.b64encode(hmac.new(SECRET.encode(), b"J16q4YAtN5bflRKRXyMuW24yxd0uYN1B", hashlib.sha256).digest()).decode()
LIB_SESSIONS = [
    ("/a0v3", f"appSession={A0_JWE}"),
    ("/a0v4", f"__session={A0_JWE}"),
    ("/supabase", f"sb-abcdefghijklmnopqrst-auth-token={SB_SESSION}"),
    ("/better-auth", "better-auth.session_token=" + BA_TOKEN.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D")),
]
FIX["cached-set-cookie-libraries.pos.har"] = har([
    ("GET", path, 200, [("Cookie", "theme=dark")],
     [HTML, ("X-Cache", "Hit from cloudfront"), ("Age", "42"), ("Set-Cookie", f"{c}; Path=/; HttpOnly; Secure; SameSite=Lax")])
    for path, c in LIB_SESSIONS
])
# The same refreshes done right: each from a signed-in request, a private cache miss.
FIX["cached-set-cookie-libraries.neg.har"] = har([
    ("GET", path, 200, [("Cookie", f"theme=dark; {c}")],
     [HTML, ("X-Cache", "Miss from cloudfront"), PRIVATE, ("Set-Cookie", f"{c}; Path=/; HttpOnly; Secure; SameSite=Lax")])
    for path, c in LIB_SESSIONS
])

# identity-switch with better-auth's two session cookies: the signed token (only a database-session
# id) and the cookie cache (compact: base64url JSON with the user). Refreshing one and re-setting
# the other with its same value is no switch; a cache for another user is.
def ba_cache(user, n):
    session = {"session": {"token": BA_TOKEN.split(".")[0], "userId": f"{user}-id", "expiresAt": "2026-09-30T10:00:00.000Z"},
               "user": {"id": f"{user}-id", "email": f"{user}@example.com"}, "updatedAt": IAT * 1000 + n, "version": "1"}
    sig = b64u(hmac.new(SECRET.encode(), json.dumps({**session, "expiresAt": IAT * 1000 + 300000 + n}, separators=(",", ":")).encode(), hashlib.sha256).digest())
    return b64u(json.dumps({"session": session, "expiresAt": IAT * 1000 + 300000 + n, "signature": sig}, separators=(",", ":")).encode())


BA_T = "better-auth.session_token=" + BA_TOKEN.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D")
BA_ATTRS = "Path=/; HttpOnly; Secure; SameSite=Lax"
FIX["identity-switch-better-auth.neg.har"] = har([
    ("GET", "/dashboard", 200, [("Cookie", f"{BA_T}; better-auth.session_data={ba_cache('alice', 0)}")],
     [HTML, PRIVATE, ("Set-Cookie", f"better-auth.session_data={ba_cache('alice', 1)}; Max-Age=300; {BA_ATTRS}")]),
    ("GET", "/settings", 200, [("Cookie", f"{BA_T}; better-auth.session_data={ba_cache('alice', 1)}")],
     [HTML, PRIVATE, ("Set-Cookie", f"{BA_T}; Max-Age=604800; {BA_ATTRS}")]),
])
FIX["identity-switch-better-auth.pos.har"] = har([
    ("GET", "/dashboard", 200, [("Cookie", f"{BA_T}; better-auth.session_data={ba_cache('alice', 0)}")],
     [HTML, PRIVATE, ("Set-Cookie", f"better-auth.session_data={ba_cache('alice', 1)}; Max-Age=300; {BA_ATTRS}")]),
    ("GET", "/settings", 200, [("Cookie", f"{BA_T}; better-auth.session_data={ba_cache('alice', 1)}")],
     [HTML, PRIVATE, ("Set-Cookie", f"better-auth.session_data={ba_cache('bob', 2)}; Max-Age=300; {BA_ATTRS}")]),
])

for name, doc in FIX.items():
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
# Truncated: the first 600 bytes of cdn-leak.har, as a download cut short leaves it.
with open(os.path.join(HERE, "cdn-leak.har")) as f:
    head = f.read()[:600]
with open(os.path.join(HERE, "truncated.har"), "w") as f:
    f.write(head)
print(f"wrote {len(FIX) + 1} files")
