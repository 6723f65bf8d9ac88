import NextAuth from "next-auth"
import Okta from "next-auth/providers/okta"

export const { handlers, auth } = NextAuth({ providers: [Okta] })
