'use strict';
// Which prebuilt binary runs here: the one table of targets (read by the launcher, by
// npm/sync.mjs to write the platform packages' package.json, and checked against the release
// workflow by npm/test), and pure functions over it. No I/O here except in detectLibc().

/**
 * One row per prebuilt binary. `platform`/`arch` are Node's process.platform/process.arch,
 * `libc` ("glibc" | "musl") only on Linux; `os`/`cpu`/`libc` become the package's npm fields;
 * `rust` is the Rust target triple the release builds (and the archive name carries).
 */
const TARGETS = Object.freeze([
  { id: 'linux-x64-gnu', platform: 'linux', arch: 'x64', libc: 'glibc', rust: 'x86_64-unknown-linux-gnu' },
  { id: 'linux-x64-musl', platform: 'linux', arch: 'x64', libc: 'musl', rust: 'x86_64-unknown-linux-musl' },
  { id: 'linux-arm64-gnu', platform: 'linux', arch: 'arm64', libc: 'glibc', rust: 'aarch64-unknown-linux-gnu' },
  { id: 'darwin-x64', platform: 'darwin', arch: 'x64', libc: null, rust: 'x86_64-apple-darwin' },
  { id: 'darwin-arm64', platform: 'darwin', arch: 'arm64', libc: null, rust: 'aarch64-apple-darwin' },
  { id: 'win32-x64-msvc', platform: 'win32', arch: 'x64', libc: null, rust: 'x86_64-pc-windows-msvc' },
].map((t) => Object.freeze({
  ...t,
  packageName: `@authpeek/cli-${t.id}`,
  binary: t.platform === 'win32' ? 'authpeek.exe' : 'authpeek',
})));

/**
 * The target for a platform, or null when no prebuilt binary fits.
 * @param {{platform: string, arch: string, libc?: string|null}} host
 *   `libc` is "glibc" or "musl" on Linux (see libcFromReport), ignored elsewhere.
 */
function resolveTarget({ platform, arch, libc }) {
  return TARGETS.find((t) => t.platform === platform && t.arch === arch
    && (t.libc === null || t.libc === libc)) || null;
}

/**
 * The C library of a Linux Node process from its diagnostic report header: glibc builds of
 * Node record `glibcVersionRuntime`, musl builds do not (the test biome, napi-rs and
 * detect-libc use).
 * @param {object|undefined} header process.report.getReport().header
 * @returns {"glibc"|"musl"|null} null when the header says nothing either way
 */
function libcFromReport(header) {
  if (!header || typeof header !== 'object') return null;
  return header.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** The C library of this process on Linux (null elsewhere). The one impure function here. */
function detectLibc(proc = process, fs = require('fs')) {
  if (proc.platform !== 'linux') return null;
  const report = proc.report;
  if (report && typeof report.getReport === 'function') {
    // Network interface details can take seconds to collect on some machines; not needed.
    const excludeNetwork = report.excludeNetwork;
    report.excludeNetwork = true;
    try {
      const r = report.getReport();
      const libc = libcFromReport(typeof r === 'string' ? JSON.parse(r).header : r.header);
      if (libc) return libc;
    } catch {
      // a Node without a usable report: look at the loader below
    } finally {
      report.excludeNetwork = excludeNetwork;
    }
  }
  try {
    return fs.readdirSync('/lib').some((n) => n.startsWith('ld-musl-')) ? 'musl' : 'glibc';
  } catch {
    return 'glibc';
  }
}

/** How a platform is named in messages: "linux-x64 (musl)", "win32-arm64". */
function describeHost({ platform, arch, libc }) {
  return `${platform}-${arch}${platform === 'linux' && libc ? ` (${libc})` : ''}`;
}

module.exports = { TARGETS, resolveTarget, libcFromReport, detectLibc, describeHost };
