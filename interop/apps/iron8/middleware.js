// A rolling session: every request of a signed-in user re-saves it (lastSeen), so every response
// carries a fresh seal (iron-session seals with new randomness on each save). LAB_FIX=1 is the
// fix: no shared cache may store a response.
import { NextResponse } from "next/server";
import { getIronSession } from "iron-session";
import { sessionOptions } from "./lib/session";

export async function middleware(req) {
  const res = NextResponse.next();
  const session = await getIronSession(req, res, sessionOptions);
  if (session.user) {
    session.lastSeen = Date.now();
    await session.save();
  }
  if (process.env.LAB_FIX === "1") res.headers.set("Cache-Control", "private, no-store");
  return res;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
