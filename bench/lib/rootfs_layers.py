#!/usr/bin/env python3
"""Make image layers from root directories and assemble the image (used by build_large_image.sh).

  rootfs_layers.py layer LOWER|- UPPER OUT.tar
      Streams the difference UPPER - LOWER as a layer tar (changed or new entries with their
      parent directories, as `docker commit` does; removed paths as `.wh.` whiteouts), then
      gzips it; writes OUT.tar, OUT.tar.gz and OUT.tar.meta.json. '-' as LOWER: the whole tree.
  rootfs_layers.py assemble NAME OUTDIR HISTORY_JSON LAYER.tar...
      Writes OUTDIR/NAME.docker.tar (uncompressed docker-archive) and OUTDIR/NAME.oci
      (OCI layout, gzip layers, ref name 1.0) from finished layers.

Unchanged = same type, mode, owner, size, mtime (ns) and link target: the stages are made
with `cp -a`, which keeps all of these, and dpkg rewrites what it touches.
"""
import json
import os
import stat
import sys
import tarfile

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imgwrite as W  # noqa: E402


def scan(root):
    out = {}
    if root is None:
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            fmt = stat.S_IFMT(st.st_mode)
            if fmt not in (stat.S_IFREG, stat.S_IFDIR, stat.S_IFLNK):
                continue  # no device nodes, fifos or sockets in the image
            link = os.readlink(full) if fmt == stat.S_IFLNK else ""
            out[os.path.relpath(full, root)] = (fmt, st.st_mode & 0o7777, st.st_uid, st.st_gid,
                                                st.st_size if fmt == stat.S_IFREG else 0,
                                                st.st_mtime_ns if fmt != stat.S_IFDIR else 0, link)
    return out


def cmd_layer(lower, upper, out_tar):
    if W.Layer.load(out_tar):
        W.log("layer exists:", out_tar)
        return
    lo = scan(None if lower == "-" else lower)
    up = scan(upper)
    changed = [p for p in up if lo.get(p) != up[p]]
    need = set(changed)
    for p in changed:
        d = os.path.dirname(p)
        while d and d not in need:
            need.add(d)
            d = os.path.dirname(d)
    removed = [p for p in lo if p not in up]
    rset = set(removed)
    removed_top = [p for p in removed if os.path.dirname(p) not in rset]
    for p in removed_top:
        d = os.path.dirname(p)
        while d and d not in need:
            need.add(d)
            d = os.path.dirname(d)
    layer, sink = W.open_layer(out_tar)
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tf:
        for p in sorted(need):
            full = os.path.join(upper, p)
            ti = tf.gettarinfo(full, arcname=p)
            ti.uname = ti.gname = ""
            if ti.isreg():
                with open(full, "rb") as f:
                    tf.addfile(ti, f)
            else:
                tf.addfile(ti)
        for p in sorted(removed_top):
            d, b = os.path.split(p)
            ti = tarfile.TarInfo(os.path.join(d, ".wh." + b))
            ti.mtime = W.EPOCH
            tf.addfile(ti)
    W.finish_layer(layer, sink)
    W.log("layer %s: %d entries (%d changed, %d removed), %.1f MB tar, %.1f MB gz" % (
        out_tar, len(need) + len(removed_top), len(changed), len(removed_top),
        layer.tar_size / 1e6, layer.gz_size / 1e6))


def cmd_assemble(name, outdir, history_json, tars):
    layers = []
    for t in tars:
        l = W.Layer.load(t)
        if l is None:
            sys.exit("layer not finished: " + t)
        layers.append(l)
    with open(history_json) as f:
        spec = json.load(f)
    cfg = W.make_config(layers, spec["config"], spec["history"])
    docker = os.path.join(outdir, name + ".docker.tar")
    oci = os.path.join(outdir, name + ".oci")
    if not os.path.exists(docker):
        W.write_docker_archive(layers, cfg, docker, "sekisho-bench/" + name + ":1.0")
    if not os.path.exists(oci):
        W.write_oci_dir(layers, cfg, oci, "1.0")
    W.log("image %s: %d layers, %.1f MB uncompressed, %.1f MB gzip" % (
        name, len(layers), sum(l.tar_size for l in layers) / 1e6, sum(l.gz_size for l in layers) / 1e6))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["layer"] and len(a) == 4:
        cmd_layer(a[1], a[2], a[3])
    elif a[:1] == ["assemble"] and len(a) >= 5:
        cmd_assemble(a[1], a[2], a[3], a[4:])
    else:
        sys.exit(__doc__)
