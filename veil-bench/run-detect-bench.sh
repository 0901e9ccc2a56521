#!/usr/bin/env bash
# Whole-process detection: `veil detect` (findings per line) vs @redactpii/node (redacted line per line) over the
# same N text lines (default 200000), best of 3 wall-clock runs each, alternating.
# Text lines: the labeled accuracy generator (veil-bench/accuracy), seed 4242, newlines flattened to spaces.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-200000}"
runs="${RUNS:-3}"
out="$root/bench-out"
mkdir -p "$out"
jar="$root/veil-cli/target/veil.jar"
[ -f "$jar" ] || { echo "missing $jar: run 'mvn -B -q -DskipTests package' first" >&2; exit 1; }
peer="$root/veil-bench/peers/redactpii"
[ -d "$peer/node_modules" ] || (cd "$peer" && npm ci --silent)
lines="$out/text-$n.txt"
if [ ! -f "$lines" ]; then
  echo "text: generating $n lines into $lines ..." >&2
  tmp="$(mktemp)"
  python3 veil-bench/accuracy/gen_accuracy_corpus.py "$n" "$tmp" 4242 >/dev/null
  python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    print(json.loads(l)["text"].replace("\n", " ").replace("\r", " "))' "$tmp" > "$lines"
  rm -f "$tmp"
fi
echo "text: $(wc -l < "$lines") lines, $(( $(stat -c %s "$lines") / 1048576 )) MB" >&2
best_v=999999; best_j=999999; best_r=999999
for i in $(seq 1 "$runs"); do
  # the product's launcher (./veil: C1 only for batch commands), then the same jar with the full tiered JIT
  v=$( { /usr/bin/time -f '%e' "$root/veil" detect "$lines" -o "$out/veil-detect-$n.jsonl" ; } 2>&1 | tail -1)
  j=$( { /usr/bin/time -f '%e' java -jar "$jar" detect "$lines" -o "$out/veil-detect-jit-$n.jsonl" ; } 2>&1 | tail -1)
  r=$( { /usr/bin/time -f '%e' node "$peer/redact.js" "$lines" > "$out/redactpii-$n.txt" ; } 2>&1 | tail -1)
  echo "  run $i/$runs: ./veil detect ${v} s, java -jar (tiered JIT) ${j} s, @redactpii/node ${r} s" >&2
  best_v=$(python3 -c "print(min($best_v, $v))"); best_j=$(python3 -c "print(min($best_j, $j))")
  best_r=$(python3 -c "print(min($best_r, $r))")
done
cmp -s "$out/veil-detect-$n.jsonl" "$out/veil-detect-jit-$n.jsonl" || { echo "the two veil runs wrote different findings" >&2; exit 1; }
[ "$(wc -l < "$out/veil-detect-$n.jsonl")" -eq "$(wc -l < "$lines")" ] || { echo "veil output line count differs" >&2; exit 1; }
[ "$(wc -l < "$out/redactpii-$n.txt")" -eq "$(wc -l < "$lines")" ] || { echo "redactpii output line count differs" >&2; exit 1; }
python3 - "$n" "$best_v" "$best_r" "$best_j" <<'PY'
import sys
n, v, r, j = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"whole process, {n} text lines, best of runs")
print(f"{'tool':<36}{'wall s':>8}{'lines/s':>12}")
print(f"{'./veil detect':<36}{v:>8.2f}{n / v:>12.0f}")
print(f"{'java -jar veil.jar detect (tiered)':<36}{j:>8.2f}{n / j:>12.0f}")
print(f"{'@redactpii/node 1.0.17':<36}{r:>8.2f}{n / r:>12.0f}")
print(f"veil is {r / v:.2f}x as fast" if v < r else f"veil is {v / r:.2f}x slower")
PY
