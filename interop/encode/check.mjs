// The real libraries open what `authpeek encode` mints: @auth/core's and next-auth v4's own
// decode() (and getToken(), which joins chunked cookies with the library's SessionStore) read each
// cookie, and the claims must be the ones given (plus iat/exp/jti as the libraries add them);
// iron-session's unsealData() opens its seals (a plain password and a password map).
// Usage: node check.mjs PATH_TO_AUTHPEEK. Prints one line per case; exits 1 on any failure.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import assert from "node:assert/strict";
import * as v5 from "@auth/core/jwt";
import v4 from "next-auth/jwt";
import { unsealData } from "iron-session";

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
