#!/usr/bin/env bash
# Seeds corpus/read_archive with small archives in every format GNU tar and Python write
# (generated here, not checked in): ustar, gnu, pax, old GNU sparse and PAX sparse 0.0/0.1/1.0,
# long names and links.
set -euo pipefail
cd "$(dirname "$0")"
out="$PWD/corpus/read_archive"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir d
printf 'hello\n' > d/a.txt
ln -s a.txt d/link
ln d/a.txt d/hard
long=$(printf 'n%.0s' $(seq 1 120))
printf 'x' > "d/$long"
python3 -c "
f = open('d/sparse', 'wb'); f.truncate(40000)
for o in (0, 9000, 30000): f.seek(o); f.write(b'S' * 700)
"
for fmt in ustar gnu pax v7; do
  tar -b 1 --format=$fmt -cf "$out/$fmt.tar" d 2>/dev/null || true
done
tar -b 1 --format=gnu --sparse -cf "$out/sparse-gnu.tar" d/sparse
for v in 0.0 0.1 1.0; do
  tar -b 1 --format=posix --sparse --sparse-version=$v -cf "$out/sparse-$v.tar" d/sparse
done
python3 - "$out" <<'PY'
import io, sys, tarfile
out = sys.argv[1]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "g"}) as t:
    ti = tarfile.TarInfo("p" * 150)
    ti.pax_headers = {"comment": "a\nb", "SCHILY.xattr.user.k": "v"}
    ti.size = 3
    t.addfile(ti, io.BytesIO(b"abc"))
open(out + "/pax-newline.tar", "wb").write(buf.getvalue())
PY
