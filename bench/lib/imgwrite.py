"""Streaming container-image writer for the benchmark images (Python stdlib only).

Layers are written as tar files on disk (never held in memory), hashed while written
(diffID), then gzip-compressed to an OCI blob (hashed while written). From the layer files
the writers assemble:
  * an uncompressed `docker save` archive (classic layout: <id>/layer.tar, <id>/json,
    <id>/VERSION, <config>.json, manifest.json, repositories), which is what syft's
    `docker-archive:` reads, and
  * an OCI image layout directory with gzip layer blobs.
"""
import hashlib
import json
import os
import shutil
import struct
import tarfile
import time
import zlib

EPOCH = 1795392000  # 2026-11-23T00:00:00Z
CREATED = "2026-11-23T00:00:00Z"
CHUNK = 1 << 20


class HashingWriter:
    """File-like sink that writes to a file and hashes (sha256) and counts what passes."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.h = hashlib.sha256()
        self.n = 0

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        return self.f.write(b)

    def tell(self):
        return self.n

    def close(self):
        self.f.close()

    def digest(self):
        return "sha256:" + self.h.hexdigest()


# --------------------------------------------------------------- fast ustar headers

def _oct(n, width):
    return b"%0*o\0" % (width - 1, n)


def ustar_header(name, size=0, mode=0o644, typeflag=b"0", linkname="", mtime=EPOCH, uid=0, gid=0):
    """A 512-byte POSIX ustar header. name must fit (<=100 bytes, or prefix/name split)."""
    nb = name.encode()
    prefix = b""
    if len(nb) > 100:
        cut = nb.rfind(b"/", 0, 156)
        if cut <= 0 or len(nb) - cut - 1 > 100:
            raise ValueError("name too long for ustar: " + name)
        prefix, nb = nb[:cut], nb[cut + 1:]
    lb = linkname.encode()
    if len(lb) > 100:
        raise ValueError("linkname too long for ustar: " + linkname)
    h = bytearray(512)
    h[0:len(nb)] = nb
    h[100:108] = _oct(mode, 8)
    h[108:116] = _oct(uid, 8)
    h[116:124] = _oct(gid, 8)
    h[124:136] = _oct(size, 12)
    h[136:148] = _oct(mtime, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:157 + len(lb)] = lb
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[345:345 + len(prefix)] = prefix
    chk = sum(h)
    h[148:156] = b"%06o\0 " % chk
    return bytes(h)


def pad(size):
    return b"\0" * ((512 - size % 512) % 512)


class FastTar:
    """Minimal streaming ustar writer for generated entries (files, dirs, whiteouts)."""

    def __init__(self, sink):
        self.s = sink

    def dir(self, name, mode=0o755):
        self.s.write(ustar_header(name.rstrip("/") + "/", 0, mode, b"5"))

    def file(self, name, data, mode=0o644):
        self.s.write(ustar_header(name, len(data), mode, b"0"))
        self.s.write(data)
        self.s.write(pad(len(data)))

    def symlink(self, name, target):
        self.s.write(ustar_header(name, 0, 0o777, b"2", target))

    def close(self):
        self.s.write(b"\0" * 1024)


# --------------------------------------------------------------- layers

class Layer:
    """One layer: tar file on disk + diffID, then gzip blob + digest."""

    def __init__(self, tar_path):
        self.tar_path = tar_path
        self.diff_id = None
        self.tar_size = None
        self.gz_path = None
        self.gz_digest = None
        self.gz_size = None

    def save_meta(self):
        with open(self.tar_path + ".meta.json", "w") as f:
            json.dump({"diff_id": self.diff_id, "tar_size": self.tar_size, "gz_path": self.gz_path,
                       "gz_digest": self.gz_digest, "gz_size": self.gz_size}, f)

    @classmethod
    def load(cls, tar_path):
        """A finished layer from an earlier run, or None."""
        try:
            with open(tar_path + ".meta.json") as f:
                m = json.load(f)
        except OSError:
            return None
        if not (os.path.exists(tar_path) and m.get("gz_path") and os.path.exists(m["gz_path"])):
            return None
        l = cls(tar_path)
        l.__dict__.update(m)
        return l


def open_layer(tar_path):
    """Returns (layer, sink). Write the tar into sink, then call finish_layer(layer, sink)."""
    os.makedirs(os.path.dirname(tar_path) or ".", exist_ok=True)
    return Layer(tar_path), HashingWriter(tar_path + ".part")


def finish_layer(layer, sink, level=6):
    sink.close()
    os.replace(layer.tar_path + ".part", layer.tar_path)
    layer.diff_id = sink.digest()
    layer.tar_size = sink.n
    gz_tmp = layer.tar_path + ".gz.part"
    out = HashingWriter(gz_tmp)
    # gzip member with mtime 0 and no file name, so the blob is reproducible
    out.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")
    co = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = 0
    n = 0
    with open(layer.tar_path, "rb") as f:
        while True:
            b = f.read(CHUNK)
            if not b:
                break
            crc = zlib.crc32(b, crc)
            n += len(b)
            out.write(co.compress(b))
    out.write(co.flush())
    out.write(struct.pack("<II", crc & 0xFFFFFFFF, n & 0xFFFFFFFF))
    out.close()
    layer.gz_path = layer.tar_path + ".gz"
    os.replace(gz_tmp, layer.gz_path)
    layer.gz_digest = out.digest()
    layer.gz_size = out.n
    layer.save_meta()
    return layer


# --------------------------------------------------------------- image

def make_config(layers, config, history):
    assert sum(1 for h in history if not h.get("empty_layer")) == len(layers)
    hist = []
    for h in history:
        x = {"created": CREATED, "created_by": h["created_by"]}
        if h.get("empty_layer"):
            x["empty_layer"] = True
        hist.append(x)
    cfg = {"architecture": "amd64", "os": "linux", "created": CREATED, "config": config,
           "rootfs": {"type": "layers", "diff_ids": [l.diff_id for l in layers]}, "history": hist}
    return json.dumps(cfg, separators=(",", ":"), sort_keys=True).encode()


def _ti(name, size, mode=0o644, typ=tarfile.REGTYPE):
    ti = tarfile.TarInfo(name)
    ti.size = size
    ti.mode = mode
    ti.type = typ
    ti.mtime = EPOCH
    ti.uname = ti.gname = ""
    return ti


def write_docker_archive(layers, config_bytes, path, repo_tag):
    """Uncompressed classic `docker save` archive, layer tars streamed in from disk."""
    cfg_hex = hashlib.sha256(config_bytes).hexdigest()
    tmp = path + ".part"
    with open(tmp, "wb") as f, tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT) as tf:
        parent = ""
        paths = []
        for l in layers:
            lid = hashlib.sha256((parent + "\n" + l.diff_id).encode()).hexdigest()
            tf.addfile(_ti(lid + "/", 0, 0o755, tarfile.DIRTYPE))
            tf.addfile(_ti(lid + "/VERSION", 3), _bytes(b"1.0"))
            v1 = {"id": lid, "created": CREATED, "os": "linux", "architecture": "amd64"}
            if parent:
                v1["parent"] = parent
            j = json.dumps(v1).encode()
            tf.addfile(_ti(lid + "/json", len(j)), _bytes(j))
            with open(l.tar_path, "rb") as lf:
                tf.addfile(_ti(lid + "/layer.tar", l.tar_size), lf)
            paths.append(lid + "/layer.tar")
            parent = lid
        tf.addfile(_ti(cfg_hex + ".json", len(config_bytes)), _bytes(config_bytes))
        m = json.dumps([{"Config": cfg_hex + ".json", "RepoTags": [repo_tag], "Layers": paths}]).encode()
        tf.addfile(_ti("manifest.json", len(m)), _bytes(m))
        repo, tag = repo_tag.rsplit(":", 1)
        r = json.dumps({repo: {tag: parent}}).encode()
        tf.addfile(_ti("repositories", len(r)), _bytes(r))
    os.replace(tmp, path)


def _bytes(b):
    import io
    return io.BytesIO(b)


def write_oci_dir(layers, config_bytes, path, ref_name="1.0", move_blobs=False):
    """OCI layout directory with gzip layer blobs (copied, or moved when move_blobs)."""
    tmp = path + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    bdir = os.path.join(tmp, "blobs", "sha256")
    os.makedirs(bdir)
    descs = []
    for l in layers:
        dst = os.path.join(bdir, l.gz_digest.split(":", 1)[1])
        if move_blobs:
            os.replace(l.gz_path, dst)
        else:
            try:
                os.link(l.gz_path, dst)
            except OSError:
                shutil.copyfile(l.gz_path, dst)
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": l.gz_digest, "size": l.gz_size})

    def blob(b):
        h = hashlib.sha256(b).hexdigest()
        with open(os.path.join(bdir, h), "wb") as f:
            f.write(b)
        return "sha256:" + h

    cdig = blob(config_bytes)
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": cdig, "size": len(config_bytes)},
                "layers": descs}
    mb = json.dumps(manifest, indent=2).encode()
    mdig = blob(mb)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": mdig, "size": len(mb),
                            "annotations": {"org.opencontainers.image.ref.name": ref_name}}]}
    with open(os.path.join(tmp, "index.json"), "w") as f:
        json.dump(index, f, indent=2)
    with open(os.path.join(tmp, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    shutil.rmtree(path, ignore_errors=True)
    os.replace(tmp, path)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)
