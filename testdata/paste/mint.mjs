// Mints the Auth.js tokens of testdata/paste with the real @auth/core encode().
import { encode } from "@auth/core/jwt";
import { SignJWT } from "jose";
const secret = process.argv[2];
const salt = "authjs.session-token";
// jose reads the clock with `new Date()`: fix it at `unix` while encoding.
const RealDate = Date;
async function at(unix, token) {
  globalThis.Date = class extends RealDate {
    constructor(...a) { super(...(a.length ? a : [unix * 1000])); }
    static now() { return unix * 1000; }
  };
  try { return await encode({ token, secret, salt, maxAge: 30 * 24 * 3600 }); } finally { globalThis.Date = RealDate; }
}
// An older, big session (groups from an IdP), then a newer small one for the same user.
const groups = Array.from({ length: 240 }, (_, i) => `team-${String(i).padStart(3, "0")}-engineering-readers`);
const old = await at(1789990000, { sub: "user-1", name: "Ada", email: "ada@example.com", groups });
const fresh = await at(1790000000, { sub: "user-1", name: "Ada", email: "ada@example.com" });
// A JWS with millisecond times, as code that passes Date.now() where seconds are due writes it.
const ms = await new SignJWT({ sub: "user-1" })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setIssuedAt(1790000000000)
  .setExpirationTime(1790000000000 + 3600000)
  .sign(new TextEncoder().encode(process.argv[3]));
console.log(JSON.stringify({ old, fresh, ms }));
