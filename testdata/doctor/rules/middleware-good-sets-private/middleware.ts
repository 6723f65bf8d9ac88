import { auth } from "./auth"
import { NextResponse } from "next/server"

export default auth(function middleware(req) {
  const res = NextResponse.next()
  // The response may carry a re-issued session cookie: no shared cache may keep it.
  res.headers.set("Cache-Control", "private, no-store")
  return res
})
