// Auth.js v5: a shop with Credentials sign-in and a local OpenID provider (interop/lab/idp.mjs).
// JWT sessions (the default without a database). Throwaway lab users and secrets only.
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";

// carol carries enough claims that her session cookie is chunked (authjs.session-token.0, .1, ...).
const carolGroups = Array.from({ length: 160 }, (_, i) => `warehouse-${String(i).padStart(3, "0")}-picker`);
const USERS = {
  alice: { id: "u-alice", name: "Alice Example", email: "alice@shop.lab.test", role: "admin" },
  bob: { id: "u-bob", name: "Bob Example", email: "bob@shop.lab.test", role: "customer" },
  carol: { id: "u-carol", name: "Carol Example", email: "carol@shop.lab.test", role: "staff", groups: carolGroups },
};

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: "jwt" },
  providers: [
    Credentials({
      credentials: { username: { label: "Username" }, password: { label: "Password", type: "password" } },
      authorize(c) {
        const user = USERS[c?.username];
        return user && c.password === "lab-password" ? user : null;
      },
    }),
    {
      id: "lab-oidc",
      name: "Lab OIDC",
      type: "oidc",
      issuer: process.env.LAB_OIDC_ISSUER,
      clientId: "shop-authjs5",
      clientSecret: "lab-oidc-client-secret",
      checks: ["pkce", "state", "nonce"],
    },
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.role = user.role ?? "customer";
        if (user.groups) token.groups = user.groups;
      }
      return token;
    },
    session({ session, token }) {
      session.user.role = token.role;
      return session;
    },
  },
});
