// next-auth v4's withAuth only reads the session cookie; it never sets one.
import { withAuth } from "next-auth/middleware"

export default withAuth({
  callbacks: { authorized: ({ token }) => token?.role === "admin" },
})
