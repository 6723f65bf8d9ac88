import { auth } from "../../auth";

export default async function Account() {
  const session = await auth();
  if (!session) return <main><h1>Account</h1><p id="who">Not signed in.</p></main>;
  return (
    <main>
      <h1>Account</h1>
      <p id="who">Signed in as {session.user.name} ({session.user.email}), role {session.user.role}.</p>
    </main>
  );
}
