// auth() on every route: with JWT sessions each valid read re-encodes the session, so every response
// that passes here carries a fresh Set-Cookie. LAB_FIX=1 is the fix: tell every cache not to store it.
import { NextResponse } from "next/server";
import { auth } from "./auth";

export default auth(() => {
  const res = NextResponse.next();
  if (process.env.LAB_FIX === "1") res.headers.set("Cache-Control", "private, no-store");
  return res;
});

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
