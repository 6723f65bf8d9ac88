import { getServerSession } from "next-auth"
import { authOptions } from "../../lib/auth"

export const dynamic = "force-dynamic"

export default async function Account() {
  const session = await getServerSession(authOptions)
  return <h1>Signed in as {session?.user?.email}</h1>
}
