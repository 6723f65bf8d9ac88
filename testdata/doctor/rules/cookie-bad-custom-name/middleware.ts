import { getToken } from "next-auth/jwt"
import { NextResponse } from "next/server"
import type { NextRequest } from "next/server"

export async function middleware(req: NextRequest) {
  const session = await getToken({ req })
  return session ? NextResponse.next() : NextResponse.redirect(new URL("/login", req.url))
}

export const config = { matcher: "/intranet/:path*" }
