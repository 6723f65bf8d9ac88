#!/usr/bin/env node
'use strict';
// The `authpeek` command of the npm package: runs the prebuilt binary of this platform's package
// (an optional dependency, @authpeek/cli-<target>, that npm installs only where its os/cpu/libc
// fit; nothing is downloaded at install time) with the same arguments and stdio, forwards
// signals to it, and exits as it did.

const { spawn } = require('child_process');
const path = require('path');
const { constants } = require('os');
const { TARGETS, resolveTarget, detectLibc, describeHost } = require('../lib/platform.js');

/** Launcher problems (no binary for this machine) are unusable-environment errors: exit 2. */
function die(message) {
  process.stderr.write(`authpeek: error: ${message}\n`);
  process.exit(2);
}

function binaryPath() {
  const host = { platform: process.platform, arch: process.arch, libc: detectLibc() };
  const target = resolveTarget(host);
  if (!target) {
    die(`no prebuilt authpeek binary for ${describeHost(host)} (there are ${TARGETS.map((t) => t.id).join(', ')}); `
      + 'build it from source instead: `cargo install authpeek` (needs the Rust toolchain)');
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${target.packageName}/package.json`));
  } catch {
    die(`${target.packageName}, the package with the binary for ${describeHost(host)}, is not installed; `
      + 'install authpeek with optional dependencies (not --omit=optional / --no-optional); if node_modules '
      + 'or the lockfile came from another platform, delete node_modules and run the install again');
  }
  return { file: path.join(dir, target.binary), target };
}

const { file, target } = binaryPath();
const child = spawn(file, process.argv.slice(2), { stdio: 'inherit' });

// Signals sent to the launcher (a process manager's SIGTERM, a Ctrl-C that reached only us) go
// to the binary; the launcher then ends when the binary does, and the way it does.
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
const handlers = new Map();
for (const signal of FORWARDED) {
  const handler = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  try {
    process.on(signal, handler);
    handlers.set(signal, handler);
  } catch {
    // a signal this platform cannot listen for (Windows knows only some)
  }
}

child.on('error', (err) => {
  die(`cannot run ${file}: ${err.message}; reinstall ${target.packageName} (npm install authpeek)`);
});

child.on('exit', (code, signal) => {
  for (const [s, handler] of handlers) process.removeListener(s, handler);
  if (signal) {
    // End by the same signal so that shells and CI see what happened (status 128 + n).
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] || 0)), 500);
    return;
  }
  process.exit(code === null ? 1 : code);
});
