import NextAuth from "next-auth"
import CognitoProvider from "next-auth/providers/cognito"

function jwtCallback(params) {
  if (params.account) {
    params.token.groups = params.profile["cognito:groups"]
    return params.token
  }
  const now = Math.floor(Date.now() / 1000)
  return { sub: params.token.sub, email: params.token.email, checkedAt: now }
}

export default NextAuth({
  providers: [CognitoProvider({ clientId: "c", clientSecret: "s", issuer: "https://cognito-idp.eu-west-1.amazonaws.com/pool" })],
  callbacks: {
    jwt: jwtCallback,
    session({ session, token }) {
      session.groups = token.groups
      return session
    },
  },
})
