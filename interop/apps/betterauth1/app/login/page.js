"use client";
import { useEffect, useState } from "react";
import { authClient } from "../../lib/client";

export default function Login() {
  // The button waits for React: a click before hydration would submit the form natively.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  async function submit(e) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const { error } = await authClient.signIn.email({ email: `${f.get("username")}@shop.lab.test`, password: f.get("password") });
    if (error) document.getElementById("who").textContent = `Sign-in failed: ${error.message}`;
    else window.location.href = "/account";
  }
  return (
    <main>
      <h1>Sign in</h1>
      <p id="who">Not signed in.</p>
      <form onSubmit={submit}>
        <input name="username" placeholder="username" />
        <input name="password" type="password" placeholder="password" />
        <button type="submit" disabled={!ready}>Sign in</button>
      </form>
    </main>
  );
}
