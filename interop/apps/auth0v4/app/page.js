// A static page: Next prerenders it; it shows no user data (the middleware still rolls the session).
export default function Home() {
  return <main><h1>Lab shop</h1><p>Everything for the warehouse.</p></main>;
}
