#!/usr/bin/env python3
"""Generate a Node.js project with a large package-lock.json (Python stdlib only).

usage: gen_package_lock.py [N] OUT_DIR     e.g. gen_package_lock.py 20000 bench/out/lock20k
                                           (N defaults to 20000)

Writes OUT_DIR/package.json and OUT_DIR/package-lock.json, lockfileVersion 3 as npm 9/10 writes
it (2-space indentation, "packages" only), with exactly N package entries besides the root "":
  * about 92% hoisted `node_modules/<name>` entries, 12% of the names scoped (`@scope/name`);
  * about 8% nested duplicates `node_modules/<a>/node_modules/<b>` (scoped parents included):
    `b` is also hoisted, at another major version; `a` depends on that other major;
  * every entry has version, resolved (registry.npmjs.org tarball URL), integrity (sha512 SRI),
    most have license, some dependencies / optionalDependencies / peerDependencies, engines,
    bin, hasInstallScript, funding;
  * the last 30% of the hoisted names and everything only they need are `"dev": true`; dev
    packages depend on dev and non-dev ones, non-dev packages only on non-dev ones, so the
    flags are consistent; every entry is reachable from the root's dependencies or
    devDependencies (also written to package.json).
OUT_DIR/expected.txt holds two lines: N, the number of package entries (dev and nested
included), and the number of non-dev entries (Syft 1.18.1 lists only those by default, plus the
root project itself). Deterministic: the same N gives the same files.
Idempotent: does nothing when package-lock.json exists.
"""
import base64
import hashlib
import json
import os
import random
import sys

WORDS = ("ansi array async babel base buffer cache chalk class color commander config core css "
         "date debug deep define dom dot emitter encode env error escape event express fast file "
         "fill find flat form fs function get glob graceful has hash http iconv inherits is json "
         "kind lodash lru map merge micro mime minimist ms node normalize object once parse path "
         "picomatch postcss process promise punycode query react readable regex resolve rimraf "
         "safe semver set signal source split stream string strip supports through to tslib type "
         "uglify util uuid validate webpack which word wrap ws yallist yargs").split()
SUFFIX = ["", "", "", "js", "utils", "plugin", "loader", "parser", "core", "cli", "compat", "types", "lite"]
SCOPES = ["babel", "types", "jest", "aws-sdk", "smithy", "angular", "vue", "emotion", "sentry",
          "typescript-eslint", "rollup", "esbuild", "opentelemetry", "octokit", "nestjs", "mui"]
LICENSES = ["MIT"] * 12 + ["ISC"] * 4 + ["Apache-2.0"] * 2 + ["BSD-3-Clause", "BSD-2-Clause", "0BSD"]
DEV_SHARE = 0.30
NESTED_SHARE = 0.08


def names(rng, n):
    out, seen = [], set()
    while len(out) < n:
        parts = [rng.choice(WORDS)]
        if rng.random() < 0.7:
            parts.append(rng.choice(WORDS))
        s = rng.choice(SUFFIX)
        if s:
            parts.append(s)
        name = "-".join(parts)
        if rng.random() < 0.12:
            name = "@%s/%s" % (rng.choice(SCOPES), name)
        if name in seen:
            name = "%s-%d" % (name, len(out))  # long tail: still unique
            if name in seen:
                continue
        seen.add(name)
        out.append(name)
    return out


def version(rng, major=None):
    m = rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12]) if major is None else major
    return "%d.%d.%d" % (m, rng.randint(0, 30), rng.randint(0, 20))


def resolved(name, ver):
    base = name.rsplit("/", 1)[-1]
    return "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (name, base, ver)


def integrity(name, ver):
    return "sha512-" + base64.b64encode(hashlib.sha512(("%s@%s" % (name, ver)).encode()).digest()).decode()


def caret(ver):
    return "^" + ver if not ver.startswith("0.") else "~" + ver


def main():
    args = sys.argv[1:]
    if len(args) == 1:
        args = ["20000"] + args
    if len(args) != 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    lock_path = os.path.join(out, "package-lock.json")
    if os.path.exists(lock_path):
        print("exists:", lock_path)
        return
    rng = random.Random(424242 + n)
    n_nested = int(n * NESTED_SHARE)
    h = n - n_nested  # hoisted
    pkgs = names(rng, h)
    vers = [version(rng) for _ in range(h)]
    n_prod = h - int(h * DEV_SHARE)
    is_dev = [i >= n_prod for i in range(h)]
    # dependencies between hoisted packages, acyclic: production i -> production j > i;
    # dev i -> dev j > i or any production package
    deps = [dict() for _ in range(h)]
    parents = [0] * h  # number of dependents
    prod_parents = [0] * h  # of them non-dev
    n_root_prod = max(1, min(60, n_prod // 20))
    n_root_dev = max(1, min(40, (h - n_prod) // 20)) if h > n_prod else 0

    def add(i, j):
        if pkgs[j] not in deps[i]:
            deps[i][pkgs[j]] = caret(vers[j])
            parents[j] += 1
            prod_parents[j] += not is_dev[i]

    for i in range(h):
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9])):
            if not is_dev[i]:
                if i + 1 < n_prod:
                    add(i, rng.randrange(i + 1, n_prod))
            elif i + 1 < h and rng.random() < 0.6:
                add(i, rng.randrange(i + 1, h))  # another dev package
            else:
                add(i, rng.randrange(0, n_prod))  # a production package
    # every non-root package gets a parent (within its part, from a lower index)
    for j in range(h):
        root = j < n_root_prod or n_prod <= j < n_prod + n_root_dev
        # a production package needed only by dev packages would be dev: give it a production parent
        if (prod_parents[j] if not is_dev[j] else parents[j]) == 0 and not root:
            lo = n_prod if is_dev[j] else 0
            add(rng.randrange(lo, j), j)
    root_deps = {pkgs[j]: caret(vers[j]) for j in range(n_root_prod)}
    root_dev = {pkgs[j]: caret(vers[j]) for j in range(n_prod, n_prod + n_root_dev)}

    def entry(name, ver, dev, dep_map, r):
        e = {"version": ver, "resolved": resolved(name, ver), "integrity": integrity(name, ver)}
        if dev:
            e["dev"] = True
        if r.random() < 0.03:
            e["hasInstallScript"] = True
        if r.random() < 0.92:
            e["license"] = r.choice(LICENSES)
        if dep_map:
            d = dict(sorted(dep_map.items()))
            if len(d) > 2 and r.random() < 0.1:
                k = sorted(d)[-1]
                e["optionalDependencies"] = {k: d.pop(k)}
            e["dependencies"] = d
        if r.random() < 0.05:
            e["bin"] = {name.rsplit("/", 1)[-1]: "bin/cli.js"}
        if r.random() < 0.3:
            e["engines"] = {"node": r.choice([">=6", ">=8", ">=10", ">=12", ">=14", "^14.17.0 || >=16.0.0", ">=18"])}
        if r.random() < 0.04:
            e["peerDependencies"] = {pkgs[r.randrange(n_prod)]: "*"}
        if r.random() < 0.06:
            e["funding"] = {"url": "https://github.com/sponsors/" + name.strip("@").split("/")[0]}
        return e

    # nested duplicates: parent a depends on b, b also hoisted at another major
    hoisted_deps = [dict(x) for x in deps]  # before any dependency moves to a nested copy
    nested = []  # (parent index, child index, version)
    seen = set()
    index = {p: i for i, p in enumerate(pkgs)}
    is_root = lambda j: j < n_root_prod or n_prod <= j < n_prod + n_root_dev
    cands = [(i, index[d]) for i in range(h) for d in sorted(deps[i])]
    rng.shuffle(cands)
    for a, b in cands:
        if len(nested) >= n_nested:
            break
        # a's dependency moves to its own copy: keep the hoisted b reachable from elsewhere
        if not is_root(b) and (prod_parents[b] if not is_dev[a] else parents[b]) < 2:
            continue
        parents[b] -= 1
        prod_parents[b] -= not is_dev[a]
        seen.add((a, b))
        major = int(vers[b].split(".")[0])
        v = version(rng, major + rng.choice([-1, 1, 2]) if major > 0 else rng.choice([1, 2]))
        nested.append((a, b, v))
        deps[a][pkgs[b]] = caret(v)
    i = 0
    while len(nested) < n_nested:  # small N: not enough edges, add new ones to nested copies
        a, b = i % h, (i * 7 + 1) % n_prod  # b non-dev, so its dependencies are non-dev too
        i += 1
        if i > 10 * n + 10:
            sys.exit("cannot place %d nested entries among %d packages" % (n_nested, h))
        if a == b or (a, b) in seen or pkgs[b] in deps[a]:
            continue
        seen.add((a, b))
        v = version(rng, int(vers[b].split(".")[0]) + 1)
        nested.append((a, b, v))
        deps[a][pkgs[b]] = caret(v)

    packages = {"": {"name": "bench-app", "version": "1.0.0", "license": "UNLICENSED",
                     "dependencies": dict(sorted(root_deps.items())),
                     "devDependencies": dict(sorted(root_dev.items())),
                     "engines": {"node": ">=18"}}}
    er = random.Random(99 + n)
    nested_under = {}
    for a, b, _ in nested:
        nested_under.setdefault(a, set()).add(pkgs[b])
    entries = {}
    for i in range(h):
        entries["node_modules/" + pkgs[i]] = entry(pkgs[i], vers[i], is_dev[i], deps[i], er)
    for a, b, v in nested:
        # the nested copy's own dependencies resolve to hoisted packages (npm looks in
        # a/node_modules/b/node_modules, then a/node_modules, then node_modules): leave out
        # what a has its own copy of
        child_deps = {d: r for d, r in hoisted_deps[b].items() if d not in nested_under[a]}
        entries["node_modules/%s/node_modules/%s" % (pkgs[a], pkgs[b])] = entry(pkgs[b], v, is_dev[a], child_deps, er)
    for k in sorted(entries):  # npm writes the keys sorted
        packages[k] = entries[k]
    assert len(packages) == n + 1, (len(packages), n)
    lock = {"name": "bench-app", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}
    pj = {"name": "bench-app", "version": "1.0.0", "private": True, "license": "UNLICENSED",
          "scripts": {"start": "node server.js", "test": "jest"},
          "dependencies": packages[""]["dependencies"], "devDependencies": packages[""]["devDependencies"],
          "engines": {"node": ">=18"}}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "package.json"), "w") as f:
        json.dump(pj, f, indent=2)
        f.write("\n")
    ndev = sum(1 for e in entries.values() if e.get("dev"))
    with open(os.path.join(out, "expected.txt"), "w") as f:
        f.write("%d\n%d\n" % (n, n - ndev))
    with open(lock_path + ".part", "w") as f:
        json.dump(lock, f, indent=2)
        f.write("\n")
    os.replace(lock_path + ".part", lock_path)
    print("%s: %d packages (%d hoisted, %d nested, %d scoped, %d dev), %.1f MB" % (
        lock_path, n, h, len(nested), sum(1 for p in pkgs if p.startswith("@")), ndev,
        os.path.getsize(lock_path) / 1e6))


if __name__ == "__main__":
    main()
