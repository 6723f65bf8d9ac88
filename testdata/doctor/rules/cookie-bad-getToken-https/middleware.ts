import { getToken } from "next-auth/jwt"
import { NextResponse, type NextRequest } from "next/server"

export async function middleware(req: NextRequest) {
  const token = await getToken({ req, secret: process.env.AUTH_SECRET })
  if (!token) return NextResponse.redirect(new URL("/api/auth/signin", req.url))
  return NextResponse.next()
}

export const config = { matcher: ["/admin/:path*"] }
