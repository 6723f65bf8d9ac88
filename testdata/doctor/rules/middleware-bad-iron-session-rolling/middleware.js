import { NextResponse } from "next/server"
import { getIronSession } from "iron-session"
import { sessionOptions } from "./lib/session"

// A rolling session: every signed-in request re-saves it, so every response carries a new seal.
export async function middleware(req) {
  const res = NextResponse.next()
  const session = await getIronSession(req, res, sessionOptions)
  if (session.user) {
    session.lastSeen = Date.now()
    await session.save()
  }
  return res
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] }
