// @auth0/nextjs-auth0 v4 against the lab's OpenID provider (plain http on 127.0.0.1: the SDK's
// `allowInsecureRequests`). Rolling sessions (the default): the middleware re-sets `__session`
// on every request of a signed-in user.
import { Auth0Client } from "@auth0/nextjs-auth0/server";

export const auth0 = new Auth0Client({
  domain: process.env.LAB_OIDC_ISSUER,
  clientId: "shop-auth0v4",
  clientSecret: "lab-oidc-client-secret",
  appBaseUrl: process.env.APP_BASE_URL,
  secret: process.env.AUTH0_SECRET,
  allowInsecureRequests: true,
  authorizationParameters: { scope: "openid profile email" },
  session: { rolling: true, inactivityDuration: 24 * 3600, absoluteDuration: 7 * 24 * 3600 },
});
