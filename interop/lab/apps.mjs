// The lab's apps and their stories. Each story gets a fresh nginx (empty cache), a fresh app process
// and a fresh browser; `actor(name)` opens a new browser context (its own cookies) recording <name>.har.

import fs from "node:fs";
import path from "node:path";

const PASSWORD = "lab-password";

// ---- Auth.js v5 (built-in pages) ----
const authjs = {
  async signInCredentials({ page, see }, origin, user) {
    await page.goto(`${origin}/api/auth/signin?callbackUrl=${encodeURIComponent(origin + "/account")}`);
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${origin}/account`), page.click('button:has-text("Sign in with Credentials")')]);
    await see(`signed in as ${user}`);
  },
  async signInOidc({ page, see }, origin, user, { expectBack = `${origin}/account` } = {}) {
    await page.goto(`${origin}/api/auth/signin?callbackUrl=${encodeURIComponent(origin + "/account")}`);
    await page.click('button:has-text("Sign in with Lab OIDC")');
    await idpLogin(page, user);
    await page.waitForURL((u) => u.href.startsWith(expectBack));
    await see(`back from the OpenID provider as ${user}`);
  },
  async signOut({ page, see }, origin) {
    await page.goto(`${origin}/api/auth/signout`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign out")')]);
    await see("signed out");
  },
};

// oidc-provider's devInteractions: a login form (any name, any password), then a consent form.
async function idpLogin(page, user) {
  await page.waitForSelector('input[name="login"]');
  await page.fill('input[name="login"]', user);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  if (await page.$('button:has-text("Continue")')) {
    // A callback that fails with an empty 4xx body ends on Chromium's error page: not the lab's error.
    await Promise.all([
      page.waitForNavigation().catch((e) => { if (!/ERR_HTTP_RESPONSE_CODE_FAILURE/.test(e.message)) throw e; }),
      page.click('button:has-text("Continue")'),
    ]);
  }
}

async function browse({ page, see }, origin, paths) {
  for (const p of paths) {
    await page.goto(origin + p);
    await see(`opens ${p}`);
  }
}

// Stories shared by the Auth.js-style apps (h = that app's sign-in helpers).
const stories = (h) => ({
  // Alice signs in and browses; a fresh visitor and then Bob (signed in) open the same pages.
  "session-leak": async ({ actor, origin, sleep, curl }) => {
    const alice = await actor("alice");
    await h.signInCredentials(alice, origin, "alice");
    await browse(alice, origin, ["/", "/orders"]);
    await sleep(2000);
    const visitor = await actor("visitor");
    await browse(visitor, origin, ["/account", "/", "/orders"]);
    const bob = await actor("bob");
    await h.signInCredentials(bob, origin, "bob");
    await browse(bob, origin, ["/orders"]);
    curl(`${origin}/account`, "curl-account.txt");
    curl(`${origin}/`, "curl-home.txt");
  },
  // Alice signs out, then opens a page the cache stored while she was signed in.
  "signout-blink": async ({ actor, origin, sleep }) => {
    const alice = await actor("alice");
    await h.signInCredentials(alice, origin, "alice");
    await browse(alice, origin, ["/orders"]);
    await sleep(1500);
    await h.signOut(alice, origin);
    await browse(alice, origin, ["/orders", "/account"]);
  },
  // Alice signs in with the OpenID provider; the callback URL (from her history) is opened by a visitor.
  "callback-replay": async ({ actor, origin, sleep }) => {
    const alice = await actor("alice");
    await h.signInOidc(alice, origin, "alice");
    const callback = alice.ctx._labCallback;
    await sleep(1500);
    const visitor = await actor("visitor");
    // Without a cache in between the replay fails (Auth0 v3: an empty 400, Chromium's error page).
    await visitor.page.goto(callback).catch((e) => { if (!/ERR_HTTP_RESPONSE_CODE_FAILURE/.test(e.message)) throw e; });
    await visitor.see("opens alice's callback URL");
  },
  // Alice signs in (/account is stored with her first session value), opens /orders (a newer value),
  // then /account again: the cache gives her back her own older session.
  rollback: async ({ actor, origin, sleep }) => {
    const alice = await actor("alice");
    await h.signInCredentials(alice, origin, "alice");
    await sleep(1500);
    await browse(alice, origin, ["/orders", "/account"]);
  },
  // Carol's claims make a chunked session cookie (.0, .1); a visitor gets the chunks from the cache.
  chunked: async ({ actor, origin, sleep }) => {
    const carol = await actor("carol");
    await h.signInCredentials(carol, origin, "carol");
    await browse(carol, origin, ["/orders"]);
    await sleep(1500);
    const visitor = await actor("visitor");
    await browse(visitor, origin, ["/orders"]);
  },
  // Through the cookie allowlist: the sign-in transaction cookies never reach the callback.
  "stripped-callback": async ({ actor, origin }) => {
    const alice = await actor("alice");
    await h.signInOidc(alice, origin, "alice", { expectBack: origin });
    await browse(alice, origin, ["/account"]);
  },
});

// Remember the callback URL a context went through (for the replay story).
function trackCallback(h, path) {
  const signInOidc = h.signInOidc;
  return {
    ...h,
    async signInOidc(a, origin, user, o) {
      a.page.on("request", (r) => { if (r.url().includes(path) && !a.ctx._labCallback) a.ctx._labCallback = r.url(); });
      return signInOidc(a, origin, user, o);
    },
  };
}

const AUTHJS5_STORIES = stories(trackCallback(authjs, "/api/auth/callback/lab-oidc"));


// ---- next-auth v4 (built-in pages, pages router) ----
const nextauth4 = {
  async signInCredentials({ page, see }, origin, user) {
    await page.goto(`${origin}/api/auth/signin?callbackUrl=${encodeURIComponent(origin + "/account")}`);
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${origin}/account`), page.click('button:has-text("Sign in with Credentials")')]);
    await see(`signed in as ${user}`);
  },
};

// The browser's session cookie, as `name=value` (what a user copies from the devtools).
async function saveSessionCookie(ctx, dir, file, name) {
  const c = (await ctx.cookies()).find((x) => x.name === name);
  if (!c) throw new Error(`the browser holds no ${name} cookie to save as ${file}`);
  fs.writeFileSync(path.join(dir, file), `${c.name}=${c.value}\n`);
}

const NEXTAUTH4_STORIES = {
  // Alice signs in; the browser's session cookie is saved. Over https next-auth v4 names it
  // __Secure-next-auth.session-token (NEXTAUTH_URL is https), over http next-auth.session-token:
  // one secret, an empty salt, two names.
  "sign-in": async ({ actor, origin, dir }) => {
    const alice = await actor("alice");
    await nextauth4.signInCredentials(alice, origin, "alice");
    const name = origin.startsWith("https:") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
    await saveSessionCookie(alice.ctx, dir, "session.cookie", name);
  },
  // Alice signs in; her access token (10 s in the lab) expires; the jwt callback refreshes it and
  // returns a token without `user`: she is "signed out" with a valid session cookie.
  "phantom-logout": async ({ actor, origin, sleep, dir }) => {
    const alice = await actor("alice");
    await nextauth4.signInCredentials(alice, origin, "alice");
    await browse(alice, origin, ["/account"]);
    await saveSessionCookie(alice.ctx, dir, "before.cookie", "next-auth.session-token");
    await sleep(11000);
    await browse(alice, origin, ["/account"]);
    await saveSessionCookie(alice.ctx, dir, "after.cookie", "next-auth.session-token");
    await browse(alice, origin, ["/account"]);
  },
};

// ---- @auth0/nextjs-auth0 v3 ----
const auth0 = {
  async signInOidc({ page, see }, origin, user, { expectBack = `${origin}/account` } = {}) {
    await page.goto(`${origin}/api/auth/login?returnTo=/account`);
    await idpLogin(page, user);
    await page.waitForURL((u) => u.href.startsWith(expectBack));
    await see(`back from the OpenID provider as ${user}`);
  },
};

const AUTH0_STORIES = (() => {
  const h = trackCallback(auth0, "/api/auth/callback");
  return {
    "callback-replay": stories(h)["callback-replay"],
    "stripped-callback": async ({ actor, origin }) => {
      const alice = await actor("alice");
      const status = new Promise((resolve) => alice.page.on("response", (r) => {
        if (new URL(r.url()).pathname === "/api/auth/callback") resolve(r.status());
      }));
      await alice.page.goto(`${origin}/api/auth/login?returnTo=/account`);
      await idpLogin(alice.page, "alice");
      await alice.see(`the callback answered ${await status}`);
      await browse(alice, origin, ["/account"]);
    },
  };
})();

// ---- @auth0/nextjs-auth0 v4 (auth0.middleware mounts /auth/*) ----
const auth0v4 = {
  async signInOidc({ page, see }, origin, user, { expectBack = `${origin}/account` } = {}) {
    await page.goto(`${origin}/auth/login?returnTo=/account`);
    await idpLogin(page, user);
    await page.waitForURL((u) => u.href.startsWith(expectBack));
    await see(`back from the OpenID provider as ${user}`);
  },
};
const AUTH0V4_STORIES = (() => {
  const h = trackCallback(auth0v4, "/auth/callback");
  return {
    // Alice signs in and browses; the middleware re-sets __session on every page; a visitor
    // opens the same pages through the cache.
    "session-leak": async ({ actor, origin, sleep }) => {
      const alice = await actor("alice");
      await h.signInOidc(alice, origin, "alice");
      await browse(alice, origin, ["/", "/orders"]);
      await sleep(2000);
      const visitor = await actor("visitor");
      await browse(visitor, origin, ["/account", "/", "/orders"]);
    },
    "callback-replay": stories(h)["callback-replay"],
    "stripped-callback": async ({ actor, origin }) => {
      const alice = await actor("alice");
      const status = new Promise((resolve) => alice.page.on("response", (r) => {
        if (new URL(r.url()).pathname === "/auth/callback") resolve(r.status());
      }));
      await alice.page.goto(`${origin}/auth/login?returnTo=/account`);
      await idpLogin(alice.page, "alice");
      await alice.see(`the callback answered ${await status}`);
      await browse(alice, origin, ["/account"]);
    },
  };
})();

// ---- iron-session 8 (its own login form and route handlers) ----
const iron = {
  async signInCredentials({ page, see }, origin, user) {
    await page.goto(`${origin}/login`);
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${origin}/account`), page.click('button:has-text("Sign in")')]);
    await see(`signed in as ${user}`);
  },
  async signOut({ page, see }, origin) {
    await page.goto(`${origin}/account`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign out")')]);
    await see("signed out");
  },
};
const IRON_STORIES = stories(iron);

// ---- better-auth 1 (its own sign-in page calling better-auth's client; SQLite) ----
const betterAuth = {
  async signInCredentials({ page, see }, origin, user) {
    await page.goto(`${origin}/login`);
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${origin}/account`), page.click('button:has-text("Sign in")')]);
    await see(`signed in as ${user}`);
  },
  async signOut({ page, see }, origin) {
    await page.goto(`${origin}/account`);
    await Promise.all([page.waitForURL(`${origin}/`), page.click('button:has-text("Sign out")')]);
    await see("signed out");
  },
};
// Click a button of /account that calls better-auth's API and wait for its answer (the page's #result).
async function accountAction({ page, see }, origin, button) {
  await page.goto(`${origin}/account`);
  if (new URL(page.url()).pathname !== "/account") return see(`cannot press "${button}": the page is ${new URL(page.url()).pathname}`);
  await page.click(`button:has-text("${button}")`);
  await page.waitForFunction(() => document.getElementById("result")?.textContent);
  const result = await page.textContent("#result");
  await see(`presses "${button}": ${result}`);
}
const BETTER_AUTH_STORIES = {
  ...stories(betterAuth),
  // Alice signs in on her laptop; on her phone she signs in too and presses "Sign out other
  // devices" (revoke-other-sessions: the laptop's session row is deleted). The laptop keeps its
  // cookies: its pages ask getSession(), which trusts the session_data cookie cache (5 minutes)
  // without reading the database; a sensitive action (update-user re-reads the database) is
  // refused; the pages after it are what the cookie cache says.
  "outlived-signout": async ({ actor, origin, sleep }) => {
    const laptop = await actor("alice");
    await betterAuth.signInCredentials(laptop, origin, "alice");
    await browse(laptop, origin, ["/orders"]);
    const phone = await actor("alice-phone");
    await betterAuth.signInCredentials(phone, origin, "alice");
    await accountAction(phone, origin, "Sign out other devices");
    await sleep(1000);
    await browse(laptop, origin, ["/account", "/orders"]);
    await accountAction(laptop, origin, "Change name");
    await browse(laptop, origin, ["/account", "/orders"]);
  },
};

export const APPS = {
  authjs5: {
    port: 3101,
    packages: ["next", "next-auth", "@auth/core", "react"],
    callbackPath: "/api/auth/callback/lab-oidc",
    secrets: { AUTH_SECRET: "lab-authjs5-throwaway-secret-0123456789abcdef" },
    env: ({ origin, issuer, fixed }) => ({ AUTH_URL: origin, LAB_OIDC_ISSUER: issuer, LAB_FIX: fixed ? "1" : "" }),
    stories: [
      ["misconfigured", "cdn-bad", "session-leak", AUTHJS5_STORIES["session-leak"]],
      ["misconfigured", "cdn-bad", "signout-blink", AUTHJS5_STORIES["signout-blink"]],
      ["misconfigured", "cdn-bad", "callback-replay", AUTHJS5_STORIES["callback-replay"]],
      ["misconfigured", "cdn-bad", "chunked", AUTHJS5_STORIES.chunked],
      ["misconfigured", "cdn-bad", "rollback", AUTHJS5_STORIES.rollback],
      ["misconfigured", "allowlist", "stripped-callback", AUTHJS5_STORIES["stripped-callback"]],
      ["fixed", "cdn-fixed", "session-leak", AUTHJS5_STORIES["session-leak"]],
      ["fixed", "cdn-fixed", "signout-blink", AUTHJS5_STORIES["signout-blink"]],
      ["fixed", "cdn-fixed", "callback-replay", AUTHJS5_STORIES["callback-replay"]],
      ["fixed", "cdn-fixed", "chunked", AUTHJS5_STORIES.chunked],
      ["fixed", "cdn-fixed", "rollback", AUTHJS5_STORIES.rollback],
      // Over https + h2: __Secure-authjs.session-token, __Host-authjs.csrf-token, chunked too.
      ["misconfigured", "cdn-bad", "session-leak", AUTHJS5_STORIES["session-leak"], { https: true }],
      ["misconfigured", "cdn-bad", "chunked", AUTHJS5_STORIES.chunked, { https: true }],
      ["fixed", "cdn-fixed", "session-leak", AUTHJS5_STORIES["session-leak"], { https: true }],
    ],
  },
  nextauth4: {
    port: 3102,
    packages: ["next", "next-auth", "react"],
    callbackPath: null,
    secrets: { NEXTAUTH_SECRET: "lab-nextauth4-throwaway-secret-0123456789abcdef" },
    env: ({ origin, fixed }) => ({ NEXTAUTH_URL: origin, LAB_FIX: fixed ? "1" : "" }),
    stories: [
      ["misconfigured", "cdn-fixed", "phantom-logout", NEXTAUTH4_STORIES["phantom-logout"]],
      ["fixed", "cdn-fixed", "phantom-logout", NEXTAUTH4_STORIES["phantom-logout"]],
      ["misconfigured", "cdn-fixed", "sign-in", NEXTAUTH4_STORIES["sign-in"]],
      ["misconfigured", "cdn-fixed", "sign-in", NEXTAUTH4_STORIES["sign-in"], { https: true }],
    ],
  },
  auth0v3: {
    port: 3103,
    packages: ["next", "@auth0/nextjs-auth0", "react"],
    callbackPath: "/api/auth/callback",
    secrets: { AUTH0_SECRET: "lab-auth0v3-throwaway-secret-0123456789abcdef" },
    env: ({ origin, issuer, fixed }) => ({
      AUTH0_BASE_URL: origin,
      AUTH0_ISSUER_BASE_URL: issuer,
      AUTH0_CLIENT_ID: "shop-auth0v3",
      AUTH0_CLIENT_SECRET: "lab-oidc-client-secret",
      LAB_FIX: fixed ? "1" : "",
    }),
    stories: [
      ["misconfigured", "cdn-bad", "callback-replay", AUTH0_STORIES["callback-replay"]],
      ["misconfigured", "allowlist", "stripped-callback", AUTH0_STORIES["stripped-callback"]],
      ["fixed", "cdn-fixed", "callback-replay", AUTH0_STORIES["callback-replay"]],
      ["fixed", "cdn-fixed", "stripped-callback", AUTH0_STORIES["stripped-callback"]],
    ],
  },
  iron8: {
    port: 3104,
    packages: ["next", "iron-session", "react"],
    callbackPath: null,
    secrets: { SECRET_COOKIE_PASSWORD: "lab-iron8-throwaway-password-0123456789abcdef" },
    env: ({ origin, fixed }) => ({ LAB_ORIGIN: origin, LAB_FIX: fixed ? "1" : "" }),
    stories: [
      ["misconfigured", "cdn-bad", "session-leak", IRON_STORIES["session-leak"]],
      ["misconfigured", "cdn-bad", "signout-blink", IRON_STORIES["signout-blink"]],
      ["fixed", "cdn-fixed", "session-leak", IRON_STORIES["session-leak"]],
      ["fixed", "cdn-fixed", "signout-blink", IRON_STORIES["signout-blink"]],
    ],
  },
  auth0v4: {
    port: 3106,
    packages: ["next", "@auth0/nextjs-auth0", "react"],
    callbackPath: "/auth/callback",
    secrets: { AUTH0_SECRET: "lab-auth0v4-throwaway-secret-0123456789abcdef" },
    env: ({ origin, issuer, fixed }) => ({ APP_BASE_URL: origin, LAB_OIDC_ISSUER: issuer, LAB_FIX: fixed ? "1" : "" }),
    stories: [
      ["misconfigured", "cdn-bad", "session-leak", AUTH0V4_STORIES["session-leak"]],
      ["misconfigured", "cdn-bad", "callback-replay", AUTH0V4_STORIES["callback-replay"]],
      ["misconfigured", "allowlist", "stripped-callback", AUTH0V4_STORIES["stripped-callback"]],
      ["fixed", "cdn-fixed", "session-leak", AUTH0V4_STORIES["session-leak"]],
      ["fixed", "cdn-fixed", "callback-replay", AUTH0V4_STORIES["callback-replay"]],
      ["fixed", "cdn-fixed", "stripped-callback", AUTH0V4_STORIES["stripped-callback"]],
    ],
  },
  betterauth1: {
    port: 3105,
    packages: ["next", "better-auth", "better-sqlite3", "react"],
    callbackPath: null,
    secrets: { BETTER_AUTH_SECRET: "lab-betterauth1-throwaway-secret-0123456789abcdef" },
    // A fresh SQLite database per story (the app creates its tables and users on start).
    env: ({ origin, fixed, work }) => ({ BETTER_AUTH_URL: origin, LAB_DB: path.join(work, "lab.sqlite"), LAB_FIX: fixed ? "1" : "" }),
    stories: [
      ["misconfigured", "cdn-bad", "session-leak", BETTER_AUTH_STORIES["session-leak"]],
      ["misconfigured", "cdn-fixed", "outlived-signout", BETTER_AUTH_STORIES["outlived-signout"]],
      ["fixed", "cdn-fixed", "session-leak", BETTER_AUTH_STORIES["session-leak"]],
      ["fixed", "cdn-fixed", "outlived-signout", BETTER_AUTH_STORIES["outlived-signout"]],
    ],
  },
};
