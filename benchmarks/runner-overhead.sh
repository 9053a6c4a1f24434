#!/usr/bin/env bash
# Runner overhead per job beside the bare git sequence, on a warm runner with the fake agent.
# Usage: benchmarks/runner-overhead.sh [JOBS]   (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile="$(mktemp)"
# Built in the reactor (nothing is installed into the local repository); runner-app's class path is written last.
./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" -pl runner-app -am
cp=$(cat "$cpfile") && rm -f "$cpfile"
exec java -DLOG_LEVEL=WARN -cp "runner-app/target/test-classes:runner-app/target/classes:$cp" io.repobox.runner.bench.RunnerOverheadBenchmark "$@"
