// Records connect.sid cookies from a real express app with the real express-session (versions
// pinned in package.json / package-lock.json) into testdata/vectors/express-session/. Every value
// comes from a Set-Cookie the app sent; every verdict (`library_check`) is what the same app did
// with the cookie on the next request (kept the session, or started a new one).
//
// The clock is fixed: Date.now() is the vectors' anchor (1790000000 s) plus the seconds each step
// advances, so Expires attributes are reproducible; session ids are random (uid-safe) and change on
// every run. The secrets are throwaway test values.
//
// Usage: node record.mjs OUT_DIR [PORT]   (listens on 127.0.0.1 only; default port 3500)
import express from "express";
import session from "express-session";
import signature from "cookie-signature";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const versions = Object.fromEntries(
  ["express", "express-session", "cookie-signature"].map((p) => [p, require(`${p}/package.json`).version]),
);
const LIB = `express-session@${versions["express-session"]}`;

const ANCHOR = 1790000000;
let nowMs = ANCHOR * 1000;
Date.now = () => nowMs;
const now = () => Math.floor(nowMs / 1000);
const advance = (s) => {
  nowMs += s * 1000;
};

const outDir = process.argv[2];
const basePort = Number(process.argv[3] || 3500);
if (!outDir) {
  console.error("usage: node record.mjs OUT_DIR [PORT]");
  process.exit(2);
}

// Throwaway test secrets.
const SECRET = "express-session test secret, not used anywhere";
const OLD = "express-session rotated-out test secret";
const NEW = "express-session current test secret";
const OTHER = "some other app's test secret";

// One express app: the session middleware with `opts`, and four routes.
function app(opts) {
  const a = express();
  a.use(session({ resave: false, saveUninitialized: false, ...opts }));
  a.get("/whoami", (req, res) => res.json({ id: req.sessionID, user: req.session.user ?? null, views: req.session.views ?? 0 }));
  a.get("/touch", (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ id: req.sessionID, views: req.session.views });
  });
  // The fixed login: a new session id once the user is known (session fixation defence).
  a.get("/login", (req, res, next) => {
    const views = req.session.views;
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = "user-42";
      req.session.views = views;
      res.json({ id: req.sessionID, user: req.session.user });
    });
  });
  // The broken login: the user is written into the session the visitor already had.
  a.get("/login-keeps-id", (req, res) => {
    req.session.user = "user-42";
    res.json({ id: req.sessionID, user: req.session.user });
  });
  return a;
}

const stores = { shared: new session.MemoryStore() };
const apps = {
  plain: { secret: SECRET },
  old: { secret: OLD, store: stores.shared },
  rotated: { secret: [NEW, OLD], store: stores.shared },
  maxage: { secret: SECRET, cookie: { maxAge: 3600 * 1000 } },
  expires: { secret: SECRET, cookie: { expires: new Date((ANCHOR + 7 * 86400) * 1000) } },
  rolling: { secret: SECRET, rolling: true, cookie: { maxAge: 1800 * 1000, secure: false, sameSite: "lax" } },
  // The `name` option: the app's own cookie name, found by the value's shape.
  // Secure cookies behind a TLS-terminating proxy: `proxy: true` trusts X-Forwarded-Proto.
  renamed: { secret: SECRET, name: "myapp", proxy: true, cookie: { maxAge: 3600 * 1000, secure: true, sameSite: "lax" } },
};
const servers = [];
const urls = {};
let port = basePort;
for (const [name, opts] of Object.entries(apps)) {
  const p = port++;
  await new Promise((ok, fail) => {
    const s = app(opts).listen(p, "127.0.0.1", ok);
    s.on("error", fail);
    servers.push(s);
  });
  urls[name] = `http://127.0.0.1:${p}`;
}

// One request; returns the session Set-Cookie (if any) and the JSON body.
async function get(appName, path, cookie, name = "connect.sid") {
  const headers = { "x-forwarded-proto": "https", ...(cookie ? { cookie } : {}) };
  const res = await fetch(urls[appName] + path, { headers });
  const body = await res.json();
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? null;
  return { body, setCookie, at: now() };
}

// `name=value; attrs` -> the value as sent on the wire.
const wireOf = (setCookie) => setCookie.split(";")[0].slice(setCookie.indexOf("=") + 1);
const idOf = (value) => value.slice(2, value.lastIndexOf("."));

// What the app made of a Cookie: header: the session it found ("ok") or a new one.
async function libraryCheck(appName, wire, expectedId) {
  const { body } = await get(appName, "/whoami", `connect.sid=${wire}`);
  return body.id === expectedId
    ? { result: "ok", session_id: body.id }
    : { result: "error", error: { message: "express-session ignored the cookie and started a new session", new_session_id: body.id } };
}

const cases = [];
function addCase(c) {
  cases.push({ library: LIB, format: "express-session", cookie_name: "connect.sid", ...c });
}
// A case from a recorded Set-Cookie, checked against the app that will read it.
async function fromSetCookie(id, kind, rec, readerApp, secrets, notes) {
  const wire = wireOf(rec.setCookie);
  const value = decodeURIComponent(wire);
  const sid = idOf(value);
  addCase({
    id,
    kind,
    cookie_value: value,
    wire_value: wire,
    set_cookie: rec.setCookie,
    cookie_header: `connect.sid=${wire}`,
    ...(secrets.length === 1 ? { secret: secrets[0] } : { secrets }),
    now: rec.at,
    expected_session_id: sid,
    expect: "ok",
    library_check: await libraryCheck(readerApp, wire, sid),
    notes,
  });
  return { wire, value, sid };
}

// 1. A fresh session.
const fresh = await get("plain", "/touch");
const f = await fromSetCookie("express-session-fresh-p01", "fresh", fresh, "plain", [SECRET], "a new session: s: + id + . + base64(HMAC-SHA256(secret, id)) without padding, URL-encoded on the wire");

// 2. Rotation: a cookie signed by the old secret, read by an app whose list is [new, old]; and
// a cookie the rotated app signs itself (with the first).
const oldRec = await get("old", "/touch");
advance(60);
await fromSetCookie("express-session-rotated-old-p02", "rotation", { ...oldRec, at: now() }, "rotated", [NEW, OLD], "signed with the secret that is now second in the list: accepted (unsigncookie tries each secret)");
const rotNew = await get("rotated", "/touch");
await fromSetCookie("express-session-rotated-new-p03", "rotation", rotNew, "rotated", [NEW, OLD], "signed by the app whose secret list is [new, old]: signs with the first");

// 3. A tampered signature, a tampered id, the wrong secret.
{
  const sig = f.value.slice(f.value.lastIndexOf(".") + 1);
  const flipped = sig[0] === "A" ? "B" + sig.slice(1) : "A" + sig.slice(1);
  const value = `s:${f.sid}.${flipped}`;
  const wire = encodeURIComponent(value);
  addCase({
    id: "express-session-tampered-signature-p04", kind: "tampered", cookie_value: value, wire_value: wire,
    cookie_header: `connect.sid=${wire}`, secret: SECRET, now: now(), expected_session_id: null,
    expect: "error:bad_signature", library_check: await libraryCheck("plain", wire, f.sid),
    notes: "the fresh cookie with the first signature character changed",
  });
  const otherId = f.sid.slice(0, -1) + (f.sid.endsWith("A") ? "B" : "A");
  const value2 = `s:${otherId}.${sig}`;
  const wire2 = encodeURIComponent(value2);
  addCase({
    id: "express-session-tampered-id-p05", kind: "tampered", cookie_value: value2, wire_value: wire2,
    cookie_header: `connect.sid=${wire2}`, secret: SECRET, now: now(), expected_session_id: null,
    expect: "error:bad_signature", library_check: await libraryCheck("plain", wire2, otherId),
    notes: "the fresh cookie's signature under another session id (the last id character changed)",
  });
  addCase({
    id: "express-session-wrong-secret-p06", kind: "wrong_secret", cookie_value: f.value, wire_value: f.wire,
    cookie_header: `connect.sid=${f.wire}`, secret: OTHER, now: now(), expected_session_id: null,
    expect: "error:bad_signature", library_check: { result: "error", error: { message: "signature made with another secret (cookie-signature unsign returns false)" }, unsign: signature.unsign(f.value.slice(2), OTHER) },
    notes: "the fresh cookie checked with another app's secret",
  });
}

// 4. An unsigned id: express-session only reads values that start with s:.
addCase({
  id: "express-session-unsigned-p07", kind: "unsigned", cookie_value: f.sid, cookie_header: `connect.sid=${f.sid}`,
  secret: SECRET, now: now(), expected_session_id: null, expect: "error:unsigned",
  library_check: await libraryCheck("plain", f.sid, f.sid),
  notes: "the bare session id with no s: prefix and no signature: express-session ignores it ('cookie unsigned') and starts a new session",
});

// 5. cookie.maxAge and cookie.expires.
const maxRec = await get("maxage", "/touch");
await fromSetCookie("express-session-maxage-p08", "max_age", maxRec, "maxage", [SECRET], "cookie.maxAge = 1 h: Expires = now + 3600 s on the Set-Cookie");
const expRec = await get("expires", "/touch");
await fromSetCookie("express-session-expires-p09", "expires", expRec, "expires", [SECRET], "cookie.expires set to a fixed date 7 days after the anchor");

// 6. Login: regenerate() gives a new id (the fix); writing the user into the visitor's session
// keeps the id (session fixation). The maxAge app re-sends the cookie whenever the session changes.
const pairs = [];
async function pair(id, kind, appName, loginPath, notes) {
  const before = await get(appName, "/touch");
  advance(30);
  const after = await get(appName, loginPath, `connect.sid=${wireOf(before.setCookie)}`);
  const b = decodeURIComponent(wireOf(before.setCookie));
  const a = decodeURIComponent(wireOf(after.setCookie));
  pairs.push({
    id, kind, library: LIB, format: "express-session", cookie_name: "connect.sid", secret: SECRET,
    before: { cookie_value: b, set_cookie: before.setCookie, now: before.at, session_id: idOf(b) },
    after: { cookie_value: a, set_cookie: after.setCookie, now: after.at, session_id: idOf(a), user: after.body.user ?? null },
    expected_diff: { session_id_changed: idOf(a) !== idOf(b) },
    notes,
  });
}
await pair("express-session-login-regenerate-p10", "login_regenerate", "maxage", "/login", "GET /login calls req.session.regenerate() before writing the user: a new id (the session fixation defence)");
await pair("express-session-login-keeps-id-p11", "login_keeps_id", "maxage", "/login-keeps-id", "GET /login-keeps-id writes the user into the session the visitor already had: the id an attacker could have planted survives the login (session fixation)");
await pair("express-session-rolling-p12", "rolling", "rolling", "/whoami", "rolling: true: a plain request re-issues the same signed id with a new Expires (now + maxAge)");

// 7. A renamed cookie (`name: "myapp"`), and the same app's sign-in (regenerate) for the HAR.
const renamed = await get("renamed", "/touch", undefined, "myapp");
const renamedWire = wireOf(renamed.setCookie);
{
  const { body } = await get("renamed", "/whoami", `myapp=${renamedWire}`, "myapp");
  const value = decodeURIComponent(renamedWire);
  addCase({
    id: "express-session-renamed-p13", kind: "renamed", cookie_name: "myapp", cookie_value: value, wire_value: renamedWire,
    set_cookie: renamed.setCookie, cookie_header: `myapp=${renamedWire}`, secret: SECRET, now: renamed.at,
    expected_session_id: idOf(value), expect: "ok",
    library_check: body.id === idOf(value) ? { result: "ok", session_id: body.id } : { result: "error", error: { message: "new session", new_session_id: body.id } },
    notes: "the app sets `name: \"myapp\"` (and cookie.secure, sameSite lax, maxAge 1 h): recognised by the value's shape",
  });
}
advance(30);
const aliceLogin = await get("renamed", "/login", `myapp=${renamedWire}`, "myapp");

for (const s of servers) s.close();

// Files the integration tests and transcripts read (written from the values above).
const w = (name, text) => writeFileSync(join(outDir, name), text);
w("secret.txt", SECRET + "\n");
w("secret-new.txt", NEW + "\n");
w("secret-old.txt", OLD + "\n");
w("fresh.txt", `Set-Cookie: ${fresh.setCookie}\n`);
w("rotated-old.txt", `Cookie: connect.sid=${wireOf(oldRec.setCookie)}\n`);
w("maxage.txt", `Set-Cookie: ${maxRec.setCookie}\n`);
w("tampered.txt", `Cookie: ${cases.find((c) => c.kind === "tampered").cookie_header}\n`);
w("unsigned.txt", `Cookie: ${cases.find((c) => c.kind === "unsigned").cookie_header}\n`);
w("renamed.txt", `Set-Cookie: ${renamed.setCookie}\n`);
for (const [p, stem] of [[pairs[0], "login-regenerate"], [pairs[1], "login-keeps-id"], [pairs[2], "rolling"]]) {
  w(`${stem}-before.txt`, `Set-Cookie: ${p.before.set_cookie}\n`);
  w(`${stem}-after.txt`, `Set-Cookie: ${p.after.set_cookie}\n`);
}

// A HAR built from the recorded Set-Cookie values: alice signs in (the app's own response,
// private), then an anonymous visitor's GET /dashboard is answered from a CDN's cache that
// stored alice's response with its Set-Cookie (the CDN headers are made up; the cookies are
// the app's). Beside it, a cookie-parser style signed preference (`s:dark.<sig>`, made with
// cookie-signature) that is no session.
const prefs = `prefs=${encodeURIComponent("s:" + signature.sign("dark", SECRET))}; Path=/`;
const iso = (s) => new Date(s * 1000).toISOString();
const header = (name, value) => ({ name, value });
function entry(at, url, reqHeaders, status, resHeaders) {
  return {
    startedDateTime: iso(at), time: 10,
    request: { method: "GET", url, httpVersion: "HTTP/1.1", headers: reqHeaders, queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status, statusText: "", httpVersion: "HTTP/1.1", headers: resHeaders, cookies: [], content: { size: 0, mimeType: "application/json", text: "" }, redirectURL: "", headersSize: -1, bodySize: 0 },
    cache: {}, timings: { send: 0, wait: 9, receive: 1 },
  };
}
function har(cached) {
  const visitorHeaders = cached
    ? [header("X-Cache", "Hit from cloudfront"), header("Age", "20"), header("Set-Cookie", aliceLogin.setCookie), header("Set-Cookie", prefs)]
    : [header("X-Cache", "Miss from cloudfront"), header("Cache-Control", "private, no-store"), header("Set-Cookie", prefs)];
  return {
    log: {
      version: "1.2", creator: { name: "authpeek interop/express/record.mjs", version: "1" }, pages: [],
      entries: [
        entry(aliceLogin.at, "https://app.example/login", [header("Cookie", `myapp=${renamedWire}`)], 200,
          [header("Cache-Control", cached ? "public, max-age=60" : "private, no-store"), header("Set-Cookie", aliceLogin.setCookie)]),
        entry(aliceLogin.at + 20, "https://app.example/dashboard", [], 200, visitorHeaders),
      ],
    },
  };
}
w("cached-set-cookie.pos.har", JSON.stringify(har(true), null, 2) + "\n");
w("cached-set-cookie.neg.har", JSON.stringify(har(false), null, 2) + "\n");

const file = {
  schema_version: 1,
  family: "express-session",
  library: LIB,
  set: "public",
  anchor_time: ANCHOR,
  node: process.version,
  versions,
  cases,
  pairs,
};
writeFileSync(join(outDir, "express-session.json"), JSON.stringify(file, null, 2) + "\n");
console.log(`${cases.length} cases, ${pairs.length} pairs -> ${join(outDir, "express-session.json")}`);
