// LAB_FIX=1 is the fix: no shared cache may store any response (the SDK's login and callback
// responses carry no Cache-Control of their own).
import { NextResponse } from "next/server";

export function middleware() {
  const res = NextResponse.next();
  if (process.env.LAB_FIX === "1") res.headers.set("Cache-Control", "private, no-store");
  return res;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
