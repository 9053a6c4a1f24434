#!/bin/sh
# Mimics `codex exec --json` (0.171.0) for the hermetic tests: --version, the JSONL events and exit
# codes seen from the real CLI. STUB_SCENARIO picks the behaviour; STUB_RECORD (a directory) receives
# argv, stdin and environment.
if [ "$1" = "--version" ]; then
  echo "codex-cli ${STUB_VERSION:-0.171.0}"
  exit 0
fi
if [ -n "${STUB_RECORD:-}" ]; then
  printf '%s\n' "$@" > "$STUB_RECORD/argv"
  env > "$STUB_RECORD/env"
  cat > "$STUB_RECORD/stdin"
else
  cat > /dev/null
fi
thread='{"type":"thread.started","thread_id":"th-1"}'
case "${STUB_SCENARIO:-success}" in
  success)
    echo "$thread"
    printf '%s\n' '{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata for `gpt-test` not found. Defaulting to fallback metadata; this can degrade performance and cause issues."}}'
    printf '%s\n' '{"type":"turn.started"}'
    printf '%s\n' '{"type":"item.completed","item":{"id":"item_1","type":"reasoning","text":"**Planning the change**\nfirst the file"}}'
    printf '%s\n' '{"type":"item.started","item":{"id":"item_2","type":"todo_list","items":[{"text":"write hello","completed":false},{"text":"run tests","completed":false}]}}'
    printf '%s\n' '{"type":"item.started","item":{"id":"item_3","type":"file_change","changes":[{"path":"/repo/hello.txt","kind":"add"}],"status":"in_progress"}}'
    printf '%s\n' '{"type":"item.completed","item":{"id":"item_3","type":"file_change","changes":[{"path":"/repo/hello.txt","kind":"add"}],"status":"completed"}}'
    printf '%s\n' '{"type":"item.started","item":{"id":"item_4","type":"command_execution","command":"/bin/bash -lc '"'"'npm test'"'"'","aggregated_output":"","exit_code":null,"status":"in_progress"}}'
    printf '%s\n' '{"type":"item.completed","item":{"id":"item_4","type":"command_execution","command":"/bin/bash -lc '"'"'npm test'"'"'","aggregated_output":"1 failing\nexpected 2\n","exit_code":1,"status":"failed"}}'
    echo "progress on stderr" >&2
    echo 'a line that is not json'
    printf '%s\n' '{"type":"item.completed","item":{"id":"item_5","type":"agent_message","text":"Added hello.txt.\nTests fail."}}'
    printf '%s\n' '{"type":"turn.completed","usage":{"input_tokens":200,"cached_input_tokens":80,"cache_write_input_tokens":0,"output_tokens":24,"reasoning_output_tokens":0}}'
    exit 0 ;;
  auth)
    echo "$thread"
    printf '%s\n' '{"type":"turn.started"}'
    printf '%s\n' '{"type":"error","message":"Reconnecting... 1/5 (unexpected status 401 Unauthorized: Incorrect API key provided, url: http://127.0.0.1:9/v1/responses)"}'
    printf '%s\n' '{"type":"error","message":"unexpected status 401 Unauthorized: Incorrect API key provided, url: http://127.0.0.1:9/v1/responses"}'
    printf '%s\n' '{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: Incorrect API key provided, url: http://127.0.0.1:9/v1/responses"}}'
    exit 1 ;;
  rate-limited)
    echo "$thread"
    printf '%s\n' '{"type":"turn.started"}'
    printf '%s\n' '{"type":"error","message":"exceeded retry limit, last status: 429 Too Many Requests"}'
    printf '%s\n' '{"type":"turn.failed","error":{"message":"exceeded retry limit, last status: 429 Too Many Requests"}}'
    exit 1 ;;
  server-error)
    echo "$thread"
    printf '%s\n' '{"type":"turn.started"}'
    printf '%s\n' '{"type":"error","message":"Reconnecting... 1/5 (We’re currently experiencing high demand, which may cause temporary errors.)"}'
    printf '%s\n' '{"type":"turn.failed","error":{"message":"We’re currently experiencing high demand, which may cause temporary errors."}}'
    exit 1 ;;
  retrying)
    echo "$thread"
    printf '%s\n' '{"type":"turn.started"}'
    printf '%s\n' '{"type":"error","message":"Reconnecting... 2/5 (unexpected status 503 Service Unavailable: busy, url: http://127.0.0.1:9/v1/responses)"}'
    while :; do sleep 1000; done ;;
  no-result)
    echo "$thread"
    echo "the model went away" >&2
    exit 0 ;;
  leak-key)
    echo "$thread"
    echo "{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"agent_message\",\"text\":\"my key is $OPENAI_API_KEY\"}}"
    echo "key on stderr: $OPENAI_API_KEY" >&2
    echo "{\"type\":\"turn.failed\",\"error\":{\"message\":\"failed with $OPENAI_API_KEY\"}}"
    exit 1 ;;
  forever)
    echo "$thread"
    ( sleep 100000 & )
    while :; do sleep 1000; done ;;
esac
