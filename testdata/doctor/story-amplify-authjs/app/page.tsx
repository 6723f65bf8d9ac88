import { auth } from "@/auth"

// The first attempted fix: it makes this page dynamic, but the middleware still runs on every
// other page and re-issues the session cookie there.
export const dynamic = "force-dynamic"

export default async function Home() {
  const session = await auth()
  return <main>{session?.user?.name ?? "Welcome"}</main>
}
