export const metadata = { title: "Lab shop (@auth0/nextjs-auth0 4)" };
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <nav><a href="/">Shop</a> · <a href="/account">Account</a> · <a href="/auth/login?returnTo=/account">Sign in</a></nav>
        {children}
      </body>
    </html>
  );
}
