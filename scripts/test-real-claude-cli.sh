#!/usr/bin/env bash
# Runs the agent-claude suite against the real Claude Code CLI: installs the pinned CLI from the
# npm registry into .tools/claude (git-ignored) and drives it against a stand-in for the Anthropic
# Messages API on 127.0.0.1 (no network, no API key). Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
# 2.1.110 is the newest release that is a plain Node.js program (node >= 18); later ones ship a
# native binary and need node >= 22 to install. Raise it deliberately, with the suite green.
CLAUDE_CODE_VERSION=2.1.110
if ! command -v npm >/dev/null; then
  echo "npm is needed to install @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >&2
  exit 2
fi
if [ "$(.tools/claude/node_modules/.bin/claude --version 2>/dev/null | cut -d' ' -f1)" != "$CLAUDE_CODE_VERSION" ]; then
  npm install --no-audit --no-fund --loglevel=error --prefix .tools/claude "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION"
fi
./mvnw -q -B -ntp -DskipTests install -pl agent-claude -am
./mvnw -B -ntp verify -pl agent-claude -Preal-cli -Dclaude.cli.path="$PWD/.tools/claude/node_modules/.bin/claude"
