// better-auth's documented optimistic check: no session cookie on a private page, go sign in (the
// page itself asks getSession(), which trusts the cookie cache). LAB_FIX=1 also tells every cache
// that no response may be stored: `Cache-Control: private, no-store`.
import { NextResponse } from "next/server";
import { getSessionCookie } from "better-auth/cookies";

export function middleware(req) {
  const privatePage = ["/account", "/orders"].some((p) => req.nextUrl.pathname.startsWith(p));
  const res = privatePage && !getSessionCookie(req)
    ? NextResponse.redirect(new URL("/login", process.env.BETTER_AUTH_URL))
    : NextResponse.next();
  if (process.env.LAB_FIX === "1") res.headers.set("Cache-Control", "private, no-store");
  return res;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
