// Servers the lab starts, and nothing else: each is spawned in its own process group, waited for on its
// port with a timeout, and on exit (normal, error or signal) killed with every process it started
// (next start forks a server into a group of its own, so the tree is walked by parent id).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

const started = [];

function descendants(pid) {
  let out = [];
  try {
    const kids = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n").map((s) => Number(s.trim())).filter(Boolean);
    for (const k of kids) out = out.concat(descendants(k), [k]);
  } catch { /* no children */ }
  return out;
}

function killTree(pid) {
  for (const p of [...descendants(pid), pid]) {
    try { process.kill(p, "SIGTERM"); } catch { /* already gone */ }
  }
}

export function start(name, cmd, args, { cwd, env, log }) {
  const fd = fs.openSync(log, "a");
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", fd, fd], detached: true });
  fs.closeSync(fd);
  const entry = { name, child, log, exited: null };
  child.on("exit", (code, sig) => { entry.exited = sig ?? code; });
  started.push(entry);
  return entry;
}

export async function stop(entry) {
  if (entry.exited === null) killTree(entry.child.pid);
  for (let i = 0; i < 100 && entry.exited === null; i++) await sleep(50);
  if (entry.exited === null) for (const p of [...descendants(entry.child.pid), entry.child.pid]) try { process.kill(p, "SIGKILL"); } catch {}
  const i = started.indexOf(entry);
  if (i >= 0) started.splice(i, 1);
}

export function stopAllNow() {
  for (const e of started.splice(0)) if (e.exited === null) killTree(e.child.pid);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, n = 30) {
  try { return fs.readFileSync(file, "utf8").split("\n").slice(-n).join("\n"); } catch { return "(no log)"; }
}

function connects(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => { s.destroy(); resolve(true); });
    s.on("error", () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

/// Wait until `port` accepts connections; fail with the server's log if it exits or times out.
export async function waitPort(entry, port, timeoutMs = 60000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (entry.exited !== null) throw new Error(`${entry.name} exited (${entry.exited}) before listening on ${port}:\n${tail(entry.log)}`);
    if (await connects(port)) return;
    await sleep(150);
  }
  throw new Error(`${entry.name} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000}s:\n${tail(entry.log)}`);
}

/// Fail early when a port the lab needs is taken by something else.
export async function assertFree(port) {
  if (await connects(port)) throw new Error(`port 127.0.0.1:${port} is already in use: stop what listens there (the lab's ports are 3100-3199 and 8100-8199, shifted by --port-offset)`);
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => { stopAllNow(); process.exit(130); });
process.on("exit", stopAllNow);
