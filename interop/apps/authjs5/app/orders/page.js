import { auth } from "../../auth";

export default async function Orders() {
  const session = await auth();
  return (
    <main>
      <h1>Orders</h1>
      <p id="who">{session ? `Orders of ${session.user.email}` : "Sign in to see your orders."}</p>
    </main>
  );
}
