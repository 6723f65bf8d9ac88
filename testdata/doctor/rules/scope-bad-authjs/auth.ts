import NextAuth, { type NextAuthConfig } from "next-auth"
import GitHub from "next-auth/providers/github"

const config = {
  providers: [GitHub],
  cookies: {
    sessionToken: {
      name: "shop.session-token",
      options: { httpOnly: true, sameSite: "lax", path: "/", domain: ".shop.example" },
    },
  },
} satisfies NextAuthConfig

export const { handlers, auth, signIn, signOut } = NextAuth(config)
