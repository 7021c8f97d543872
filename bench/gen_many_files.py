#!/usr/bin/env python3
"""Generate a benchmark image of N small files over 5 layers (Python stdlib only).

usage: gen_many_files.py N OUT        e.g. gen_many_files.py 1000000 bench/out/files-1000k

Writes OUT.docker.tar (uncompressed docker-archive) and OUT.oci/ (OCI layout, gzip layers,
tag 1.0). Layer tars are streamed to disk with hand-made ustar headers (fast, constant
memory), hashed while written, gzipped, then copied into the archive and deleted.

Content: layer 0 has a Debian-like /etc/os-release and a one-package dpkg status; layers
0-4 each add N/5 regular files of about 50-300 bytes in /data/l<k>/d<NNNN>/f<NNNN>.txt (1000 files
a directory). Layers 1-4 also replace 0.5% of the previous layer's files with new content and
delete another 0.5% with `.wh.` whiteouts (these do not count in N). Deterministic: the same N
gives the same image. Idempotent: does nothing when both outputs exist.
"""
import os
import random
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import imgwrite as W  # noqa: E402

LAYERS = 5
PER_DIR = 1000

OS_RELEASE = b'''PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
'''
STATUS = b'''Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 341
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u11
Description: Debian base system miscellaneous files

'''


def fname(layer, i):
    return "data/l%d/d%04d/f%04d.txt" % (layer, i // PER_DIR, i % PER_DIR)


def body(rng, layer, i, gen=0):
    head = b"layer %d file %d gen %d\n" % (layer, i, gen)
    return head + rng.randbytes(rng.randint(20, 280 - len(head))).hex().encode()[: rng.randint(20, 280)]


def write_layer(path, k, counts, rng):
    layer, sink = W.open_layer(path)
    t = W.FastTar(sink)
    if k == 0:
        for d in ("etc", "var", "var/lib", "var/lib/dpkg", "data"):
            t.dir(d)
        t.file("etc/os-release", OS_RELEASE)
        t.file("etc/debian_version", b"12.11\n")
        t.file("var/lib/dpkg/status", STATUS)
    else:
        t.dir("data")
    t.dir("data/l%d" % k)
    n = counts[k]
    for i in range(n):
        if i % PER_DIR == 0:
            t.dir("data/l%d/d%04d" % (k, i // PER_DIR))
        t.file(fname(k, i), body(rng, k, i))
    if k > 0:
        prev = counts[k - 1]
        step = 200  # 0.5%
        t.dir("data/l%d" % (k - 1))
        for i in range(0, prev, step):
            if i % PER_DIR == 0 or (i - step) // PER_DIR != i // PER_DIR:
                t.dir("data/l%d/d%04d" % (k - 1, i // PER_DIR))
            t.file(fname(k - 1, i), body(rng, k - 1, i, gen=k))  # replaced content
            j = i + step // 2
            if j < prev:
                d, b = os.path.split(fname(k - 1, j))
                t.file(d + "/.wh." + b, b"")  # deleted
    t.close()
    return W.finish_layer(layer, sink)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    docker, oci = out + ".docker.tar", out + ".oci"
    if os.path.exists(docker) and os.path.exists(oci):
        W.log("exists:", docker, oci)
        return
    work = out + ".layers"
    os.makedirs(work, exist_ok=True)
    counts = [n // LAYERS + (1 if k < n % LAYERS else 0) for k in range(LAYERS)]
    layers = []
    for k in range(LAYERS):
        rng = random.Random(1000003 * k + n)
        l = write_layer(os.path.join(work, "%d.tar" % k), k, counts, rng)
        W.log("layer %d: %d files, %.1f MB tar, %.1f MB gz" % (k, counts[k], l.tar_size / 1e6, l.gz_size / 1e6))
        layers.append(l)
    hist = [{"created_by": "COPY data/l%d /data/l%d # buildkit" % (k, k)} for k in range(LAYERS)]
    cfg = W.make_config(layers, {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                                 "Cmd": ["/bin/sh"]}, hist)
    W.write_docker_archive(layers, cfg, docker, "sekisho-bench/files-%d:1.0" % n)
    W.write_oci_dir(layers, cfg, oci, "1.0", move_blobs=True)
    shutil.rmtree(work)
    W.log("image %s: %d files in %d layers, %.1f MB uncompressed, %.1f MB gzip" % (
        out, n, LAYERS, sum(l.tar_size for l in layers) / 1e6, sum(l.gz_size for l in layers) / 1e6))


if __name__ == "__main__":
    main()
