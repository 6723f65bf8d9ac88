import { auth0 } from "@/lib/auth0"

export default async function Profile() {
  const session = await auth0.getSession()
  return <pre>{JSON.stringify(session?.user, null, 2)}</pre>
}
