#!/usr/bin/env bash
# The cost of metrics (HTTP_ADDRESS) on the output path: rounds with metrics off and on, alternating,
# in one JVM against one redis-server. Usage: benchmarks/metrics-overhead.sh [ROUNDS]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile="$(mktemp)"
# Built in the reactor (nothing is installed into the local repository); runner-app's class path is written last.
./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" -pl runner-app -am
cp=$(cat "$cpfile") && rm -f "$cpfile"
exec java -Xms64m -Xmx256m -DLOG_LEVEL=WARN -cp "runner-app/target/test-classes:runner-app/target/classes:$cp" \
  io.repobox.runner.bench.MetricsOverheadBenchmark "$@"
