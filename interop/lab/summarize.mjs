// One line per HAR entry: index, method, path, status, shared-cache headers, cookies sent and set.
// Usage: node summarize.mjs <file.har>...   (a reading aid for writing testdata/interop/manifest.json)
import fs from "node:fs";

for (const file of process.argv.slice(2)) {
  console.log(`== ${file}`);
  const har = JSON.parse(fs.readFileSync(file, "utf8"));
  har.log.entries.forEach((e, i) => {
    const h = (list, n) => list.filter((x) => x.name.toLowerCase() === n).map((x) => x.value);
    const u = new URL(e.request.url);
    const sent = h(e.request.headers, "cookie").join("; ").split(/;\s*/).filter(Boolean).map((c) => c.split("=")[0]);
    const set = h(e.response.headers, "set-cookie").map((c) => { const [nv, ...a] = c.split(";"); const [n, v] = nv.split("="); return `${n}${v ? "" : "(empty)"}${/max-age=0/i.test(a.join(";")) ? "(max-age=0)" : ""}`; });
    const xc = h(e.response.headers, "x-cache")[0] ?? "";
    const age = h(e.response.headers, "age")[0];
    const nx = h(e.response.headers, "x-nextjs-cache")[0];
    const cc = h(e.response.headers, "cache-control")[0] ?? "-";
    console.log(`${String(i).padStart(2)} ${e.startedDateTime.slice(11, 23)} ${e.request.method} ${u.host === "shop.lab.test:8180" ? "IDP" : ""}${u.pathname}${u.search.length > 40 ? u.search.slice(0, 40) + "…" : u.search} ${e.response.status} [${xc}${age ? " age=" + age : ""}${nx ? " nx=" + nx : ""}] cc=${cc} sent={${sent.join(",")}} set={${set.join(",")}}`);
  });
}
