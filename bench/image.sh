#!/usr/bin/env bash
# Benchmark `sekisho image` against syft (and the gzip floor) on real and generated images.
#
#   bash bench/image.sh                  (from anywhere; needs root for the image builds)
#
# Steps: build sekisho (cargo build --release -p sekisho), install syft
# (../shared/peers/install.sh into .peers/), build the large image (bench/build_large_image.sh)
# and the many-files images (bench/gen_many_files.py), then for every image 1 warm-up + $RUNS
# timed runs of each tool, wall time and peak RSS (`/usr/bin/time -f '%e %M %U %S'`).
# Results: bench/out/results/raw.tsv (every run), bench/results/image.md (medians and ratios).
#
# Knobs (environment):
#   RUNS=5                timed runs after the warm-up
#   SYFT_TIMEOUT=600      seconds; a syft run that takes longer is recorded as "timeout"
#   SYFT_SLOW=30          on many-files images, once a syft run took longer than this, the
#                         larger sizes get a single timed run without warm-up (none after a timeout)
#   FILES_NS="250000 500000 1000000"   sizes of the many-files images
#   ONLY="regex"          measure only the images whose name matches (keeps earlier raw rows)
#   DEADLINE=HH:MM        UTC; runs that would start after it are recorded as "not run" (budget)
#   SEKISHO_SRC=HEAD      build the committed HEAD (git archive into bench/out) instead of the work tree;
#   SEKISHO_REF=COMMIT    with SEKISHO_SRC=HEAD: build this commit instead of HEAD
#   NOTE="text"           free text for the results file (e.g. other load on the machine)
set -euo pipefail
# Cold scans: every run reads every layer (the layer cache is measured in bench/registry.sh).
export SEKISHO_NO_CACHE=1
cd "$(dirname "$0")/.."
REPO=$(pwd)
RUNS=${RUNS:-5}
SYFT_TIMEOUT=${SYFT_TIMEOUT:-600}
SYFT_SLOW=${SYFT_SLOW:-30}
FILES_NS=${FILES_NS:-"250000 500000 1000000"}
ONLY=${ONLY:-.}
OUT="$REPO/bench/out"
RES="$OUT/results"
SHARED="$REPO/../shared/data/images"
mkdir -p "$RES/outputs"
log() { echo "$(date +%H:%M:%S) $*" >&2; }

# ---- tools
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }
if [ "${SEKISHO_SRC:-worktree}" = HEAD ]; then
  # the committed HEAD, exported with `git archive` (read-only for the repository) and built
  # with its own target dir: measures exactly one commit while the work tree changes
  REF=${SEKISHO_REF:-HEAD}
  export SEKISHO_REV="$(git rev-parse --short "$REF") (clean export of the commit)"
  rm -rf "$OUT/sekisho-src" && mkdir -p "$OUT/sekisho-src"
  git archive "$REF" | tar -x -C "$OUT/sekisho-src"
  CARGO_TARGET_DIR="$OUT/target-head" cargo build --release -p sekisho --manifest-path "$OUT/sekisho-src/Cargo.toml"
  SEKISHO="$OUT/target-head/release/sekisho"
else
  cargo build --release -p sekisho
  SEKISHO="$REPO/target/release/sekisho"
fi
PEERS_DIR="$REPO/.peers" bash "$REPO/../shared/peers/install.sh" > /dev/null
SYFT="$REPO/.peers/bin/syft"
export SYFT_CHECK_FOR_APP_UPDATE=false

# ---- images
bash "$REPO/bench/build_large_image.sh" >&2
for n in $FILES_NS; do
  python3 "$REPO/bench/gen_many_files.py" "$n" "$OUT/files/files-$((n / 1000))k" >&2
done
for x in bad-practices:built/bad-practices.docker.tar.gz alpine-310:trivy/alpine-310.tar.gz; do
  name=${x%%:*}; src=$SHARED/${x#*:}
  [ -s "$OUT/shared/$name.docker.tar" ] || { mkdir -p "$OUT/shared"; gzip -dc "$src" > "$OUT/shared/$name.docker.tar"; }
done
LARGE_BLOBS=$(python3 -c '
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
m = json.load(open(d + "/blobs/sha256/" + idx["manifests"][0]["digest"].split(":")[1]))
print(" ".join(d + "/blobs/sha256/" + l["digest"].split(":")[1] for l in m["layers"]))' "$OUT/large/large.oci")

# ---- measuring
RAW="$RES/raw.tsv"
[ -e "$RAW" ] || printf 'image\ttool\trun\twall_s\tmaxrss_kb\tstatus\tcommand\tcpu_user_sys_s\n' > "$RAW"
# run IMAGE TOOL RUN TIMEOUT CMD...: one run, output to $RES/outputs/IMAGE.TOOL.out (warm-up) or /dev/null
run() {
  local image=$1 tool=$2 r=$3 to=$4; shift 4
  local tf="$RES/time.txt" dest=/dev/null st=ok
  if [ -n "${DEADLINE:-}" ] && [[ "$(date -u +%H:%M)" > "$DEADLINE" || "$(date -u +%H:%M)" == "$DEADLINE" ]]; then
    printf '%s\t%s\t%s\t\t\tnot-run\t%s\n' "$image" "$tool" "$r" "$*" >> "$RAW"
    log "$image $tool $r: not run (DEADLINE $DEADLINE)"
    LAST_WALL=0; LAST_STATUS=not-run
    return 0
  fi
  [ "$r" = warmup ] && [[ $tool =~ ^(sekisho|syft)$ ]] && dest="$RES/outputs/$image.$tool.out"
  echo "$(date -u +%H:%M:%S) $image $tool $r load $(cut -d' ' -f1-3 /proc/loadavg) other-compilers $(ps -eo comm= | grep -cxE 'rustc|cc1|cc1plus|ld|cargo|clippy-driver|cc' || true)" >> "$RES/load.txt"
  set +e
  local t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %M %U %S' -o "$tf" timeout "$to" "$@" > "$dest" 2> "$RES/stderr.txt"
  local rc=$? t1=$EPOCHREALTIME
  set -e
  if [ $rc -eq 124 ]; then st=timeout; elif [ $rc -ne 0 ]; then st="exit$rc"; fi
  # wall time in ms from bash's clock around /usr/bin/time (its %e has 10 ms steps); RSS from %M
  local t; t="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}') $(tail -1 "$tf" | awk '{print $2}')"
  local cpu; cpu=$(tail -1 "$tf" | awk '{printf "%.2f", $3 + $4}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$image" "$tool" "$r" "${t% *}" "${t#* }" "$st" "$*" "$cpu" >> "$RAW"
  log "$image $tool $r: ${t% *} s, ${t#* } KB, cpu $cpu s, $st"
  if [ "$st" != ok ]; then
    log "  stderr: $(head -c 600 "$RES/stderr.txt")"
    cp "$RES/stderr.txt" "$RES/outputs/$image.$tool.$r.stderr"
  fi
  LAST_WALL=${t% *}; LAST_STATUS=$st
}
# bench IMAGE TOOL MAXRUNS CMD...: warm-up + MAXRUNS timed runs
bench() {
  local image=$1 tool=$2 n=$3; shift 3
  [[ $image =~ $ONLY ]] || return 0
  # drop this image+tool's earlier rows, so a re-run replaces them
  awk -F'\t' -v i="$image" -v t="$tool" '!($1 == i && $2 == t)' "$RAW" > "$RAW.tmp" && mv "$RAW.tmp" "$RAW"
  local to=$SYFT_TIMEOUT
  run "$image" "$tool" warmup "$to" "$@"
  [ "$LAST_STATUS" = ok ] || return 0
  for r in $(seq 1 "$n"); do run "$image" "$tool" "$r" "$to" "$@"; done
}
sek() { bench "$1" sekisho "$RUNS" "$SEKISHO" image "$2" --format json; }
syf() { bench "$1" syft "${3:-$RUNS}" "$SYFT" "$2" -o syft-json; }

report() {
  python3 "$REPO/bench/lib/report.py" "$RAW" "$RES/outputs" "$REPO/bench/results/image.md" \
    "$SEKISHO" "$SYFT" "$OUT" "${NOTE:-}"
}
L="$OUT/large"
# Since the audit was wired in (a3f80cc), `sekisho image` runs the config and secret scanners by
# default; `--scanners vuln` (vulnerabilities are not handled by sekisho image) leaves only the OS
# and package inventory: measured as tool "sekisho-pkgs".
sekp() { bench "$1" sekisho-pkgs "$RUNS" "$SEKISHO" image "$2" --format json --scanners vuln; }
# most important first; the report is rewritten after each block
bench large gzip-floor "$RUNS" sh -c "for b in $LARGE_BLOBS; do gzip -dc \"\$b\"; done"
sek large.oci "$L/large.oci";                syf large.oci "oci-dir:$L/large.oci"
report
sek debian-mini "$SHARED/built/debian-mini.oci";   syf debian-mini "oci-dir:$SHARED/built/debian-mini.oci"
sek debian-app "$SHARED/built/debian-app.oci";     syf debian-app "oci-dir:$SHARED/built/debian-app.oci"
sek bad-practices "$OUT/shared/bad-practices.docker.tar"; syf bad-practices "docker-archive:$OUT/shared/bad-practices.docker.tar"
sek alpine-310 "$OUT/shared/alpine-310.docker.tar";       syf alpine-310 "docker-archive:$OUT/shared/alpine-310.docker.tar"
report
for n in $FILES_NS; do
  f="$OUT/files/files-$((n / 1000))k"; k="files-$((n / 1000))k"
  sek "$k.oci" "$f.oci"
  sek "$k.docker" "$f.docker.tar"
  sekp "$k.oci" "$f.oci"
done
report
sek large.docker "$L/large.docker.tar";      syf large.docker "docker-archive:$L/large.docker.tar"
sekp large.oci "$L/large.oci"
sekp large.docker "$L/large.docker.tar"
report
# syft on the many-files images is slow: after a size whose warm-up took more than SYFT_SLOW
# seconds, the next sizes get one timed run and no warm-up (syft and the page cache are warm:
# the image files are read once before); after a timeout, larger sizes are not run.
syft_dead=0; syft_slow=0
for n in $FILES_NS; do
  f="$OUT/files/files-$((n / 1000))k"; k="files-$((n / 1000))k"
  [[ $k.oci =~ $ONLY ]] || continue
  awk -F'\t' -v i="$k.oci" '!($1 == i && $2 == "syft")' "$RAW" > "$RAW.tmp" && mv "$RAW.tmp" "$RAW"
  if [ $syft_dead -eq 1 ]; then
    printf '%s\tsyft\twarmup\t\t\tskipped\t(syft timed out on a smaller image)\n' "$k.oci" >> "$RAW"
    continue
  fi
  cat "$f.oci"/blobs/sha256/* > /dev/null
  if [ $syft_slow -eq 0 ]; then
    run "$k.oci" syft warmup "$SYFT_TIMEOUT" "$SYFT" "oci-dir:$f.oci" -o syft-json
    if [ "$LAST_STATUS" = timeout ]; then syft_dead=1; continue; fi
    [ "$LAST_STATUS" = ok ] || continue
    awk -v w="$LAST_WALL" -v s="$SYFT_SLOW" 'BEGIN{exit !(w > s)}' && syft_slow=1
  fi
  reps=$RUNS; [ $syft_slow -eq 1 ] && reps=1
  for r in $(seq 1 $reps); do
    run "$k.oci" syft "$r" "$SYFT_TIMEOUT" "$SYFT" "oci-dir:$f.oci" -o syft-json
    [ "$LAST_STATUS" = timeout ] && syft_dead=1
    awk -v w="$LAST_WALL" -v s="$SYFT_SLOW" 'BEGIN{exit !(w > s)}' && syft_slow=1
  done
  report
done
for n in $FILES_NS; do
  f="$OUT/files/files-$((n / 1000))k"; k="files-$((n / 1000))k"
  bench "$k.oci" sekisho-files "$RUNS" "$SEKISHO" files "$f.oci"
done
report
log "wrote bench/results/image.md"
