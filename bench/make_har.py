#!/usr/bin/env python3
"""Write a realistic HAR 1.2 file of about SIZE megabytes (10^6 bytes), as Chrome DevTools exports it.

    bench/make_har.py OUT.har [SIZE_MB]   (default 500)

Deterministic (seeded): the same SIZE gives the same file. Each entry has the request and response
headers a browser records (Cookie with an Auth.js-like session JWE and a CSRF token, Set-Cookie on
some responses, cache headers, CDN headers), the `cookies` arrays, `timings`, `cache`, Chrome's
`_initiator` / `_priority` / `_resourceType`, and a response body: base64 images (2-250 KB), HTML
and JSON text full of escapes (\\", \\n, \\u003c, \\/), scripts; some POSTs carry `postData`.
Two-space indentation like DevTools. Used by bench/har.sh and documented in README.
"""

import base64
import json
import random
import sys

out_path = sys.argv[1]
target = int(float(sys.argv[2] if len(sys.argv) > 2 else "500") * 1_000_000)
rng = random.Random(8)

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64url(n):
    return "".join(rng.choice(B64URL) for _ in range(n))


USERS = [f"user-{i:04d}" for i in range(40)]
# Auth.js v5 session cookies look like a dir/A256CBC-HS512 JWE: header.(empty).iv.ciphertext.tag
SESSIONS = [
    "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoi"
    + b64url(60)
    + "In0.."
    + b64url(22)
    + "."
    + b64url(rng.randrange(400, 900))
    + "."
    + b64url(43)
    for _ in USERS
]
CSRF = b64url(64) + "%7C" + b64url(64)
HOSTS = ["app.example.com", "cdn.example.com", "api.example.com", "fonts.example.net"]
PAGES = ["/", "/dashboard", "/settings/profile", "/orders", "/orders/1234", "/api/auth/session"]
UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
WORDS = (
    "session cookie cache vary private public max-age the a of to and in is for on with "
    "user order account settings dashboard profile invoice payment sign out".split()
)


def text(n):
    return " ".join(rng.choice(WORDS) for _ in range(n // 6))


def html_body(n):
    parts = ['<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>App</title>\n']
    size = 0
    while size < n:
        p = (
            f'<div class="card" data-id="{rng.randrange(10**6)}">\n  <p>{text(120)}</p>\n'
            f'  <script>window.__DATA__ = {{"k":"v\\u003c/script\\u003e","n":{rng.random()}}};</script>\n</div>\n'
        )
        parts.append(p)
        size += len(p)
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def json_body(n):
    items = []
    size = 0
    while size < n:
        it = {
            "id": rng.randrange(10**9),
            "name": text(40),
            "html": '<a href="/x?a=1&b=2">"quoted" \\ slash/</a>\n\ttabbed',
            "price": round(rng.random() * 1000, 2),
            "tags": [rng.choice(WORDS) for _ in range(5)],
            "unicode": "caf\u00e9 \u2713 \u65e5\u672c",
        }
        s = json.dumps(it)
        items.append(it)
        size += len(s)
    return json.dumps({"items": items, "next": None})


def js_body(n):
    line = 'function f(a,b){return a+"\\n"+b.replace(/\\"/g,"\'")}//' + text(60) + "\n"
    return line * max(1, n // len(line))


def image_body(n):
    return base64.b64encode(rng.randbytes(n * 3 // 4)).decode()


def header(name, value):
    return {"name": name, "value": value}


def entry(i):
    user = 0  # one browser, one signed-in user
    host = rng.choice(HOSTS)
    kind = rng.choices(["html", "json", "js", "image", "empty"], [1, 5, 2, 5, 3])[0]
    path = rng.choice(PAGES) if kind in ("html", "json", "empty") else f"/static/{b64url(12)}.{ {'js': 'js', 'image': 'png'}[kind]}"
    method = "POST" if kind == "json" and rng.random() < 0.2 else "GET"
    url = f"https://{host}{path}" + (f"?v={rng.randrange(1000)}" if rng.random() < 0.3 else "")
    cookie_value = f"authjs.session-token={SESSIONS[user]}; authjs.csrf-token={CSRF}; theme=dark"
    req_headers = [
        header(":authority", host),
        header(":method", method),
        header(":path", path),
        header(":scheme", "https"),
        header("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        header("accept-encoding", "gzip, deflate, br, zstd"),
        header("accept-language", "en-GB,en;q=0.9"),
        header("cookie", cookie_value),
        header("referer", f"https://app.example.com{rng.choice(PAGES)}"),
        header("sec-ch-ua", '"Chromium";v="131", "Not_A Brand";v="24"'),
        header("sec-fetch-dest", "document" if kind == "html" else "empty"),
        header("sec-fetch-mode", "navigate" if kind == "html" else "cors"),
        header("user-agent", UA),
    ]
    req_cookies = [
        {"name": "authjs.session-token", "value": SESSIONS[user], "path": "/", "domain": "app.example.com",
         "expires": "2026-12-25T10:00:00.000Z", "httpOnly": True, "secure": True, "sameSite": "Lax"},
        {"name": "authjs.csrf-token", "value": CSRF, "path": "/", "domain": "app.example.com",
         "expires": None, "httpOnly": True, "secure": True, "sameSite": "Lax"},
        {"name": "theme", "value": "dark", "path": "/", "domain": ".example.com",
         "expires": "2027-01-01T00:00:00.000Z", "httpOnly": False, "secure": False},
    ]
    if kind == "html":
        body, mime, enc = html_body(rng.randrange(5_000, 150_000)), "text/html", None
    elif kind == "json":
        body, mime, enc = json_body(rng.randrange(1_000, 120_000)), "application/json", None
    elif kind == "js":
        body, mime, enc = js_body(rng.randrange(10_000, 250_000)), "application/javascript", None
    elif kind == "image":
        body, mime, enc = image_body(rng.randrange(2_000, 250_000)), "image/png", "base64"
    else:
        body, mime, enc = "", "text/plain", None
    cached = kind in ("image", "js")
    resp_headers = [
        header("age", str(rng.randrange(0, 3600)) if cached else "0"),
        header("cache-control", "public, max-age=31536000, immutable" if cached else "private, no-store"),
        header("content-encoding", "br"),
        header("content-type", mime + ("; charset=utf-8" if enc is None else "")),
        header("date", "Wed, 25 Nov 2026 10:00:00 GMT"),
        header("etag", f'W/"{b64url(20)}"'),
        header("server", "cloudflare"),
        header("strict-transport-security", "max-age=63072000; includeSubDomains; preload"),
        header("vary", "Accept-Encoding" if cached else "Cookie, Accept-Encoding"),
        header("x-cache", rng.choice(["HIT", "MISS"]) if cached else "BYPASS"),
    ]
    resp_cookies = []
    if path == "/api/auth/session":
        nxt = user  # the session endpoint re-issues the same session
        resp_headers.append(header(
            "set-cookie",
            f"authjs.session-token={SESSIONS[nxt]}; Path=/; Expires=Fri, 25 Dec 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
        ))
        resp_cookies.append({"name": "authjs.session-token", "value": SESSIONS[nxt], "path": "/",
                             "expires": "2026-12-25T10:00:00.000Z", "httpOnly": True, "secure": True,
                             "sameSite": "Lax"})
    content = {"size": len(body), "mimeType": mime, "text": body}
    if enc:
        content["encoding"] = enc
    request = {
        "method": method,
        "url": url,
        "httpVersion": "http/2.0",
        "headers": req_headers,
        "queryString": [],
        "cookies": req_cookies,
        "headersSize": -1,
        "bodySize": 0,
    }
    if method == "POST":
        pd = json.dumps({"query": text(200), "vars": {"q": 'a "b" c\n'}})
        request["postData"] = {"mimeType": "application/json", "text": pd}
        request["bodySize"] = len(pd)
    return {
        "_initiator": {"type": "script", "stack": {"callFrames": [
            {"functionName": "f", "scriptId": "12", "url": "https://app.example.com/static/app.js",
             "lineNumber": 1, "columnNumber": rng.randrange(10**5)}]}},
        "_priority": "High",
        "_resourceType": {"html": "document", "json": "fetch", "js": "script", "image": "image", "empty": "fetch"}[kind],
        "cache": {},
        "connection": str(rng.randrange(100000)),
        "pageref": "page_1",
        "request": request,
        "response": {
            "status": 200,
            "statusText": "",
            "httpVersion": "http/2.0",
            "headers": resp_headers,
            "cookies": resp_cookies,
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_transferSize": len(body) // 3,
            "_error": None,
        },
        "serverIPAddress": "203.0.113.10",
        "startedDateTime": f"2026-11-25T10:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
        "time": rng.random() * 300,
        "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1,
                    "wait": rng.random() * 200, "receive": rng.random() * 50, "_blocked_queueing": 0.8},
    }


def indent(s, n):
    pad = " " * n
    return s.replace("\n", "\n" + pad)


head = {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [{"startedDateTime": "2026-11-25T10:00:00.000Z", "id": "page_1", "title": "https://app.example.com/",
               "pageTimings": {"onContentLoad": 312.5, "onLoad": 780.1}}],
}

with open(out_path, "w", encoding="utf-8") as f:
    written = 0
    pre = '{\n  "log": {\n'
    for k, v in head.items():
        pre += f'    "{k}": ' + indent(json.dumps(v, indent=2, ensure_ascii=False), 4) + ",\n"
    pre += '    "entries": [\n'
    f.write(pre)
    written += len(pre.encode())
    i = 0
    while True:
        s = "      " + indent(json.dumps(entry(i), indent=2, ensure_ascii=False), 6)
        i += 1
        written += len(s.encode()) + 2
        last = written >= target
        f.write(s + ("\n" if last else ",\n"))
        if last:
            break
    f.write("    ]\n  }\n}\n")
print(f"{out_path}: {i} entries, {written / 1e6:.1f} MB", file=sys.stderr)
