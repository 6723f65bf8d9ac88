// /api/auth/login, /callback, /logout, /me. Configured from AUTH0_* in the environment.
import { handleAuth } from "@auth0/nextjs-auth0";
export default handleAuth();
