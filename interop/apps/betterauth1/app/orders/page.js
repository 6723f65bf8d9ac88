import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "../../lib/auth";

export default async function Orders() {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect("/login");
  return (
    <main>
      <h1>Orders</h1>
      <p id="who">{`Orders of ${session.user.email}`}</p>
    </main>
  );
}
