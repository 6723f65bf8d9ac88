/** @type {import('next').NextConfig} */
module.exports = {
  async headers() {
    return [
      {
        source: "/api/public/:path*",
        headers: [{ key: "Cache-Control", value: "public, max-age=60" }],
      },
    ]
  },
}
