#!/usr/bin/env bash
# The output-redis benchmark: throughput, latency and peak RSS of the sink, beside
# redis-benchmark's XADD ceiling, against a redis-server started for the run.
# Usage: benchmarks/output-redis.sh   (installs redis-tools for redis-benchmark when run as root)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-benchmark >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq redis-tools) >/dev/null 2>&1 || echo "could not install redis-tools; the XADD ceiling will not be measured" >&2
fi
cpfile="$(mktemp)"
# Built in the reactor (nothing is installed into the local repository); output-redis's class path is written last.
./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" -pl output-redis -am
cp=$(cat "$cpfile") && rm -f "$cpfile"
exec java -cp "output-redis/target/test-classes:output-redis/target/classes:$cp" io.repobox.output.redis.bench.OutputBenchmark
