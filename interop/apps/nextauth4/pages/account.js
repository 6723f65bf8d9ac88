import { getServerSession } from "next-auth/next";
import { authOptions } from "./api/auth/[...nextauth]";

export async function getServerSideProps({ req, res }) {
  const session = await getServerSession(req, res, authOptions);
  return { props: { user: session?.user ?? null } };
}

export default function Account({ user }) {
  return (
    <main>
      <h1>Account</h1>
      <p id="who">{user ? `Signed in as ${user.name} (${user.email}), role ${user.role}.` : "Not signed in."}</p>
      <a href="/api/auth/signin">Sign in</a> · <a href="/api/auth/signout">Sign out</a>
    </main>
  );
}
