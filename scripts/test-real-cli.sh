#!/usr/bin/env bash
# Runs the real-CLI suites: for each provider named (default: all), installs its pinned CLI releases
# from the npm registry into .tools/ (git-ignored) and drives each against a stand-in for its model API
# served by the test on 127.0.0.1 (no network, no real key). Needs node and npm.
#
#   scripts/test-real-cli.sh [claude] [codex] [gemini] [runner]
#
# runner: `run --agent codex|gemini` end to end with the real CLIs (the runner commits and pushes); inside
# the runner's bubblewrap sandbox where it is available (SANDBOX defaults to auto for run).
#
# Claude Code: the current release and the oldest one supported. Releases after 2.1.110 declare
# node >= 22 but run on node 20: npm prints an engines warning and installs the native binary from
# the platform package, which is what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAUDE_CODE_VERSIONS="${CLAUDE_CODE_VERSIONS:-2.1.331 2.1.110}"
CODEX_VERSIONS="${CODEX_VERSIONS:-0.171.0}"
GEMINI_VERSIONS="${GEMINI_VERSIONS:-0.61.0}"
if ! command -v npm >/dev/null; then
  echo "npm is needed to install the agent CLIs" >&2
  exit 2
fi

# install <package> <version> <dir> <bin>: installs unless that version is there already.
install() {
  local package=$1 version=$2 dir=$3 bin=$4
  if ! "$dir/node_modules/.bin/$bin" --version 2>/dev/null | grep -q -F "$version"; then
    npm install --no-audit --no-fund --loglevel=error --prefix "$dir" "$package@$version"
  fi
}

# suite <module> <property> <cli>: the module's *RealCliIT against that CLI (nothing installed into ~/.m2).
suite() {
  ./mvnw -B -ntp verify -pl "$1" -am -Preal-cli -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='*RealCliIT' -Dfailsafe.failIfNoSpecifiedTests=false -D"$2"="$PWD/$3"
}

for provider in "${@:-claude codex gemini runner}"; do
  for p in $provider; do
    case "$p" in
      claude)
        for v in $CLAUDE_CODE_VERSIONS; do
          install @anthropic-ai/claude-code "$v" ".tools/claude-$v" claude
          echo "== agent-claude against Claude Code $v"
          suite agent-claude claude.cli.path ".tools/claude-$v/node_modules/.bin/claude"
        done ;;
      codex)
        for v in $CODEX_VERSIONS; do
          install @openai/codex "$v" ".tools/codex-$v" codex
          echo "== agent-codex against the Codex CLI $v"
          suite agent-codex codex.cli.path ".tools/codex-$v/node_modules/.bin/codex"
        done ;;
      gemini)
        for v in $GEMINI_VERSIONS; do
          install @google/gemini-cli "$v" ".tools/gemini-$v" gemini
          echo "== agent-gemini against the Gemini CLI $v"
          suite agent-gemini gemini.cli.path ".tools/gemini-$v/node_modules/.bin/gemini"
        done ;;
      runner)
        install @openai/codex "${CODEX_VERSIONS%% *}" ".tools/codex-${CODEX_VERSIONS%% *}" codex
        install @google/gemini-cli "${GEMINI_VERSIONS%% *}" ".tools/gemini-${GEMINI_VERSIONS%% *}" gemini
        echo "== run --agent codex|gemini with the real CLIs (the runner commits and pushes what they did)"
        ./mvnw -B -ntp verify -pl runner-app -am -Preal-cli -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
          -Dit.test=RunnerRealCliIT -Dfailsafe.failIfNoSpecifiedTests=false \
          -Dcodex.cli.path="$PWD/.tools/codex-${CODEX_VERSIONS%% *}/node_modules/.bin/codex" \
          -Dgemini.cli.path="$PWD/.tools/gemini-${GEMINI_VERSIONS%% *}/node_modules/.bin/gemini" ;;
      *) echo "unknown provider '$p': claude, codex or gemini" >&2; exit 2 ;;
    esac
  done
done
