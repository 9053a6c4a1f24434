#!/usr/bin/env bash
# The load and fault suite: jobs through several serve processes while runners are killed (SIGKILL),
# Redis restarts and a runner is stopped (SIGTERM); hostile jobs mixed in; invariants checked.
# Usage: benchmarks/load-fault-suite.sh [full|small]   (default full: 300 jobs, 3 runners; CI runs small)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl runner-app -am
cp=$(./mvnw -q -B -ntp -pl runner-app dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -DLOG_LEVEL=WARN -cp "runner-app/target/test-classes:runner-app/target/classes:$cp" io.repobox.runner.reliability.LoadFaultSuite "${1:-full}"
