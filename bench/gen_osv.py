#!/usr/bin/env python3
"""Multiplies real OSV records into a large OSV.dev-style dump for `sekisho db build` timing.

Reads the OSV JSON records of the shared feed archives (GHSA, Go vulndb, Debian and Ubuntu
OSV), then writes N records (default 400000), each a copy of a real one with a distinct id
(`<PREFIX>-B<n>-<rest of id>`, e.g. `GHSA-B000347-xxxx-…`, so that in name order the copies
of different records interleave within an ecosystem as real ids do, rather than a record's
thousand copies coming one after another) and distinct package names (`<name>-b<n>`), as flat `<ID>.json` files: a directory
laid out like an unpacked OSV `all.zip` (default), or the zip itself with `--zip`.

There are only a few hundred templates, so copying their text verbatim would repeat every
summary, description and reference about a thousand times, which any deduplication or
cross-record compression would collapse (real feeds are not like that). Each copy's text is
therefore varied deterministically: about one word in five of the summary and details is
replaced by a word drawn from the templates' vocabulary, commit hashes and numbers in reference
URLs are replaced, ids and aliases get the copy's suffix. Sizes stay those of the real records.
Text is shared only where the templates share it: copies made in the same round (`n // T`) of
templates with identical text (a Debian and an Ubuntu record of the same CVE repeating the NVD
description) get identical varied text, as in real feeds.

    python3 bench/gen_osv.py [-n N] [--data DIR] [--zip] OUT

Then: `sekisho db build --output /tmp/bench.db OUT`.
"""

import argparse
import hashlib
import json
import random
import re
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


WORD = re.compile(r"[A-Za-z]{3,}")
HEX = re.compile(r"\b[0-9a-f]{7,40}\b")
NUM = re.compile(r"\d+")


def vocabulary(recs):
    words = []
    for r in recs:
        for field in ("summary", "details"):
            words.extend(WORD.findall(r.get(field) or ""))
    return words or ["text"]


def rng_for(text, rnd):
    h = hashlib.sha256(f"{rnd}\0{text}".encode("utf-8")).digest()
    return random.Random(int.from_bytes(h[:8], "little"))


def vary_text(text, rnd, vocab):
    """Replaces about one word in five; the same text in the same round varies the same way."""
    if not text:
        return text
    rng = rng_for(text, rnd)
    return WORD.sub(lambda m: rng.choice(vocab) if rng.random() < 0.2 else m.group(0), text)


def vary_url(url, rnd):
    rng = rng_for(url, rnd)
    url = HEX.sub(lambda m: "".join(rng.choice("0123456789abcdef") for _ in m.group(0)), url)
    return NUM.sub(lambda m: str(rng.randrange(10 ** (len(m.group(0)) - 1), 10 ** len(m.group(0))))
                   if len(m.group(0)) > 1 else m.group(0), url)


def variant(record, n, rounds_of, vocab, verbatim=False):
    rnd = n // rounds_of
    rec = dict(record)
    if verbatim:
        rec["id"] = f"{record['id']}-B{n}"
        rec["affected"] = [rename(a, n) for a in record.get("affected") or []]
        return rec
    prefix, _, rest = record["id"].partition("-")
    rec["id"] = f"{prefix}-B{n:06d}-{rest}"
    if record.get("aliases"):
        rec["aliases"] = [f"{a}-B{rnd}" for a in record["aliases"]]
    if record.get("upstream"):
        rec["upstream"] = [f"{a}-B{rnd}" for a in record["upstream"]]
    for field in ("summary", "details"):
        if record.get(field):
            rec[field] = vary_text(record[field], rnd, vocab)
    if record.get("references"):
        rec["references"] = [dict(r, url=vary_url(r.get("url", ""), rnd)) for r in record["references"]]
    rec["affected"] = [rename(a, n) for a in record.get("affected") or []]
    return rec


def rename(a, n):
    a = dict(a)
    if isinstance(a.get("package"), dict):
        pkg = dict(a["package"])
        pkg["name"] = f"{pkg.get('name', '')}-b{n}"
        pkg.pop("purl", None)
        a["package"] = pkg
    return a


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output directory (or .zip file with --zip)")
    ap.add_argument("-n", type=int, default=400000, help="records to write (default 400000)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="the shared advisories folder")
    ap.add_argument("--zip", action="store_true", help="write one deflated zip instead of a directory")
    ap.add_argument("--verbatim", action="store_true",
                    help="copy the text unchanged (every record's text repeated about N/T times: "
                         "what deduplication and compression would gain on it is not what real feeds give)")
    args = ap.parse_args()
    recs = templates(args.data)
    if not recs:
        sys.exit(f"no OSV JSON records under {args.data}")
    vocab = vocabulary(recs)
    total = 0
    if args.zip:
        with zipfile.ZipFile(args.out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for n in range(args.n):
                rec = variant(recs[n % len(recs)], n, len(recs), vocab, args.verbatim)
                body = json.dumps(rec, indent=2, ensure_ascii=False).encode("utf-8")
                total += len(body)
                z.writestr(f"{rec['id']}.json", body)
    else:
        os.makedirs(args.out, exist_ok=True)
        for n in range(args.n):
            rec = variant(recs[n % len(recs)], n, len(recs), vocab, args.verbatim)
            body = json.dumps(rec, indent=2, ensure_ascii=False).encode("utf-8")
            total += len(body)
            with open(os.path.join(args.out, f"{rec['id']}.json"), "wb") as f:
                f.write(body)
    print(f"{args.n} records from {len(recs)} templates, {total / 1e6:.1f} MB of JSON -> {args.out}")


if __name__ == "__main__":
    main()
