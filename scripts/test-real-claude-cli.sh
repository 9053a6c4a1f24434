#!/usr/bin/env bash
# The agent-claude real-CLI suite (Claude Code 2.1.331 and 2.1.110); see test-real-cli.sh.
exec "$(dirname "$0")/test-real-cli.sh" claude
