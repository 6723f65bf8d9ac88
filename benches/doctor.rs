//! The static pass of `authpeek doctor` on a generated monorepo-sized app: thousands of TypeScript
//! files under `app/` (pages, layouts, route handlers, each importing shared components and a
//! `lib/` module), a `components/` tree, an Auth.js v5 config split across files, middleware,
//! next.config headers and env files. Run with `cargo bench --bench doctor`;
//! `AUTHPEEK_DOCTOR_TREE=DIR cargo bench --bench doctor` also leaves the tree in DIR, so the
//! binary can be timed on it (`time target/release/authpeek doctor DIR`).

use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write as _;
use std::path::Path;

/// Route folders under app/ (each with page.tsx, layout.tsx and a route.ts).
const ROUTES: usize = 1000;
/// Shared components (not reachable unless imported).
const COMPONENTS: usize = 2000;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn make_tree(root: &Path) {
    write(
        root,
        "package.json",
        r#"{ "dependencies": { "next": "15.1.0", "next-auth": "5.0.0-beta.25" } }"#,
    );
    write(
        root,
        "tsconfig.json",
        r#"{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }"#,
    );
    write(
        root,
        "auth.config.ts",
        "import type { NextAuthConfig } from \"next-auth\"\nimport GitHub from \"next-auth/providers/github\"\n\nexport const authConfig = {\n  providers: [GitHub],\n  callbacks: {\n    jwt: async ({ token, user }) => {\n      if (user) return { ...token, role: \"member\" }\n      return token\n    },\n    session: async ({ session, token }) => {\n      session.user.role = token.role as string\n      return session\n    },\n  },\n} satisfies NextAuthConfig\n",
    );
    write(
        root,
        "auth.ts",
        "import NextAuth from \"next-auth\"\nimport { authConfig } from \"./auth.config\"\n\nexport const { handlers, auth } = NextAuth({ ...authConfig, session: { strategy: \"jwt\" } })\n",
    );
    write(
        root,
        "middleware.ts",
        "export { auth as middleware } from \"@/auth\"\n\nexport const config = { matcher: [\"/((?!api|_next/static|_next/image|favicon.ico).*)\"] }\n",
    );
    write(
        root,
        "next.config.mjs",
        "export default {\n  async headers() {\n    return [{ source: \"/api/:path*\", headers: [{ key: \"Cache-Control\", value: \"no-store\" }] }]\n  },\n}\n",
    );
    write(
        root,
        ".env.production",
        "AUTH_URL=https://app.example.com\nAUTH_SECRET=Jp2y7kqX0b7f3W9xLrT4uVnC8sZaE1dG6hM5oQiR2Yk=\n",
    );
    for c in 0..COMPONENTS {
        let mut s = String::new();
        let _ = writeln!(s, "import * as React from \"react\"\n");
        let _ = writeln!(
            s,
            "export interface Props{c} {{ title: string; items: string[] }}\n"
        );
        let _ = writeln!(
            s,
            "export function Component{c}({{ title, items }}: Props{c}) {{"
        );
        let _ = writeln!(s, "  const [open, setOpen] = React.useState(false)");
        let _ = writeln!(
            s,
            "  return (\n    <section onClick={{() => setOpen(!open)}}>\n      <h2>{{title}}</h2>"
        );
        let _ = writeln!(s, "      <ul>{{items.map((i) => <li key={{i}}>{{i}}</li>)}}</ul>\n    </section>\n  )\n}}");
        write(root, &format!("components/c{c}.tsx"), &s);
    }
    for r in 0..ROUTES {
        let c1 = (r * 7) % COMPONENTS;
        let c2 = (r * 13 + 1) % COMPONENTS;
        let reads = r % 10 == 0;
        let mut page = String::new();
        let _ = writeln!(
            page,
            "import {{ Component{c1} }} from \"@/components/c{c1}\""
        );
        let _ = writeln!(
            page,
            "import {{ Component{c2} }} from \"../../components/c{c2}\""
        );
        if reads {
            let _ = writeln!(page, "import {{ auth }} from \"@/auth\"");
        }
        let _ = writeln!(page, "\nexport default async function Page{r}() {{");
        if reads {
            let _ = writeln!(page, "  const session = await auth()");
        }
        let _ = writeln!(
            page,
            "  const items = Array.from({{ length: {r} % 17 }}, (_, i) => `item ${{i}}`)"
        );
        let _ = writeln!(page, "  return (\n    <main>\n      <Component{c1} title=\"a\" items={{items}} />\n      <Component{c2} title=\"b\" items={{items}} />\n    </main>\n  )\n}}");
        write(root, &format!("app/r{r}/page.tsx"), &page);
        write(
            root,
            &format!("app/r{r}/layout.tsx"),
            "export default function Layout({ children }: { children: React.ReactNode }) {\n  return <div className=\"layout\">{children}</div>\n}\n",
        );
        write(
            root,
            &format!("app/api/r{r}/route.ts"),
            &format!("export const dynamic = \"force-dynamic\"\n\nexport async function GET(req: Request) {{\n  const url = new URL(req.url)\n  return Response.json({{ route: {r}, q: url.searchParams.get(\"q\") }})\n}}\n"),
        );
    }
    write(
        root,
        "app/api/auth/[...nextauth]/route.ts",
        "import { handlers } from \"@/auth\"\nexport const { GET, POST } = handlers\n",
    );
}

fn bench(c: &mut Criterion) {
    let keep = std::env::var_os("AUTHPEEK_DOCTOR_TREE");
    let tmp = tempfile::tempdir().unwrap();
    let root = keep.as_ref().map_or(tmp.path(), Path::new).to_path_buf();
    make_tree(&root);
    let report = authpeek::doctor::doctor(&root).unwrap();
    assert!(
        report.files_read > 3 * ROUTES,
        "{} files",
        report.files_read
    );
    let mut g = c.benchmark_group("doctor");
    g.sample_size(10);
    g.bench_function("static pass, 5,000-file app", |b| {
        b.iter(|| authpeek::doctor::doctor(&root).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
