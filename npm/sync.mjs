#!/usr/bin/env node
// Writes the package.json of the npm packages (npm/authpeek and npm/@authpeek/cli-*) from two
// sources: Cargo.toml's [package] (version, description, license, repository, keywords) and the
// target table in npm/authpeek/lib/platform.js (names, os/cpu/libc). Run it after changing
// either; `--check` writes nothing and exits 1 naming every file that differs (CI runs it).
//
//   node npm/sync.mjs [--check] [--root DIR]      DIR: the repository (default: this one)

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { TARGETS } = require('./authpeek/lib/platform.js');

/** The string and string-array values of Cargo.toml's [package] table (enough for its fields here). */
export function cargoPackage(toml) {
  const section = /^\[package\][ \t]*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml);
  if (!section) throw new Error('Cargo.toml has no [package] table');
  const fields = {};
  for (const line of section[1].split('\n')) {
    const str = /^([A-Za-z][\w-]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(line);
    if (str) {
      fields[str[1]] = JSON.parse(`"${str[2]}"`);
      continue;
    }
    const arr = /^([A-Za-z][\w-]*)\s*=\s*\[(.*)\]\s*(#.*)?$/.exec(line);
    if (arr) fields[arr[1]] = JSON.parse(`[${arr[2].replace(/,\s*$/, '')}]`);
  }
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(fields.version || '')) {
    throw new Error(`Cargo.toml [package] has no plain version = "X.Y.Z" (found ${JSON.stringify(fields.version)})`);
  }
  return fields;
}

const LIBC_NAMES = { glibc: 'glibc', musl: 'musl' };
const OS_NAMES = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

/** Every package.json the npm distribution has: [path relative to npm/, object]. */
export function packageJsons(cargo) {
  const common = (name, description) => ({
    name,
    version: cargo.version,
    description,
    license: cargo.license,
    ...(cargo.repository ? { repository: { type: 'git', url: `git+${cargo.repository}.git` } } : {}),
  });
  const out = [[
    'authpeek/package.json',
    {
      ...common('authpeek', cargo.description),
      keywords: cargo.keywords || [],
      bin: { authpeek: 'bin/authpeek.js' },
      files: ['bin/', 'lib/'],
      engines: { node: '>=18' },
      optionalDependencies: Object.fromEntries(TARGETS.map((t) => [t.packageName, cargo.version])),
    },
  ]];
  for (const t of TARGETS) {
    const where = `${OS_NAMES[t.platform]} ${t.arch}${t.libc ? ` (${LIBC_NAMES[t.libc]})` : ''}`;
    out.push([`${t.packageName}/package.json`, {
      ...common(t.packageName, `The authpeek binary for ${where}. Install \`authpeek\`, which picks this package.`),
      os: [t.platform],
      cpu: [t.arch],
      ...(t.libc ? { libc: [t.libc] } : {}),
      files: [t.binary],
      preferUnplugged: true,
      publishConfig: { access: 'public' },
    }]);
  }
  return out;
}

function main(argv) {
  const check = argv.includes('--check');
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 ? resolve(argv[rootAt + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const cargoToml = join(root, 'Cargo.toml');
  const cargo = cargoPackage(readFileSync(cargoToml, 'utf8'));
  const drifted = [];
  for (const [rel, pkg] of packageJsons(cargo)) {
    const file = join(root, 'npm', rel);
    const want = `${JSON.stringify(pkg, null, 2)}\n`;
    const have = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (have === want) continue;
    drifted.push(relative(root, file));
    if (!check) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, want);
    }
  }
  if (check && drifted.length) {
    process.stderr.write(`npm/sync.mjs: error: ${drifted.join(', ')} ${drifted.length === 1 ? 'differs' : 'differ'} `
      + `from what Cargo.toml (version ${cargo.version}) and npm/authpeek/lib/platform.js say; run \`node npm/sync.mjs\` and commit the result\n`);
    return 1;
  }
  if (!check) {
    process.stdout.write(drifted.length ? `wrote ${drifted.join(', ')}\n` : 'npm packages already in step with Cargo.toml\n');
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`npm/sync.mjs: error: ${err.message}\n`);
    process.exitCode = 2;
  }
}
