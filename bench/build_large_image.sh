#!/usr/bin/env bash
# Build the large benchmark image: real Debian 12 packages installed with real dpkg, 4 layers.
#
#   bash bench/build_large_image.sh            (from the repository root; needs root and apt)
#
# Output (under bench/out/large/, gitignored):
#   large.docker.tar   uncompressed `docker save` archive (what syft's docker-archive: reads)
#   large.oci/         OCI image layout, gzip layer blobs, tag 1.0
#   packages.tsv       dpkg-query of the final root: the ground truth package list
#   stages/sN/         the root filesystems after each stage, layers/N.tar(.gz)
#
# Stages (each an image layer; dependencies resolved by bench/lib/resolve_deps.py from
# `apt-cache depends --recurse`, Depends + Pre-Depends only, like --no-install-recommends):
#   0  base: Debian's Priority: required set + apt + less, like debootstrap --variant=minbase
#   1  perl python3 git curl ca-certificates openssl
#   2  ffmpeg imagemagick
#   3  postgresql-15 nginx redis-server vim-nox and a set of tools and python3 libraries
# Packages are installed by ../shared/data/images/tools/dpkg_stage.sh (dpkg --unpack, then
# dpkg --configure -a with maintainer scripts run in a chroot; docs, man pages and locales
# path-excluded as in Debian's slim images). Services are kept from starting by a
# policy-rc.d that exists only while a stage runs. Idempotent: every step whose output
# exists is skipped (delete bench/out/large to rebuild everything).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
DPKG_STAGE="$REPO/../shared/data/images/tools/dpkg_stage.sh"
OUT="$REPO/bench/out/large"
LIB="$REPO/bench/lib"
mkdir -p "$OUT/debs" "$OUT/stages" "$OUT/layers" "$OUT/lists"
log() { echo "$(date +%H:%M:%S) $*"; }

STAGE0="apt base-files base-passwd bash bsdutils coreutils dash debconf debianutils diffutils dpkg
e2fsprogs findutils grep gzip hostname init-system-helpers libc-bin libpam-modules libpam-modules-bin
libpam-runtime login mawk mount ncurses-base ncurses-bin passwd perl-base sed sysvinit-utils tar tzdata
util-linux less"
STAGE1="perl python3 git curl ca-certificates openssl"
STAGE2="ffmpeg imagemagick"
STAGE3="postgresql-15 nginx redis-server vim-nox sqlite3 jq rsync openssh-client zstd unzip
xz-utils file procps iproute2 iputils-ping tzdata python3-numpy python3-yaml python3-requests
python3-lxml python3-pil python3-cryptography python3-jinja2 python3-psycopg2 strace lsof graphviz gnupg"
STAGES=("$STAGE0" "$STAGE1" "$STAGE2" "$STAGE3")
HIST=(
  "/bin/sh -c #(nop) ADD file:debian-12-minbase-rootfs.tar in / "
  "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ${STAGE1//$'\n'/ } # buildkit"
  "RUN /bin/sh -c apt-get install -y --no-install-recommends ${STAGE2//$'\n'/ } # buildkit"
  "RUN /bin/sh -c apt-get install -y --no-install-recommends ${STAGE3//$'\n'/ } # buildkit"
)

# ---- 1. package lists and downloads
if [ ! -e "$OUT/lists/all.txt" ]; then
  log "apt-get update"
  apt-get update -qq
  : > "$OUT/lists/installed.txt"
  for i in 0 1 2 3; do
    # shellcheck disable=SC2086
    python3 "$LIB/resolve_deps.py" --exclude "$OUT/lists/installed.txt" ${STAGES[$i]} > "$OUT/lists/stage$i.txt"
    sort -u "$OUT/lists/installed.txt" "$OUT/lists/stage$i.txt" -o "$OUT/lists/installed.txt"
    log "stage $i: $(wc -l < "$OUT/lists/stage$i.txt") packages"
  done
  cp "$OUT/lists/installed.txt" "$OUT/lists/all.txt"
fi
log "packages to install: $(wc -l < "$OUT/lists/all.txt")"
missing=()
while read -r p; do
  compgen -G "$OUT/debs/${p}_*.deb" > /dev/null || missing+=("$p")
done < "$OUT/lists/all.txt"
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get download ${#missing[@]} packages"
  (cd "$OUT/debs" && apt-get download -q "${missing[@]}" > /dev/null)
fi
log "debs: $(ls "$OUT/debs" | wc -l) files, $(du -sh "$OUT/debs" | cut -f1)"

# ---- 2. stages (real dpkg)
prepare_root() {  # what a container runtime provides while RUN steps execute
  local r=$1
  mkdir -p "$r/dev" "$r/usr/sbin" "$r/tmp"
  chmod 1777 "$r/tmp"
  for n in "null c 1 3" "zero c 1 5" "full c 1 7" "random c 1 8" "urandom c 1 9" "tty c 5 0"; do
    set -- $n
    [ -e "$r/dev/$1" ] || mknod -m 666 "$r/dev/$1" "$2" "$3" "$4"
  done
  printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
  chmod 755 "$r/usr/sbin/policy-rc.d"
}
cleanup_root() {
  local r=$1
  rm -f "$r/dev/null" "$r/dev/zero" "$r/dev/full" "$r/dev/random" "$r/dev/urandom" "$r/dev/tty"
  rm -f "$r/usr/sbin/policy-rc.d"
  rm -rf "$r/tmp/"* "$r/var/cache/debconf/"*-old "$r/var/lib/dpkg/"*-old
}
for i in 0 1 2 3; do
  S="$OUT/stages/s$i"
  [ -e "$OUT/stages/s$i.done" ] && continue
  rm -rf "$S" "$S.tmp"
  if [ "$i" -eq 0 ]; then
    mkdir -p "$S.tmp"; mode=bootstrap
  else
    cp -a "$OUT/stages/s$((i - 1))" "$S.tmp"; mode=add
  fi
  prepare_root "$S.tmp"
  log "stage $i: dpkg $mode $(wc -l < "$OUT/lists/stage$i.txt") packages"
  # shellcheck disable=SC2046
  bash "$DPKG_STAGE" "$S.tmp" "$mode" "$OUT/debs" $(cat "$OUT/lists/stage$i.txt") > "$OUT/stages/s$i.log" 2>&1 || true
  # dpkg --unpack of a whole stage at once runs some preinst scripts before the tools they
  # need are configured (apt would order them): install what failed once more, as apt would
  for try in 1 2; do
    bad=$(comm -23 "$OUT/lists/stage$i.txt" <(dpkg-query --admindir="$S.tmp/var/lib/dpkg" -W \
      -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 == "ii" {print $2}' | sort))
    [ -z "$bad" ] && break
    log "stage $i: retry $try: $(echo $bad)"
    # shellcheck disable=SC2086
    bash "$DPKG_STAGE" "$S.tmp" add "$OUT/debs" $bad >> "$OUT/stages/s$i.log" 2>&1 || true
  done
  grep -E 'rc=|^[a-zA-Z][a-zA-Z] ' "$OUT/stages/s$i.log" | tail -5 || true
  cleanup_root "$S.tmp"
  mv "$S.tmp" "$S"
  touch "$OUT/stages/s$i.done"
done
dpkg-query --admindir="$OUT/stages/s3/var/lib/dpkg" -W \
  -f='${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\t${db:Status-Abbrev}\n' \
  | LC_ALL=C sort > "$OUT/packages.tsv"
log "installed in the final root: $(wc -l < "$OUT/packages.tsv") packages," \
  "$(awk -F'\t' '$6 !~ /^ii/' "$OUT/packages.tsv" | wc -l) not fully configured"

# ---- 3. layers and image
python3 "$LIB/rootfs_layers.py" layer - "$OUT/stages/s0" "$OUT/layers/0.tar"
for i in 1 2 3; do
  python3 "$LIB/rootfs_layers.py" layer "$OUT/stages/s$((i - 1))" "$OUT/stages/s$i" "$OUT/layers/$i.tar"
done
python3 - "$OUT/history.json" "${HIST[@]}" <<'EOF'
import json, sys
hist = [{"created_by": h} for h in sys.argv[2:]] + [{"created_by": 'CMD ["bash"]', "empty_layer": True}]
cfg = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["bash"]}
json.dump({"config": cfg, "history": hist}, open(sys.argv[1], "w"), indent=1)
EOF
python3 "$LIB/rootfs_layers.py" assemble large "$OUT" "$OUT/history.json" \
  "$OUT/layers/0.tar" "$OUT/layers/1.tar" "$OUT/layers/2.tar" "$OUT/layers/3.tar"
ls -la "$OUT/large.docker.tar"; du -sh "$OUT/large.oci"
