#!/usr/bin/env bash
# Runs the suites that need bubblewrap and socat: the sandbox's own (*SandboxIT, including the
# hostile-agent suite against a real serve process) and the runner suites again with every job
# inside the sandbox. Installs the two packages with apt-get when they are missing and this is root.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v bwrap >/dev/null || ! command -v socat >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq bubblewrap socat >/dev/null
  else
    echo "bubblewrap (bwrap) and socat are needed: apt-get install bubblewrap socat" >&2
    exit 2
  fi
fi
# Only runner-app has such suites; the other modules of the reactor are built, not tested again.
./mvnw -B -ntp verify -pl runner-app -am -Psandbox \
  -Dtest=NoUnitTestsHere -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='*SandboxIT,RunnerServiceIT,RunnerRecoveryIT,RunCommandIT' -Dfailsafe.failIfNoSpecifiedTests=false
