#!/usr/bin/env bash
# Benchmark language-package cataloguing: sekisho vs Syft 1.18.1 with its default catalogers.
#
#   bash bench/lang.sh          (from anywhere; needs root and apt when the large image is missing)
#
# Steps: build sekisho (cargo build --release -p sekisho; SEKISHO_BIN=PATH uses that binary
# instead), install syft when .peers/bin/syft is missing (../shared/peers/install.sh, a venv in
# .peers/), make the inputs that are missing (all under bench/out, gitignored):
#   bench/out/large/large.oci            bench/build_large_image.sh: real Debian 12, 461 packages,
#                                        python3 libraries in dist-packages
#   bench/out/jars.oci, jars.expected    bench/gen_jars.py 500: a ~500 MB jar-heavy layer (about
#                                        1850 archives, Spring Boot fat jars, a war); .expected holds
#                                        the number of pom.properties, nested ones included
#   bench/out/lock20k/                   bench/gen_package_lock.py 20000: package-lock.json v3
#   bench/out/files/files-1000k.oci      bench/gen_many_files.py 1000000 (the image bench/image.sh uses)
# and uses ../shared/data/images/built/debian-app.oci (npm, python, java, go, rust, php, ruby).
# Then, each 1 warm-up + $RUNS timed runs, median wall time and median peak RSS
# (`/usr/bin/time -f '%e %M'`; the wall time is taken in ms with bash's $EPOCHREALTIME around
# it, as bench/image.sh does, because %e has 10 ms steps and debian-app takes about 0.1 s):
#   images (debian-app, large.oci, jars.oci):
#     sekisho sbom IMAGE --format json                 vs  syft oci-dir:IMAGE -o syft-json
#   lockfile (lock20k):
#     sekisho fs DIR --format json --scanners secret   vs  syft dir:DIR -o syft-json
#   1M files: sekisho image bench/out/files/files-1000k.oci --format json   (peak RSS)
# Language packages = sekisho's packages[] / syft's artifacts[] whose type is not apk, deb or
# rpm, counted (python3, json) in the warm-up run's output, kept in bench/out/lang/.
# Targets (the issue): syft/sekisho wall time >= 10x on debian-app and large.oci; peak RSS of the
# 1M-file image < 200 MB. PASS/FAIL lines are printed and written to the results.
# Results: bench/results/lang.md.
#
# Knobs (environment):
#   RUNS=5            timed runs after the warm-up
#   TIMEOUT=900       seconds; a run that takes longer is recorded as "timeout"
#   JARS_MB=500       size of the jar layer (other sizes: bench/out/jars-<N>mb.oci)
#   LOCK_N=20000      packages in the lockfile (bench/out/lock<N/1000>k, or lock<N>)
#   ONLY="regex"      measure (and make the inputs of) only the inputs whose name matches:
#                     debian-app, large.oci, jars.oci, lock20k, files-1000k
#   SEKISHO_BIN=PATH  measure this binary, no cargo build
#   NOTE="text"       free text for the results file (e.g. other load on the machine)
set -euo pipefail
# Cold scans: every run reads every layer (the layer cache is measured in bench/registry.sh).
export SEKISHO_NO_CACHE=1
cd "$(dirname "$0")/.."
REPO=$(pwd)
RUNS=${RUNS:-5}
TIMEOUT=${TIMEOUT:-900}
JARS_MB=${JARS_MB:-500}
LOCK_N=${LOCK_N:-20000}
ONLY=${ONLY:-.}
OUT=bench/out
LOUT=$OUT/lang
SHARED=../shared/data/images/built
JARS=$OUT/jars; [ "$JARS_MB" = 500 ] || JARS=$OUT/jars-${JARS_MB}mb
if [ $((LOCK_N % 1000)) -eq 0 ]; then LOCK=$OUT/lock$((LOCK_N / 1000))k; else LOCK=$OUT/lock$LOCK_N; fi
FILES=$OUT/files/files-1000k
mkdir -p "$LOUT"
log() { echo "$(date +%H:%M:%S) $*" >&2; }
want() { [[ $1 =~ $ONLY ]]; }

# ---- tools
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }
if [ -n "${SEKISHO_BIN:-}" ]; then
  BIN=$SEKISHO_BIN
else
  cargo build --release -p sekisho >&2
  BIN=target/release/sekisho
fi
[ -x .peers/bin/syft ] || PEERS_DIR="$REPO/.peers" bash ../shared/peers/install.sh >&2
SYFT=.peers/bin/syft
export SYFT_CHECK_FOR_APP_UPDATE=false

# ---- inputs (each generator is idempotent: it returns at once when its outputs exist)
if want large.oci && [ ! -e "$OUT/large/large.oci" ]; then bash bench/build_large_image.sh >&2; fi
JARS_EXPECTED=-; LOCK_EXPECTED=-
if want "${JARS##*/}.oci"; then
  python3 bench/gen_jars.py "$JARS_MB" "$JARS" >&2
  JARS_EXPECTED=$(cat "$JARS.expected")
fi
if want "${LOCK##*/}"; then
  python3 bench/gen_package_lock.py "$LOCK_N" "$LOCK" >&2
  LOCK_EXPECTED="$(sed -n 1p "$LOCK/expected.txt") ($(sed -n 2p "$LOCK/expected.txt") non-dev)"
fi
if want files-1000k; then python3 bench/gen_many_files.py 1000000 "$FILES" >&2; fi

# ---- measuring
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# measure NAME TOOL CMD...: warm-up (output kept in $LOUT/NAME.TOOL.json), then $RUNS timed runs.
# Sets M_T (median s), M_R (median peak RSS KB) and M_ST (ok, timeout, exit N).
measure() {
  local name=$1 tool=$2; shift 2
  local out="$LOUT/$name.$tool.json" tf="$LOUT/time.txt" rc t0 t1 times=() rss=()
  M_T=""; M_R=""; M_ST=ok
  log "$name $tool: warm-up (load $(cut -d' ' -f1-3 /proc/loadavg))"
  set +e
  timeout "$TIMEOUT" "$@" > "$out" 2> "$LOUT/$name.$tool.stderr"
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    if [ $rc -eq 124 ]; then M_ST=timeout; else M_ST="exit $rc"; fi
    log "  $M_ST: $(head -c 400 "$LOUT/$name.$tool.stderr")"
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
# count FILE KEY: line 1 "LANGUAGE OS" package counts in a sekisho (KEY packages) or syft (KEY
# artifacts) JSON document; line 2 the language types with their counts
count() {
  python3 -c '
import collections, json, sys
os_types = ("apk", "deb", "rpm")
doc = json.load(open(sys.argv[1]))
types = collections.Counter(p.get("type") for p in doc.get(sys.argv[2]) or [])
lang = {t: n for t, n in types.items() if t not in os_types}
print(sum(lang.values()), sum(n for t, n in types.items() if t in os_types))
print(", ".join("%s %d" % (t, n) for t, n in sorted(lang.items(), key=lambda x: (-x[1], str(x[0])))) or "none")
' "$1" "$2"
}
fmt_t() { if [ "$2" = ok ]; then awk -v t="$1" 'BEGIN{printf (t < 1 ? "%.3f s" : "%.2f s"), t}'; else echo "$2"; fi; }
fmt_r() { if [ "$2" = ok ]; then awk -v r="$1" 'BEGIN{printf "%d MB", r / 1024}'; else echo "-"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a > 0 && b > 0) printf "%.1fx", b / a; else printf "-" }'; }

ROWS=(); TYPES=(); CHECKS=(); CMDS=()
# compare NAME EXPECTED TARGET(yes|no) SEKISHO_CMD... -- SYFT_CMD...
compare() {
  local name=$1 expected=$2 target=$3; shift 3
  want "$name" || return 0
  local sek=() syf=()
  while [ "$1" != -- ]; do sek+=("$1"); shift; done
  shift; syf=("$@")
  measure "$name" sekisho "${sek[@]}"; local st=$M_T sr=$M_R sst=$M_ST
  measure "$name" syft "${syf[@]}"; local yt=$M_T yr=$M_R yst=$M_ST
  local sc="-" yc="-" sos="-" yos="-" stypes="-" ytypes="-" c
  if [ "$sst" = ok ]; then
    c=$(count "$LOUT/$name.sekisho.json" packages)
    read -r sc sos <<< "$(head -1 <<< "$c")"; stypes=$(tail -1 <<< "$c")
  fi
  if [ "$yst" = ok ]; then
    c=$(count "$LOUT/$name.syft.json" artifacts)
    read -r yc yos <<< "$(head -1 <<< "$c")"; ytypes=$(tail -1 <<< "$c")
  fi
  local tr="-" rr="-" pass="-"
  if [ "$sst" = ok ] && [ "$yst" = ok ]; then
    tr=$(ratio "$st" "$yt"); rr=$(ratio "$sr" "$yr")
    if [ "$target" = yes ]; then
      pass=$(awk -v a="$st" -v b="$yt" 'BEGIN{print (b >= 10 * a ? "PASS" : "FAIL")}')
      CHECKS+=("$pass: $name: syft/sekisho wall time $tr (target >= 10x)")
    fi
  elif [ "$target" = yes ]; then
    pass=FAIL
    CHECKS+=("FAIL: $name: not measured (sekisho $sst, syft $yst)")
  fi
  ROWS+=("| $name | $sc / $yc | $expected | $sos / $yos | $(fmt_t "$st" "$sst") | $(fmt_r "$sr" "$sst") | $(fmt_t "$yt" "$yst") | $(fmt_r "$yr" "$yst") | $tr | $rr | $pass |")
  TYPES+=("| $name | $stypes | $ytypes |")
  CMDS+=("- $name: \`${sek[*]}\` vs \`${syf[*]}\`")
}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
START_DATE=$(date -u +%Y-%m-%d); START_TIME=$(date -u +%H:%M)
compare debian-app - yes "$BIN" sbom "$SHARED/debian-app.oci" --format json -- \
  "$SYFT" "oci-dir:$SHARED/debian-app.oci" -o syft-json
compare large.oci - yes "$BIN" sbom "$OUT/large/large.oci" --format json -- \
  "$SYFT" "oci-dir:$OUT/large/large.oci" -o syft-json
compare "${JARS##*/}.oci" "$JARS_EXPECTED" no "$BIN" sbom "$JARS.oci" --format json -- \
  "$SYFT" "oci-dir:$JARS.oci" -o syft-json
compare "${LOCK##*/}" "$LOCK_EXPECTED" no "$BIN" fs "$LOCK" --format json --scanners secret -- \
  "$SYFT" "dir:$LOCK" -o syft-json
F1M="| files-1000k.oci | not run (ONLY=$ONLY) | - |"
if want files-1000k; then
  measure files-1000k sekisho "$BIN" image "$FILES.oci" --format json
  rm -f "$LOUT/files-1000k.sekisho.json"  # large, not needed
  if [ "$M_ST" = ok ]; then
    F1M="| files-1000k.oci | $(fmt_t "$M_T" ok) | $(fmt_r "$M_R" ok) |"
    CHECKS+=("$(awk -v r="$M_R" 'BEGIN{printf "%s: files-1000k: peak RSS %d MB (target < 200 MB)", (r / 1024 < 200 ? "PASS" : "FAIL"), r / 1024}')")
  else
    F1M="| files-1000k.oci | $M_ST | - |"
    CHECKS+=("FAIL: files-1000k: not measured ($M_ST)")
  fi
fi
[ ${#CHECKS[@]} -gt 0 ] || CHECKS=("(no target measured with ONLY=$ONLY)")

SYFT_VERSION=$("$SYFT" version 2>/dev/null | awk '/^Version:/{print $2}')
SEKISHO_REV=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null || echo "+dirty")
{
  echo "# Language-package cataloguing: sekisho vs Syft $SYFT_VERSION (default catalogers)"
  echo
  echo "Generated by \`bash bench/lang.sh\` on $START_DATE at $START_TIME UTC (sekisho $SEKISHO_REV, \`$BIN\`);"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM;"
  echo "load average at start: $START_LOAD, at end: $(cut -d' ' -f1-3 /proc/loadavg). Median of $RUNS runs after a warm-up."
  if [ "$ONLY" != . ]; then echo "Only the inputs matching ONLY=$ONLY were measured."; fi
  if [ -n "${NOTE:-}" ]; then echo; echo "$NOTE"; fi
  echo
  echo "| input | language pkgs sekisho / syft | expected | OS pkgs sekisho / syft | sekisho time | sekisho RSS | syft time | syft RSS | time syft/sekisho | RSS syft/sekisho | 10x target |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  if [ ${#ROWS[@]} -gt 0 ]; then printf '%s\n' "${ROWS[@]}"; fi
  echo
  echo "Language packages are the entries of sekisho's \`packages\` and syft's \`artifacts\` whose \`type\` is not"
  echo "apk, deb or rpm. Expected: ${JARS##*/}.oci, the pom.properties files in the image ($JARS.expected, nested"
  echo "jars included); ${LOCK##*/}, the package entries of package-lock.json, dev and nested ones included (in"
  echo "parentheses the non-dev ones: Syft lists only those by default, plus the root project)."
  echo
  echo "| input | sekisho types | syft types |"
  echo "|---|---|---|"
  if [ ${#TYPES[@]} -gt 0 ]; then printf '%s\n' "${TYPES[@]}"; fi
  echo
  echo "1M files (\`$BIN image $FILES.oci --format json\`, default scanners):"
  echo
  echo "| image | sekisho time | peak RSS |"
  echo "|---|---|---|"
  echo "$F1M"
  echo
  echo "Targets:"
  echo
  printf -- '- %s\n' "${CHECKS[@]}"
  echo
  echo "Commands (sekisho vs syft; SYFT_CHECK_FOR_APP_UPDATE=false):"
  echo
  if [ ${#CMDS[@]} -gt 0 ]; then printf '%s\n' "${CMDS[@]}"; fi
  if want files-1000k; then echo "- files-1000k: \`$BIN image $FILES.oci --format json\`"; fi
  echo
  echo "Inputs: \`python3 bench/gen_jars.py $JARS_MB $JARS\`, \`python3 bench/gen_package_lock.py $LOCK_N $LOCK\`,"
  echo "\`python3 bench/gen_many_files.py 1000000 $FILES\`, \`bash bench/build_large_image.sh\`."
  if [ -e "$JARS.oci" ]; then echo "${JARS##*/}.oci: $(du -sb "$JARS.oci" | awk '{printf "%.1f MB", $1 / 1e6}') of gzip layers."; fi
  if [ -e "$LOCK/package-lock.json" ]; then
    echo "${LOCK##*/}/package-lock.json: $(du -sb "$LOCK/package-lock.json" | awk '{printf "%.1f MB", $1 / 1e6}')."
  fi
} > bench/results/lang.md
printf '%s\n' "${CHECKS[@]}"
log "wrote bench/results/lang.md"
