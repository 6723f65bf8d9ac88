// nginx in front of one app, in the three modes of the lab (one server block per mode, one port each).
//   cdn-bad   CloudFront-like and misconfigured: URL-only cache key, ignores Set-Cookie, Cache-Control,
//             Expires and Vary (so it stores and replays Set-Cookie), adds X-Cache, Via and a real Age.
//   cdn-fixed the same CDN respecting the origin: nginx's defaults never store a response that sets a
//             cookie or says private/no-store, and honour Vary.
//   allowlist the fixed CDN with a cookie allowlist on the sign-in callback path: only the session and
//             CSRF cookies are forwarded there, so the sign-in transaction cookies never reach the app.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const MODES = ["cdn-bad", "cdn-fixed", "allowlist"];
/// Each mode also listens with TLS + HTTP/2 on its port + TLS_OFFSET (a self-signed certificate for
/// the lab host), so `__Secure-` / `__Host-` cookies are real.
export const TLS_OFFSET = 10;

const PERL = String.raw`
    perl_require Time/Local.pm;
    # Age on a cache hit: now minus the origin's Date kept in the cached response (as CloudFront does).
    perl_set $lab_age 'sub {
        my $r = shift;
        return "" unless ($r->variable("upstream_cache_status") // "") eq "HIT";
        my $d = $r->variable("upstream_http_date") // "";
        my %m = (Jan=>0,Feb=>1,Mar=>2,Apr=>3,May=>4,Jun=>5,Jul=>6,Aug=>7,Sep=>8,Oct=>9,Nov=>10,Dec=>11);
        return "" unless $d =~ /(\d+) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d)/;
        my $age = time() - Time::Local::timegm($6, $5, $4, $1, $m{$2}, $3);
        return $age < 0 ? "0" : "$age";
    }';
    # The cookie allowlist of the callback path: session cookies (chunks too) and the CSRF token only.
    perl_set $lab_allowlisted_cookie 'sub {
        my $r = shift;
        my $c = $r->header_in("Cookie") // "";
        my @keep = grep {
            /^\s*(?:__Secure-|__Host-)?(?:authjs|next-auth)\.(?:session-token|csrf-token)(?:\.\d+)?=/
            || /^\s*appSession(?:\.\d+)?=/ || /^\s*__session(?:\.\d+)?=/
        } split /;/, $c;
        s/^\s+// for @keep;
        return join "; ", @keep;
    }';
`;

function server(mode, port, appPort, scheme, dir) {
  const cdn = mode === "cdn-bad" ? "cdnbad" : "cdnfixed";
  const ignore =
    mode === "cdn-bad" ? "proxy_ignore_headers Set-Cookie Cache-Control Expires Vary X-Accel-Expires;" : "";
  const common = `
            proxy_pass http://127.0.0.1:${appPort};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Forwarded-Proto ${scheme};
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_pass_header Date;
            proxy_cache ${cdn};
            proxy_cache_key $host$request_uri;
            proxy_cache_valid 200 301 302 303 307 308 404 10m;
            ${ignore}
            add_header X-Cache $lab_xcache always;
            add_header Via "1.1 0123456789abcdef.cloudfront.net (CloudFront)" always;
            add_header Age $lab_age always;`;
  // The callback paths: Auth.js and nextjs-auth0 v3 (/api/auth/callback*), nextjs-auth0 v4 (/auth/callback).
  const callback =
    mode === "allowlist"
      ? ["/api/auth/callback", "/auth/callback"].map((p) => `
        location ${p} {${common}
            proxy_set_header Cookie $lab_allowlisted_cookie;
        }`).join("")
      : "";
  const listen = scheme === "https"
    ? `listen 127.0.0.1:${port} ssl http2;
        ssl_certificate ${dir}/cert.pem;
        ssl_certificate_key ${dir}/key.pem;`
    : `listen 127.0.0.1:${port};`;
  return `
    server {
        ${listen}
        server_name _;
        location / {${common}
        }${callback}
    }`;
}

/// Write `<dir>/nginx.conf` with two servers per mode (http on its port, https + h2 on port +
/// TLS_OFFSET) and a fresh self-signed certificate for `host`; `ports` maps mode -> port.
export function writeConfig(dir, appPort, ports, host) {
  for (const d of ["tmp", "cache-cdnbad", "cache-cdnfixed"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
  // nginx's workers run unprivileged: they must reach the cache and temp folders.
  for (let p = dir; p !== path.dirname(p) && p.includes(".scratch"); p = path.dirname(p)) fs.chmodSync(p, 0o755);
  for (const d of ["tmp", "cache-cdnbad", "cache-cdnfixed"]) fs.chmodSync(path.join(dir, d), 0o777);
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", `/CN=${host}`,
    "-addext", `subjectAltName=DNS:${host},IP:127.0.0.1`,
    // A leaf, not a CA: rustls (authpeek, via SSL_CERT_FILE) refuses a CA certificate as the server's.
    "-addext", "basicConstraints=critical,CA:FALSE", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
    { stdio: ["ignore", "ignore", "pipe"] });
  const conf = `
load_module /usr/lib/nginx/modules/ngx_http_perl_module.so;
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    proxy_cache_path ${dir}/cache-cdnbad levels=1 keys_zone=cdnbad:4m max_size=64m inactive=1h use_temp_path=off;
    proxy_cache_path ${dir}/cache-cdnfixed levels=1 keys_zone=cdnfixed:4m max_size=64m inactive=1h use_temp_path=off;
    proxy_http_version 1.1;
    # Chunked session cookies are several KB: nginx's default buffers answer 502 / 400.
    proxy_buffer_size 64k;
    proxy_buffers 8 64k;
    proxy_busy_buffers_size 128k;
    large_client_header_buffers 4 64k;
    server_tokens off;
    map $upstream_cache_status $lab_xcache {
        HIT "Hit from cloudfront";
        default "Miss from cloudfront";
    }
${PERL}
${MODES.map((m) => server(m, ports[m], appPort, "http", dir)).join("\n")}
${MODES.map((m) => server(m, ports[m] + TLS_OFFSET, appPort, "https", dir)).join("\n")}
}
`;
  fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
  return path.join(dir, "nginx.conf");
}
