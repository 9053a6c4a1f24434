#!/usr/bin/env bash
# Runs the agent-claude suite against the real Claude Code CLI: installs each pinned CLI from the
# npm registry into .tools/ (git-ignored) and drives it against a stand-in for the Anthropic
# Messages API on 127.0.0.1 (no network, no API key). Needs node and npm.
#
# The current release and the oldest supported one are both tested. Releases after 2.1.110 declare
# node >= 22 but run on node 20: npm prints an engines warning and installs the native binary from
# the platform package, which is what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAUDE_CODE_VERSIONS="${CLAUDE_CODE_VERSIONS:-2.1.331 2.1.110}"
if ! command -v npm >/dev/null; then
  echo "npm is needed to install @anthropic-ai/claude-code" >&2
  exit 2
fi
for version in $CLAUDE_CODE_VERSIONS; do
  dir=".tools/claude-$version"
  if [ "$("$dir/node_modules/.bin/claude" --version 2>/dev/null | cut -d' ' -f1)" != "$version" ]; then
    npm install --no-audit --no-fund --loglevel=error --prefix "$dir" "@anthropic-ai/claude-code@$version"
  fi
  echo "== agent-claude against Claude Code $version"
  ./mvnw -B -ntp verify -pl agent-claude -am -Preal-cli -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='*RealCliIT' -Dfailsafe.failIfNoSpecifiedTests=false -Dclaude.cli.path="$PWD/$dir/node_modules/.bin/claude"
done
