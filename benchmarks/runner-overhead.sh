#!/usr/bin/env bash
# Runner overhead per job beside the bare git sequence, on a warm runner with the fake agent.
# Usage: benchmarks/runner-overhead.sh [JOBS]   (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl runner-app -am
cp=$(./mvnw -q -B -ntp -pl runner-app dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -DLOG_LEVEL=WARN -cp "runner-app/target/test-classes:runner-app/target/classes:$cp" io.repobox.runner.bench.RunnerOverheadBenchmark "$@"
