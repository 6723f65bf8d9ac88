// `authpeek doctor --url` against the lab's real apps: per scenario a fresh nginx (one of the lab's
// modes) and the app (`next start`, LAB_FIX off or on), a sign-in over HTTP, the scenario's own steps
// (let the access token expire, redeploy with another secret or another public URL), then
// `authpeek doctor [DIR] --url … --cookie @cookie.txt --env-file secrets.env --json`, checked against
// interop/live.manifest. With --record DIR each scenario's exchanges (as authpeek saw them), its
// cookie and the throwaway secrets are kept for the offline replay test (tests/doctor_live.rs).
//
// Usage (interop/run.sh runs it after the recordings; the apps must be installed and built):
//   node live.mjs --authpeek target/debug/authpeek --source interop [--record testdata/doctor/live]
//                 [--only a,b] [--apps nextauth4,authjs5] [--port-offset N]
// Ports: the apps' 3101-3106, nginx 8101-8113 and the OpenID provider 8180 of the lab, plus N.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeConfig, TLS_OFFSET } from "./nginx.mjs";
import { start, stop, waitPort, assertFree, sleep } from "./procs.mjs";
import { APPS } from "./apps.mjs";

// The lab's certificates are self-signed; this process signs in over https with fetch.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

const TOOLS = path.dirname(fileURLToPath(import.meta.url));
const SCRATCH = path.dirname(TOOLS);
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const OFFSET = Number(opt("--port-offset", "0"));
const AUTHPEEK = path.resolve(opt("--authpeek", "target/debug/authpeek"));
const RECORD = opt("--record", null);
const ONLY = opt("--only", null)?.split(",");
const WANT_APPS = opt("--apps", null)?.split(",");
// interop/ of the source tree: the apps' sources doctor reads and live.manifest (run.sh runs this
// file from a copy in interop/.scratch/tools and passes --source).
const SOURCE = path.resolve(opt("--source", path.resolve(TOOLS, "..")));
const MANIFEST = path.join(SOURCE, "live.manifest");
const NGINX = process.env.LAB_NGINX ?? "/usr/sbin/nginx";
const NGINX_PORTS = { "cdn-bad": 8101 + OFFSET, "cdn-fixed": 8102 + OFFSET, allowlist: 8103 + OFFSET };
// The lab's OpenID provider (Auth0 apps). Under a lab name, as in the recorder: nextjs-auth0 v4
// refuses an IP address as its `domain`. The apps (NODE_OPTIONS) and this process (below) resolve
// *.lab.test to 127.0.0.1 with dns.cjs; the apps' own origin stays 127.0.0.1 (authpeek resolves
// no lab names).
const IDP_PORT = 8180 + OFFSET;
const ISSUER = `http://idp.lab.test:${IDP_PORT}`;
createRequire(import.meta.url)("./dns.cjs");
const PASSWORD = "lab-password";
const RUN = fs.mkdtempSync(path.join(SCRATCH, "live-"));
fs.chmodSync(RUN, 0o755);
const log = (...a) => console.log(`[live ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---- a tiny cookie jar and the Auth.js / next-auth Credentials sign-in, over fetch ----
class Jar {
  constructor() { this.c = new Map(); }
  take(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim(), value = pair.slice(i + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (gone || value === "") this.c.delete(name); else this.c.set(name, value);
    }
  }
  header(filter = () => true) { return [...this.c].filter(([n]) => filter(n)).map(([n, v]) => `${n}=${v}`).join("; "); }
}

async function get(url, jar) {
  const res = await fetch(url, { headers: { cookie: jar.header() }, redirect: "manual" });
  jar.take(res);
  await res.arrayBuffer();
  return res;
}

async function signInCredentials(origin, user, jar) {
  const csrf = await fetch(`${origin}/api/auth/csrf`, { headers: { cookie: jar.header() } });
  jar.take(csrf);
  const { csrfToken } = await csrf.json();
  const res = await fetch(`${origin}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, username: user, password: PASSWORD, callbackUrl: `${origin}/account` }),
  });
  jar.take(res);
  await res.arrayBuffer();
  if (![...jar.c.keys()].some((n) => n.includes("session-token"))) throw new Error(`sign-in as ${user} at ${origin} set no session cookie (status ${res.status})`);
}

// ---- the other apps' sign-ins, over fetch ----
// iron-session 8: the lab app's own login route (a form post, 303 to /account).
async function signInIron(origin, user, jar) {
  const res = await fetch(`${origin}/api/login`, {
    method: "POST", redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ username: user, password: PASSWORD }),
  });
  jar.take(res);
  await res.arrayBuffer();
  if (!jar.c.has("iron-session")) throw new Error(`sign-in as ${user} at ${origin} set no iron-session cookie (status ${res.status})`);
}

// better-auth: what its client's signIn.email() posts (JSON, with the page's Origin).
async function signInBetterAuth(origin, user, jar) {
  const res = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: "POST", redirect: "manual",
    headers: { "content-type": "application/json", origin, cookie: jar.header() },
    body: JSON.stringify({ email: `${user}@shop.lab.test`, password: PASSWORD }),
  });
  jar.take(res);
  const text = await res.text();
  if (![...jar.c.keys()].some((n) => n.includes("session_token"))) throw new Error(`sign-in as ${user} at ${origin} set no better-auth session cookie (status ${res.status}: ${text.slice(0, 200)})`);
}

// The forms of a page (oidc-provider's login and consent pages, a form_post callback): action,
// method and hidden inputs. The lab's pages are plain, machine-written HTML.
function forms(html, base) {
  const out = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attr = (s, n) => (s.match(new RegExp(`\\b${n}="([^"]*)"`, "i")) || [])[1];
    const fields = {};
    for (const i of m[2].matchAll(/<input\b([^>]*)>/gi)) {
      const name = attr(i[1], "name");
      if (name) fields[name] = (attr(i[1], "value") ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"');
    }
    out.push({ action: new URL((attr(m[1], "action") ?? "").replace(/&amp;/g, "&"), base).href, method: (attr(m[1], "method") ?? "get").toUpperCase(), fields });
  }
  return out;
}

// An OpenID Connect sign-in through the lab's provider, the way a browser goes: follow redirects,
// fill the login form (any name, any password) and submit the consent form, until the app answers
// without a redirect. One cookie jar per origin (the provider's cookies stay with it).
async function signInOidc(startUrl, user, jars, appOrigin) {
  const jar = (u) => { const o = new URL(u).origin; if (!jars.has(o)) jars.set(o, new Jar()); return jars.get(o); };
  let url = startUrl, method = "GET", body;
  for (let step = 0; step < 20; step++) {
    const headers = { cookie: jar(url).header() };
    if (body) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(url, { method, body, headers, redirect: "manual" });
    jar(url).take(res);
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer();
      url = new URL(res.headers.get("location"), url).href; method = "GET"; body = undefined;
      continue;
    }
    const html = await res.text();
    const form = forms(html, url)[0];
    if (new URL(url).origin === appOrigin && !form) {
      if (res.status >= 400) throw new Error(`OIDC sign-in as ${user}: ${url} answered ${res.status}`);
      return;
    }
    if (!form) throw new Error(`OIDC sign-in as ${user}: ${url} answered ${res.status} without a form`);
    const fields = { ...form.fields };
    if ("login" in fields || /name="login"/.test(html)) { fields.login = user; fields.password = PASSWORD; }
    url = form.action; method = form.method; body = new URLSearchParams(fields).toString();
  }
  throw new Error(`OIDC sign-in as ${user} from ${startUrl}: more than 20 steps`);
}

// Per app: how a user signs in, and which cookies are the session (what doctor is given).
const SIGN_IN = {
  nextauth4: { signIn: ({ origin, jar }) => signInCredentials(origin, "alice", jar), session: (n) => n.includes("session-token") },
  authjs5: { signIn: ({ origin, jar }) => signInCredentials(origin, "alice", jar), session: (n) => n.includes("session-token") },
  iron8: { signIn: ({ origin, jar }) => signInIron(origin, "alice", jar), session: (n) => n === "iron-session" },
  betterauth1: { signIn: ({ origin, jar }) => signInBetterAuth(origin, "alice", jar), session: (n) => n.startsWith("better-auth.session_") },
  auth0v3: {
    signIn: ({ origin, jars }) => signInOidc(`${origin}/api/auth/login?returnTo=/account`, "alice", jars, origin),
    session: (n) => /^appSession(\.\d+)?$/.test(n), oidc: true,
  },
  auth0v4: {
    signIn: ({ origin, jars }) => signInOidc(`${origin}/auth/login?returnTo=/account`, "alice", jars, origin),
    session: (n) => /^__session(\.\d+)?$/.test(n), oidc: true,
  },
};

// ---- scenarios: what the app runs with, what happens, what doctor is asked ----
// `dir`: doctor reads the app's source too (the lab's apps carry their bug in the source and switch
// the fix on at run time, so the static part finds the bug in the fixed variants as well: those
// are asked live only).
// `redeploy`: env changes applied by restarting the app after sign-in (the cookie stays).
const SCENARIOS = [
  { name: "nextauth4-phantom-logout", app: "nextauth4", fix: false, mode: "cdn-fixed", page: "/account", dir: true,
    after: async ({ origin, jar }) => { await sleep(11000); await get(`${origin}/account`, jar); } },
  { name: "nextauth4-phantom-logout-live-only", app: "nextauth4", fix: false, mode: "cdn-fixed", page: "/account", dir: false,
    after: async ({ origin, jar }) => { await sleep(11000); await get(`${origin}/account`, jar); } },
  { name: "nextauth4-refresh-fixed", app: "nextauth4", fix: true, mode: "cdn-fixed", page: "/account", dir: false,
    after: async ({ origin, jar }) => { await sleep(11000); await get(`${origin}/account`, jar); } },
  { name: "nextauth4-rotated-secret", app: "nextauth4", fix: false, mode: "cdn-fixed", page: "/account", dir: false,
    redeploy: () => ({ NEXTAUTH_SECRET: "lab-nextauth4-ROTATED-secret-0123456789abcdef" }) },
  { name: "nextauth4-https-proxy-http-url", app: "nextauth4", fix: false, mode: "cdn-fixed", https: true, page: "/account", dir: false,
    redeploy: ({ origin }) => ({ NEXTAUTH_URL: origin.replace(/^https:/, "http:") }) },
  { name: "nextauth4-https-fixed", app: "nextauth4", fix: false, mode: "cdn-fixed", https: true, page: "/account", dir: false },
  { name: "authjs5-cdn-bad", app: "authjs5", fix: false, mode: "cdn-bad", page: "/account", dir: false },
  { name: "authjs5-cdn-fixed", app: "authjs5", fix: true, mode: "cdn-fixed", page: "/account", dir: false },
  // iron-session: its session route (app/api/session/route.js) is found by the static pass (DIR),
  // or given as --session-path.
  { name: "iron8-cdn-bad", app: "iron8", fix: false, mode: "cdn-bad", page: "/account", dir: true },
  { name: "iron8-rotated-password", app: "iron8", fix: true, mode: "cdn-fixed", page: "/account", dir: false, sessionPath: "/api/session",
    redeploy: () => ({ SECRET_COOKIE_PASSWORD: "lab-iron8-ROTATED-password-0123456789abcdef" }) },
  { name: "iron8-fixed", app: "iron8", fix: true, mode: "cdn-fixed", page: "/account", dir: false, sessionPath: "/api/session" },
  // Auth0 v3: a rotated AUTH0_SECRET; the fixed app.
  { name: "auth0v3-rotated-secret", app: "auth0v3", fix: true, mode: "cdn-fixed", page: "/account", dir: false,
    redeploy: () => ({ AUTH0_SECRET: "lab-auth0v3-ROTATED-secret-0123456789abcdef" }) },
  { name: "auth0v3-fixed", app: "auth0v3", fix: true, mode: "cdn-fixed", page: "/account", dir: false },
  // Auth0 v4: rolling sessions (Set-Cookie on every page) behind the misconfigured CDN; fixed.
  { name: "auth0v4-cdn-bad", app: "auth0v4", fix: false, mode: "cdn-bad", page: "/account", dir: false },
  { name: "auth0v4-fixed", app: "auth0v4", fix: true, mode: "cdn-fixed", page: "/account", dir: false },
  // better-auth: get-session behind the misconfigured CDN; fixed.
  { name: "betterauth1-cdn-bad", app: "betterauth1", fix: false, mode: "cdn-bad", page: "/account", dir: false },
  { name: "betterauth1-fixed", app: "betterauth1", fix: true, mode: "cdn-fixed", page: "/account", dir: false },
];

function manifest() {
  const out = new Map();
  for (const line of fs.readFileSync(MANIFEST, "utf8").split("\n")) {
    const t = line.replace(/#.*/, "").trim();
    if (!t) continue;
    const [name, exit, server, local, ...rules] = t.split(/\s+/);
    out.set(name, { exit: Number(exit), server, local, rules: rules.filter((r) => r !== "-") });
  }
  return out;
}

async function runScenario(s, expect) {
  const app = APPS[s.app];
  const appPort = app.port + OFFSET;
  const port = NGINX_PORTS[s.mode] + (s.https ? TLS_OFFSET : 0);
  // authpeek resolves no lab names: the public origin is the loopback address (the lab's
  // certificate names it too).
  const origin = `${s.https ? "https" : "http"}://127.0.0.1:${port}`;
  const work = path.join(RUN, s.name);
  fs.mkdirSync(work, { recursive: true });
  for (const p of [appPort, NGINX_PORTS[s.mode], NGINX_PORTS[s.mode] + TLS_OFFSET]) await assertFree(p);
  const conf = writeConfig(path.join(work, "nginx"), appPort, NGINX_PORTS, "shop.lab.test");
  const nginx = start("nginx", NGINX, ["-p", path.join(work, "nginx"), "-c", conf], { log: path.join(work, "nginx.out") });
  const baseEnv = { NODE_OPTIONS: `--require ${path.join(TOOLS, "dns.cjs")}`, NEXT_TELEMETRY_DISABLED: "1", ...app.secrets, ...app.env({ origin, issuer: ISSUER, fixed: s.fix, work }) };
  const next = (env, tag) => start(`${s.app} (next start, ${tag})`, path.join(SCRATCH, "apps", s.app, "node_modules/.bin/next"),
    ["start", "-H", "127.0.0.1", "-p", String(appPort)], { cwd: path.join(SCRATCH, "apps", s.app), env, log: path.join(work, `app-${tag}.log`) });
  let server = next(baseEnv, "first");
  try {
    await waitPort(nginx, port, 20000);
    await waitPort(server, appPort, 60000);
    const jars = new Map();
    const jar = new Jar();
    jars.set(origin, jar);
    await SIGN_IN[s.app].signIn({ origin, jar, jars });
    if (s.after) await s.after({ origin, jar });
    if (s.redeploy) {
      await stop(server);
      server = next({ ...baseEnv, ...s.redeploy({ origin }) }, "redeployed");
      await waitPort(server, appPort, 60000);
    }
    const cookie = jar.header(SIGN_IN[s.app].session);
    if (!cookie) throw new Error(`${s.name}: no session cookie after the sign-in (cookies: ${[...jar.c.keys()].join(", ")})`);
    const out = RECORD ? path.join(path.resolve(RECORD), s.name) : path.join(work, "out");
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "cookie.txt"), cookie + "\n");
    fs.writeFileSync(path.join(out, "secrets.env"), `# The lab's throwaway secret for ${s.app} (never used outside interop/).\n` +
      Object.entries(app.secrets).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
    const now = new Date().toISOString();
    const args = ["doctor", ...(s.dir ? [path.join(SOURCE, "apps", s.app)] : []), "--url", origin + s.page,
      ...(s.sessionPath ? ["--session-path", s.sessionPath] : []),
      "--cookie", `@${path.join(out, "cookie.txt")}`, "--env-file", path.join(out, "secrets.env"), "--no-env", "--json",
      "--now", now, "--record-exchanges", path.join(out, "exchanges.json")];
    const env = { ...process.env, NO_COLOR: "1" };
    if (s.https) env.SSL_CERT_FILE = path.join(work, "nginx", "cert.pem");
    const r = spawnSync(AUTHPEEK, args, { encoding: "utf8", env, timeout: 120000 });
    fs.writeFileSync(path.join(out, "scenario.json"), JSON.stringify({
      scenario: s.name, app: s.app, fixed: s.fix, edge: s.mode, https: !!s.https, dir: s.dir ? `interop/apps/${s.app}` : null,
      page: s.page, session_path: s.sessionPath ?? null, now, recorded_from: origin, exit: r.status,
    }, null, 2) + "\n");
    if (r.status === 2 || r.status === null) throw new Error(`authpeek ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
    const doc = JSON.parse(r.stdout);
    fs.writeFileSync(path.join(work, "doctor.json"), r.stdout);
    const rules = doc.findings.map((f) => f.rule);
    const problems = [];
    if (r.status !== expect.exit) problems.push(`exit ${r.status}, expected ${expect.exit}`);
    if (doc.live.server !== expect.server) problems.push(`server ${doc.live.server}, expected ${expect.server}`);
    if (doc.live.local !== expect.local) problems.push(`local ${doc.live.local}, expected ${expect.local}`);
    for (const want of expect.rules) if (!rules.includes(want)) problems.push(`no ${want} finding`);
    const live = doc.findings.filter((f) => f.rule.startsWith("live-"));
    if (expect.rules.length === 0 && live.some((f) => ["high", "critical"].includes(f.severity))) problems.push(`unexpected ${live.map((f) => f.rule).join(", ")}`);
    log(`${s.name}: exit ${r.status}, local ${doc.live.local}, server ${doc.live.server}, findings: ${rules.join(", ") || "none"}${problems.length ? "  FAIL: " + problems.join("; ") : "  ok"}`);
    if (problems.length) {
      for (const f of live) console.error(`  ${f.severity} ${f.rule}: ${f.message}`);
    }
    return problems.length === 0;
  } catch (e) {
    for (const f of fs.readdirSync(work).filter((f) => f.endsWith(".log") || f === "nginx.out")) {
      try { console.error(`--- ${f}\n` + fs.readFileSync(path.join(work, f), "utf8").split("\n").slice(-30).join("\n")); } catch {}
    }
    throw e;
  } finally {
    await stop(server);
    await stop(nginx);
  }
}

async function main() {
  const want = manifest();
  let failed = 0;
  const chosen = SCENARIOS.filter((s) => (!ONLY || ONLY.includes(s.name)) && (!WANT_APPS || WANT_APPS.includes(s.app)));
  // The OpenID provider, when an Auth0 app signs in: redirect URIs on every nginx port.
  let idp = null;
  if (chosen.some((s) => SIGN_IN[s.app].oidc)) {
    await assertFree(IDP_PORT);
    const redirects = [];
    for (const a of Object.values(APPS)) {
      if (!a.callbackPath) continue;
      for (const p of Object.values(NGINX_PORTS)) redirects.push(`http://127.0.0.1:${p}${a.callbackPath}`, `https://127.0.0.1:${p + TLS_OFFSET}${a.callbackPath}`);
    }
    idp = start("oidc-provider", process.execPath, [path.join(TOOLS, "idp.mjs"), String(IDP_PORT), ISSUER, ...redirects], { cwd: TOOLS, log: path.join(RUN, "idp.log") });
    await waitPort(idp, IDP_PORT, 30000);
  }
  try {
    for (const s of chosen) {
      const expect = want.get(s.name);
      if (!expect) throw new Error(`scenario ${s.name} has no line in ${MANIFEST}`);
      if (!(await runScenario(s, expect))) failed++;
    }
  } finally {
    if (idp) await stop(idp);
  }
  if (failed) throw new Error(`${failed} scenario(s) did not match ${MANIFEST}`);
}

main().then(() => { fs.rmSync(RUN, { recursive: true, force: true }); log("all scenarios as the manifest says"); },
  (e) => { console.error(`live: ${e.stack || e}`); console.error(`live: logs kept in ${RUN}`); process.exitCode = 1; });
