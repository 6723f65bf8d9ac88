import { getServerSession } from "next-auth"
import { authOptions } from "../../lib/auth"

// Regenerated every 10 minutes: whoever triggers the regeneration is shown to everyone.
export const revalidate = 600

export default async function Account() {
  const session = await getServerSession(authOptions)
  return <h1>Signed in as {session?.user?.email}</h1>
}
