#!/usr/bin/env bash
# Compare two builds of sekisho on the same images: runs interleaved (A, B, A, B, ...) so that
# load from other processes affects both alike; reports median wall time and peak RSS of each
# and the ratio B/A. Used to check that a change does not slow the scan down.
#
#   bash bench/compare.sh BIN_A BIN_B IMAGE...          (RUNS=5 by default, after 1 warm-up)
#
# Each run is `BIN image IMAGE --format json` (inventory + config + secret audit, the default
# scanners), output discarded. ARGS="..." replaces `image --format json` (e.g.
# ARGS="sbom --format json"). Wall time in ms from bash's $EPOCHREALTIME around the run, peak RSS
# from `/usr/bin/time -f '%M'`.
set -euo pipefail
# Cold scans: every run reads every layer (the layer cache is measured in bench/registry.sh).
export SEKISHO_NO_CACHE=1
A=$1; B=$2; shift 2
RUNS=${RUNS:-5}
ARGS=${ARGS:-"image --format json"}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {m=(NR+1)/2; if (NR%2) print a[m]; else print (a[NR/2]+a[NR/2+1])/2}'; }
one() { # bin image -> "seconds kb"
  local start=$EPOCHREALTIME
  # shellcheck disable=SC2086 # ARGS is a command line
  /usr/bin/time -f '%M' -o /tmp/compare.$$ "$1" $ARGS "$2" > /dev/null 2>&1 || true
  echo "$(echo "$EPOCHREALTIME - $start" | bc -l) $(tail -1 /tmp/compare.$$)"
}
echo "| image | A time | B time | B/A time | A RSS | B RSS |"
echo "|---|---|---|---|---|---|"
for img in "$@"; do
  one "$A" "$img" > /dev/null; one "$B" "$img" > /dev/null
  : > /tmp/compare.a.$$; : > /tmp/compare.b.$$
  for _ in $(seq "$RUNS"); do
    one "$A" "$img" >> /tmp/compare.a.$$
    one "$B" "$img" >> /tmp/compare.b.$$
  done
  ta=$(cut -d' ' -f1 /tmp/compare.a.$$ | median); tb=$(cut -d' ' -f1 /tmp/compare.b.$$ | median)
  ra=$(cut -d' ' -f2 /tmp/compare.a.$$ | median); rb=$(cut -d' ' -f2 /tmp/compare.b.$$ | median)
  ratio=$(echo "scale=3; $tb / $ta" | bc -l)
  echo "| $(basename "$img") | $(printf %.3f "$ta") s | $(printf %.3f "$tb") s | ${ratio} | $((ra / 1024)) MB | $((rb / 1024)) MB |"
done
rm -f /tmp/compare.$$ /tmp/compare.a.$$ /tmp/compare.b.$$
