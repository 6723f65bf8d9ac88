// authpeek serve: the page. Plain JavaScript, no build step, no external resource. It sends what
// is typed to the authpeek process that served it (with the run's token, taken from this page's
// URL fragment, as a header) and shows the CLI's --json answer. Everything shown is built with
// DOM text nodes; the one exception is the timeline SVG, drawn and escaped by authpeek itself.
"use strict";

const TOKEN = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const pretty = (v) => JSON.stringify(v, null, 2);
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);

function keys() {
  const k = {};
  const secret = $("key-secret").value;
  const password = $("key-password").value;
  const name = $("key-cookie-name").value.trim();
  if (secret) k.secrets = [secret];
  if (password) k.passwords = [password];
  if (name) k.cookie_name = name;
  return k;
}

async function call(path, payload) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Authpeek-Token": TOKEN },
    body: JSON.stringify(payload),
    credentials: "omit",
    cache: "no-store",
  });
  let doc;
  try {
    doc = await res.json();
  } catch {
    doc = { error: `the server answered ${res.status}` };
  }
  if (!res.ok) throw new Error(doc.error || `the server answered ${res.status}`);
  return doc;
}

function statusClass(s) {
  if (s === "ok" || s === "pass" || s === "rolled" || s === "identical") return "ok";
  if (s === "expired" || s === "warn" || s === "not_yet_valid" || s === "medium" || s === "low") return "warn";
  if (s === "critical") return "critical";
  return "bad";
}

const badge = (text, cls) => el("span", { class: `badge ${cls || statusClass(text)}` }, String(text).toUpperCase().replace(/_/g, " "));

function rawJson(doc) {
  return el("details", {}, el("summary", {}, "JSON (as the CLI's --json prints it)"), el("pre", {}, pretty(doc)));
}

function errorCard(error) {
  return el("div", { class: "card bad", role: "alert" },
    el("div", {}, badge(error.kind || "error", "bad"), error.message),
    error.hint ? el("div", {}, el("b", {}, "what to do: "), error.hint) : null);
}

function show(out, ...nodes) {
  out.replaceChildren(...nodes.flat().filter(Boolean));
}

async function run(out, path, payload, render) {
  show(out, el("p", { class: "dim" }, "working…"));
  try {
    const answer = await call(path, payload);
    const doc = answer.result;
    if (doc && doc.error) show(out, errorCard(doc.error), rawJson(doc));
    else show(out, render(doc, answer), rawJson(doc));
  } catch (e) {
    show(out, errorCard({ kind: "error", message: e.message }));
  }
}

// ---------------------------------------------------------------- Decode

function tokenCard(t, depth) {
  const title = [t.source, t.framework || t.format].filter(Boolean).join(" · ");
  const card = el("article", { class: `card token ${statusClass(t.status)}`, "data-status": t.status },
    el(depth ? "h4" : "h3", {}, badge(t.status), title));
  const facts = [];
  if (t.signature) facts.push(`signature: ${String(t.signature).replace(/_/g, " ")}`);
  if (t.verification) facts.push(`verified with ${t.verification.key} (${t.verification.alg})`);
  if (t.decryption) facts.push(`decrypted with ${t.decryption.key}, salt ${t.decryption.salt}, ${t.decryption.enc}`);
  if (t.cookie_kind) facts.push(`cookie role: ${t.cookie_kind}`);
  if (facts.length) card.append(el("p", { class: "dim" }, facts.join(" · ")));
  if (t.error) {
    card.append(el("div", { class: "cause" }, el("b", {}, "cause: "), `${t.error.kind.replace(/_/g, " ")}: ${t.error.message}`));
    if (t.error.hint) card.append(el("div", { class: "fix" }, el("b", {}, "fix: "), t.error.hint));
  }
  for (const w of t.warnings || []) card.append(el("div", { class: "warning" }, badge("warning", "warn"), w.message));
  if (t.times && t.times.length) {
    card.append(el("table", { class: "times" },
      el("thead", {}, el("tr", {}, el("th", {}, "time"), el("th", {}, "UTC"), el("th", {}, "when"))),
      el("tbody", {}, t.times.map((c) => el("tr", {}, el("td", {}, c.claim), el("td", {}, c.utc), el("td", {}, c.relative))))));
  }
  if (t.header) card.append(el("h4", {}, "header"), el("pre", { class: "header" }, pretty(t.header)));
  if (t.payload) card.append(el("h4", {}, "claims"), el("pre", { class: "claims" }, pretty(t.payload)));
  if (t.chunks) card.append(el("p", {}, `chunks: ${t.chunks.names.join(", ")} (${t.chunks.length} characters)`,
    t.chunks.missing && t.chunks.missing.length ? `; missing ${t.chunks.missing.join(", ")}` : ""));
  for (const n of t.nested || []) card.append(el("div", { class: "nested" }, el("p", { class: "dim" }, `inside, at ${n.path}:`), tokenCard(n.token, depth + 1)));
  if (t.seen_in && t.seen_in.length) card.append(el("p", { class: "dim" }, `seen in: ${t.seen_in.join(", ")}`));
  return card;
}

function renderDecode(doc) {
  const parts = (doc.tokens || []).map((t) => tokenCard(t, 0));
  for (const s of doc.skipped || []) parts.push(el("p", { class: "dim" }, `skipped ${s.source}: ${s.reason}`));
  return el("div", {}, parts);
}

// ---------------------------------------------------------------- Diff

function renderDiff(doc) {
  const out = el("div", {});
  out.append(el("div", { class: `card ${statusClass(doc.verdict)}` },
    el("h3", {}, badge(doc.verdict)),
    doc.finding ? [el("div", {}, doc.finding.message),
      el("div", {}, el("b", {}, "why: "), doc.finding.why),
      doc.finding.fix ? el("div", {}, el("b", {}, "fix: "), doc.finding.fix) : null] : null));
  for (const u of doc.unusable || []) out.append(errorCard({ kind: `${u.side}: ${u.kind || "unusable"}`, message: u.message || "", hint: u.hint }));
  if (doc.required_lost && doc.required_lost.length) out.append(el("p", { class: "error" }, `required claims lost: ${doc.required_lost.join(", ")}`));
  const v = (x) => (x === undefined ? "" : JSON.stringify(x));
  if ((doc.changes || []).length || (doc.unchanged || []).length) {
    out.append(el("h3", {}, "claims"), el("table", {},
      el("thead", {}, el("tr", {}, ["path", "change", "before", "after", "delta"].map((h) => el("th", {}, h)))),
      el("tbody", {},
        (doc.changes || []).map((c) => el("tr", { class: c.identity ? "identity" : null },
          el("td", {}, c.path), el("td", {}, c.op), el("td", { class: "wrap" }, v(c.before)), el("td", { class: "wrap" }, v(c.after)), el("td", {}, c.delta || ""))),
        (doc.unchanged || []).map((c) => el("tr", { class: "dim" },
          el("td", {}, c.path), el("td", {}, "same"), el("td", { class: "wrap" }, v(c.value)), el("td", {}), el("td", {}))))));
  }
  if ((doc.header_changes || []).length) {
    out.append(el("h3", {}, "header"), el("ul", {}, doc.header_changes.map((h) =>
      el("li", {}, `${h.field} ${h.op}: ${v(h.before)} → ${v(h.after)}${h.meaning ? ` (${h.meaning})` : ""}${h.delta ? ` ${h.delta}` : ""}`))));
  }
  for (const n of doc.notes || []) out.append(el("p", { class: "dim" }, n));
  return out;
}

// ---------------------------------------------------------------- Check

function renderCheck(doc) {
  const out = el("div", {});
  out.append(el("div", { class: `card ${statusClass(doc.verdict)}` }, el("h3", {}, badge(doc.verdict), `judged at ${doc.now_utc}`)));
  out.append(el("table", {},
    el("thead", {}, el("tr", {}, ["", "check", "what", "cause / fix"].map((h) => el("th", {}, h)))),
    el("tbody", {}, (doc.checks || []).map((c) => el("tr", {},
      el("td", {}, badge(c.status)),
      el("td", {}, c.id, c.path ? el("div", { class: "dim" }, c.path) : null),
      el("td", {}, c.message, c.expected !== undefined ? el("div", { class: "dim" }, `expected ${c.expected}, found ${c.found}`) : null),
      el("td", {}, c.cause ? el("div", {}, c.cause) : null, c.fix ? el("div", {}, el("b", {}, "fix: "), c.fix) : null))))));
  if (doc.token) out.append(tokenCard(doc.token, 0));
  return out;
}

// ---------------------------------------------------------------- Audit

function renderAudit(doc, answer) {
  const out = el("div", {});
  const n = doc.findings.length;
  out.append(el("h3", {}, `${doc.source}: ${doc.entries} exchanges, ${n ? `${n} finding${n === 1 ? "" : "s"}` : "no findings"}`));
  if (answer.summary) out.append(el("p", { class: "summary" }, answer.summary));
  if (answer.svg) {
    const pic = el("div", { class: "picture", id: "timeline" });
    // Drawn by authpeek (render::timeline_svg), every text in it escaped there.
    pic.innerHTML = answer.svg;
    out.append(pic);
  }
  for (const f of doc.findings) {
    out.append(el("article", { class: `card finding ${statusClass(f.severity === "high" ? "bad" : f.severity)}`, "data-rule": f.rule },
      el("div", {}, badge(f.severity, statusClass(f.severity === "high" ? "bad" : f.severity)), el("code", {}, `[${f.rule}] `), f.message,
        f.occurrences > 1 ? el("span", { class: "dim" }, ` ×${f.occurrences}`) : null),
      f.entries.length ? el("div", { class: "dim" }, `entries: ${f.entries.join(", ")}`) : null,
      (f.evidence || []).map((e) => el("pre", {}, [`entry ${e.entry}: ${e.request}`, ...e.headers].join("\n"))),
      el("div", {}, el("b", {}, "why: "), f.why),
      el("div", {}, el("b", {}, "fix: "), f.fix)));
  }
  if (doc.timeline) {
    out.append(el("h3", {}, "exchanges"), el("table", {},
      el("thead", {}, el("tr", {}, ["entry", "time", "request", "status", "cache", "session sent → set", "cookies", "findings"].map((h) => el("th", {}, h)))),
      el("tbody", {}, doc.timeline.map((r) => el("tr", {},
        el("td", {}, r.entry), el("td", {}, r.time || ""), el("td", { class: "wrap" }, `${r.client ? `[${r.client}] ` : ""}${r.method} ${r.url}`),
        el("td", {}, r.status), el("td", {}, `${r.cache || "-"}${r.shared_cacheable ? " (shared-cacheable)" : ""}`),
        el("td", {}, `${r.identity_sent || "-"}${r.identity_set && r.identity_set !== r.identity_sent ? ` → ${r.identity_set}` : ""}`),
        el("td", {}, (r.cookies || []).map((c) => `${c.action === "set" ? "+" : "−"}${c.name}`).join(" ")),
        el("td", {}, (r.findings || []).join(", ")))))));
  }
  return out;
}

// ---------------------------------------------------------------- wiring

function selectTab(tab) {
  for (const t of document.querySelectorAll("[role=tab]")) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
  tab.focus();
}

let dropped = null;

// One file, or several recordings of one story (one browser each: one lane each).
async function takeFiles(files) {
  if (!files || !files.length) return;
  dropped = await Promise.all([...files].map(async (f) => ({ name: f.name, text: await f.text() })));
  $("audit-text").value = "";
  submitAudit();
}

function submitAudit() {
  const pasted = $("audit-text").value;
  const payload = pasted.trim() ? { text: pasted }
    : !dropped ? null
    : dropped.length === 1 ? { text: dropped[0].text, name: dropped[0].name }
    : { files: dropped };
  if (!payload) {
    show($("audit-out"), errorCard({ kind: "usage", message: "nothing to audit: drop a HAR file or paste curl output" }));
    return;
  }
  run($("audit-out"), "/api/audit", { ...payload, ...keys() }, renderAudit);
}

document.addEventListener("DOMContentLoaded", () => {
  if (!TOKEN) $("token-missing").hidden = false;
  const tabs = [...document.querySelectorAll("[role=tab]")];
  for (const t of tabs) {
    t.addEventListener("click", () => selectTab(t));
    t.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(t);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      selectTab(tabs[(to + tabs.length) % tabs.length]);
    });
  }
  $("decode-form").addEventListener("submit", (e) => {
    e.preventDefault();
    run($("decode-out"), "/api/decode", { text: $("decode-text").value, ...keys() }, renderDecode);
  });
  $("diff-form").addEventListener("submit", (e) => {
    e.preventDefault();
    run($("diff-out"), "/api/diff", {
      before: $("diff-before").value, after: $("diff-after").value,
      require: lines($("diff-require").value), all: $("diff-all").checked, ...keys(),
    }, renderDiff);
  });
  $("check-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const like = $("check-like").value.trim();
    const maxAge = $("check-max-age").value.trim();
    run($("check-out"), "/api/check", {
      text: $("check-text").value, require: lines($("check-require").value),
      like: like || null, max_age: maxAge || null, strict: $("check-strict").checked, ...keys(),
    }, renderCheck);
  });
  $("audit-form").addEventListener("submit", (e) => {
    e.preventDefault();
    submitAudit();
  });
  $("audit-file").addEventListener("change", (e) => takeFiles(e.target.files));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    takeFiles(e.dataTransfer.files);
  });
});
