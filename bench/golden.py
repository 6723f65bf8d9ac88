#!/usr/bin/env python3
"""Run two authpeek binaries over the same cases and require identical stdout, stderr, exit code.

    python3 bench/golden.py BASELINE_BIN CURRENT_BIN     (bench/golden.sh builds both and calls this)

Run from the repository root. GOLDEN_SHOW (default 5) differences are printed in full, the
names of the others after them; GOLDEN_JOBS
(default 2) cases run at once; GOLDEN_ONLY=substring runs only the cases whose name contains it.
"""

import concurrent.futures
import difflib
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

NOW = "1790000000"  # the vectors' anchor time
TESTDATA = Path("testdata")
AUDIT_DIRS = ("audit", "interop")
KEY_SUFFIXES = (".pem", ".jwk.json")


def keys_near(path):
    """Secrets for a file: *secret*.txt and *.env in its folder and the folders above it, up to
    testdata/<top>; the files of testdata/check and testdata/diff name them the same way."""
    args = []
    d = path.parent
    while True:
        for f in sorted(d.iterdir()):
            if not f.is_file():
                continue
            if "secret" in f.name and f.suffix == ".txt":
                args += ["--secret-file", str(f)]
            elif f.suffix == ".env":
                args += ["--env-file", str(f)]
        if d.parent == TESTDATA or d == TESTDATA:
            break
        d = d.parent
    return args


def file_cases(files):
    for f in files:
        p = str(f)
        keys = keys_near(f)
        yield f"decode {p}", ["decode", "--now", NOW, "@" + p]
        yield f"decode --json {p}", ["decode", "--json", "--now", NOW, "@" + p]
        if keys:
            yield f"decode keys {p}", ["decode", "--now", NOW, *keys, "@" + p]
            yield f"decode --json keys {p}", ["decode", "--json", "--now", NOW, *keys, "@" + p]
        for k in sorted(f.parent.iterdir()):
            if k.name.endswith(KEY_SUFFIXES):
                yield f"decode --key {k.name} {p}", ["decode", "--json", "--now", NOW, "--key", str(k), "@" + p]
        yield f"batch {p}", ["decode", "--now", NOW, *keys, "--batch", p]
        yield f"batch --summary {p}", ["decode", "--now", NOW, *keys, "--batch", p, "--summary"]
        yield f"batch --summary --json {p}", ["decode", "--json", "--now", NOW, *keys, "--batch", p, "--summary"]
        yield f"check {p}", ["check", "--no-config", "--now", NOW, *keys, "@" + p]
        yield f"check --json {p}", ["check", "--json", "--no-config", "--now", NOW, *keys, "@" + p]
        top = f.relative_to(TESTDATA).parts[0]
        if top in AUDIT_DIRS:
            for mode in ([], ["--json"], ["--sarif"], ["--timeline"]):
                yield f"audit {' '.join(mode)} {p}", ["audit", *mode, *keys, p]
        if top in ("check", "cookies"):
            cfg = ["--config", "testdata/check/authpeek.toml"]
            yield f"check config {p}", ["check", "--now", NOW, *cfg, *keys, "@" + p]
            yield f"check config --json {p}", ["check", "--json", "--now", NOW, *cfg, *keys, "@" + p]


def expectation_cases():
    c = "testdata/check/"
    flags = ["--like", c + "first-signin.json", "--schema", c + "session.schema.json",
             "--require", "user.id:string", "--require", "user.role", "--require", "sub:number",
             "--max-age", "30d", "--leeway", "15s"]
    for side in ("refresh-before", "refresh-after"):
        for now in ("1790000000", "1790026911", "1799000000"):
            for strict in ([], ["--strict"]):
                base = ["check", "--no-config", "--now", now, *strict, "--secret-file", c + "refresh-secret.txt"]
                yield f"check flags {side} {now} {strict}", [*base, *flags, "@" + c + side + ".txt"]
                yield f"check flags --json {side} {now} {strict}", [*base, "--json", *flags, "@" + c + side + ".txt"]


def diff_cases():
    for d in ("diff", "check"):
        folder = TESTDATA / d
        tokens = sorted(f for f in folder.iterdir() if f.suffix == ".txt" and "secret" not in f.name)
        keys = keys_near(tokens[0])
        for a, b in itertools.permutations(tokens, 2):
            pair = [*keys, "@" + str(a), "@" + str(b)]
            yield f"diff {a} {b}", ["diff", "--now", NOW, *pair]
            yield f"diff --json {a} {b}", ["diff", "--json", "--now", NOW, *pair]
        like = folder / "like-sample.json"
        if like.exists():
            for a, b in itertools.permutations(tokens, 2):
                yield f"diff --all --like {a} {b}", [
                    "diff", "--json", "--all", "--now", NOW, "--before-now", "1789000000",
                    "--like", str(like), "--require", "user.id", "--require", "roles[0]",
                    *keys, "@" + str(a), "@" + str(b)]


class Vectors:
    """The conformance vectors: their secrets as files in a scratch folder (same paths for both
    binaries), each input form a case offers."""

    def __init__(self, scratch):
        self.scratch = Path(scratch)
        self.n = 0

    def file(self, text):
        self.n += 1
        p = self.scratch / f"k{self.n}"
        p.write_text(text)
        return str(p)

    def key_args(self, case):
        args = []
        for s in [case.get("secret"), case.get("jwt_secret"), *(case.get("secrets") or [])]:
            if isinstance(s, dict):
                s = s.get("value")
            if isinstance(s, str):
                args += ["--secret-file", self.file(s)]
        if isinstance(case.get("password"), str):
            args += ["--password-file", self.file(case["password"])]
        if isinstance(case.get("passwords"), dict):
            args += ["--password-file", self.file(json.dumps(case["passwords"]))]
        key = case.get("key") or {}
        if isinstance(key.get("secret_utf8"), str):
            args += ["--secret-file", self.file(key["secret_utf8"])]
        if isinstance(key.get("public_pem"), str):
            args += ["--key", self.file(key["public_pem"])]
        salt, name = case.get("salt"), case.get("cookie_name")
        if salt and salt != name:
            args += ["--salt", salt]
        return args

    @staticmethod
    def inputs(case):
        name = case.get("cookie_name") or "token"
        out = []
        if isinstance(case.get("cookie_value"), str):
            out.append(f"{name}={case.get('wire_value') or case['cookie_value']}")
        if isinstance(case.get("chunks"), list):
            out.append("Cookie: " + "; ".join(f"{c['name']}={c['value']}" for c in case["chunks"]))
        if isinstance(case.get("cookie_header"), str):
            out.append("Cookie: " + case["cookie_header"])
        return out

    def cases(self):
        for f in sorted((TESTDATA / "vectors").glob("*.json")):
            if f.name in ("manifest.json", "refresh-pairs.json"):
                continue
            cases = json.loads(f.read_text())["cases"]
            for case in cases:
                keys = self.key_args(case)
                now = str(case.get("now", NOW))
                for i, text in enumerate(self.inputs(case)):
                    tag = f"{case['id']} input {i}"
                    yield f"vector decode {tag}", ["decode", "--now", now, *keys, text]
                    yield f"vector decode --json {tag}", ["decode", "--json", "--now", now, *keys, text]
                    yield f"vector decode unkeyed {tag}", ["decode", "--json", "--now", now, text]
                    yield f"vector check {tag}", ["check", "--no-config", "--now", now, *keys, text]
                    yield f"vector check --json {tag}", ["check", "--no-config", "--json", "--now", now, *keys, text]
            # Neighbouring cases of a family: another user, another secret, another shape.
            for a, b in zip(cases, cases[1:]):
                ia, ib = self.inputs(a), self.inputs(b)
                if ia and ib:
                    keys = self.key_args(a) + self.key_args(b)
                    yield f"vector diff {a['id']} {b['id']}", [
                        "diff", "--json", "--now", str(b.get("now", NOW)), *keys, ia[0], ib[0]]
                    yield f"vector diff human {a['id']} {b['id']}", [
                        "diff", "--now", str(b.get("now", NOW)), *keys, ia[0], ib[0]]
        pairs = json.loads((TESTDATA / "vectors" / "refresh-pairs.json").read_text())["cases"]
        for case in pairs:
            keys = self.key_args(case)
            name = case["cookie_name"]
            before, after = case["before"], case["after"]
            args = [*keys, "--now", str(after.get("now", NOW)), "--before-now", str(before.get("now", NOW)),
                    f"{name}={before['cookie_value']}", f"{name}={after['cookie_value']}"]
            yield f"refresh diff {case['id']}", ["diff", *args]
            yield f"refresh diff --json {case['id']}", ["diff", "--json", *args]


def run(binary, args, env):
    try:
        p = subprocess.run([binary, *args], stdin=subprocess.DEVNULL, capture_output=True,
                           env=env, timeout=120)
        return p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        return b"", b"(timed out after 120 s)", None


def show(name, args, a, b):
    print(f"\n== DIFFERS: {name}\n   args: {' '.join(args)[:400]}")
    for label, x, y in (("stdout", a[0], b[0]), ("stderr", a[1], b[1])):
        if x != y:
            lines = list(difflib.unified_diff(
                x.decode("utf-8", "replace").splitlines(), y.decode("utf-8", "replace").splitlines(),
                f"baseline {label}", f"current {label}", lineterm="", n=1))
            print("\n".join(lines[:40]) + ("\n   ..." if len(lines) > 40 else ""))
    if a[2] != b[2]:
        print(f"exit code: baseline {a[2]}, current {b[2]}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, cur = sys.argv[1:]
    show_n = int(os.environ.get("GOLDEN_SHOW", "5"))
    only = os.environ.get("GOLDEN_ONLY", "")
    files = sorted(f for f in TESTDATA.rglob("*") if f.is_file())
    with tempfile.TemporaryDirectory(prefix="authpeek-golden-") as scratch:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": scratch, "LC_ALL": "C"}
        vectors = Vectors(scratch)
        cases = [c for c in itertools.chain(file_cases(files), expectation_cases(), diff_cases(), vectors.cases())
                 if only in c[0]]

        def both(case):
            return case, run(base, case[1], env), run(cur, case[1], env)

        differ = 0
        jobs = int(os.environ.get("GOLDEN_JOBS", "2"))
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            for (name, args), a, b in pool.map(both, cases):
                if a != b:
                    differ += 1
                    if differ <= show_n:
                        show(name, args, a, b)
                    else:
                        print(f"== DIFFERS too: {name}")
    print(f"golden: {len(cases)} cases over {len(files)} testdata files; {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
