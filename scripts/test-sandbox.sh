#!/usr/bin/env bash
# Runs the suites that need bubblewrap and socat: the sandbox's own (*SandboxIT, including the
# hostile-agent suite against a real serve process), the runner suites again with every job inside
# the sandbox, and, for each Claude Code CLI that scripts/test-real-cli.sh installed into
# .tools/, the real CLI inside the sandbox. Installs bubblewrap and socat with apt-get when they are
# missing and this is root.
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
run() {
  ./mvnw -B -ntp verify -pl runner-app -am -Psandbox \
    -Dtest=NoUnitTestsHere -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@"
}
echo "== the sandbox, the hostile-agent suite, the runner suites sandboxed"
run -Dit.test='*SandboxIT,JobServiceIT,RunnerRecoveryIT,RunCommandIT,!ClaudeCliSandboxIT'
found=0
for cli in .tools/claude-*/node_modules/.bin/claude; do
  [ -x "$cli" ] || continue
  found=1
  echo "== the real Claude Code CLI inside the sandbox: $cli"
  run -Dit.test=ClaudeCliSandboxIT -Dclaude.cli.path="$PWD/$cli"
done
if [ "$found" = 0 ]; then
  echo "== no Claude Code CLI in .tools/ (scripts/test-real-cli.sh installs it): its sandbox test was not run"
fi
