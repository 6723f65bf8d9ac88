'use strict';
// The launcher (npm/authpeek/bin/authpeek.js) against a stand-in binary in a scratch
// node_modules: arguments, exit codes and signals pass through; the two "no binary" errors.
// npm/test-e2e.sh runs the same launcher with the real binary from packed tarballs.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveTarget, detectLibc } = require('../authpeek/lib/platform.js');

const posix = process.platform !== 'win32';
const host = resolveTarget({ platform: process.platform, arch: process.arch, libc: detectLibc() });

/** A project with authpeek installed and, unless `withBinary` is false, a stand-in binary. */
function project({ withBinary = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authpeek-launcher-'));
  const main = path.join(dir, 'node_modules', 'authpeek');
  fs.cpSync(path.join(__dirname, '..', 'authpeek'), main, { recursive: true });
  if (withBinary) {
    const pkg = path.join(dir, 'node_modules', host.packageName);
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: host.packageName, version: '0.0.0' }));
    // Prints its arguments one per line, then exits as FAKE_EXIT says (a number or a signal name).
    fs.writeFileSync(path.join(pkg, host.binary), [
      '#!/bin/sh',
      'for a in "$@"; do printf "[%s]\\n" "$a"; done',
      'case "$FAKE_EXIT" in SIG*) kill -s "${FAKE_EXIT#SIG}" $$ ;; esac',
      'exit "${FAKE_EXIT:-0}"',
      '',
    ].join('\n'), { mode: 0o755 });
  }
  return { dir, launcher: path.join(main, 'bin', 'authpeek.js') };
}

function run(launcher, args, { env = {}, nodeArgs = [] } = {}) {
  return spawnSync(process.execPath, [...nodeArgs, launcher, ...args], {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30000,
  });
}

test('arguments reach the binary unchanged and its exit code comes back', { skip: !posix && 'the stand-in binary is a POSIX shell script' }, (t) => {
  const { dir, launcher } = project();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = run(launcher, ['decode', '', 'a b', '--json', '*', '-'], { env: { FAKE_EXIT: '0' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '[decode]\n[]\n[a b]\n[--json]\n[*]\n[-]\n');
  for (const code of [1, 2, 7]) {
    assert.equal(run(launcher, [], { env: { FAKE_EXIT: String(code) } }).status, code);
  }
});

test('a binary killed by a signal ends the launcher by the same signal', { skip: !posix && 'POSIX signals' }, (t) => {
  const { dir, launcher } = project();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    const r = run(launcher, [], { env: { FAKE_EXIT: signal } });
    assert.equal(r.status, null, `${signal}: ${r.stderr}`);
    assert.equal(r.signal, signal);
  }
});

test('no platform package installed: one error line saying what to do, exit 2', (t) => {
  const { dir, launcher } = project({ withBinary: false });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = run(launcher, ['--version']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^authpeek: error: ${host.packageName.replace('/', '\\/')}, the package with the binary for [^\\n]+ is not installed; install authpeek with optional dependencies \\(not --omit=optional / --no-optional\\)[^\\n]*\\n$`));
});

test('a platform without a prebuilt binary: one error line naming it and the way out, exit 2', (t) => {
  const { dir, launcher } = project();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const preload = path.join(dir, 'riscv.js');
  fs.writeFileSync(preload, "Object.defineProperty(process, 'arch', { value: 'riscv64' });\n");
  const r = run(launcher, ['--version'], { nodeArgs: ['--require', preload] });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^authpeek: error: no prebuilt authpeek binary for \w+-riscv64[^\n]* \(there are linux-x64-gnu, .*win32-x64-msvc\); build it from source instead: `cargo install authpeek` \(needs the Rust toolchain\)\n$/);
});
