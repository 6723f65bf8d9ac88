export default function Home() {
  return (
    <main>
      <h1>Lab shop (Auth0 v3)</h1>
      <a href="/api/auth/login?returnTo=/account">Sign in</a>
    </main>
  );
}
