#!/usr/bin/env bash
# The load and fault suite: jobs through several serve processes while runners are killed (SIGKILL),
# Redis restarts and a runner is stopped (SIGTERM); hostile jobs mixed in; invariants checked.
# Usage: benchmarks/load-fault-suite.sh [full|small]   (default full: 300 jobs, 3 runners; CI runs small)
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile="$(mktemp)"
# Built in the reactor (nothing is installed into the local repository); runner-app's class path is written last.
./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" -pl runner-app -am
cp=$(cat "$cpfile") && rm -f "$cpfile"
exec java -DLOG_LEVEL=WARN -cp "runner-app/target/test-classes:runner-app/target/classes:$cp" io.repobox.runner.reliability.LoadFaultSuite "${1:-full}"
