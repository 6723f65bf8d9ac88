import { cookies } from "next/headers";
import { getIronSession } from "iron-session";
import { sessionOptions } from "../../lib/session";

export default async function Orders() {
  const session = await getIronSession(await cookies(), sessionOptions);
  return (
    <main>
      <h1>Orders</h1>
      <p id="who">{session.user ? `Orders of ${session.user.email}` : "Sign in to see your orders."}</p>
    </main>
  );
}
