#!/usr/bin/env bash
# Benchmark `sekisho db update` on a full-size database (issue 15: "an incremental update of
# 1,000 changed records in under 5 s").
#
#   bash bench/db_update.sh      (RUNS=3 N=400000 CHANGED=1000 by default)
#   BIN=path/to/sekisho bash bench/db_update.sh   (a given binary; nothing is built)
#
# A local mirror in OSV.dev's bucket layout is served by `python3 -m http.server` on
# 127.0.0.1 (bench/osv_mirror.py): osv/npm/all.zip holds the N synthetic records of
# `gen_osv.py --zip` (generated once as bench/out/osv-400k.zip), osv/npm/modified_id.csv lists
# them, the 12 other ecosystems `db update` fetches are empty. Then, with the release binary:
#
#   1. the first update: `sekisho db update -q --db DB --cache CACHE --mirror URL --feed osv`
#      (downloads all.zip, unpacks it into the cache, builds the database in full);
#   2. a full build of the same cache alone: `sekisho db build -q --output DB2 CACHE/osv`;
#   3. CHANGED records change upstream (`osv_mirror.py change`: 85% modified, 5% withdrawn,
#      5% with a renamed package, 5% new), and the same update command runs again: it reads
#      modified_id.csv, downloads the changed records and updates the database incrementally.
#      Before each of the RUNS timed runs the database, the cache's journal and state and the
#      changed records' cache files are put back as they were after step 1;
#   4. the same update once more with the journal removed: what it cost before (a full build);
#   5. checks: `db build` of the updated cache, whose `db info --json` sources (records,
#      affected rows, digests) must equal the incrementally updated database's.
# Wall time and peak RSS from /usr/bin/time -f '%e %M' (medians), the database size before and
# after, and two measurements behind the design: how to copy the database file (a file copy,
# SQLite's backup API, VACUUM INTO; Python's sqlite3), and how to compress the new records'
# display text (the newest dictionary of the database, as the update does; no dictionary; a
# dictionary trained on the batch; the zstd CLI at level 9 on the documents themselves).
# Results: bench/results/db-update.md. Everything is written under bench/out/db-update.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
N=${N:-400000}
CHANGED=${CHANGED:-1000}
RESULT=${RESULT:-bench/results/db-update.md}
OUT=bench/out
TARGET=${CARGO_TARGET_DIR:-target}
ZIP=$OUT/osv-$((N / 1000))k.zip
W=$OUT/db-update
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }
command -v zstd > /dev/null || { apt-get update -qq && apt-get install -y -qq zstd > /dev/null; }
BIN_GIVEN=${BIN:-}
[ -n "$BIN_GIVEN" ] || cargo build --release -p sekisho --bin sekisho >&2
BIN=${BIN:-$TARGET/release/sekisho}
[ -f "$ZIP" ] || python3 bench/gen_osv.py -n "$N" --zip "$ZIP" >&2
rm -rf "$W"
mkdir -p "$W/saved"
python3 bench/osv_mirror.py make "$ZIP" "$W/mirror" >&2

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$W/mirror" "$PORT" > /dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2> /dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2> /dev/null && break
  sleep 0.2
done
URL=http://127.0.0.1:$PORT
DB=$W/sekisho.db
CACHE=$W/feeds
UPDATE=("$BIN" db update -q --db "$DB" --cache "$CACHE" --mirror "$URL" --feed osv)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
timed() { # log file, then the command; prints "seconds rss_kb"
  local tf
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f '%e %M' "${@:2}" > "$1" 2>&1
  tail -1 "$tf"
  rm -f "$tf"
}
mb() { echo "$1" | awk '{printf "%.1f MB", $1 / 1e6}'; }
sources() { "$BIN" db info --db "$1" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps([{k: s[k] for k in ("name", "format", "digest", "records", "affected")} for s in d["sources"]]), d["advisories"], d["affected"])'; }

echo "first update (all.zip, full build)..." >&2
read -r first_t first_rss < <(timed "$W/first.log" "${UPDATE[@]}")
grep -q "incremental update" "$W/first.log" && { echo "the first update was incremental?" >&2; exit 1; }
size_before=$(stat -c %s "$DB")
echo "full build of the cache alone..." >&2
read -r build_t build_rss < <(timed "$W/build.log" "$BIN" db build -q --output "$W/full.db" "$CACHE/osv")
cp "$DB" "$W/base.db"
cp "$CACHE/.journal.json" "$W/base.journal.json"
cp "$CACHE/osv/npm/.state.json" "$W/base.state.json"

python3 bench/osv_mirror.py change "$W/mirror" -n "$CHANGED" >&2
while read -r id kind; do
  [ "$kind" = old ] && cp "$CACHE/osv/npm/$id.json" "$W/saved/"
done < "$W/mirror/changed.txt"
restore() {
  cp "$W/base.db" "$DB"
  cp "$W/base.journal.json" "$CACHE/.journal.json"
  cp "$W/base.state.json" "$CACHE/osv/npm/.state.json"
  while read -r id kind; do
    if [ "$kind" = old ]; then cp "$W/saved/$id.json" "$CACHE/osv/npm/"; else rm -f "$CACHE/osv/npm/$id.json"; fi
  done < "$W/mirror/changed.txt"
  sync
}

times=(); rss=()
for i in $(seq "$RUNS"); do
  echo "incremental update, run $i..." >&2
  restore
  read -r t r < <(timed "$W/incr-$i.log" "${UPDATE[@]}")
  grep -q "incremental update: " "$W/incr-$i.log" || { cat "$W/incr-$i.log" >&2; echo "not incremental" >&2; exit 1; }
  times+=("$t"); rss+=("$r")
done
incr_t=$(printf '%s\n' "${times[@]}" | median)
incr_rss=$(printf '%s\n' "${rss[@]}" | median)
incr_line=$(grep "incremental update: " "$W/incr-$RUNS.log")
size_after=$(stat -c %s "$DB")
free_pages=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA freelist_count').fetchone()[0])" "$DB")
cp "$DB" "$W/incremental.db"

echo "checking against a full build of the updated cache..." >&2
"$BIN" db build -q --output "$W/check.db" "$CACHE/osv"
if [ "$(sources "$W/incremental.db")" = "$(sources "$W/check.db")" ]; then check=equal; else check=DIFFERENT; fi
size_full_after=$(stat -c %s "$W/check.db")

echo "the same update as a full build (journal removed)..." >&2
restore
rm "$CACHE/.journal.json"
read -r full_t full_rss < <(timed "$W/full-update.log" "${UPDATE[@]}")

echo "copy methods..." >&2
copies=$(python3 - "$W/base.db" "$W/copy.db" <<'PY'
import os, shutil, sqlite3, sys, time
src, dst = sys.argv[1], sys.argv[2]
def run(f):
    if os.path.exists(dst):
        os.remove(dst)
    os.sync()
    t = time.monotonic()
    f()
    return time.monotonic() - t
out = []
for name, f in [
    ("file copy (shutil.copyfile: sendfile)", lambda: shutil.copyfile(src, dst)),
    ("SQLite backup API", lambda: sqlite3.connect(src).backup(sqlite3.connect(dst))),
    ("VACUUM INTO", lambda: sqlite3.connect(src).execute("VACUUM INTO ?", (dst,))),
]:
    out.append(f"{name} {min(run(f) for _ in range(3)):.2f} s")
os.remove(dst)
print("; ".join(out))
PY
)

echo "display compression of the new records..." >&2
displays=$(python3 - "$W/base.db" "$W/incremental.db" "$W/zstd" <<'PY'
import os, sqlite3, subprocess, sys
base, new, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
top = sqlite3.connect(base).execute("SELECT max(id) FROM displays").fetchone()[0]
c = sqlite3.connect(new)
rows = c.execute("SELECT id, dict, data FROM displays WHERE id > ?", (top,)).fetchall()
dict_id = rows[0][1]
d = os.path.join(work, "dict")
with open(d, "wb") as f:
    f.write(c.execute("SELECT data FROM dictionaries WHERE id = ?", (dict_id,)).fetchone()[0])
docs = []
for i, _, blob in rows:
    z = os.path.join(work, f"{i}.zst")
    with open(z, "wb") as f:
        f.write(blob)
    doc = os.path.join(work, f"{i}.json")
    subprocess.run(["zstd", "-q", "-d", "-f", "-D", d, z, "-o", doc], check=True)
    docs.append(doc)
def size(args):
    return sum(len(subprocess.run(["zstd", "-q", "-c", "--no-check", *args, doc], check=True,
                                  capture_output=True).stdout) for doc in docs)
raw = sum(os.path.getsize(doc) for doc in docs)
stored = sum(len(b) for _, _, b in rows)
trained = os.path.join(work, "trained")
subprocess.run(["zstd", "-q", "--train", *docs, "-o", trained, "--maxdict=65536"], check=True)
n = len(docs)
print(f"{n} documents, {raw / n:.0f} bytes of JSON each; stored (newest dictionary, level 9): {stored / n:.0f} B each, "
      f"{stored / 1e3:.0f} KB; no dictionary: {size(['-9']) / n:.0f} B each, {size(['-9']) / 1e3:.0f} KB; "
      f"dictionary trained on the batch: {size(['-9', '-D', trained]) / n:.0f} B each + "
      f"{os.path.getsize(trained) / 1e3:.0f} KB of dictionary")
PY
)

{
  echo "# Vulnerability database benchmark: incremental update"
  echo
  if [ -n "$BIN_GIVEN" ]; then
    echo "Generated by \`BIN=$BIN bash bench/db_update.sh\` on $(date -u +%Y-%m-%d) at $(date -u +%H:%M) UTC;"
  else
    echo "Generated by \`bash bench/db_update.sh\` on $(date -u +%Y-%m-%d) at $(date -u +%H:%M) UTC, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo ' + uncommitted changes');"
  fi
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM;"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). $N synthetic OSV records (\`gen_osv.py --zip\`), served as osv/npm by \`python3 -m http.server\` on 127.0.0.1."
  echo
  echo "| step | wall time | peak RSS |"
  echo "|---|---|---|"
  printf '| first update: download all.zip, unpack, full build | %.2f s | %d MB |\n' "$first_t" $((first_rss / 1024))
  printf '| full build of the same cache alone (`db build`) | %.2f s | %d MB |\n' "$build_t" $((build_rss / 1024))
  printf '| **update, %d changed records, incremental** (median of %d) | **%.2f s** | %d MB |\n' "$CHANGED" "$RUNS" "$incr_t" $((incr_rss / 1024))
  printf '| the same update as a full build (journal removed) | %.2f s | %d MB |\n' "$full_t" $((full_rss / 1024))
  echo
  echo "Incremental runs: $(printf '%s s, ' "${times[@]}" | sed 's/, $//'). Last run: \`${incr_line#*: }\`."
  echo
  echo "Database size: $(mb "$size_before") after the full build, $(mb "$size_after") after the incremental update ($free_pages free pages), $(mb "$size_full_after") for a full build of the updated cache."
  echo "Sources and totals (\`db info --json\`: records, affected rows, digests) of the incrementally updated database and of a full build of the same cache: **$check**."
  echo
  echo "Copying the 400k database file (best of 3, page cache warm, no fsync): $copies."
  echo
  echo "Display text of the updated records: $displays."
  echo
  echo "Commands: \`python3 bench/gen_osv.py -n $N --zip $ZIP\`, \`python3 bench/osv_mirror.py make $ZIP $W/mirror\`,"
  echo "\`python3 -m http.server --bind 127.0.0.1 --directory $W/mirror PORT\`,"
  echo "\`${UPDATE[*]}\` (the URL with the server's port; first run, then after \`python3 bench/osv_mirror.py change $W/mirror -n $CHANGED\`),"
  echo "\`$BIN db build -q --output $W/full.db $CACHE/osv\`."
} > "$RESULT"
cat "$RESULT"
