'use strict';
// The launcher's platform resolution (npm/authpeek/lib/platform.js), for every target and for
// machines no prebuilt binary fits.
const test = require('node:test');
const assert = require('node:assert/strict');
const { TARGETS, resolveTarget, libcFromReport, detectLibc, describeHost } = require('../authpeek/lib/platform.js');

const EXPECTED = [
  // [platform, arch, libc, package, rust target, binary]
  ['linux', 'x64', 'glibc', '@authpeek/cli-linux-x64-gnu', 'x86_64-unknown-linux-gnu', 'authpeek'],
  ['linux', 'x64', 'musl', '@authpeek/cli-linux-x64-musl', 'x86_64-unknown-linux-musl', 'authpeek'],
  ['linux', 'arm64', 'glibc', '@authpeek/cli-linux-arm64-gnu', 'aarch64-unknown-linux-gnu', 'authpeek'],
  ['darwin', 'x64', null, '@authpeek/cli-darwin-x64', 'x86_64-apple-darwin', 'authpeek'],
  ['darwin', 'arm64', null, '@authpeek/cli-darwin-arm64', 'aarch64-apple-darwin', 'authpeek'],
  ['win32', 'x64', null, '@authpeek/cli-win32-x64-msvc', 'x86_64-pc-windows-msvc', 'authpeek.exe'],
];

test('every target resolves to its package, Rust target and binary name', () => {
  for (const [platform, arch, libc, pkg, rust, binary] of EXPECTED) {
    const t = resolveTarget({ platform, arch, libc });
    assert.ok(t, `${platform}-${arch} ${libc}`);
    assert.equal(t.packageName, pkg);
    assert.equal(t.rust, rust);
    assert.equal(t.binary, binary);
  }
  assert.equal(TARGETS.length, EXPECTED.length, 'a target without a test row');
});

test('libc does not matter where there is one build per platform', () => {
  assert.equal(resolveTarget({ platform: 'darwin', arch: 'arm64', libc: 'glibc' }).id, 'darwin-arm64');
  assert.equal(resolveTarget({ platform: 'win32', arch: 'x64' }).id, 'win32-x64-msvc');
});

test('unsupported machines resolve to null', () => {
  for (const host of [
    { platform: 'linux', arch: 'arm64', libc: 'musl' }, // Alpine on arm64: no musl arm64 build
    { platform: 'linux', arch: 'riscv64', libc: 'glibc' },
    { platform: 'linux', arch: 'x64', libc: null }, // libc unknown: no guess
    { platform: 'win32', arch: 'arm64' },
    { platform: 'win32', arch: 'ia32' },
    { platform: 'freebsd', arch: 'x64' },
    { platform: 'sunos', arch: 'x64' },
  ]) {
    assert.equal(resolveTarget(host), null, describeHost(host));
  }
});

test('libc comes from the diagnostic report header', () => {
  assert.equal(libcFromReport({ glibcVersionRuntime: '2.36', osName: 'Linux' }), 'glibc');
  assert.equal(libcFromReport({ osName: 'Linux' }), 'musl');
  assert.equal(libcFromReport(undefined), null);
});

test('detectLibc reads the report on Linux only, and falls back to the loader', () => {
  const report = (header) => ({ getReport: () => ({ header }), excludeNetwork: false });
  const noLib = { readdirSync: () => [] };
  assert.equal(detectLibc({ platform: 'darwin', report: report({}) }, noLib), null);
  assert.equal(detectLibc({ platform: 'linux', report: report({ glibcVersionRuntime: '2.39' }) }, noLib), 'glibc');
  assert.equal(detectLibc({ platform: 'linux', report: report({}) }, noLib), 'musl');
  // Older Nodes returned the report as a JSON string.
  const asString = { getReport: () => JSON.stringify({ header: { glibcVersionRuntime: '2.17' } }) };
  assert.equal(detectLibc({ platform: 'linux', report: asString }, noLib), 'glibc');
  // No report at all: a musl loader in /lib decides.
  const muslLib = { readdirSync: () => ['ld-musl-x86_64.so.1', 'libc.musl-x86_64.so.1'] };
  assert.equal(detectLibc({ platform: 'linux' }, muslLib), 'musl');
  assert.equal(detectLibc({ platform: 'linux' }, { readdirSync: () => ['ld-linux-x86-64.so.2'] }), 'glibc');
  // The report's network option is restored.
  const r = report({ glibcVersionRuntime: '2.39' });
  detectLibc({ platform: 'linux', report: r }, noLib);
  assert.equal(r.excludeNetwork, false);
});

test('this machine resolves (the tests run on a supported CI platform)', () => {
  const host = { platform: process.platform, arch: process.arch, libc: detectLibc() };
  assert.ok(resolveTarget(host), describeHost(host));
});

test('hosts are named with their libc on Linux only', () => {
  assert.equal(describeHost({ platform: 'linux', arch: 'arm64', libc: 'musl' }), 'linux-arm64 (musl)');
  assert.equal(describeHost({ platform: 'win32', arch: 'arm64', libc: null }), 'win32-arm64');
});

test('npm/targets.mjs prints the table for shell scripts', () => {
  const { spawnSync } = require('node:child_process');
  const cli = require('node:path').join(__dirname, '..', 'targets.mjs');
  const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const list = run('list');
  assert.equal(list.status, 0, list.stderr);
  assert.deepEqual(list.stdout.trim().split('\n'), TARGETS.map((t) => `${t.id} ${t.rust} ${t.binary} ${t.packageName}`));
  assert.equal(run('win32-x64-msvc').stdout, 'win32-x64-msvc x86_64-pc-windows-msvc authpeek.exe @authpeek/cli-win32-x64-msvc\n');
  const unknown = run('linux-riscv64');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^npm\/targets\.mjs: error: unknown target "linux-riscv64"; use list, host or one of linux-x64-gnu, /);
  assert.equal(run('host').status, 0);
});
