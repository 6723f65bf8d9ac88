#!/usr/bin/env python3
"""Regenerate the small hostile-input fixtures in this folder (see README.md).

Run from the repository root: python3 testdata/hostile/make.py
Keys and the RS256 token are copied from testdata/vectors/jws.json; everything else is built
here with the standard library (HMAC-SHA256 for signed JWS; JWEs carry dummy crypto because
authpeek must refuse them before any cryptography).
"""
import base64, hashlib, hmac, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "hostile-fixture-secret-Vt7qLm2Xc9"


def b64(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def hs256(header_json, payload_json, secret=SECRET):
    h, p = b64(header_json), b64(payload_json)
    sig = hmac.new(secret.encode(), f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64(sig)}"


def jwe(header_json, iv=12, ct=32, tag=16):
    return ".".join([b64(header_json), "", b64(b"\x01" * iv), b64(b"\x02" * ct), b64(b"\x03" * tag)])


def put(name, text, mode="w"):
    with open(os.path.join(HERE, name), mode) as f:
        f.write(text)


put("secret.txt", SECRET + "\n")
name = "authjs.session-token"
put("jwe-zip-def.txt", f'{name}={jwe(json.dumps({"alg": "dir", "enc": "A256GCM", "zip": "DEF"}))}\n')
put("jwe-pbes2-huge-p2c.txt", name + "=" + jwe(
    '{"alg":"PBES2-HS512+A256KW","enc":"A256GCM","p2s":"c2FsdHNhbHRzYWx0c2FsdA","p2c":1000000000000}') + "\n")
put("jwe-crit-unknown.txt", f'{name}={jwe(json.dumps({"alg": "dir", "enc": "A256GCM", "crit": ["x-unknown"], "x-unknown": 1}))}\n')
put("jwe-alg-rsa-oaep.txt", f'{name}={jwe(json.dumps({"alg": "RSA-OAEP-256", "enc": "A256GCM"}))}\n')
put("jwe-enc-a128gcm.txt", f'{name}={jwe(json.dumps({"alg": "dir", "enc": "A128GCM"}))}\n')
put("jwe-duplicate-enc.txt", name + "=" + jwe('{"alg":"dir","enc":"A256GCM","enc":"A128GCM"}') + "\n")

put("jws-duplicate-alg.txt", hs256('{"alg":"HS256","alg":"none"}', '{"sub":"dup"}') + "\n")
put("jws-alg-none.txt", f'{b64(json.dumps({"alg": "none"}))}.{b64(json.dumps({"sub": "admin"}))}.\n')
put("jws-crit-unknown.txt", hs256('{"alg":"HS256","crit":["x-unknown"],"x-unknown":true}', '{"sub":"crit"}') + "\n")
for label, exp in [("string", '"1790003600"'), ("float", "1790003600.75"), ("negative", "-1"),
                   ("1e30", "1e30"), ("minus-1e30", "-1e30"), ("i64-min", "-9223372036854775808"),
                   ("u64-max", "18446744073709551615")]:
    put(f"jws-exp-{label}.txt", hs256('{"alg":"HS256"}', '{"sub":"t","exp":%s}' % exp) + "\n")
put("jws-nbf-i64-max.txt", hs256('{"alg":"HS256"}', '{"sub":"t","nbf":9223372036854775807,"iat":-9223372036854775808}') + "\n")

# Invalid UTF-8 and NUL bytes.
put("invalid-utf8.bin", b"authjs.session-token=abc\xff\xfe\x80def\n", "wb")
put("nul-bytes.txt", "authjs.session-token=abc\x00def\n")
put("jws-header-invalid-utf8.txt", b64(b'{"alg":"HS256","x":"\xff"}') + "." + b64("{}") + ".c2ln\n")
put("jws-header-raw-nul.txt", b64(b'{"alg":"HS256","x":"a\x00b"}') + "." + b64("{}") + ".c2ln\n")

# A HAR cut in the middle (after the first entry's request headers began).
har = json.dumps({"log": {"version": "1.2", "entries": [
    {"request": {"headers": [{"name": "Cookie", "value": "a=1; " + name + "=x"}]},
     "response": {"headers": []}}] * 3}})
put("har-truncated.har", har[: len(har) // 2])

# Keys from the jws vectors (public halves only) and the RS256 token they verify.
cases = json.load(open(os.path.join(HERE, "..", "vectors", "jws.json")))["cases"]
def first(alg):
    return next(c for c in cases if c["alg"] == alg and c["expect"] == "ok" and "public_pem" in c["key"])
rs, es, ed = first("RS256"), first("ES256"), first("EdDSA")
put("rsa-public.pem", rs["key"]["public_pem"].strip() + "\n")
put("rsa-public.jwk.json", json.dumps(rs["key"]["public_jwk"], indent=2) + "\n")
put("rs256-token.txt", rs["cookie_value"] + "\n")
put("rs256-now.txt", str(rs["now"]) + "\n")
put("ec-public.pem", es["key"]["public_pem"].strip() + "\n")
put("ec-public.jwk.json", json.dumps(es["key"]["public_jwk"], indent=2) + "\n")
put("ed25519-public.jwk.json", json.dumps(ed["key"]["public_jwk"], indent=2) + "\n")
put("eddsa-token.txt", ed["cookie_value"] + "\n")
# The crash input of the `keys` fuzz target: an Ed25519 JWK whose x is 18 bytes.
put("ed25519-short-x.jwk.json", '{"crv": "Ed25519", "x": "nk0ShTcs0jjOZI05QsoY-AiL", "kty": "OKP"}\n')
