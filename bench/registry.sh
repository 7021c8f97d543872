#!/usr/bin/env bash
# Benchmark pulling images by reference: sekisho vs Syft 1.18.1 pulling the same references
# from the same local registry (issue 17: pull + scan at least 3x faster).
#
#   bash bench/registry.sh      (from anywhere; needs docker-registry and skopeo: installed with
#                                apt when missing)
#
# Steps: build sekisho (cargo build --release -p sekisho; SEKISHO_BIN=PATH uses that binary
# instead), install syft when .peers/bin/syft is missing (../shared/peers/install.sh), start
# Debian's docker-registry (CNCF distribution) on 127.0.0.1 with its storage in
# bench/out/registry (gitignored; removed at the end), push with skopeo:
#   debian-app:1.0   ../shared/data/images/built/debian-app.oci
#   large:1.0        $LARGE (default bench/out/large/large.oci, made by bench/build_large_image.sh;
#                    skipped when missing)
# then, each 1 warm-up + $RUNS timed runs, median wall time and median peak RSS
# (`/usr/bin/time -f '%e %M'`, the wall time in ms from bash's $EPOCHREALTIME):
#   sekisho sbom 127.0.0.1:PORT/NAME:1.0 --format json
#   syft registry:127.0.0.1:PORT/NAME:1.0 -o syft-json      (SYFT_REGISTRY_INSECURE_USE_HTTP=true)
# Both read the manifest, the config and every layer over HTTP each run (sekisho streams the
# layers into its one-pass scan; syft downloads them to a temporary directory, then catalogues).
# Packages = sekisho's packages[] / syft's artifacts[] in the warm-up run's output
# (bench/out/registry-results/). Target: syft/sekisho wall time >= 3x on every image.
# Results: bench/results/registry.md.
#
# The layer cache (issue 17: a warm-cache re-scan of an image with one changed layer costs about
# that layer alone), when $LARGE exists: `python3 bench/make_changed_layer.py $LARGE bench/out/cache`
# makes changed.oci ($LARGE with its top layer replaced by a changed copy) and alone.oci (that
# layer alone); both are pushed, and measured with `sekisho sbom REF --format json`:
#   cold     changed:1.0 with --no-cache (every layer pulled and read)
#   warm     changed:1.0 with a cache that holds large:1.0's layers (copied fresh before each run,
#            so every run finds the base layers cached and the changed layer not)
#   alone    alone:1.0 with --no-cache (the changed layer's own cost)
#
# Knobs: RUNS=5, TIMEOUT=900, LARGE=PATH, SEKISHO_BIN=PATH, NOTE="text" (e.g. other load).
set -euo pipefail
cd "$(dirname "$0")/.."
# Every run pulls and reads every layer, except the warm-cache rows, which name their cache.
export SEKISHO_NO_CACHE=1
REPO=$(pwd)
RUNS=${RUNS:-5}
TIMEOUT=${TIMEOUT:-900}
LARGE=${LARGE:-bench/out/large/large.oci}
OUT=bench/out
ROUT=$OUT/registry-results
STORE=$OUT/registry
SHARED=../shared/data/images/built
mkdir -p "$ROUT"
log() { echo "$(date +%H:%M:%S) $*" >&2; }

# ---- tools
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }
if ! command -v skopeo > /dev/null || [ ! -x /usr/bin/docker-registry ]; then
  apt-get update -qq && apt-get install -y -qq docker-registry skopeo > /dev/null
fi
if [ -n "${SEKISHO_BIN:-}" ]; then
  BIN=$SEKISHO_BIN
else
  cargo build --release -p sekisho >&2
  BIN=target/release/sekisho
fi
[ -x .peers/bin/syft ] || PEERS_DIR="$REPO/.peers" bash ../shared/peers/install.sh >&2
SYFT=.peers/bin/syft
export SYFT_CHECK_FOR_APP_UPDATE=false SYFT_REGISTRY_INSECURE_USE_HTTP=true

# ---- the registry
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -rf "$STORE"; mkdir -p "$STORE"
cat > "$STORE/config.yml" << EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REPO/$STORE/data
http:
  addr: 127.0.0.1:$PORT
EOF
/usr/bin/docker-registry serve "$STORE/config.yml" > "$STORE/log" 2>&1 &
REG_PID=$!
trap 'kill $REG_PID 2> /dev/null || true; wait $REG_PID 2> /dev/null || true; rm -rf "$STORE"' EXIT
for _ in $(seq 100); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null && break; sleep 0.1; done
HOST=127.0.0.1:$PORT
IMAGES=("debian-app=$SHARED/debian-app.oci")
[ -e "$LARGE" ] && IMAGES+=("large=$LARGE")
CACHED=()
if [ -e "$LARGE" ]; then
  [ -e $OUT/cache/alone.oci/index.json ] || python3 bench/make_changed_layer.py "$LARGE" $OUT/cache >&2
  CACHED=("changed=$OUT/cache/changed.oci" "alone=$OUT/cache/alone.oci")
fi
for pair in "${IMAGES[@]}" "${CACHED[@]}"; do
  name=${pair%%=*}; src=${pair#*=}
  log "push $src as $HOST/$name:1.0"
  skopeo copy --quiet --dest-tls-verify=false "oci:$src" "docker://$HOST/$name:1.0"
done

# ---- measuring
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# measure NAME TOOL CMD...: warm-up (output kept in $ROUT/NAME.TOOL.json), then $RUNS timed runs.
# Sets M_T (median s), M_R (median peak RSS KB) and M_ST (ok, timeout, exit N).
measure() {
  local name=$1 tool=$2; shift 2
  local out="$ROUT/$name.$tool.json" tf="$ROUT/time.txt" rc t0 t1 times=() rss=()
  M_T=""; M_R=""; M_ST=ok
  log "$name $tool: warm-up (load $(cut -d' ' -f1-3 /proc/loadavg))"
  set +e
  timeout "$TIMEOUT" "$@" > "$out" 2> "$ROUT/$name.$tool.stderr"
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    if [ $rc -eq 124 ]; then M_ST=timeout; else M_ST="exit $rc"; fi
    log "  $M_ST: $(head -c 400 "$ROUT/$name.$tool.stderr")"
    return 0
  fi
  for _ in $(seq "$RUNS"); do
    set +e
    t0=$EPOCHREALTIME
    /usr/bin/time -o "$tf" -f '%e %M' timeout "$TIMEOUT" "$@" > /dev/null 2>&1
    rc=$?
    t1=$EPOCHREALTIME
    set -e
    if [ $rc -ne 0 ]; then
      if [ $rc -eq 124 ]; then M_ST=timeout; else M_ST="exit $rc"; fi
      log "  timed run: $M_ST"
      return 0
    fi
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')")
    rss+=("$(tail -1 "$tf" | awk '{print $2}')")
  done
  M_T=$(printf '%s\n' "${times[@]}" | median)
  M_R=$(printf '%s\n' "${rss[@]}" | median)
  log "  median ${M_T} s, ${M_R} KB"
}
count() { python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1])).get(sys.argv[2]) or []))' "$1" "$2"; }
fmt_t() { if [ "$2" = ok ]; then awk -v t="$1" 'BEGIN{printf (t < 1 ? "%.3f s" : "%.2f s"), t}'; else echo "$2"; fi; }
fmt_r() { if [ "$2" = ok ]; then awk -v r="$1" 'BEGIN{printf "%d MB", r / 1024}'; else echo "-"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a > 0 && b > 0) printf "%.1fx", b / a; else printf "-" }'; }
blob_mb() { du -sm "$1/blobs" | cut -f1; }

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
START_DATE=$(date -u +%Y-%m-%d); START_TIME=$(date -u +%H:%M)
ROWS=(); CHECKS=(); CMDS=()
for pair in "${IMAGES[@]}"; do
  name=${pair%%=*}; src=${pair#*=}
  ref=$HOST/$name:1.0
  measure "$name" sekisho "$BIN" sbom "$ref" --format json; st=$M_T; sr=$M_R; sst=$M_ST
  measure "$name" syft "$SYFT" "registry:$ref" -o syft-json; yt=$M_T; yr=$M_R; yst=$M_ST
  sc=-; yc=-
  [ "$sst" = ok ] && sc=$(count "$ROUT/$name.sekisho.json" packages)
  [ "$yst" = ok ] && yc=$(count "$ROUT/$name.syft.json" artifacts)
  tr=-; rr=-; pass=FAIL
  if [ "$sst" = ok ] && [ "$yst" = ok ]; then
    tr=$(ratio "$st" "$yt"); rr=$(ratio "$sr" "$yr")
    pass=$(awk -v a="$st" -v b="$yt" 'BEGIN{print (b >= 3 * a ? "PASS" : "FAIL")}')
  fi
  CHECKS+=("$pass: $name: syft/sekisho wall time $tr (target >= 3x)")
  ROWS+=("| $name | $(blob_mb "$src") MB | $sc / $yc | $(fmt_t "$st" "$sst") | $(fmt_r "$sr" "$sst") | $(fmt_t "$yt" "$yst") | $(fmt_r "$yr" "$yst") | $tr | $rr | $pass |")
  CMDS+=("- $name: \`$BIN sbom $ref --format json\` vs \`$SYFT registry:$ref -o syft-json\`")
done
[ -e "$LARGE" ] || CHECKS+=("(large: $LARGE missing, not measured; bash bench/build_large_image.sh makes it)")

# ---- the layer cache
CACHE_ROWS=()
if [ -e "$LARGE" ]; then
  BASE_CACHE=$OUT/cache/base-cache; RUN_CACHE=$OUT/cache/run-cache
  rm -rf "$BASE_CACHE"
  env -u SEKISHO_NO_CACHE "$BIN" sbom "$HOST/large:1.0" --format json --cache-dir "$BASE_CACHE" > /dev/null
  # A fresh copy of the base cache before each run (the run itself writes the changed layer).
  fresh_cache() { rm -rf "$RUN_CACHE"; cp -r "$BASE_CACHE" "$RUN_CACHE"; exec env -u SEKISHO_NO_CACHE "$@" --cache-dir "$RUN_CACHE"; }
  export -f fresh_cache; export BASE_CACHE RUN_CACHE
  measure changed cold "$BIN" sbom "$HOST/changed:1.0" --format json; ct=$M_T; cr=$M_R
  measure changed warm bash -c 'fresh_cache "$@"' _ "$BIN" sbom "$HOST/changed:1.0" --format json; wt=$M_T; wr=$M_R
  measure alone cold "$BIN" sbom "$HOST/alone:1.0" --format json; at=$M_T; ar=$M_R
  cmp -s "$ROUT/changed.cold.json" "$ROUT/changed.warm.json" && same=identical || same=DIFFERENT
  CACHE_ROWS+=("| changed:1.0, no cache (4 layers pulled and read) | $(fmt_t "$ct" ok) | $(fmt_r "$cr" ok) |")
  CACHE_ROWS+=("| changed:1.0, base layers cached (1 layer pulled and read) | $(fmt_t "$wt" ok) | $(fmt_r "$wr" ok) |")
  CACHE_ROWS+=("| alone:1.0, the changed layer alone, no cache | $(fmt_t "$at" ok) | $(fmt_r "$ar" ok) |")
  CHECKS+=("warm re-scan / changed layer alone: $(awk -v a="$wt" -v b="$at" 'BEGIN{printf "%.2f", a / b}') (about 1 wanted); cold / warm: $(ratio "$wt" "$ct"); warm and cold reports: $same")
  rm -rf "$BASE_CACHE" "$RUN_CACHE"
fi

SYFT_VERSION=$("$SYFT" version 2>/dev/null | awk '/^Version:/{print $2}')
SEKISHO_REV=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null || echo "+dirty")
{
  echo "# Pull + scan by reference: sekisho vs Syft $SYFT_VERSION from the same local registry"
  echo
  echo "Generated by \`bash bench/registry.sh\` (RUNS=$RUNS) on $START_DATE at $START_TIME UTC, sekisho $SEKISHO_REV;"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM;"
  echo "load average at start: $START_LOAD, at end: $(cut -d' ' -f1-3 /proc/loadavg). Median of $RUNS runs after a warm-up."
  [ -n "${NOTE:-}" ] && { echo; echo "Note: $NOTE"; }
  echo
  echo "Registry: Debian's docker-registry (CNCF distribution $(/usr/bin/docker-registry --version | awk '{print $3}')) on 127.0.0.1, plain HTTP,"
  echo "images pushed with skopeo from their OCI layouts (the layers as they are, gzip). Every run pulls the"
  echo "manifest, config and all layers over HTTP: neither tool keeps a layer cache between runs here."
  echo "Sources: $(printf '%s ' "${IMAGES[@]}" | sed 's/ $//; s/ /, /g')."
  echo
  echo "| image | blobs | packages sekisho / syft | sekisho | sekisho RSS | syft | syft RSS | time ratio | RSS ratio | >= 3x |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  printf '%s\n' "${CHECKS[@]}" | sed 's/^/    /'
  echo
  if [ ${#CACHE_ROWS[@]} -gt 0 ]; then
    echo "## The layer cache: a re-scan with one changed layer"
    echo
    echo "changed:1.0 is large:1.0 with its top layer replaced by a changed copy ($(blob_mb $OUT/cache/alone.oci) MB of blobs;"
    echo "\`bench/make_changed_layer.py\`); the cache of the warm row holds large:1.0's layers, copied fresh before each run."
    echo
    echo "| scan | time | peak RSS |"
    echo "|---|---|---|"
    printf '%s\n' "${CACHE_ROWS[@]}"
    echo
  fi
  echo "Commands:"
  printf '%s\n' "${CMDS[@]}"
  [ ${#CACHE_ROWS[@]} -gt 0 ] && echo "- cache: \`$BIN sbom $HOST/large:1.0 --format json --cache-dir BASE\` once, then per run \`cp -r BASE RUN; $BIN sbom $HOST/changed:1.0 --format json --cache-dir RUN\`; cold rows with \`SEKISHO_NO_CACHE=1\`"
  echo
  echo "Syft ran with SYFT_REGISTRY_INSECURE_USE_HTTP=true and SYFT_CHECK_FOR_APP_UPDATE=false; the"
  echo "package counts differ as in bench/results/lang.md (each tool's catalogers)."
} > bench/results/registry.md
cat bench/results/registry.md
