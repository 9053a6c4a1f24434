#!/usr/bin/env bash
# The cost of metrics (HTTP_ADDRESS) on the output path: rounds with metrics off and on, alternating,
# in one JVM against one redis-server. Usage: benchmarks/metrics-overhead.sh [ROUNDS]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests package -pl runner-app -am
exec java -Xms64m -Xmx256m -DLOG_LEVEL=WARN -cp "runner-app/target/test-classes:runner-app/target/runner-app.jar" \
  io.repobox.runner.bench.MetricsOverheadBenchmark "$@"
