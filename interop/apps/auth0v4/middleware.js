// auth0.middleware mounts /auth/* (login, callback, logout) and rolls the session on every other
// request. LAB_FIX=1 is the fix: no shared cache may store any response.
import { auth0 } from "./lib/auth0";

export async function middleware(request) {
  const res = await auth0.middleware(request);
  if (process.env.LAB_FIX === "1") res.headers.set("Cache-Control", "private, no-store");
  return res;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
