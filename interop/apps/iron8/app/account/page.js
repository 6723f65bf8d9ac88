import { cookies } from "next/headers";
import { getIronSession } from "iron-session";
import { sessionOptions } from "../../lib/session";

export default async function Account() {
  const session = await getIronSession(await cookies(), sessionOptions);
  return (
    <main>
      <h1>Account</h1>
      <p id="who">{session.user ? `Signed in as ${session.user.name} (${session.user.email}).` : "Not signed in."}</p>
      <form method="post" action="/api/logout"><button type="submit">Sign out</button></form>
    </main>
  );
}
