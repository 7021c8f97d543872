#!/usr/bin/env python3
"""Resolve the Debian packages needed to install PKG... (Depends + Pre-Depends, no Recommends).

usage: resolve_deps.py [--exclude FILE] PKG...

Uses one `apt-cache depends --recurse` call for the dependency graph, then walks it choosing
the first alternative of an `a | b` dependency (or one already chosen) and the first provider
of a virtual package, as apt would with --no-install-recommends. Packages listed in FILE
(one per line, e.g. what an earlier stage installed) are treated as present and not printed.
Prints the resolved package names, sorted, one per line.
"""
import subprocess
import sys

args = sys.argv[1:]
exclude = set()
if args[:1] == ["--exclude"]:
    with open(args[1]) as f:
        exclude = {l.strip() for l in f if l.strip()}
    args = args[2:]
roots = args

out = subprocess.run(
    ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
     "--no-breaks", "--no-replaces", "--no-enhances"] + roots + sorted(exclude),
    check=True, capture_output=True, text=True).stdout

# graph: pkg -> list of alternative groups; each group = list of names (virtual as "<v>")
graph = {}
providers = {}  # "<v>" -> [real providers]
cur = None
group = []
last_virtual = None
for line in out.splitlines():
    if not line.startswith(" "):
        cur = line.strip()
        graph.setdefault(cur, [])
        last_virtual = None
        continue
    s = line.strip()
    if line.startswith("    "):  # provider of the preceding virtual dependency
        if last_virtual is not None:
            providers.setdefault(last_virtual, []).append(s)
        continue
    alt = s.startswith("|")
    kind, _, name = s.lstrip("|").partition(": ")
    if kind not in ("Depends", "PreDepends"):
        last_virtual = None
        continue
    name = name.strip()
    last_virtual = name if name.startswith("<") else None
    group.append(name)
    if not alt:
        graph[cur].append(group)
        group = []

chosen = set(exclude)
order = list(roots)
result = set()


def real(name):
    if name.startswith("<"):
        provs = providers.get(name, [])
        for p in provs:
            if p in chosen:
                return p
        return provs[0] if provs else None
    return name


while order:
    p = order.pop()
    if p in chosen and p not in roots:
        continue
    if p in result:
        continue
    chosen.add(p)
    if p not in exclude:
        result.add(p)
    for grp in graph.get(p, []):
        cands = [real(n) for n in grp]
        cands = [c for c in cands if c]
        if not cands:
            continue
        pick = next((c for c in cands if c in chosen), cands[0])
        if pick not in chosen:
            order.append(pick)

print("\n".join(sorted(result)))
