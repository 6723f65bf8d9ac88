// The libraries' own session readers, for check.mjs.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RequestCookies } from "@edge-runtime/cookies";
import { getCookieCache } from "better-auth/cookies";
import { createServerClient } from "@supabase/ssr";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const v3 = require(join(here, "node_modules/nextjs-auth0-v3/dist/auth0-session/session/stateless-session.js"));
const { StatelessSessionStore } = await import(join(here, "node_modules/@auth0/nextjs-auth0/dist/server/session/stateless-session-store.js"));

/** "a=1; b=2" → [{name, value}] */
export function parseHeader(header) {
  return header.split(/;\s*/).filter(Boolean).map((p) => {
    const i = p.indexOf("=");
    return { name: p.slice(0, i), value: p.slice(i + 1) };
  });
}

/** @auth0/nextjs-auth0 v3: StatelessSession.read() (the SDK's getSession: decrypt, then the
 * header exp / rolling / absolute checks) with its default session config. [data, iat] or []. */
export async function auth0v3Read(cookieHeader, secret) {
  const s = new v3.StatelessSession({
    secret,
    session: {
      name: "appSession", rolling: true, rollingDuration: 86400, absoluteDuration: 604800,
      cookie: { path: "/", httpOnly: true, sameSite: "lax", secure: false, transient: false },
    },
  });
  const jar = Object.fromEntries(parseHeader(cookieHeader).map((c) => [c.name, c.value]));
  return s.read({ getCookies: () => jar });
}

/** @auth0/nextjs-auth0 v4: StatelessSessionStore.get() (what getSession() calls; reads
 * __session chunks and, as the v4 migration, a v3 appSession). The session or null. */
export async function auth0v4Get(cookieHeader, secret) {
  const store = new StatelessSessionStore({ secret });
  return store.get(new RequestCookies(new Headers({ cookie: cookieHeader })));
}

/** better-auth: getCookieCache() from "better-auth/cookies". */
export async function betterAuthCache(cookieHeader, secret, strategy, isSecure = false) {
  return getCookieCache(new Headers({ cookie: cookieHeader }), { secret, strategy, isSecure });
}

/** @supabase/ssr: createServerClient(...).auth.getSession() reading the cookies (no network
 * while the access token is valid). */
export async function supabaseSession(cookieHeader, url = "http://127.0.0.1:54321") {
  const cookies = parseHeader(cookieHeader);
  const client = createServerClient(url, "anon-key-not-used", {
    cookies: { getAll: () => cookies, setAll: () => {} },
    global: { fetch: () => { throw new Error("no network in this check"); } },
    // supabase-js wants a WebSocket for realtime (Node 22 has one); nothing here connects.
    realtime: { transport: class NoWebSocket {} },
  });
  const { data, error } = await client.auth.getSession();
  if (error) throw error;
  return data.session;
}
