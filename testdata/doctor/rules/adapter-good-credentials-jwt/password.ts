export async function verifyPassword(_c: unknown) {
  return null
}
