export { auth as default } from "./auth"
