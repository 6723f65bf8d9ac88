export default function Home() {
  return (
    <main>
      <a href="/auth/login">Log in</a>
    </main>
  )
}
