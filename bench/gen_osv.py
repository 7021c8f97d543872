#!/usr/bin/env python3
"""Multiplies real OSV records into a large OSV.dev-style dump for `sekisho db build` timing.

Reads the OSV JSON records of the shared feed archives (GHSA, Go vulndb, Debian and Ubuntu
OSV), then writes N records (default 400000), each a copy of a real one with a distinct id
(`<id>-B<n>`) and distinct package names (`<name>-b<n>`), as flat `<ID>.json` files: a directory
laid out like an unpacked OSV `all.zip` (default), or the zip itself with `--zip`.

    python3 bench/gen_osv.py [-n N] [--data DIR] [--zip] OUT

Then: `sekisho db build --output /tmp/bench.db OUT`.
"""

import argparse
import json
import os
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "advisories"))
ARCHIVES = ["ghsa.tar.gz", "golang-vulndb.tar.gz", "debian-osv.tar.gz", "ubuntu-osv.tar.gz"]


def templates(data):
    out = []
    for name in ARCHIVES:
        with tarfile.open(os.path.join(data, name)) as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if member.isfile() and member.name.endswith(".json"):
                    out.append(json.loads(tar.extractfile(member).read().decode("utf-8")))
    return out


def variant(record, n):
    rec = dict(record)
    rec["id"] = f"{record['id']}-B{n}"
    affected = []
    for a in record.get("affected") or []:
        a = dict(a)
        if isinstance(a.get("package"), dict):
            pkg = dict(a["package"])
            pkg["name"] = f"{pkg.get('name', '')}-b{n}"
            pkg.pop("purl", None)
            a["package"] = pkg
        affected.append(a)
    rec["affected"] = affected
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output directory (or .zip file with --zip)")
    ap.add_argument("-n", type=int, default=400000, help="records to write (default 400000)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="the shared advisories folder")
    ap.add_argument("--zip", action="store_true", help="write one deflated zip instead of a directory")
    args = ap.parse_args()
    recs = templates(args.data)
    if not recs:
        sys.exit(f"no OSV JSON records under {args.data}")
    total = 0
    if args.zip:
        with zipfile.ZipFile(args.out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for n in range(args.n):
                rec = variant(recs[n % len(recs)], n)
                body = json.dumps(rec, indent=2, ensure_ascii=False).encode("utf-8")
                total += len(body)
                z.writestr(f"{rec['id']}.json", body)
    else:
        os.makedirs(args.out, exist_ok=True)
        for n in range(args.n):
            rec = variant(recs[n % len(recs)], n)
            body = json.dumps(rec, indent=2, ensure_ascii=False).encode("utf-8")
            total += len(body)
            with open(os.path.join(args.out, f"{rec['id']}.json"), "wb") as f:
                f.write(body)
    print(f"{args.n} records from {len(recs)} templates, {total / 1e6:.1f} MB of JSON -> {args.out}")


if __name__ == "__main__":
    main()
