#!/usr/bin/env python3
"""Build sekisho's bundled example image from the trees in examples/image/.

Writes a docker-archive (`docker save` layout) and an OCI layout of the same two-layer image:
layer 0 = examples/image/base (a tiny Debian-style root with a dpkg database), layer 1 =
examples/image/app (an application, plus a whiteout deleting a file of layer 0). Python's
standard library only; the output is byte-for-byte reproducible (fixed mtimes, owners, order).

The image has the problems a real one often has, so a first scan shows what sekisho finds: it
runs as root (no USER), and the application layer ships a `.env` file with a GitHub token.
The token is made here from a fixed seed (it is no real credential and the repository holds no
token-shaped text).

usage: python3 examples/make_image.py [OUT_DIR]   (default: target/example)
"""
import gzip, hashlib, io, json, os, sys, tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
MTIME = 1700000000


def layer_tar(root, extra=()):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, root)
            if rel_dir != ".":
                info = tarfile.TarInfo(rel_dir + "/")
                info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, MTIME
                tar.addfile(info)
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.normpath(os.path.join(rel_dir, name))
                data = open(path, "rb").read()
                info = tarfile.TarInfo(rel)
                info.size, info.mtime = len(data), MTIME
                info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
                tar.addfile(info, io.BytesIO(data))
        for name, kind, target in extra:
            info = tarfile.TarInfo(name)
            info.mtime = MTIME
            if kind == "symlink":
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, target, 0o777
                tar.addfile(info)
            elif kind == "data":
                info.size, info.mode = len(target), 0o644
                tar.addfile(info, io.BytesIO(target))
            else:
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(b""))
    return buf.getvalue()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "target", "example")
    os.makedirs(out, exist_ok=True)
    # A GitHub personal access token's shape (ghp_ + 36 base62 characters), derived from a seed.
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    digest = hashlib.sha256(b"sekisho example image").digest()
    token = "ghp_" + "".join(alphabet[b % 62] for b in (digest + digest)[:36])
    dotenv = f"APP_PORT=8080\nGITHUB_TOKEN={token}\n".encode()
    layers = [
        layer_tar(os.path.join(HERE, "image", "base"), [("bin", "symlink", "usr/bin")]),
        layer_tar(os.path.join(HERE, "image", "app"),
                  [("etc/.wh.motd", "file", ""), ("srv/app/.env", "data", dotenv)]),
    ]
    history = [
        {"created": "2023-11-14T22:13:20Z",
         "created_by": "/bin/sh -c #(nop) ADD file:" + sha(layers[0])[7:] + " in / "},
        {"created": "2023-11-14T22:13:20Z", "created_by": "COPY app / # buildkit"},
    ]
    config = {
        "architecture": "amd64", "os": "linux", "created": "2023-11-14T22:13:20Z",
        "config": {"WorkingDir": "/srv/app", "Cmd": ["/srv/app/run.sh"],
                   "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Healthcheck": {"Test": ["CMD", "/srv/app/run.sh", "--check"]}},
        "rootfs": {"type": "layers", "diff_ids": [sha(l) for l in layers]},
        "history": history,
    }
    config_bytes = json.dumps(config, indent=2, sort_keys=True).encode()

    # docker-archive
    tar_path = os.path.join(out, "example.docker.tar")
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), MTIME, 0o644
            tar.addfile(info, io.BytesIO(data))
        layer_names = []
        for l in layers:
            name = sha(l)[7:] + "/layer.tar"
            add(name, l)
            layer_names.append(name)
        add(sha(config_bytes)[7:] + ".json", config_bytes)
        manifest = [{"Config": sha(config_bytes)[7:] + ".json",
                     "RepoTags": ["sekisho-example/app:1.0"], "Layers": layer_names}]
        add("manifest.json", json.dumps(manifest).encode())

    # OCI layout with gzip layers
    oci = os.path.join(out, "example.oci")
    blobs = os.path.join(oci, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def blob(data):
        with open(os.path.join(blobs, sha(data)[7:]), "wb") as f:
            f.write(data)
        return sha(data)
    descs = []
    for l in layers:
        gz = gzip.compress(l, mtime=0)
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": blob(gz), "size": len(gz)})
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                      "digest": blob(config_bytes), "size": len(config_bytes)},
           "layers": descs}
    man_bytes = json.dumps(man, indent=2).encode()
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(man_bytes),
        "size": len(man_bytes), "annotations": {"org.opencontainers.image.ref.name": "1.0"},
        "platform": {"os": "linux", "architecture": "amd64"}}]}
    with open(os.path.join(oci, "index.json"), "w") as f:
        json.dump(index, f, indent=2)
    with open(os.path.join(oci, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    # Paths as a person would type them: relative to the working directory when inside it.
    for path in (tar_path, oci):
        rel = os.path.relpath(path)
        print(rel if not rel.startswith("..") else os.path.normpath(os.path.abspath(path)))


if __name__ == "__main__":
    main()
