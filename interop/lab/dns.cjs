// Preloaded into the lab's Node servers (NODE_OPTIONS=--require): *.lab.test resolves to 127.0.0.1,
// as Chromium's --host-resolver-rules and curl's --resolve do for the browser and transcripts.
const dns = require("dns");
const orig = dns.lookup;
dns.lookup = function (host, opts, cb) {
  if (typeof host === "string" && host.endsWith(".lab.test")) {
    if (typeof opts === "function") [cb, opts] = [opts, {}];
    if (opts && opts.all) return process.nextTick(cb, null, [{ address: "127.0.0.1", family: 4 }]);
    return process.nextTick(cb, null, "127.0.0.1", 4);
  }
  return orig.apply(this, arguments);
};
