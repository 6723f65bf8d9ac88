import { cookies } from "next/headers";
import { getIronSession } from "iron-session";
import { sessionOptions, USERS } from "../../../lib/session";

export async function POST(req) {
  const form = await req.formData();
  const user = USERS[form.get("username")];
  const origin = process.env.LAB_ORIGIN;
  if (!user || form.get("password") !== "lab-password") return Response.redirect(`${origin}/login?error=1`, 303);
  const session = await getIronSession(await cookies(), sessionOptions);
  session.user = user;
  session.lastSeen = Date.now();
  await session.save();
  return Response.redirect(`${origin}/account`, 303);
}
