"use client";
import { useEffect, useState } from "react";
import { authClient } from "../../lib/client";

const say = (text) => { document.getElementById("result").textContent = text; };

export function Actions() {
  // The buttons wait for React (a click before hydration would do nothing).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return (
    <div>
      <button disabled={!ready} onClick={async () => { await authClient.signOut(); window.location.href = "/"; }}>Sign out</button>
      <button disabled={!ready} onClick={async () => {
        const { error } = await authClient.revokeOtherSessions();
        say(error ? `Could not sign out the other devices: ${error.status} ${error.message}` : "Signed out of every other device.");
      }}>Sign out other devices</button>
      <button disabled={!ready} onClick={async () => {
        const { error } = await authClient.updateUser({ name: "Alice Renamed" });
        say(error ? `Could not change the name: ${error.status} ${error.message}` : "Name changed.");
      }}>Change name</button>
      <p id="result"></p>
    </div>
  );
}
