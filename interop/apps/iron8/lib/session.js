// iron-session's options. Plain http in the lab: `secure` (true by default) is turned off.
export const sessionOptions = {
  password: process.env.SECRET_COOKIE_PASSWORD,
  cookieName: "iron-session",
  cookieOptions: { secure: false, httpOnly: true, sameSite: "lax", maxAge: 7 * 24 * 3600 },
};

export const USERS = {
  alice: { id: "u-alice", name: "Alice Example", email: "alice@shop.lab.test" },
  bob: { id: "u-bob", name: "Bob Example", email: "bob@shop.lab.test" },
};
