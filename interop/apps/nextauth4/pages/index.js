export default function Home() {
  return (
    <main>
      <h1>Lab shop (next-auth v4)</h1>
      <a href="/account">Account</a>
    </main>
  );
}
