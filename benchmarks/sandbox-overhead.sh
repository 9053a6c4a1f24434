#!/usr/bin/env bash
# The sandbox's cost per job: median job time with SANDBOX=none and SANDBOX=required in the same run,
# fake agent, small repository. Needs bubblewrap and socat.
# Usage: benchmarks/sandbox-overhead.sh [JOBS]   (default 30 per mode)
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
# Built in the reactor (nothing is installed into the local repository); runner-app's class path is written last.
./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" -pl runner-app -am
exec java -DLOG_LEVEL=WARN -cp "runner-app/target/test-classes:runner-app/target/classes:$(cat "$cpfile")" \
  io.repobox.runner.bench.SandboxOverheadBenchmark "$@"
