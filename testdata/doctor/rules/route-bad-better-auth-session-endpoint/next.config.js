/** better-auth's session endpoint given a public max-age: a CDN hands one user's session to others. */
module.exports = {
  async headers() {
    return [
      {
        source: "/api/auth/get-session",
        headers: [{ key: "Cache-Control", value: "public, max-age=60" }],
      },
    ];
  },
};
