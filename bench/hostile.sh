#!/usr/bin/env bash
# The hostile corpus through the release binary: every input the hostile tests generate, each
# run once, against the done-criterion of the "Hostile images and Dockerfiles" issue (under 30 s
# and 1 GiB peak RSS on this 2-core machine, no signal death, no panic).
#
#   bash bench/hostile.sh                       (from anywhere)
#   SEKISHO_BIN=/path/to/sekisho bash bench/hostile.sh
#
# Steps:
#   1. the binary: $SEKISHO_BIN when set, else `cargo build --release -p sekisho`
#      ($CARGO_TARGET_DIR honoured);
#   2. the corpus: the tests that generate hostile inputs run with SEKISHO_HOSTILE_DIR set to a
#      fresh bench/out/hostile/corpus, where each input is written as <kind>/<test>-<n><ext>
#      (tests/hostile_dump.rs);
#   3. every input through the command of its kind, with SEKISHO_NO_CACHE=1, `timeout $TIMEOUT`
#      and `/usr/bin/time -f '%e %M'`:
#        image       sekisho image X --format json
#        rootfs      sekisho rootfs X --format json
#        fs          sekisho fs X --format json
#        dockerfile  sekisho dockerfile X --format json --no-fail (exit 1 is then an error, not findings)
#      and also with --format table (tty for dockerfile) when the input's name matches $TABLE_RE
#      (control characters from the image, and the inputs with the most rows to render);
#   4. bench/results/hostile.md: commands, machine, load, every run sorted by time, PASS/FAIL.
#
# A run fails on: wall time over $MAX_SECONDS, peak RSS over $MAX_RSS_KB, a timeout (exit 124),
# a signal death (exit >= 128), "panicked" in its stderr, an exit 1/2 without a message on
# stderr, or (table/tty runs) raw control characters in its output. Exit 0 and exit 1/2 with an error
# message are both fine (a hostile input may well be rejected). The script exits 1 when any run
# fails.
#
# Knobs (environment):
#   SEKISHO_BIN=PATH     binary to measure (no build)
#   MAX_SECONDS=30       wall-time budget per run
#   MAX_RSS_KB=1048576   peak-RSS budget per run (1 GiB)
#   TIMEOUT=60           seconds before a run is killed (recorded as a failure)
#   TABLE_RE=...         extended regex over input names that also get a table run
#   SKIP_TESTS=1         reuse the corpus already in bench/out/hostile/corpus
#   NOTE="text"          free text for the results file (e.g. other load on the machine)
set -euo pipefail
export SEKISHO_NO_CACHE=1
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT="$REPO/bench/out/hostile"
CORPUS="$OUT/corpus"
RESULT="$REPO/bench/results/hostile.md"
MAX_SECONDS=${MAX_SECONDS:-30}
MAX_RSS_KB=${MAX_RSS_KB:-1048576}
TIMEOUT=${TIMEOUT:-60}
TABLE_RE=${TABLE_RE:-terminal|hundred_thousand|large_lock|long_lines|many_secrets|dpkg_file_lists|special_files_in_a_root}
log() { echo "$(date +%H:%M:%S) $*" >&2; }

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }

# ---- 1. the binary
if [ -n "${SEKISHO_BIN:-}" ]; then
  SEKISHO=$SEKISHO_BIN
  BUILD="given with SEKISHO_BIN"
else
  cargo build --release -p sekisho
  SEKISHO="${CARGO_TARGET_DIR:-$REPO/target}/release/sekisho"
  BUILD="built here with \`cargo build --release -p sekisho\`"
fi
[ -x "$SEKISHO" ] || { echo "no binary at $SEKISHO" >&2; exit 1; }

# ---- 2. the corpus (package:test-file list; each test file is run whole)
TESTS=(
  sekisho-image:hostile sekisho-image:integrity
  sekisho-dockerfile:hostile
  sekisho-lang:dotnet sekisho-lang:golang sekisho-lang:java sekisho-lang:npm sekisho-lang:other
  sekisho-lang:php sekisho-lang:python sekisho-lang:ruby sekisho-lang:rust
  sekisho-audit:mutated_configs
  sekisho-secret:engine
  sekisho-scan:rootfs sekisho-scan:hostile
)
if [ -z "${SKIP_TESTS:-}" ]; then
  # (a dumped root filesystem has a mode-000 directory: give it back first)
  [ -d "$CORPUS" ] && chmod -R u+rwx "$CORPUS"
  rm -rf "$CORPUS"
  mkdir -p "$CORPUS"
  for t in "${TESTS[@]}"; do
    log "corpus: cargo test -p ${t%%:*} --test ${t#*:}"
    SEKISHO_HOSTILE_DIR="$CORPUS" cargo test -q -p "${t%%:*}" --test "${t#*:}" >&2
  done
fi

# ---- 3. every input through the binary
RAW="$OUT/runs.tsv"
ERR="$OUT/stderr"
rm -rf "$ERR"
mkdir -p "$ERR"
printf 'kind\tinput\tformat\twall_s\tmaxrss_kb\texit\tstatus\tcommand\tfirst_stderr_line\tload1\n' > "$RAW"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fails=0
runs=0
# run KIND INPUT FORMAT CMD...
run() {
  local kind=$1 input=$2 format=$3; shift 3
  local name; name=$(basename "$input")
  local tf="$OUT/time.txt" ef="$ERR/$kind.$name.$format.stderr" of=/dev/null load
  # human formats are kept to look for raw control characters (they must come out escaped)
  [ "$format" = json ] || of="$OUT/stdout.txt"
  load=$(cut -d' ' -f1 /proc/loadavg)
  set +e
  local t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %M' -o "$tf" timeout "$TIMEOUT" "$@" > "$of" 2> "$ef"
  local rc=$? t1=$EPOCHREALTIME
  set -e
  # wall time from bash's clock (time's %e has 10 ms steps); peak RSS from %M. When timeout
  # kills the command, time reports the signal on its first line: the numbers are the last.
  local wall rss
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')
  rss=$(tail -1 "$tf" | awk '{print $2}')
  local why=""
  if [ $rc -eq 124 ]; then why="timeout after ${TIMEOUT} s"
  elif [ $rc -ge 128 ]; then why="killed by signal $((rc - 128))"
  elif [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 2 ]; then why="exit $rc"
  fi
  if grep -q panicked "$ef"; then why="${why:+$why; }panicked"; fi
  if awk -v w="$wall" -v m="$MAX_SECONDS" 'BEGIN{exit !(w > m)}'; then why="${why:+$why; }over ${MAX_SECONDS} s"; fi
  if [ "${rss:-0}" -gt "$MAX_RSS_KB" ]; then why="${why:+$why; }over ${MAX_RSS_KB} KB"; fi
  if [ "$of" != /dev/null ] && LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' "$of"; then
    why="${why:+$why; }raw control characters in the $format output"
  fi
  if [ $rc -ne 0 ] && [ $rc -lt 128 ] && [ $rc -ne 124 ] && ! grep -q '[^[:space:]]' "$ef"; then
    why="${why:+$why; }exit $rc without a message"
  fi
  local status=PASS
  if [ -n "$why" ]; then status="FAIL: $why"; fails=$((fails + 1)); fi
  runs=$((runs + 1))
  local first; first=$(grep -m1 '[^[:space:]]' "$ef" | tr '\t' ' ' | cut -c1-300 || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "$format" "$wall" "${rss:-}" "$rc" \
    "$status" "$*" "$first" "$load" >> "$RAW"
  [ "$status" = PASS ] || log "$kind/$name $format: $status"
}
for kind in image rootfs fs dockerfile; do
  [ -d "$CORPUS/$kind" ] || continue
  n=$(find "$CORPUS/$kind" -mindepth 1 -maxdepth 1 ! -name '*.skipped' | wc -l)
  log "running $n $kind inputs"
  while IFS= read -r -d '' input; do
    name=$(basename "$input")
    case $kind in
      dockerfile)
        run "$kind" "$input" json "$SEKISHO" dockerfile "$input" --format json --no-fail
        if [[ $name =~ $TABLE_RE ]]; then run "$kind" "$input" tty "$SEKISHO" dockerfile "$input" --format tty --no-fail; fi
        ;;
      *)
        run "$kind" "$input" json "$SEKISHO" "$kind" "$input" --format json
        if [[ $name =~ $TABLE_RE ]]; then run "$kind" "$input" table "$SEKISHO" "$kind" "$input" --format table; fi
        ;;
    esac
  done < <(find "$CORPUS/$kind" -mindepth 1 -maxdepth 1 ! -name '*.skipped' -print0 | sort -z)
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
log "$runs runs, $fails failed"

# ---- 4. the report
python3 "$REPO/bench/lib/hostile_report.py" "$RAW" "$CORPUS" "$RESULT" "$SEKISHO" \
  "$BUILD" "$STARTED" "$LOAD_BEFORE" "$LOAD_AFTER" "$MAX_SECONDS" "$MAX_RSS_KB" "$TIMEOUT" \
  "$TABLE_RE" "${NOTE:-}" "${TESTS[*]}"
log "wrote $RESULT"
[ "$fails" -eq 0 ]
