import { NextResponse } from "next/server"
import { auth0 } from "./lib/auth0"

export async function middleware(request) {
  const res = await auth0.middleware(request)
  res.headers.set("Cache-Control", "private, no-store")
  return res
}

export const config = { matcher: ["/auth/:path*", "/dashboard/:path*"] }
