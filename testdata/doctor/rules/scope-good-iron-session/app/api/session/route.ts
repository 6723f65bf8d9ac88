import { cookies } from "next/headers"
import { getIronSession } from "iron-session"
import { sessionOptions } from "../../../lib/session"

export async function GET() {
  const session = await getIronSession<{ user?: { id: string } }>(await cookies(), sessionOptions)
  if (!session.user) return Response.json({}, { status: 401, headers: { "Cache-Control": "private, no-store" } })
  return Response.json({ user: session.user }, { headers: { "Cache-Control": "private, no-store" } })
}
