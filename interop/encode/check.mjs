// The real libraries open what `authpeek encode` mints: @auth/core's and next-auth v4's own
// decode() (and getToken(), which joins chunked cookies with the library's SessionStore) read each
// cookie, and the claims must be the ones given (plus iat/exp/jti as the libraries add them);
// iron-session's unsealData() opens its seals (a plain password and a password map); the Auth0
// SDK v3 and v4 read their sessions with their own session stores (v4 also reading v3's
// appSession, its migration), better-auth with getCookieCache(), Supabase with @supabase/ssr's
// getSession() (the access token verified with jose). See readers.mjs.
// Usage: node check.mjs PATH_TO_AUTHPEEK. Prints one line per case; exits 1 on any failure.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import assert from "node:assert/strict";
import * as v5 from "@auth/core/jwt";
import v4 from "next-auth/jwt";
import { unsealData } from "iron-session";
import { jwtVerify } from "jose";
import { auth0v3Read, auth0v4Get, betterAuthCache, supabaseSession } from "./readers.mjs";

const bin = process.argv[2];
if (!bin) {
  console.error("usage: node check.mjs PATH_TO_AUTHPEEK");
  process.exit(2);
}
// A fresh secret per run, given in the environment (never on a command line, never printed).
const secret = randomBytes(32).toString("base64");

const ironPassword = randomBytes(24).toString("base64"); // 32 characters
const ironMap = { 1: randomBytes(24).toString("base64"), 2: ironPassword };

function authpeek(args, input, env = { AUTH_SECRET: secret }) {
  return execFileSync(bin, ["encode", ...args], {
    env: { PATH: process.env.PATH, ...env },
    input: input ?? "",
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trimEnd();
}

/** name=value lines → { name: value } */
function cookies(lines) {
  return Object.fromEntries(lines.split("\n").map((l) => {
    const i = l.indexOf("=");
    return [l.slice(0, i), l.slice(i + 1)];
  }));
}

const user = { name: "Ada Lovelace", email: "ada@example.com", picture: null, sub: "user-1" };
const big = { ...user, roles: Array.from({ length: 400 }, (_, i) => `role-${i}-${"x".repeat(8)}`) };
const now = Math.floor(Date.now() / 1000);

function checkClaims(got, want, label) {
  for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${label}: claim ${k}`);
  assert.ok(Math.abs(got.iat - now) < 120, `${label}: iat is now`);
  assert.equal(got.exp - got.iat, 30 * 24 * 60 * 60, `${label}: exp = iat + 30 days`);
  assert.match(got.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `${label}: jti`);
}

const cases = [];
for (const name of ["authjs.session-token", "__Secure-authjs.session-token"]) {
  cases.push([`authjs-v5 ${name} decode()`, async () => {
    const token = authpeek(["--format", "authjs-v5", "--cookie-name", name, JSON.stringify(user)]);
    checkClaims(await v5.decode({ token, secret, salt: name }), user, name);
  }]);
  cases.push([`authjs-v5 ${name} chunked, getToken()`, async () => {
    const lines = authpeek(["--format", "authjs-v5", "--cookie-name", name, "--as", "name-value", "-"], JSON.stringify(big));
    const jar = cookies(lines);
    assert.ok(Object.keys(jar).length > 1, "chunked");
    const header = lines.split("\n").join("; ");
    const got = await v5.getToken({
      req: { headers: { cookie: header } }, secret, secureCookie: name.startsWith("__Secure-"), salt: name,
    });
    assert.ok(got, "getToken() read the chunks");
    checkClaims(got, big, name);
  }]);
}
cases.push(["next-auth-v4 decode()", async () => {
  const token = authpeek(["--format", "next-auth-v4", JSON.stringify(user)]);
  checkClaims(await v4.decode({ token, secret }), user, "v4");
}]);
cases.push(["next-auth-v4 chunked, getToken()", async () => {
  const jar = cookies(authpeek(["--format", "next-auth-v4", "--as", "name-value", "-"], JSON.stringify(big)));
  assert.ok(Object.keys(jar).length > 1, "chunked");
  const got = await v4.getToken({ req: { cookies: jar, headers: {} }, secret });
  assert.ok(got, "getToken() read the chunks");
  checkClaims(got, big, "v4 chunked");
}]);
cases.push(["authjs-v5 --from --unset user reseal, decode()", async () => {
  const first = authpeek(["--format", "authjs-v5", "--as", "name-value", JSON.stringify({ ...user, user: { id: "1" } })]);
  const again = authpeek(["--from", first, "--unset", "user", "--set", "role=admin"]);
  const got = await v5.decode({ token: again, secret, salt: "authjs.session-token" });
  assert.equal(got.user, undefined);
  assert.equal(got.role, "admin");
  checkClaims(got, user, "reseal");
}]);

cases.push(["next-auth-v4 --from --to-format authjs-v5 (and --to-secret), @auth/core decode()", async () => {
  const v4 = authpeek(["--format", "next-auth-v4", "--as", "name-value", JSON.stringify(user)]);
  const newSecret = randomBytes(32).toString("base64");
  const out = authpeek(["--from", v4, "--to-format", "authjs-v5", "--to-secret", newSecret]);
  checkClaims(await v5.decode({ token: out, secret: newSecret, salt: "authjs.session-token" }), user, "migrated");
}]);
cases.push(["iron-session unsealData() (password)", async () => {
  const data = { user: { id: "u1", name: "Ada" }, admin: true };
  const seal = authpeek(["--format", "iron-session", JSON.stringify(data)], "", { SECRET_COOKIE_PASSWORD: ironPassword });
  assert.deepEqual(await unsealData(seal, { password: ironPassword }), data);
}]);
cases.push(["iron-session unsealData() (password map, highest id), --from reseal", async () => {
  const env = { SECRET_COOKIE_PASSWORD: JSON.stringify(ironMap) };
  const seal = authpeek(["--format", "iron-session", JSON.stringify({ user: { id: "u1" } })], "", env);
  assert.match(seal, /^Fe26\.2\*2\*/);
  assert.deepEqual(await unsealData(seal, { password: ironMap }), { user: { id: "u1" } });
  const again = authpeek(["--from", `app=${seal}`, "--unset", "user", "--set", "n=1"], "", env);
  assert.deepEqual(await unsealData(again, { password: ironMap }), { n: 1 });
}]);

// --- Auth0, better-auth, Supabase -------------------------------------------------------------
const auth0Secret = randomBytes(32).toString("base64");
const baSecret = randomBytes(30).toString("base64");
const sbSecret = randomBytes(30).toString("base64");
const lines = (out) => out.split("\n").join("; ");
const v3session = {
  user: { sub: "auth0|1", name: "Ada", email: "ada@example.com", sid: "sid-1" },
  idToken: "id.token.x", accessToken: "at", accessTokenScope: "openid profile", accessTokenExpiresAt: now + 3600,
  refreshToken: "rt",
};
const auth0 = { AUTH0_SECRET: auth0Secret };
const closeTo = (a, b, label) => assert.ok(Math.abs(a - b) < 120, `${label}: ${a} vs ${b}`);

cases.push(["auth0-v3 StatelessSession.read() (v3 SDK), plain and chunked", async () => {
  const v = authpeek(["--format", "auth0-v3", "--as", "name-value", JSON.stringify(v3session)], "", auth0);
  const [data, iat] = await auth0v3Read(lines(v), auth0Secret);
  assert.deepEqual(data, v3session);
  closeTo(iat, now, "header iat");
  const big = { ...v3session, user: { ...v3session.user, groups: Array.from({ length: 600 }, (_, i) => `group-${i}`) } };
  const c = authpeek(["--format", "auth0-v3", "--as", "name-value", "-"], JSON.stringify(big), auth0);
  assert.ok(c.startsWith("appSession.0="), "chunked");
  assert.deepEqual((await auth0v3Read(lines(c), auth0Secret))[0], big);
}]);
cases.push(["auth0-v3 header times: --iat -8d is past the SDK's absoluteDuration, read() refuses it", async () => {
  const v = authpeek(["--format", "auth0-v3", "--as", "name-value", "--iat", "-8d", JSON.stringify(v3session)], "", auth0);
  assert.deepEqual(await auth0v3Read(lines(v), auth0Secret), []);
}]);
cases.push(["auth0-v3 appSession read by the v4 SDK (its migration: StatelessSessionStore.get())", async () => {
  const v = authpeek(["--format", "auth0-v3", "--as", "name-value", JSON.stringify(v3session)], "", auth0);
  const s = await auth0v4Get(lines(v), auth0Secret);
  assert.deepEqual(s.user, v3session.user);
  assert.equal(s.tokenSet.accessToken, "at");
  assert.equal(s.tokenSet.scope, "openid profile");
  assert.equal(s.internal.sid, "sid-1");
  closeTo(s.internal.createdAt, now, "createdAt");
}]);
cases.push(["--from appSession --to-format auth0-v4: the v4 SDK reads the __session as it reads the v3 cookie", async () => {
  const v3 = authpeek(["--format", "auth0-v3", "--as", "name-value", "--iat", "-1h", JSON.stringify(v3session)], "", auth0);
  const v4 = authpeek(["--from", lines(v3), "--to-format", "auth0-v4", "--as", "name-value"], "", auth0);
  assert.ok(v4.startsWith("__session="), v4.slice(0, 20));
  const migrated = await auth0v4Get(lines(v4), auth0Secret);
  const legacy = await auth0v4Get(lines(v3), auth0Secret);
  assert.deepEqual({ ...migrated, exp: undefined }, { ...legacy, exp: undefined });
}]);
cases.push(["auth0-v4 StatelessSessionStore.get() (v4 SDK), plain and chunked", async () => {
  const given = { user: { sub: "auth0|2", sid: "sid-2" }, tokenSet: { accessToken: "at", expiresAt: now + 3600 } };
  const v = authpeek(["--format", "auth0-v4", "--as", "name-value", JSON.stringify(given)], "", auth0);
  const s = await auth0v4Get(lines(v), auth0Secret);
  assert.deepEqual(s.user, given.user);
  assert.deepEqual(s.tokenSet, given.tokenSet);
  assert.equal(s.internal.sid, "sid-2");
  closeTo(s.internal.createdAt, now, "createdAt");
  closeTo(s.exp, now + 86400, "exp");
  const big = { ...given, user: { ...given.user, blob: "b".repeat(8000) } };
  const c = authpeek(["--format", "auth0-v4", "--as", "name-value", "-"], JSON.stringify(big), auth0);
  assert.ok(c.startsWith("__session__0="), "chunked");
  assert.equal((await auth0v4Get(lines(c), auth0Secret)).user.blob.length, 8000);
  const again = authpeek(["--from", lines(c), "--unset", "user.blob", "--as", "name-value"], "", auth0);
  assert.deepEqual((await auth0v4Get(lines(again), auth0Secret)).user, given.user);
}]);
for (const strategy of ["compact", "jwt", "jwe"]) {
  for (const name of ["better-auth.session_data", "__Secure-better-auth.session_data"]) {
    cases.push([`better-auth getCookieCache() ${strategy} ${name}, --from reseal`, async () => {
      const env = { BETTER_AUTH_SECRET: baSecret };
      const given = { session: { id: "sess-1" }, user: { id: "u-1", name: "Ada", email: "ada@example.com" } };
      const out = authpeek(["--format", "better-auth", "--strategy", strategy, "--cookie-name", name, "--as", "name-value", JSON.stringify(given)], "", env);
      const secure = name.startsWith("__Secure-");
      const p = await betterAuthCache(lines(out), baSecret, strategy, secure);
      assert.ok(p, "getCookieCache() returned the cache");
      assert.equal(p.session.id, "sess-1");
      assert.equal(p.session.userId, "u-1");
      assert.deepEqual({ ...p.user, createdAt: undefined, updatedAt: undefined }, { ...given.user, emailVerified: false, createdAt: undefined, updatedAt: undefined });
      const again = authpeek(["--from", lines(out), "--set", "user.name=Bob", "--as", "name-value"], "", env);
      assert.equal((await betterAuthCache(lines(again), baSecret, strategy, secure)).user.name, "Bob");
    }]);
  }
  cases.push([`better-auth getCookieCache() ${strategy} chunked`, async () => {
    const env = { BETTER_AUTH_SECRET: baSecret };
    const big = { user: { id: "u-1", name: "Ada", email: "a@example.com", bio: "x".repeat(6000) } };
    const out = authpeek(["--format", "better-auth", "--strategy", strategy, "--as", "name-value", "-"], JSON.stringify(big), env);
    assert.ok(out.startsWith("better-auth.session_data.0="), "chunked");
    assert.equal((await betterAuthCache(lines(out), baSecret, strategy)).user.bio.length, 6000);
  }]);
}
cases.push(["supabase @supabase/ssr getSession(), the access token verified (jose), chunked, --from reseal", async () => {
  const env = { SUPABASE_JWT_SECRET: sbSecret };
  const key = new TextEncoder().encode(sbSecret);
  const given = { user: { id: "u-1", email: "ada@example.com", user_metadata: { name: "Ada" } } };
  const out = authpeek(["--format", "supabase", "--as", "name-value", JSON.stringify(given)], "", env);
  assert.ok(out.startsWith("sb-127-auth-token=base64-"), out.slice(0, 40));
  const s = await supabaseSession(lines(out));
  assert.ok(s, "getSession() returned the session");
  assert.equal(s.user.id, "u-1");
  const { payload } = await jwtVerify(s.access_token, key, { audience: "authenticated" });
  assert.equal(payload.sub, "u-1");
  assert.equal(s.expires_at, payload.exp);
  const big = { user: { ...given.user, user_metadata: { blob: "x".repeat(9000) } } };
  const c = authpeek(["--format", "supabase", "--as", "name-value", "-"], JSON.stringify(big), env);
  assert.ok(c.startsWith("sb-127-auth-token.0="), "chunked");
  assert.equal((await supabaseSession(lines(c))).user.user_metadata.blob.length, 9000);
  const again = authpeek(["--from", lines(out), "--set", "access_token.role=admin", "--as", "name-value"], "", env);
  const t = (await supabaseSession(lines(again))).access_token;
  assert.equal((await jwtVerify(t, key)).payload.role, "admin");
}]);

let failed = 0;
for (const [label, run] of cases) {
  try {
    await run();
    console.log(`ok    ${label}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${label}: ${(e.stderr || e.message || String(e)).toString().split("\n")[0]}`);
  }
}
console.log(`${cases.length - failed}/${cases.length} cases: the libraries open what authpeek mints`);
process.exit(failed ? 1 : 0);
