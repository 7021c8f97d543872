"""Make two OCI layouts from an OCI image layout for the layer-cache benchmark:

  OUT/changed.oci  the image with its top layer replaced by a changed copy (every member of the
                   old top layer plus one new file, so new digests and about the same size);
  OUT/alone.oci    an image of that changed layer alone.

Blobs of the unchanged layers are hard-linked (copied across filesystems).

    python3 bench/make_changed_layer.py SRC.oci OUT
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile


def read_json(layout, digest):
    with open(os.path.join(layout, "blobs", "sha256", digest.split(":")[1]), "rb") as f:
        return json.load(f)


def put_blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def link_blob(src, dst, digest):
    name = digest.split(":")[1]
    a = os.path.join(src, "blobs", "sha256", name)
    b = os.path.join(dst, "blobs", "sha256", name)
    if not os.path.exists(b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copyfile(a, b)


def new_layout(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "blobs", "sha256"))
    with open(os.path.join(path, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def write_image(path, layers, diff_ids, config, history):
    config = dict(config)
    config["rootfs"] = {"type": "layers", "diff_ids": diff_ids}
    config["history"] = history
    cdigest, csize = put_blob(path, json.dumps(config).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": csize},
        "layers": layers,
    }
    mdigest, msize = put_blob(path, json.dumps(manifest).encode())
    index = {
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest,
                       "size": msize, "annotations": {"org.opencontainers.image.ref.name": "1.0"}}],
    }
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump(index, f)


def main():
    src, out = sys.argv[1], sys.argv[2]
    index = json.load(open(os.path.join(src, "index.json")))
    manifest = read_json(src, index["manifests"][0]["digest"])
    config = read_json(src, manifest["config"]["digest"])
    top = manifest["layers"][-1]
    # The changed top layer: every member of the old one, then one new file.
    raw = io.BytesIO()
    with tarfile.open(os.path.join(src, "blobs", "sha256", top["digest"].split(":")[1]), "r|*") as old, \
            tarfile.open(fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT) as new:
        for member in old:
            new.addfile(member, old.extractfile(member) if member.isfile() else None)
        note = b"changed for the layer-cache benchmark\n"
        info = tarfile.TarInfo("etc/sekisho-bench-changed")
        info.size, info.mtime = len(note), 1795392000
        new.addfile(info, io.BytesIO(note))
    plain = raw.getvalue()
    diff_id = "sha256:" + hashlib.sha256(plain).hexdigest()
    packed = gzip.compress(plain, compresslevel=6, mtime=0)
    os.makedirs(out, exist_ok=True)
    for name, base in (("changed.oci", manifest["layers"][:-1]), ("alone.oci", [])):
        path = os.path.join(out, name)
        new_layout(path)
        for layer in base:
            link_blob(src, path, layer["digest"])
        digest, size = put_blob(path, packed)
        layers = list(base) + [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                "digest": digest, "size": size}]
        diff_ids = config["rootfs"]["diff_ids"][: len(base)] + [diff_id]
        # The changed image keeps its history (one entry per layer still); the lone layer gets one.
        history = config.get("history", []) if base else [{"created_by": "changed top layer"}]
        write_image(path, layers, diff_ids, config, history)
        print(f"{path}: {len(layers)} layers, changed layer {size / 1e6:.1f} MB compressed, "
              f"{len(plain) / 1e6:.1f} MB plain")


if __name__ == "__main__":
    main()
