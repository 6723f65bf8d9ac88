// The npm packages stay in step with Cargo.toml (npm/sync.mjs), and the release workflow and
// cargo-binstall metadata cover every target of the launcher's table with the same archive names.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { cargoPackage, packageJsons } from '../sync.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sync = join(root, 'npm', 'sync.mjs');
const { TARGETS } = createRequire(import.meta.url)('../authpeek/lib/platform.js');
const cargoToml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const cargo = cargoPackage(cargoToml);

test('the committed package.json files are what npm/sync.mjs writes', () => {
  const r = spawnSync(process.execPath, [sync, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('a version bump in Cargo.toml is caught, then synced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authpeek-sync-'));
  try {
    cpSync(join(root, 'npm'), join(dir, 'npm'), { recursive: true, filter: (p) => !p.includes('node_modules') });
    writeFileSync(join(dir, 'Cargo.toml'), cargoToml.replace(/^version = ".*"$/m, 'version = "9.8.7"'));
    const check = spawnSync(process.execPath, [sync, '--check', '--root', dir], { encoding: 'utf8' });
    assert.equal(check.status, 1);
    assert.match(check.stderr, /npm\/authpeek\/package\.json, npm\/@authpeek\/cli-linux-x64-gnu\/package\.json, .* differ from what Cargo\.toml \(version 9\.8\.7\)/);
    assert.match(check.stderr, /run `node npm\/sync\.mjs`/);
    execFileSync(process.execPath, [sync, '--root', dir]);
    const main = JSON.parse(readFileSync(join(dir, 'npm/authpeek/package.json'), 'utf8'));
    assert.equal(main.version, '9.8.7');
    assert.deepEqual(new Set(Object.values(main.optionalDependencies)), new Set(['9.8.7']));
    for (const t of TARGETS) {
      assert.equal(JSON.parse(readFileSync(join(dir, 'npm', t.packageName, 'package.json'), 'utf8')).version, '9.8.7');
    }
    assert.equal(spawnSync(process.execPath, [sync, '--check', '--root', dir]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Cargo.toml [package] fields are read as TOML strings and arrays', () => {
  const p = cargoPackage('[package]\nname = "x"\nversion = "1.2.3-rc.1" # c\ndescription = "a \\"q\\""\nkeywords = ["a", "b",]\n[dependencies]\nversion = "9"\n');
  assert.deepEqual(p, { name: 'x', version: '1.2.3-rc.1', description: 'a "q"', keywords: ['a', 'b'] });
  assert.throws(() => cargoPackage('[package]\nname = "x"\n'), /no plain version/);
});

test('platform packages carry npm os/cpu/libc fields and only the binary', () => {
  const byName = new Map(packageJsons(cargo).map(([, p]) => [p.name, p]));
  for (const t of TARGETS) {
    const p = byName.get(t.packageName);
    assert.deepEqual(p.os, [t.platform]);
    assert.deepEqual(p.cpu, [t.arch]);
    assert.deepEqual(p.libc, t.libc ? [t.libc] : undefined);
    assert.deepEqual(p.files, [t.binary]);
    assert.equal(p.bin, undefined, 'only the main package has a bin');
  }
  const main = byName.get('authpeek');
  assert.deepEqual(Object.keys(main.optionalDependencies), TARGETS.map((t) => t.packageName));
  assert.deepEqual(main.bin, { authpeek: 'bin/authpeek.js' });
});

test('the release workflow builds every target and publishes it under its package id', () => {
  const workflow = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8');
  const rows = [...workflow.matchAll(/\{ target: ([\w-]+), npm: ([\w-]+), os: [\w.-]+ \}/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(rows.sort(), TARGETS.map((t) => [t.rust, t.id]).sort());
  assert.match(workflow, /name="authpeek-v\$VERSION-\$TARGET"/);
  assert.match(workflow, /--provenance/);
  assert.match(workflow, /id-token: write/);
});

test('cargo-binstall metadata names the release archives', () => {
  const section = (name) => {
    const m = new RegExp(`^\\[${name.replace(/[.[\]]/g, '\\$&')}\\]\\n([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(cargoToml);
    assert.ok(m, `Cargo.toml has no [${name}]`);
    return Object.fromEntries([...m[1].matchAll(/^([\w-]+) = "(.*)"$/gm)].map((x) => [x[1], x[2]]));
  };
  const base = section('package.metadata.binstall');
  for (const t of TARGETS) {
    let meta = base;
    if (cargoToml.includes(`[package.metadata.binstall.overrides.${t.rust}]`)) {
      meta = { ...base, ...section(`package.metadata.binstall.overrides.${t.rust}`) };
    }
    const fill = (s) => s.replaceAll('{ repo }', cargo.repository).replaceAll('{ name }', 'authpeek')
      .replaceAll('{ version }', cargo.version).replaceAll('{ target }', t.rust)
      .replaceAll('{ bin }', 'authpeek').replaceAll('{ binary-ext }', t.platform === 'win32' ? '.exe' : '');
    const archive = `authpeek-v${cargo.version}-${t.rust}${t.platform === 'win32' ? '.zip' : '.tar.gz'}`;
    assert.equal(fill(meta['pkg-url']), `${cargo.repository}/releases/download/v${cargo.version}/${archive}`);
    assert.equal(fill(meta['bin-dir']), `authpeek-v${cargo.version}-${t.rust}/${t.binary}`);
    assert.equal(meta['pkg-fmt'], t.platform === 'win32' ? 'zip' : 'tgz');
  }
});
