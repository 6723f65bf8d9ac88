#!/usr/bin/env node
// The target table (npm/authpeek/lib/platform.js) for shell scripts: one target per line as
// "ID RUST_TARGET BINARY PACKAGE".
//
//   node npm/targets.mjs list     every target
//   node npm/targets.mjs host     this machine's target (exit 2 when there is none)
//   node npm/targets.mjs ID       that target (exit 2 when unknown)
import { createRequire } from 'node:module';

const { TARGETS, resolveTarget, detectLibc, describeHost } = createRequire(import.meta.url)('./authpeek/lib/platform.js');
const line = (t) => `${t.id} ${t.rust} ${t.binary} ${t.packageName}`;
const ids = TARGETS.map((t) => t.id).join(', ');
const [what] = process.argv.slice(2);

if (what === 'list') {
  for (const t of TARGETS) console.log(line(t));
} else if (what === 'host') {
  const host = { platform: process.platform, arch: process.arch, libc: detectLibc() };
  const t = resolveTarget(host);
  if (!t) {
    console.error(`npm/targets.mjs: error: no authpeek target for ${describeHost(host)}; the targets are ${ids}`);
    process.exit(2);
  }
  console.log(line(t));
} else {
  const t = TARGETS.find((x) => x.id === what);
  if (!t) {
    console.error(`npm/targets.mjs: error: ${what ? `unknown target "${what}"` : 'no target given'}; use list, host or one of ${ids}`);
    process.exit(2);
  }
  console.log(line(t));
}
