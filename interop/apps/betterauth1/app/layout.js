export const metadata = { title: "Lab shop (better-auth 1)" };
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <nav><a href="/">Shop</a> · <a href="/account">Account</a> · <a href="/login">Sign in</a></nav>
        {children}
      </body>
    </html>
  );
}
