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
// Ports: the apps' 3101-3104 and nginx 8101-8113 of the lab, plus N.
import { spawnSync } from "node:child_process";
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

const sessionCookies = (n) => n.includes("session-token");

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
  const baseEnv = { NEXT_TELEMETRY_DISABLED: "1", ...app.secrets, ...app.env({ origin, issuer: "http://127.0.0.1:1", fixed: s.fix }) };
  const next = (env, tag) => start(`${s.app} (next start, ${tag})`, path.join(SCRATCH, "apps", s.app, "node_modules/.bin/next"),
    ["start", "-H", "127.0.0.1", "-p", String(appPort)], { cwd: path.join(SCRATCH, "apps", s.app), env, log: path.join(work, `app-${tag}.log`) });
  let server = next(baseEnv, "first");
  try {
    await waitPort(nginx, port, 20000);
    await waitPort(server, appPort, 60000);
    const jar = new Jar();
    await signInCredentials(origin, "alice", jar);
    if (s.after) await s.after({ origin, jar });
    if (s.redeploy) {
      await stop(server);
      server = next({ ...baseEnv, ...s.redeploy({ origin }) }, "redeployed");
      await waitPort(server, appPort, 60000);
    }
    const cookie = jar.header(sessionCookies);
    const out = RECORD ? path.join(path.resolve(RECORD), s.name) : path.join(work, "out");
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "cookie.txt"), cookie + "\n");
    fs.writeFileSync(path.join(out, "secrets.env"), `# The lab's throwaway secret for ${s.app} (never used outside interop/).\n` +
      Object.entries(app.secrets).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
    const now = new Date().toISOString();
    const args = ["doctor", ...(s.dir ? [path.join(SOURCE, "apps", s.app)] : []), "--url", origin + s.page,
      "--cookie", `@${path.join(out, "cookie.txt")}`, "--env-file", path.join(out, "secrets.env"), "--no-env", "--json",
      "--now", now, "--record-exchanges", path.join(out, "exchanges.json")];
    const env = { ...process.env, NO_COLOR: "1" };
    if (s.https) env.SSL_CERT_FILE = path.join(work, "nginx", "cert.pem");
    const r = spawnSync(AUTHPEEK, args, { encoding: "utf8", env, timeout: 120000 });
    fs.writeFileSync(path.join(out, "scenario.json"), JSON.stringify({
      scenario: s.name, app: s.app, fixed: s.fix, edge: s.mode, https: !!s.https, dir: s.dir ? `interop/apps/${s.app}` : null,
      page: s.page, now, recorded_from: origin, exit: r.status,
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
  for (const s of SCENARIOS) {
    if (ONLY && !ONLY.includes(s.name)) continue;
    if (WANT_APPS && !WANT_APPS.includes(s.app)) continue;
    const expect = want.get(s.name);
    if (!expect) throw new Error(`scenario ${s.name} has no line in ${MANIFEST}`);
    if (!(await runScenario(s, expect))) failed++;
  }
  if (failed) throw new Error(`${failed} scenario(s) did not match ${MANIFEST}`);
}

main().then(() => { fs.rmSync(RUN, { recursive: true, force: true }); log("all scenarios as the manifest says"); },
  (e) => { console.error(`live: ${e.stack || e}`); console.error(`live: logs kept in ${RUN}`); process.exitCode = 1; });
