#!/usr/bin/env python3
"""Regenerate the input-form fixtures in this folder from the ground-truth vectors.

Every token below was made by the real JavaScript libraries (see ../vectors/README.md); this script
only wraps them in the shapes people paste: curl transcripts, Set-Cookie lines, a HAR file, a
dotenv file. Run from the repository root:  python3 testdata/cookies/make_fixtures.py
"""
import json
import pathlib

here = pathlib.Path(__file__).parent
vec = here.parent / "vectors"


def case(family, case_id):
    for c in json.loads((vec / f"{family}.json").read_text())["cases"]:
        if c["id"] == case_id:
            return c
    raise SystemExit(f"no case {case_id}")


jws = case("jws", "jws-hs256-valid-p01")
v5 = case("authjs-v5", "authjs5-session-basic-p01")
v5_secure = case("authjs-v5", "authjs5-session-basic-secure-p03")
v5_chunked = case("authjs-v5", "authjs5-session-chunked-p30")
v4 = case("nextauth-v4", "nextauth4-session-basic-p01")

(here / "jws-hs256.txt").write_text(jws["cookie_value"] + "\n")
(here / "jws-secret.txt").write_text(jws["key"]["secret_utf8"] + "\n")
(here / "nextauth-v4-secret.txt").write_text(v4["secret"] + "\n")

# A dotenv file as an app keeps it (only the secret matters to authpeek).
(here / "app.env").write_text(
    "# .env.local of a Next.js app\n"
    "AUTH_URL=https://app.example.com\n"
    f"AUTH_SECRET=\"{v5['secret']}\"\n"
    "DATABASE_URL=postgres://localhost/app\n"
)

# curl -v: request cookies on '> ' lines, response Set-Cookie on '< ' lines.
(here / "curl-v.txt").write_text(
    "*   Trying 127.0.0.1:3000...\n"
    "* Connected to localhost (127.0.0.1) port 3000\n"
    "> GET /api/auth/session HTTP/1.1\n"
    "> Host: localhost:3000\n"
    "> User-Agent: curl/8.5.0\n"
    f"> Cookie: theme=dark; authjs.session-token={v5['cookie_value']}\n"
    ">\n"
    "< HTTP/1.1 200 OK\n"
    "< content-type: application/json\n"
    f"< set-cookie: authjs.session-token={v5['cookie_value']}; Path=/; Expires=Wed, 21 Oct 2026 14:13:20 GMT; HttpOnly; SameSite=Lax\n"
    "< cache-control: private, no-cache, no-store\n"
    "<\n"
    "{\"user\":{\"name\":\"...\"}}\n"
)

# curl -i: status line and headers, no prefixes; a Bearer token in a request copied above it.
(here / "curl-i.txt").write_text(
    "HTTP/2 200\n"
    "content-type: application/json\n"
    f"set-cookie: __Secure-authjs.session-token={v5_secure['cookie_value']}; Path=/; HttpOnly; Secure; SameSite=Lax\n"
    "\n"
    "{\"ok\":true}\n"
)

(here / "set-cookie.txt").write_text(
    f"Set-Cookie: authjs.session-token={v5['cookie_value']}; Path=/; HttpOnly; SameSite=Lax\n"
    "Set-Cookie: authjs.callback-url=http%3A%2F%2Flocalhost%3A3000; Path=/; HttpOnly; SameSite=Lax\n"
)

(here / "bearer.txt").write_text(f"Authorization: Bearer {jws['cookie_value']}\n")

# Chunks in reverse order in one Cookie header.
(here / "chunked-cookie.txt").write_text(
    "Cookie: "
    + "; ".join(f"{c['name']}={c['value']}" for c in reversed(v5_chunked["chunks"]))
    + "\n"
)
# A gap: the joined value cut in three chunks (any split is valid), chunk .1 not sent.
joined = "".join(c["value"] for c in v5_chunked["chunks"])
third = len(joined) // 3 + 1
parts = [joined[k:k + third] for k in range(0, len(joined), third)]
(here / "chunk-gap-cookie.txt").write_text(
    f"Cookie: authjs.session-token.0={parts[0]}; authjs.session-token.2={parts[2]}\n"
)


def header(name, value):
    return {"name": name, "value": value}


har = {
    "log": {
        "version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"},
        "entries": [
            {
                "startedDateTime": "2026-09-21T14:13:20.000Z",
                "request": {
                    "method": "GET",
                    "url": "http://localhost:3000/api/auth/session",
                    "headers": [
                        header("Host", "localhost:3000"),
                        header("Cookie", f"theme=dark; authjs.session-token={v5['cookie_value']}"),
                    ],
                },
                "response": {
                    "status": 200,
                    "headers": [
                        header("Content-Type", "application/json"),
                        header(
                            "Set-Cookie",
                            f"authjs.session-token={v5['cookie_value']}; Path=/; HttpOnly; SameSite=Lax",
                        ),
                    ],
                    "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
                },
            }
        ],
    }
}
(here / "session.har").write_text(json.dumps(har, indent=2) + "\n")
print("fixtures written")

# "My session is null behind a proxy": the app (behind a TLS-terminating proxy) thinks it is on
# http and reads `authjs.session-token`, but the cookie was written as __Secure-... with that salt.
proxy = case("authjs-v5", "authjs5-secure-salt-under-plain-name-p21")
(here / "behind-proxy.txt").write_text(f"Cookie: authjs.session-token={proxy['cookie_value']}\n")

# Requests as browser DevTools copies them (Network ▸ right-click ▸ Copy ▸ ...), with the session
# cookie among others.
cookies = f"theme=dark; authjs.session-token={v5['cookie_value']}; _ga=GA1.1.123.456"
(here / "copy-as-curl.txt").write_text(
    "curl 'http://localhost:3000/api/auth/session' \\\n"
    "  -H 'accept: */*' \\\n"
    "  -H 'accept-language: en-GB,en;q=0.9' \\\n"
    f"  -b '{cookies}' \\\n"
    "  -H 'referer: http://localhost:3000/dashboard' \\\n"
    "  -H $'user-agent: Mozilla/5.0 (it\\'s a test)'\n"
)
(here / "copy-as-curl-cmd.txt").write_text(
    "curl ^\"http://localhost:3000/api/auth/session^\" ^\n"
    "  -H ^\"accept: */*^\" ^\n"
    f"  -b ^\"{cookies}^\" ^\n"
    "  -H ^\"referer: http://localhost:3000/dashboard^\"\n"
)
(here / "copy-as-fetch-node.txt").write_text(
    "fetch(\"http://localhost:3000/api/auth/session\", {\n"
    "  \"headers\": {\n"
    "    \"accept\": \"*/*\",\n"
    f"    \"cookie\": \"{cookies}\",\n"
    "    \"Referer\": \"http://localhost:3000/dashboard\"\n"
    "  },\n"
    "  \"body\": null,\n"
    "  \"method\": \"GET\"\n"
    "});\n"
)
(here / "copy-as-powershell.txt").write_text(
    "$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\n"
    "$session.UserAgent = \"Mozilla/5.0\"\n"
    "$session.Cookies.Add((New-Object System.Net.Cookie(\"theme\", \"dark\", \"/\", \"localhost\")))\n"
    f"$session.Cookies.Add((New-Object System.Net.Cookie(\"authjs.session-token\", \"{v5['cookie_value']}\", \"/\", \"localhost\")))\n"
    "Invoke-WebRequest -UseBasicParsing -Uri \"http://localhost:3000/api/auth/session\" `\n"
    "-WebSession $session `\n"
    "-Headers @{\n"
    "\"accept\"=\"*/*\"\n"
    "  \"referer\"=\"http://localhost:3000/dashboard\"\n"
    "}\n"
)

# A Netscape cookie jar as `curl -c` writes it, and rows copied from DevTools' cookie table
# (Application ▸ Cookies: select the rows, copy).
(here / "cookies.txt").write_text(
    "# Netscape HTTP Cookie File\n"
    "# https://curl.se/docs/http-cookies.html\n"
    "# This file was generated by libcurl! Edit at your own risk.\n"
    "\n"
    f"#HttpOnly_localhost\tFALSE\t/\tFALSE\t{v5['expected_payload']['exp']}\tauthjs.session-token\t{v5['cookie_value']}\n"
    "localhost\tFALSE\t/\tFALSE\t0\ttheme\tdark\n"
)
(here / "devtools-cookie-rows.txt").write_text(
    "theme\tdark\tlocalhost\t/\tSession\t9\t\t\t\t\t\tMedium\n"
    f"authjs.session-token\t{v5['cookie_value']}\tlocalhost\t/\t2026-10-21T14:13:20.000Z\t"
    f"{len('authjs.session-token') + len(v5['cookie_value'])}\t✓\t\tLax\t\t\tMedium\n"
)

# JSON cookie exports: Playwright's storageState (e2e auth setups save one) and a Cookie-Editor
# browser-extension export.
(here / "playwright-storage-state.json").write_text(json.dumps({
    "cookies": [
        {"name": "theme", "value": "dark", "domain": "localhost", "path": "/", "expires": -1,
         "httpOnly": False, "secure": False, "sameSite": "Lax"},
        {"name": "authjs.session-token", "value": v5["cookie_value"], "domain": "localhost",
         "path": "/", "expires": v5["expected_payload"]["exp"], "httpOnly": True, "secure": False,
         "sameSite": "Lax"},
    ],
    "origins": [],
}, indent=2) + "\n")
(here / "cookie-editor-export.json").write_text(json.dumps([
    {"domain": "localhost", "hostOnly": True, "httpOnly": False, "name": "theme", "path": "/",
     "sameSite": "lax", "secure": False, "session": True, "storeId": "0", "value": "dark"},
    {"domain": "localhost", "expirationDate": v5["expected_payload"]["exp"], "hostOnly": True,
     "httpOnly": True, "name": "authjs.session-token", "path": "/", "sameSite": "lax",
     "secure": False, "session": False, "storeId": "0", "value": v5["cookie_value"]},
], indent=2) + "\n")
