#!/usr/bin/env bash
# Whole-process comparison: `veil mask` vs fast-redact (Node) doing the same path-rule masking
# (veil-bench/peers/path-rules.yaml and veil-bench/peers/fast-redact/mask.js: seven fixed paths,
# values replaced, no content scanning) over the shared synthetic corpus.
#
# usage: veil-bench/run-process-bench.sh [N]        (N events, default 1000000)
# env:   RUNS=3            timed runs per tool (best wall time is reported)
#        GEN_CORPUS=...    corpus generator (default /work/shared/bench/gen_corpus.py)
#        JAVA_OPTS=...     extra JVM flags for veil (default none)
#
# The corpus is bench-out/corpus-N.jsonl when present (the run reuses it), otherwise it is
# generated into a temporary folder that is removed at exit. Outputs, stderr and timings go to
# bench-out/ (git-ignored). Needs java, node + npm, python3; builds nothing: run
# `mvn -B -q -DskipTests package` first if veil-cli/target/veil.jar is missing.
set -euo pipefail

N=${1:-1000000}
if ! [[ $N =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [N]   (N: number of events, default 1000000)" >&2
    exit 2
fi
RUNS=${RUNS:-3}
GEN=${GEN_CORPUS:-/work/shared/bench/gen_corpus.py}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JAR=veil-cli/target/veil.jar
POLICY=veil-bench/peers/path-rules.yaml
PEER=veil-bench/peers/fast-redact
OUT=bench-out
mkdir -p "$OUT"

for tool in java node npm python3; do
    command -v "$tool" >/dev/null || { echo "error: '$tool' is not on PATH" >&2; exit 1; }
done
if [[ ! -f $JAR ]]; then
    echo "error: $JAR is missing; build it first: mvn -B -q -DskipTests package" >&2
    exit 1
fi
if [[ ! -d $PEER/node_modules/fast-redact ]]; then
    echo "installing fast-redact (npm ci in $PEER)..." >&2
    (cd "$PEER" && npm ci --no-audit --no-fund --silent)
fi
FR_VERSION=$(node -p "require('./$PEER/node_modules/fast-redact/package.json').version")

# --- corpus ---------------------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/veil-process-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if [[ -f $OUT/corpus-$N.jsonl ]]; then
    CORPUS=$OUT/corpus-$N.jsonl
    echo "corpus: reusing $CORPUS" >&2
else
    [[ -f $GEN ]] || { echo "error: corpus generator $GEN not found (set GEN_CORPUS)" >&2; exit 1; }
    CORPUS=$TMP/corpus-$N.jsonl
    echo "corpus: generating $N events into $CORPUS ..." >&2
    python3 "$GEN" "$N" "$CORPUS"
fi
lines=$(wc -l < "$CORPUS")
if (( lines != N )); then
    echo "error: $CORPUS has $lines lines, expected $N" >&2
    exit 1
fi
echo "corpus: $N events, $(du -m "$CORPUS" | cut -f1) MB" >&2

# --- timing -----------------------------------------------------------------------------------
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e' -o /dev/null true 2>/dev/null; then
    HAVE_GNU_TIME=1
else
    HAVE_GNU_TIME=0
    echo "note: GNU /usr/bin/time not available; using bash time (no max RSS)" >&2
fi

# run_timed NAME RUN OUTFILE CMD...   (CMD writes to OUTFILE itself or via stdout)
# leaves "SECONDS RSS_KB" in $OUT/NAME-N.runRUN.time
run_timed() {
    local name=$1 run=$2 outfile=$3
    shift 3
    local tf=$OUT/$name-$N.run$run.time err=$OUT/$name-$N.run$run.err
    if (( HAVE_GNU_TIME )); then
        if ! /usr/bin/time -f '%e s %M KB' -o "$tf.raw" "$@" > "$outfile" 2> "$err"; then
            echo "error: $name run $run failed; see $err" >&2
            exit 1
        fi
        awk '/ s .* KB$/ { print $1, $3 }' "$tf.raw" | tail -n 1 > "$tf"
        rm -f "$tf.raw"
    else
        local TIMEFORMAT=%R t
        if ! { time "$@" > "$outfile" 2> "$err"; } 2> "$tf.raw"; then
            echo "error: $name run $run failed; see $err" >&2
            exit 1
        fi
        t=$(tail -n 1 "$tf.raw")
        echo "$t -" > "$tf"
        rm -f "$tf.raw"
    fi
    read -r secs kb < "$tf"
    printf '  %-12s run %d/%d: %6s s  max RSS %s\n' "$name" "$run" "$RUNS" "$secs" \
        "$( [[ $kb == - ]] && echo n/a || echo "$((kb / 1024)) MB")" >&2
}

VEIL_OUT=$OUT/veil-$N.jsonl
FR_OUT=$OUT/fast-redact-$N.jsonl
rm -f "$OUT/veil-$N".run*.time "$OUT/fast-redact-$N".run*.time "$OUT/veil-$N".run*.err "$OUT/fast-redact-$N".run*.err
echo "timing $RUNS runs per tool, alternating (fast-redact $FR_VERSION, $(node --version), $(java -version 2>&1 | head -n 1))" >&2
for ((r = 1; r <= RUNS; r++)); do
    # veil writes -o itself; its stdout is empty.
    # shellcheck disable=SC2086
    run_timed veil "$r" /dev/null java ${JAVA_OPTS:-} -jar "$JAR" mask -p "$POLICY" -s analytics "$CORPUS" -o "$VEIL_OUT"
    run_timed fast-redact "$r" "$FR_OUT" node "$PEER/mask.js" "$CORPUS"
done

# best SECONDS and its RSS over the runs of NAME
best() {
    local name=$1
    cat "$OUT/$name-$N".run*.time | sort -n -k1,1 | head -n 1
}
read -r veil_s veil_kb < <(best veil)
read -r fr_s fr_kb < <(best fast-redact)

# --- correctness (cheap) ------------------------------------------------------------------------
fail=0
for f in "$VEIL_OUT" "$FR_OUT"; do
    n=$(wc -l < "$f")
    if (( n != N )); then
        echo "CHECK FAILED: $f has $n lines, expected $N" >&2
        fail=1
    fi
done
# Raw values at declared paths of the first 100 order_created events, as whole JSON members
# ("email":"..."): support_ticket bodies and auth messages repeat such values in free text,
# which neither tool masks in path-rule mode, so only exact member text is searched.
python3 - "$CORPUS" > "$TMP/raw-values.txt" <<'EOF'
import json, sys
seen = 0
with open(sys.argv[1]) as fh:
    for line in fh:
        if '"order_created"' not in line:
            continue
        e = json.loads(line)
        if e.get("event") != "order_created":
            continue
        c = e["customer"]
        for key, val in (("email", c["email"]), ("name", c["name"]), ("phone", c["phone"]), ("ssn", c["ssn"]),
                         ("street", c["address"]["street"]), ("card", e["payment"]["card"]),
                         ("client_ip", e["client_ip"])):
            print('"%s":%s' % (key, json.dumps(val)))
        seen += 1
        if seen == 100:
            break
EOF
orders=$(grep -c '"event":"order_created"' "$CORPUS" || true)
for pair in "veil:$VEIL_OUT:[EMAIL]" "fast-redact:$FR_OUT:[REDACTED]"; do
    IFS=: read -r name f censor <<< "$pair"
    leaked=$(grep -c -F -f "$TMP/raw-values.txt" "$f" || true)
    if (( leaked != 0 )); then
        echo "CHECK FAILED: $name output has $leaked line(s) with raw values from declared paths:" >&2
        grep -o -F -f "$TMP/raw-values.txt" "$f" | sort | uniq -c | head -n 5 >&2
        fail=1
    fi
    masked=$(grep -c -F "\"email\":\"$censor\"" "$f" || true)
    if (( masked != orders )); then
        echo "CHECK FAILED: $name output has $masked masked customer.email values, expected $orders (order_created events)" >&2
        fail=1
    fi
done
if (( fail )); then
    exit 1
fi
echo "checks: both outputs have $N lines; $(wc -l < "$TMP/raw-values.txt") raw values from the first 100 order_created events absent; $orders emails masked in each" >&2

# --- table -----------------------------------------------------------------------------------------
echo
echo "whole process, N=$N events ($(du -m "$CORPUS" | cut -f1) MB), best of $RUNS runs, $(nproc 2>/dev/null || echo '?') CPUs"
awk -v n="$N" -v vs="$veil_s" -v vk="$veil_kb" -v fs="$fr_s" -v fk="$fr_kb" -v frv="$FR_VERSION" '
function rss(k) { return k == "-" ? "n/a" : sprintf("%d MB", int(k / 1024)) }
BEGIN {
    printf "%-20s %10s %14s %10s\n", "tool", "wall s", "events/s", "max RSS"
    printf "%-20s %10.2f %14.0f %10s\n", "veil mask", vs, n / vs, rss(vk)
    printf "%-20s %10.2f %14.0f %10s\n", "fast-redact " frv, fs, n / fs, rss(fk)
    printf "ratio veil/fast-redact (wall time): %.2f  (%s)\n", vs / fs, vs <= fs ? "veil is " sprintf("%.2f", fs / vs) "x as fast" : "veil is " sprintf("%.2f", vs / fs) "x slower"
}'
echo "outputs: $VEIL_OUT, $FR_OUT; timings and stderr: $OUT/{veil,fast-redact}-$N.run*.{time,err}"
