import { getSession } from "@auth0/nextjs-auth0";

// getSession on a rolling session re-sets appSession on every response.
export async function getServerSideProps({ req, res }) {
  const session = await getSession(req, res);
  return { props: { user: session?.user ? { name: session.user.name ?? null, email: session.user.email ?? null } : null } };
}

export default function Account({ user }) {
  return (
    <main>
      <h1>Account</h1>
      <p id="who">{user ? `Signed in as ${user.name} (${user.email}).` : "Not signed in."}</p>
      <a href="/api/auth/login?returnTo=/account">Sign in</a> · <a href="/api/auth/logout">Sign out</a>
    </main>
  );
}
