export const metadata = { title: "Lab shop (Auth.js v5)" };
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <nav>
          <a href="/">Shop</a> · <a href="/account">Account</a> · <a href="/orders">Orders</a> ·{" "}
          <a href="/api/auth/signin">Sign in</a> · <a href="/api/auth/signout">Sign out</a>
        </nav>
        {children}
      </body>
    </html>
  );
}
