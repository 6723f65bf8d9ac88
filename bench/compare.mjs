// Helper for bench/compare.sh (run from bench/.scratch so the pinned npm packages resolve).
//   gen   <v5|v4> N OUT          write N session cookies (name=value, one per line) made by the
//                                library's own encode(); the secret comes from $BENCH_SECRET
//   lib   <v5|v4> FILE           time the library's decode() (64 in flight)
//   jose  <v5|v4> FILE           time jose@4 jwtDecrypt with the key derived once
//   hash  FILE.jsonl             read authpeek --batch output
//   jws                          print one HS256 JWT signed with $BENCH_SECRET (latency check)
// lib, jose and hash print one JSON line {n, ok, ms, cpu_ms, hash} (ms: wall time of the decode
// loop; cpu_ms: user + system CPU time of the loop); hash = sha256 of the decoded `sub`s
// joined by "\n" in input order ("!" for a token that did not decode), so runs can be compared
// token by token.
import { createHash, hkdfSync, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync, createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [mode, a1, a2, a3] = process.argv.slice(2);
const secret = process.env.BENCH_SECRET;
const COOKIE = { v5: "authjs.session-token", v4: "next-auth.session-token" };

function digest(subs) {
  return createHash("sha256").update(subs.join("\n")).digest("hex");
}

function readTokens(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.slice(l.indexOf("=") + 1));
}

// Deterministic pseudo-random numbers so runs are comparable.
let seed = 42;
function rnd() {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split(" ");
function sentence(len) {
  let s = "";
  while (s.length < len) s += words[Math.floor(rnd() * words.length)] + " ";
  return s.slice(0, len);
}

// A realistic session: the default Auth.js shape plus what jwt callbacks commonly add.
function claims(users) {
  const u = users[Math.floor(rnd() * users.length)];
  const base = {
    name: u.name,
    email: u.email,
    picture: `https://avatars.example.com/u/${u.id}?v=4`,
    sub: u.id,
    role: rnd() < 0.1 ? "admin" : "member",
    provider: "github",
    orgId: u.org,
  };
  // Claims end up 300-600 bytes once encode() adds iat, exp and jti (~90 bytes).
  const target = 210 + Math.floor(rnd() * 300);
  const pad = target - JSON.stringify(base).length - 10;
  if (pad > 0) base.bio = sentence(pad);
  return base;
}

async function pool(n, inFlight, fn) {
  let next = 0;
  async function worker() {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
}

function v5Key(salt) {
  return new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
}
function v4Key() {
  return new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
}

async function main() {
  if (mode === "gen") {
    const flavour = a1;
    const n = Number(a2);
    const users = Array.from({ length: Math.max(1, Math.floor(n / 8)) }, (_, i) => ({
      id: randomUUID(),
      name: `User ${i} ${sentence(8).trim()}`,
      email: `user${i}@example.com`,
      org: `org_${i % 97}`,
    }));
    const lines = new Array(n);
    if (flavour === "v5") {
      const { encode } = await import("@auth/core/jwt");
      await pool(n, 64, async (i) => {
        const token = await encode({ token: claims(users), secret, salt: COOKIE.v5 });
        lines[i] = `${COOKIE.v5}=${token}`;
      });
    } else {
      const { encode } = require("next-auth/jwt");
      await pool(n, 64, async (i) => {
        const token = await encode({ token: claims(users), secret });
        lines[i] = `${COOKIE.v4}=${token}`;
      });
    }
    writeFileSync(a3, lines.join("\n") + "\n");
    return;
  }
  if (mode === "lib" || mode === "jose") {
    const flavour = a1;
    const tokens = readTokens(a2);
    const subs = new Array(tokens.length);
    let decodeOne;
    if (mode === "lib" && flavour === "v5") {
      const { decode } = await import("@auth/core/jwt");
      decodeOne = (t) => decode({ token: t, secret, salt: COOKIE.v5 });
    } else if (mode === "lib") {
      const { decode } = require("next-auth/jwt");
      decodeOne = (t) => decode({ token: t, secret });
    } else {
      const { jwtDecrypt } = require("jose");
      const key = flavour === "v5" ? v5Key(COOKIE.v5) : v4Key();
      decodeOne = async (t) => (await jwtDecrypt(t, key, { clockTolerance: 15 })).payload;
    }
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await pool(tokens.length, 64, async (i) => {
      try {
        const p = await decodeOne(tokens[i]);
        subs[i] = p && typeof p.sub === "string" ? p.sub : "!";
      } catch {
        subs[i] = "!";
      }
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    const cpu_ms = (c.user + c.system) / 1000;
    const ok = subs.filter((s) => s !== "!").length;
    console.log(JSON.stringify({ n: tokens.length, ok, ms, cpu_ms, hash: digest(subs) }));
    return;
  }
  if (mode === "hash") {
    const subs = [];
    const rl = createInterface({ input: createReadStream(a1), crlfDelay: Infinity });
    for await (const line of rl) {
      const o = JSON.parse(line);
      const t = o.tokens && o.tokens[0];
      subs.push(t && t.status === "ok" && t.payload && typeof t.payload.sub === "string" ? t.payload.sub : "!");
    }
    const ok = subs.filter((s) => s !== "!").length;
    console.log(JSON.stringify({ n: subs.length, ok, hash: digest(subs) }));
    return;
  }
  if (mode === "jws") {
    const { SignJWT } = require("jose");
    const users = [{ id: randomUUID(), name: "User 1", email: "user1@example.com", org: "org_1" }];
    const jwt = await new SignJWT(claims(users))
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime("30d")
      .sign(new TextEncoder().encode(secret));
    console.log(jwt);
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
