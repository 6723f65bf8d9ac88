export default function Login() {
  return (
    <main>
      <h1>Sign in</h1>
      <form method="post" action="/api/login">
        <input name="username" placeholder="username" />
        <input name="password" type="password" placeholder="password" />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
