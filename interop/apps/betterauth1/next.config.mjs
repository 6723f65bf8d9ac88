/** @type {import('next').NextConfig} */
// better-sqlite3 is a native module: Node loads it, webpack must not bundle it.
export default { poweredByHeader: false, serverExternalPackages: ["better-sqlite3"] };
