export { auth as middleware } from "@/auth"

// Only API routes: pages never get the middleware's cookies.
export const config = { matcher: ["/api/:path*"] }
