import { auth0 } from "../../lib/auth0"
import { cms } from "../../lib/cms"
export const revalidate = 60
export default async function P() {
  const u = await cms.getUser("x")
  const s = await auth0.getSession()
  return null
}
