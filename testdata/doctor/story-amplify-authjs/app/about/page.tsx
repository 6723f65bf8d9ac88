export const revalidate = 3600

export default function About() {
  return <main>About the shop</main>
}
