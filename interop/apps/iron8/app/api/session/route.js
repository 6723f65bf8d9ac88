// Who is signed in, for the client (the session route of iron-session's own app-router example,
// app-router-client-component-route-handler-swr): `{ isLoggedIn: false }` when signed out.
import { cookies } from "next/headers";
import { getIronSession } from "iron-session";
import { sessionOptions } from "../../../lib/session";

export async function GET() {
  const session = await getIronSession(await cookies(), sessionOptions);
  if (!session.user) return Response.json({ isLoggedIn: false });
  return Response.json({ isLoggedIn: true, user: session.user });
}
