import type { SessionOptions } from "iron-session"

const COOKIE_DOMAIN = "auth.shop.example"

// Copied from the marketing site's config: the cookie is scoped to another host and to /account
// only, so the browser never sends it to /api/session.
export const sessionOptions: SessionOptions = {
  password: process.env.SECRET_COOKIE_PASSWORD as string,
  cookieName: "shop_session",
  cookieOptions: {
    domain: COOKIE_DOMAIN,
    path: "/account",
    secure: process.env.NODE_ENV === "production",
  },
}
