/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [{ key: "Cache-Control", value: "private, no-store" }],
      },
      {
        // Later rules win: the blog is cached at the edge, middleware cookies and all.
        source: "/blog/:slug",
        headers: [{ key: "Cache-Control", value: "public, s-maxage=600" }],
      },
    ]
  },
}

export default nextConfig
