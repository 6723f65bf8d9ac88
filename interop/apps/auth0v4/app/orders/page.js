import { auth0 } from "../../lib/auth0";

export default async function Page() {
  const session = await auth0.getSession();
  return (
    <main>
      <h1>orders</h1>
      <p id="who">{session ? `Signed in as ${session.user.name} (${session.user.email}).` : "Not signed in."}</p>
    </main>
  );
}
