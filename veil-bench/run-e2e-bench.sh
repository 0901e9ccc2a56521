#!/usr/bin/env bash
# End-to-end benchmark of the masking service on a real (embedded) Kafka broker: produce -> mask -> consume,
# exactly-once, two segments, with a plain Kafka Streams pass-through of the same shape and settings measured in
# the same run as the ceiling (veil-bench/src/main/java/dev/veil/bench/EndToEnd.java).
#
# usage: veil-bench/run-e2e-bench.sh [N] [ROUNDS] [RATE] [SECONDS]
#        N events per throughput run (default 500000), measured rounds after one warm-up round (default 2),
#        the latency runs' produce rate (default 20000 events/s) and length (default 12 s).
# Builds nothing: run `mvn -B -q -DskipTests package` first. Needs python3 for the shared corpus generator.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
for f in veil-cli/target/veil.jar veil-bench/target/classes/dev/veil/bench/EndToEnd.class; do
    if [ ! -f "$f" ]; then
        echo "missing $f: run 'mvn -B -q -DskipTests package' first" >&2
        exit 2
    fi
done
N=${1:-500000}
exec java -Xmx2g ${JAVA_OPTS:-} -Dveil.events="${VEIL_EVENTS:-100000}" -Dveil.root="$ROOT" \
    -Dveil.genCorpus="${GEN_CORPUS:-/work/shared/bench/gen_corpus.py}" \
    -cp "veil-bench/target/classes:veil-cli/target/veil.jar:veil-cli/target/lib/*" \
    dev.veil.bench.EndToEnd "$N" "${2:-2}" "${3:-20000}" "${4:-12}"
