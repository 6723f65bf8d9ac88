// On server start: create the tables (better-auth's own migrations) and the lab's users.
import { getMigrations } from "better-auth/db/migration";
import { auth, USERS } from "./auth";

export async function setup() {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  for (const u of USERS) {
    try {
      await auth.api.signUpEmail({ body: { ...u, password: "lab-password" } });
    } catch (e) {
      if (!/exist/i.test(String(e?.message ?? e))) throw e;
    }
  }
}
