import NextAuth from "next-auth"
import GitHubProvider from "next-auth/providers/github"

export default NextAuth({ providers: [GitHubProvider({ clientId: "x", clientSecret: "y" })] })
