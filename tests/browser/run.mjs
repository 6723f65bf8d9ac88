// authpeek serve, the audit report and the timeline SVG in a real headless Chromium (Debian's
// /usr/bin/chromium through playwright-core's executablePath; no browser is downloaded).
//
// Usage (from .ci/run, after `cargo build`):
//   node tests/browser/run.mjs [--update-docs]
// Env: AUTHPEEK_BIN (default target/debug/authpeek), CHROMIUM (default /usr/bin/chromium),
//      ARTIFACTS (default target/browser-artifacts: a screenshot of each page).
// --update-docs also writes the README's pictures, docs/serve-audit.png and docs/audit-report.png.
// Exits 1 when a check fails, listing every failed check.
import { chromium, request as httpRequest } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.resolve(ROOT, process.env.AUTHPEEK_BIN ?? "target/debug/authpeek");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(ROOT, process.env.ARTIFACTS ?? "target/browser-artifacts");
const UPDATE_DOCS = process.argv.includes("--update-docs");
const LAB = path.join(ROOT, "testdata/interop");
// The instant the lab's recordings are judged at (after every story was recorded).
const NOW = "2026-12-05T19:30:00Z";
const secret = (app) =>
  fs.readFileSync(path.join(LAB, app, "secrets.env"), "utf8").match(/^[A-Z_]*SECRET=(.*)$/m)[1];

fs.mkdirSync(ARTIFACTS, { recursive: true });
const failures = [];
let current = "";
function check(ok, what) {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(`${current}: ${what}`);
}

async function startServer() {
  const child = spawn(BIN, ["serve", "--no-env", "--now", NOW], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { PATH: process.env.PATH },
  });
  const first = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.once("line", (l) => resolve(l.trim()));
    child.once("exit", (code) => reject(new Error(`authpeek serve exited (${code}) before printing its URL`)));
  });
  return { child, url: first, origin: new URL(first).origin, token: new URL(first).hash.replace("#token=", "") };
}

async function step(name, fn) {
  current = name;
  console.log(`== ${name}`);
  try {
    await fn();
  } catch (e) {
    check(false, `threw: ${e.stack || e}`);
  }
}

const server = await startServer();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  timeout: 60000,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    // Only loopback resolves: nothing these pages do can reach another machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
});

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await context.newPage();
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(server.origin)) external.push(r.url()); });
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  await page.goto(server.url);

  await step("decode: paste a cookie, see its claims and diagnosis", async () => {
    const cookie = fs.readFileSync(path.join(LAB, "nextauth4/misconfigured/sign-in/session.cookie"), "utf8").trim();
    await page.fill("#key-secret", secret("nextauth4"));
    await page.fill("#decode-text", cookie);
    await page.click("#decode-form button[type=submit]");
    const card = page.locator("#decode-out .card.token").first();
    await card.waitFor();
    check((await card.getAttribute("data-status")) === "ok", "status ok");
    const claims = await card.locator("pre.claims").textContent();
    check(/"email"/.test(claims) && /alice/.test(claims), "claims show the user");
    check((await card.locator("table.times").count()) === 1, "times with relative phrases");
    check(/decrypted with secret #1/.test(await card.textContent()), "says which secret opened it");
    check(!(await page.locator("#decode-out").textContent()).includes(secret("nextauth4")), "the secret is not echoed");
    await page.screenshot({ path: path.join(ARTIFACTS, "decode.png"), fullPage: true });
  });

  await step("decode: a wrong secret shows the wrong-secret cause", async () => {
    await page.fill("#key-secret", "not-the-secret-this-cookie-was-sealed-with");
    await page.click("#decode-form button[type=submit]");
    const cause = page.locator("#decode-out .card.token .cause").first();
    await cause.waitFor();
    check(/wrong secret/i.test(await cause.textContent()), `cause: ${await cause.textContent()}`);
    check((await page.locator("#decode-out .card.token .fix").count()) > 0, "a fix is given");
    await page.screenshot({ path: path.join(ARTIFACTS, "decode-wrong-secret.png"), fullPage: true });
  });

  await step("audit: the lab's broken HAR shows the leak in the visitor's lane", async () => {
    await page.click("#tab-audit");
    await page.fill("#key-secret", secret("authjs5"));
    await page.setInputFiles("#audit-file", path.join(LAB, "authjs5/misconfigured/session-leak/visitor.har"));
    await page.locator("#timeline svg").waitFor();
    const rules = await page.locator("#audit-out .finding").evaluateAll((els) => els.map((e) => e.dataset.rule));
    check(rules.includes("anonymous-session-leak") || rules.includes("cached-set-cookie"), `leak findings: ${rules.join(", ")}`);
    const lane = await page.locator("#timeline svg text", { hasText: "visitor.har" }).count();
    check(lane > 0, "the visitor's lane");
    // The request a shared cache answered by setting a session the visitor never signed in to.
    const leaked = await page.locator("#timeline g.step").evaluateAll((els) =>
      els.map((g) => g.querySelector("title").textContent)
        .filter((t) => t.includes("served by a shared cache") && t.includes("set: session")));
    check(leaked.length > 0, "a cache hit set a session in the visitor's lane");
    check(leaked.some((t) => /alice/i.test(t)), `the leaked identity is Alice's: ${leaked[0]?.split("\n").find((l) => l.startsWith("set:"))}`);
    check((await page.locator("#timeline path.link").count()) > 0, "arrows from the cached response");
    await page.screenshot({ path: path.join(ARTIFACTS, "audit-leak.png"), fullPage: true });
  });

  await step("audit: the whole story, one lane per browser: Alice's colour spreads", async () => {
    const dir = path.join(LAB, "authjs5/misconfigured/session-leak");
    await page.setInputFiles("#audit-file", ["alice.har", "visitor.har", "bob.har"].map((f) => path.join(dir, f)));
    await page.locator("#audit-out p.summary", { hasText: "3 lanes" }).waitFor();
    const summary = await page.locator("#audit-out p.summary").textContent();
    check(/visitor\.har sent the session of sub u-alice \(first seen in alice\.har\)/.test(summary), summary);
    check(/bob\.har sent the session of sub u-alice/.test(summary), "and Bob becomes Alice");
    for (const lane of ["alice.har", "visitor.har", "bob.har"]) {
      check((await page.locator("#timeline svg text", { hasText: lane }).count()) > 0, `lane ${lane}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, "audit-story.png"), fullPage: true });
    if (UPDATE_DOCS) {
      // The README's picture: the tabs, the verdict, the timeline and the first finding.
      const top = await page.locator("#tabs").boundingBox();
      const first = await page.locator("#audit-out .finding").first().boundingBox();
      const scroll = await page.evaluate(() => window.scrollY);
      await page.screenshot({
        path: path.join(ROOT, "docs/serve-audit.png"),
        fullPage: true,
        clip: { x: 0, y: top.y + scroll - 8, width: 1280, height: first.y + first.height - top.y + 16 },
      });
    }
  });

  await step("audit: the fixed HAR shows no leak", async () => {
    await page.setInputFiles("#audit-file", path.join(LAB, "authjs5/fixed/session-leak/visitor.har"));
    await page.locator("#audit-out h3", { hasText: "fixed" }).or(page.locator("#audit-out h3", { hasText: "visitor.har" })).first().waitFor();
    await page.waitForFunction(() => document.querySelector("#audit-out h3")?.textContent.includes("no findings"), null, { timeout: 30000 })
      .catch(() => {});
    const heading = await page.locator("#audit-out h3").first().textContent();
    check(heading.includes("no findings"), heading);
    check((await page.locator("#timeline path.link").count()) === 0, "no arrow");
    await page.screenshot({ path: path.join(ARTIFACTS, "audit-fixed.png"), fullPage: true });
  });

  await step("the page made no request elsewhere and logged no error", async () => {
    check(external.length === 0, `external requests: ${external.join(", ")}`);
    check(consoleErrors.length === 0, `console errors (CSP violations show here): ${consoleErrors.join(" | ")}`);
  });

  await step("a foreign Origin or Host is refused", async () => {
    const api = await httpRequest.newContext();
    const body = { text: "x" };
    const post = (headers) => api.post(`${server.origin}/api/decode`, { headers: { "Content-Type": "application/json", ...headers }, data: body });
    check((await post({ Origin: "http://evil.example", "X-Authpeek-Token": server.token })).status() === 403, "foreign Origin: 403");
    check((await post({ Origin: server.origin })).status() === 403, "no token: 403");
    check((await post({ Origin: server.origin, Host: "evil.example" })).status() === 403, "foreign Host: 403");
    check((await post({ Origin: server.origin, "X-Authpeek-Token": server.token })).status() === 200, "own page with token: 200");
    await api.dispose();
    // Another page in the browser (an opaque origin) cannot call the API, even holding the token.
    const other = await context.newPage();
    await other.goto("about:blank");
    const outcome = await other.evaluate(async ([origin, token]) => {
      try {
        const r = await fetch(`${origin}/api/decode`, { method: "POST", headers: { "Content-Type": "application/json", "X-Authpeek-Token": token }, body: "{\"text\":\"x\"}" });
        return `status ${r.status}`;
      } catch (e) {
        return `blocked: ${e.message}`;
      }
    }, [server.origin, server.token]);
    check(outcome.startsWith("blocked") || outcome === "status 403", `cross-origin fetch: ${outcome}`);
    await other.close();
  });

  await step("the HTML report and the SVG render with an empty network log", async () => {
    const dir = fs.mkdtempSync(path.join(ARTIFACTS, "report-"));
    // Relative paths, run from the repository: the report names its source as given.
    // The whole story: one lane per browser.
    const story = "testdata/interop/authjs5/misconfigured/session-leak";
    const hars = ["alice.har", "visitor.har", "bob.har"].map((f) => `${story}/${f}`);
    const env = "testdata/interop/authjs5/secrets.env";
    try {
      execFileSync(BIN, ["audit", "--no-env", "--now", NOW, "--env-file", env, ...hars,
        "--html", path.join(dir, "report.html"), "--svg", path.join(dir, "timeline.svg")], { stdio: "ignore", cwd: ROOT });
    } catch (e) {
      if (e.status !== 1) throw e; // 1: findings, as expected
    }
    for (const [file, shot] of [["report.html", "report.png"], ["timeline.svg", "timeline.png"]]) {
      const p = await context.newPage();
      const requests = [];
      p.on("request", (r) => requests.push(r.url()));
      const errors = [];
      p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      const url = `file://${path.join(dir, file)}`;
      await p.goto(url);
      await p.waitForLoadState("load");
      const others = requests.filter((u) => u !== url);
      check(others.length === 0, `${file}: no request but itself (${others.join(", ")})`);
      check(errors.length === 0, `${file}: no console error (${errors.join(" | ")})`);
      const box = await p.locator("svg").first().boundingBox();
      check(box && box.width > 300 && box.height > 150, `${file}: the picture has a size (${box?.width}x${box?.height})`);
      // A standalone SVG document has no scrolling page to stitch: the viewport holds it.
      await p.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: file.endsWith(".html") });
      if (UPDATE_DOCS && file === "report.html") {
        await p.screenshot({ path: path.join(ROOT, "docs/audit-report.png"), fullPage: false });
      }
      await p.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
} finally {
  await browser.close();
  server.child.kill();
}

console.log(`\nscreenshots in ${path.relative(ROOT, ARTIFACTS)}/`);
if (failures.length) {
  console.log(`${failures.length} failed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
  process.exit(1);
}
console.log("all browser checks passed");
