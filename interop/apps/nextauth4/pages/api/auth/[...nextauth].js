// next-auth v4 with the "phantom logout" bug: when the (lab's) access token expires, the jwt callback
// refreshes it and returns a NEW token object built from the refresh response only, so `user` (and
// name, email, sub) is gone; the session has no user and every page says "Not signed in" although
// the session cookie is still there and valid. LAB_FIX=1 is the fix: spread the old token.
import NextAuth from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

const USERS = {
  alice: { id: "u-alice", name: "Alice Example", email: "alice@shop.lab.test", role: "admin" },
  bob: { id: "u-bob", name: "Bob Example", email: "bob@shop.lab.test", role: "customer" },
};
// The lab's access tokens live 10 seconds so a story can outlive one.
const ACCESS_TTL_MS = 10_000;

// Stands in for the API's token endpoint (a refresh_token grant).
function refreshAccessToken(token) {
  return {
    accessToken: `at-${Math.random().toString(36).slice(2)}`,
    accessTokenExpires: Date.now() + ACCESS_TTL_MS,
    refreshToken: token.refreshToken,
  };
}

export const authOptions = {
  session: { strategy: "jwt" },
  providers: [
    CredentialsProvider({
      name: "Credentials",
      credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
      async authorize(c) {
        const user = USERS[c?.username];
        return user && c.password === "lab-password" ? user : null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        return {
          ...token,
          user: { id: user.id, name: user.name, email: user.email, role: user.role },
          accessToken: `at-${Math.random().toString(36).slice(2)}`,
          accessTokenExpires: Date.now() + ACCESS_TTL_MS,
          refreshToken: `rt-${user.id}`,
        };
      }
      if (Date.now() < token.accessTokenExpires) return token;
      const refreshed = refreshAccessToken(token);
      return process.env.LAB_FIX === "1" ? { ...token, ...refreshed } : refreshed;
    },
    async session({ session, token }) {
      session.user = token.user;
      session.accessTokenExpires = token.accessTokenExpires;
      return session;
    },
  },
};

export default NextAuth(authOptions);
