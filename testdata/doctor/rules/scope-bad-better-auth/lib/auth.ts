import { betterAuth } from "better-auth"

export const auth = betterAuth({
  emailAndPassword: { enabled: true },
  advanced: {
    crossSubDomainCookies: { enabled: true, domain: "shop.example" },
  },
})
