#!/usr/bin/env python3
"""An OSV bucket mirror for `sekisho db update --mirror` benchmarks (bench/db_update.sh).

    python3 bench/osv_mirror.py make ALL_ZIP MIRROR
        MIRROR/osv/<Ecosystem>/all.zip and modified_id.csv for every ecosystem `sekisho db
        update` fetches: the records of ALL_ZIP (e.g. `gen_osv.py --zip` output) as `npm`,
        the other ecosystems empty.
    python3 bench/osv_mirror.py change MIRROR [-n 1000]
        N records change upstream: MIRROR/osv/npm/<ID>.json for each and a new modified_id.csv
        listing them first (newer `modified`). 85% modified (summary and a fixed version),
        5% withdrawn, 5% with their first affected package renamed, 5% new records. Writes
        MIRROR/changed.txt: one `<ID> new|old` line per record.

The records are picked evenly over the export (every k-th in name order), so they fall all over
the database.
"""

import argparse
import json
import os
import zipfile

# `Feed::defaults()` in crates/sekisho-advisory/src/update.rs.
ECOSYSTEMS = ["npm", "PyPI", "Go", "crates.io", "RubyGems", "Packagist", "Maven", "NuGet",
              "Pub", "Hex", "Debian", "Ubuntu", "Alpine"]
CHANGED_AT = "2031-01-01T00:00:00"


def make(all_zip, mirror):
    base = os.path.join(mirror, "osv")
    lines = []
    with zipfile.ZipFile(all_zip) as z:
        for name in z.namelist():
            rec = json.loads(z.read(name))
            lines.append((rec["modified"], rec["id"]))
    lines.sort(reverse=True)
    for eco in ECOSYSTEMS:
        d = os.path.join(base, eco)
        os.makedirs(d, exist_ok=True)
        if eco == "npm":
            target = os.path.join(d, "all.zip")
            if os.path.exists(target):
                os.remove(target)
            if same_fs(all_zip, d):
                os.link(os.path.abspath(all_zip), target)
            else:
                copy(all_zip, target)
            with open(os.path.join(d, "modified_id.csv"), "w") as f:
                f.writelines(f"{m},{i}\n" for m, i in lines)
        else:
            with zipfile.ZipFile(os.path.join(d, "all.zip"), "w"):
                pass
            open(os.path.join(d, "modified_id.csv"), "w").close()
    print(f"{len(lines)} records in {base}/npm, {len(ECOSYSTEMS) - 1} empty ecosystems")


def same_fs(a, b):
    return os.stat(a).st_dev == os.stat(b).st_dev


def copy(a, b):
    with open(a, "rb") as src, open(b, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def change(mirror, n):
    d = os.path.join(mirror, "osv", "npm")
    with open(os.path.join(d, "modified_id.csv")) as f:
        old = [line.rstrip("\n").split(",", 1) for line in f if line.strip()]
    ids = sorted(i for _, i in old)
    step = max(1, len(ids) // n)
    picked = ids[::step][:n]
    changed = []
    with zipfile.ZipFile(os.path.join(d, "all.zip")) as z:
        for k, rid in enumerate(picked):
            rec = json.loads(z.read(f"{rid}.json"))
            kind = ("new", "withdrawn", "renamed")[k % 20] if k % 20 < 3 else "modified"
            stamp = f"{CHANGED_AT}.{k:06d}Z"
            if kind == "new":
                rec["id"] = f"{rid}-NEW"
                rec["summary"] = f"New: {rec.get('summary') or rid}"
            elif kind == "withdrawn":
                rec["withdrawn"] = stamp
            elif kind == "renamed":
                aff = rec.get("affected") or []
                if aff and isinstance(aff[0].get("package"), dict):
                    aff[0]["package"]["name"] += "-renamed"
            else:
                rec["summary"] = f"{rec.get('summary') or ''} (revised)".strip()
                for a in rec.get("affected") or []:
                    for r in a.get("ranges") or []:
                        for e in r.get("events") or []:
                            if "fixed" in e:
                                e["fixed"] += ".1"
            rec["modified"] = stamp
            with open(os.path.join(d, f"{rec['id']}.json"), "w") as f:
                json.dump(rec, f, indent=2, ensure_ascii=False)
            changed.append((stamp, rec["id"], kind == "new"))
    gone = {i for _, i, _ in changed}
    lines = sorted(((s, i) for s, i, _ in changed), reverse=True) + [(m, i) for m, i in old if i not in gone]
    with open(os.path.join(d, "modified_id.csv"), "w") as f:
        f.writelines(f"{m},{i}\n" for m, i in lines)
    with open(os.path.join(mirror, "changed.txt"), "w") as f:
        f.writelines(f"{i} {'new' if new else 'old'}\n" for _, i, new in changed)
    print(f"{len(changed)} records changed in {d}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("all_zip")
    m.add_argument("mirror")
    c = sub.add_parser("change")
    c.add_argument("mirror")
    c.add_argument("-n", type=int, default=1000)
    args = ap.parse_args()
    if args.cmd == "make":
        make(args.all_zip, args.mirror)
    else:
        change(args.mirror, args.n)


if __name__ == "__main__":
    main()
