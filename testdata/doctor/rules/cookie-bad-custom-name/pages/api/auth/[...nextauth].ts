import NextAuth, { type NextAuthOptions } from "next-auth"
import AzureADProvider from "next-auth/providers/azure-ad"

export const authOptions: NextAuthOptions = {
  providers: [AzureADProvider({ clientId: "id", clientSecret: "secret", tenantId: "tenant" })],
  cookies: {
    sessionToken: {
      name: "intranet.session",
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: true },
    },
  },
}

export default NextAuth(authOptions)
