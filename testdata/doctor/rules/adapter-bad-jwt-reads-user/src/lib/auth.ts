import { PrismaAdapter } from "@auth/prisma-adapter"
import type { NextAuthOptions } from "next-auth"
import EmailProvider from "next-auth/providers/email"
import { prisma } from "./db"

export const authOptions: NextAuthOptions = {
  adapter: PrismaAdapter(prisma),
  session: { strategy: "jwt" },
  providers: [EmailProvider({ server: process.env.EMAIL_SERVER, from: "noreply@example.com" })],
  callbacks: {
    session({ session, user }) {
      // `user` is only passed with database sessions; with JWTs it is undefined.
      session.user.id = user.id
      return session
    },
  },
}
