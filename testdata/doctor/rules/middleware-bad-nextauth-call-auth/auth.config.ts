import type { NextAuthConfig } from "next-auth"
export const authConfig = {
  pages: { signIn: "/login" },
  callbacks: {
    authorized({ auth, request: { nextUrl } }) {
      return !!auth?.user || !nextUrl.pathname.startsWith("/dashboard")
    },
  },
  providers: [],
} satisfies NextAuthConfig
