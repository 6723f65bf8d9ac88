// The lab's OpenID provider: oidc-provider with devInteractions (any login name, any password).
// Listens on 127.0.0.1 only; its issuer uses the lab hostname (the browser maps it to 127.0.0.1).
// Usage: node idp.mjs <port> <issuer> <redirect_uri>...
import Provider from "oidc-provider";

const [port, issuer, ...redirects] = process.argv.slice(2);
const client = (id) => ({
  client_id: id,
  client_secret: "lab-oidc-client-secret",
  redirect_uris: redirects,
  post_logout_redirect_uris: redirects.map((u) => new URL(u).origin + "/"),
  grant_types: ["authorization_code"],
  response_types: ["code"],
});

const provider = new Provider(issuer, {
  clients: [client("shop-authjs5"), client("shop-auth0v3"), client("shop-auth0v4")],
  cookies: { keys: ["lab-idp-cookie-key-not-secret"] },
  // Put name and email in the ID token too (Auth.js reads the profile from it).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  claims: { openid: ["sub"], profile: ["name"], email: ["email", "email_verified"] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: `${id[0].toUpperCase()}${id.slice(1)} Example`, email: `${id}@shop.lab.test`, email_verified: true };
      },
    };
  },
});
provider.listen(Number(port), "127.0.0.1", () => console.log(`idp listening on 127.0.0.1:${port} as ${issuer}`));
