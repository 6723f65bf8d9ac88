// better-auth with SQLite (better-sqlite3), email + password. The cookie cache (`session_data`,
// 5 minutes, better-auth's default maxAge) is on: getSession() trusts it without reading the
// database. LAB_FIX=1 is the fix: no cookie cache, every read goes to the database.
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { nextCookies } from "better-auth/next-js";

const fixed = process.env.LAB_FIX === "1";

export const auth = betterAuth({
  baseURL: process.env.BETTER_AUTH_URL,
  secret: process.env.BETTER_AUTH_SECRET,
  database: new Database(process.env.LAB_DB || "lab.sqlite"),
  emailAndPassword: { enabled: true },
  session: { cookieCache: fixed ? { enabled: false } : { enabled: true, maxAge: 5 * 60 } },
  telemetry: { enabled: false },
  plugins: [nextCookies()],
});

export const USERS = [
  { name: "Alice Example", email: "alice@shop.lab.test" },
  { name: "Bob Example", email: "bob@shop.lab.test" },
];
