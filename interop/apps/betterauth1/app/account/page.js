import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "../../lib/auth";
import { Actions } from "./actions";

export default async function Account() {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect("/login");
  return (
    <main>
      <h1>Account</h1>
      <p id="who">{`Signed in as ${session.user.name} (${session.user.email}).`}</p>
      <Actions />
    </main>
  );
}
