// On server start (Node runtime only: the edge build never sees SQLite): tables and users.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { setup } = await import("./lib/setup");
    await setup();
  }
}
