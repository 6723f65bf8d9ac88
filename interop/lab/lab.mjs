// The interop lab's recorder: starts the local OpenID provider, each app (`next start`) and nginx in front
// of it (one mode per story), drives Debian's Chromium through the stories with playwright-core, and
// writes HARs, curl transcripts and the lab's throwaway secrets under --out.
//
// Usage (from interop/run.sh, which installs and builds first):
//   node lab.mjs --out <dir> [--apps authjs5,nextauth4,auth0v3] [--port-offset N]
// --port-offset moves every port (apps 3101-3104, nginx 8101-8113, provider 8180) by N, so a second
// lab can run beside the one CI runs.
import { chromium } from "playwright-core";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeConfig, TLS_OFFSET } from "./nginx.mjs";
import { start, stop, waitPort, assertFree, sleep } from "./procs.mjs";
import { APPS } from "./apps.mjs";

const TOOLS = path.dirname(fileURLToPath(import.meta.url));
const SCRATCH = path.dirname(TOOLS);
const HOST = "shop.lab.test";
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
// Every port of the lab (apps 3101+, nginx 8101+, provider 8180) moves by `--port-offset N` (or
// LAB_PORT_SHIFT=N), so a second lab can run beside the usual one (e.g. 100: 3201+, 8201+, 8280).
const SHIFT = Number(opt("--port-offset", process.env.LAB_PORT_SHIFT || "0"));
if (!Number.isInteger(SHIFT) || SHIFT < 0 || SHIFT > 50000) throw new Error(`--port-offset / LAB_PORT_SHIFT ${SHIFT}: give a whole number of ports (0-50000)`);
const NGINX_PORTS = { "cdn-bad": 8101 + SHIFT, "cdn-fixed": 8102 + SHIFT, allowlist: 8103 + SHIFT };
const IDP_PORT = 8180 + SHIFT;
const ISSUER = `http://${HOST}:${IDP_PORT}`;
const CHROMIUM = process.env.LAB_CHROMIUM ?? "/usr/bin/chromium";
const NGINX = process.env.LAB_NGINX ?? "/usr/sbin/nginx";
const BODY_LIMIT = 2048;

const OUT = path.resolve(opt("--out", path.join(SCRATCH, "recordings")));
const WANT = opt("--apps", Object.keys(APPS).join(",")).split(",");
const RUN = fs.mkdtempSync(path.join(SCRATCH, "run-"));
fs.chmodSync(RUN, 0o755);

const log = (...a) => console.log(`[lab ${new Date().toISOString().slice(11, 19)}]`, ...a);

// Drop response bodies over BODY_LIMIT characters (audit never reads bodies; a HAR with them runs to MB)
// and say so in the entry. Nothing else changes: dates and headers stay as recorded.
function slimHar(file) {
  const har = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const e of har.log.entries) {
    const c = e.response?.content;
    if (c && typeof c.text === "string" && c.text.length > BODY_LIMIT) {
      e.comment = `response body (${c.text.length} characters${c.encoding ? `, ${c.encoding}` : ""}) dropped by interop/lab/lab.mjs`;
      delete c.text;
      delete c.encoding;
    }
  }
  fs.writeFileSync(file, JSON.stringify(har, null, 1) + "\n");
}

// curl -sv writes the exchange on stderr.
function curlV(url, file, port, extra = []) {
  const r = spawnSync("curl", ["-sv", "--max-time", "20", "--resolve", `${HOST}:${port}:127.0.0.1`, "-o", "/dev/null", ...extra, url], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`curl ${url} failed (${r.status}): ${r.stderr}`);
  fs.writeFileSync(file, `$ curl -sv --resolve ${HOST}:${port}:127.0.0.1 ${extra.join(" ")}${extra.length ? " " : ""}${url}\n${r.stderr}`);
}

async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60000,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--ignore-certificate-errors",
      // The lab host on loopback, every other name unresolvable: the stories never leave the machine.
      `--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE localhost`,
    ],
  });
}

async function runStory(app, name, variant, mode, story, { https = false } = {}) {
  const appPort = app.port + SHIFT;
  const dir = path.join(OUT, app.name, variant, https ? `${name}-https` : name);
  fs.mkdirSync(dir, { recursive: true });
  const work = path.join(RUN, `${app.name}-${variant}-${name}${https ? "-https" : ""}`);
  fs.mkdirSync(work, { recursive: true });
  const port = NGINX_PORTS[mode] + (https ? TLS_OFFSET : 0);
  const origin = `${https ? "https" : "http"}://${HOST}:${port}`;
  for (const p of [appPort, NGINX_PORTS[mode], NGINX_PORTS[mode] + TLS_OFFSET]) await assertFree(p);
  const conf = writeConfig(path.join(work, "nginx"), appPort, NGINX_PORTS, HOST);
  const nginx = start("nginx", NGINX, ["-p", path.join(work, "nginx"), "-c", conf], { log: path.join(work, "nginx.out") });
  const server = start(`${app.name} (next start)`, path.join(SCRATCH, "apps", app.name, "node_modules/.bin/next"),
    ["start", "-H", "127.0.0.1", "-p", String(appPort)], {
      cwd: path.join(SCRATCH, "apps", app.name),
      env: { NODE_OPTIONS: `--require ${path.join(TOOLS, "dns.cjs")}`, NEXT_TELEMETRY_DISABLED: "1", ...app.secrets,
        ...app.env({ origin, issuer: ISSUER, fixed: variant === "fixed", work }) },
      log: path.join(work, "app.log"),
    });
  let browser;
  const steps = [];
  try {
    await waitPort(nginx, port, 20000);
    await waitPort(server, appPort, 60000);
    browser = await launch();
    const contexts = [];
    const actor = async (who) => {
      const ctx = await browser.newContext({ recordHar: { path: path.join(dir, `${who}.har`), content: "embed" }, ignoreHTTPSErrors: true });
      ctx.setDefaultTimeout(30000);
      contexts.push([ctx, path.join(dir, `${who}.har`)]);
      const page = await ctx.newPage();
      // What the page says about who is signed in, for story.json.
      const see = async (what) => {
        let text = null;
        for (let i = 0; i < 5; i++) {
          try {
            await page.waitForLoadState("load");
            const el = await page.$("#who");
            text = el ? (await el.textContent()).trim() : null;
            break;
          } catch (e) {
            if (!/context was destroyed|navigat/i.test(e.message)) throw e;
            await sleep(300);
          }
        }
        steps.push({ actor: who, step: what, url: page.url(), sees: text });
      };
      return { page, see, ctx };
    };
    const curlExtra = https ? ["-k"] : [];
    await story({ actor, origin, port, dir, curl: (url, file, extra = []) => curlV(url, path.join(dir, file), port, [...curlExtra, ...extra]), sleep, app });
    // Every exchange of the story happened before this instant: tests judge the recording "as of" it.
    const recordedAt = new Date().toISOString();
    for (const [ctx, har] of contexts) { await ctx.close(); slimHar(har); }
    fs.writeFileSync(path.join(dir, "story.json"), JSON.stringify({ app: app.name, variant, edge: mode, story: name, origin, recorded_at: recordedAt, steps }, null, 2) + "\n");
    log(`${app.name} ${variant} ${name}: ${steps.map((s) => `${s.actor}@${new URL(s.url).pathname}: ${s.sees}`).join(" | ")}`);
  } catch (e) {
    for (const f of ["app.log", "nginx.out", "nginx/error.log"]) {
      try { console.error(`--- ${f}\n` + fs.readFileSync(path.join(work, f), "utf8").split("\n").slice(-40).join("\n")); } catch {}
    }
    throw e;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stop(server);
    await stop(nginx);
  }
}

function versions() {
  const v = {};
  const pkg = (dir, name) => { try { return JSON.parse(fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")).version; } catch { return null; } };
  for (const name of WANT) {
    const app = APPS[name];
    v[name] = Object.fromEntries(app.packages.map((p) => [p, pkg(path.join(SCRATCH, "apps", name), p)]));
  }
  v.lab = { "oidc-provider": pkg(TOOLS, "oidc-provider"), "playwright-core": pkg(TOOLS, "playwright-core") };
  const sh = (c, a) => { try { return execFileSync(c, a, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim(); } catch (e) { return (e.stderr || "").trim(); } };
  v.node = process.version;
  v.chromium = sh(CHROMIUM, ["--version"]);
  v.nginx = spawnSync(NGINX, ["-v"], { encoding: "utf8" }).stderr.trim();
  return v;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  for (const p of [IDP_PORT]) await assertFree(p);
  const redirects = [];
  for (const a of Object.values(APPS)) {
    if (!a.callbackPath) continue;
    for (const p of Object.values(NGINX_PORTS)) {
      redirects.push(`http://${HOST}:${p}${a.callbackPath}`, `https://${HOST}:${p + TLS_OFFSET}${a.callbackPath}`);
    }
  }
  const idp = start("oidc-provider", process.execPath, [path.join(TOOLS, "idp.mjs"), String(IDP_PORT), ISSUER, ...redirects], { cwd: TOOLS, log: path.join(RUN, "idp.log") });
  try {
    await waitPort(idp, IDP_PORT, 30000);
    const started = new Date();
    for (const name of WANT) {
      const app = APPS[name];
      if (!app) throw new Error(`unknown app ${name} (known: ${Object.keys(APPS).join(", ")})`);
      app.name = name;
      fs.mkdirSync(path.join(OUT, name), { recursive: true });
      fs.writeFileSync(path.join(OUT, name, "secrets.env"),
        `# The lab's throwaway secrets for ${name} (never used outside interop/).\n` +
        Object.entries(app.secrets).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
      for (const [variant, mode, story, fn, opts] of app.stories) await runStory(app, story, variant, mode, fn, opts);
    }
    // lab.json: per app, when it was recorded and with which versions (a run of some apps keeps
    // the others' entries).
    const labFile = path.join(OUT, "lab.json");
    let lab = {};
    try { lab = JSON.parse(fs.readFileSync(labFile, "utf8")); } catch { /* first run */ }
    const v = versions();
    lab.recorded = { ...(typeof lab.recorded === "object" ? lab.recorded : {}) };
    lab.versions = { ...(lab.versions ?? {}) };
    for (const name of WANT) { lab.recorded[name] = started.toISOString(); lab.versions[name] = v[name]; }
    for (const k of ["lab", "node", "chromium", "nginx"]) lab.versions[k] = v[k];
    fs.writeFileSync(labFile, JSON.stringify(lab, null, 2) + "\n");
  } catch (e) {
    console.error(`--- idp.log\n${fs.readFileSync(path.join(RUN, "idp.log"), "utf8").split("\n").slice(-20).join("\n")}`);
    throw e;
  } finally {
    await stop(idp);
  }
}

main().then(() => { fs.rmSync(RUN, { recursive: true, force: true }); log(`recordings in ${OUT}`); },
  (e) => { console.error(`lab: ${e.stack || e}`); console.error(`lab: logs kept in ${RUN}`); process.exitCode = 1; });
