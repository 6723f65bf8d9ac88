export { auth as middleware } from "@/auth"
