#!/bin/sh
# Mimics the Gemini CLI (0.61.0) headless with --output-format stream-json for the hermetic tests:
# --version, the events and exit codes seen from the real CLI. STUB_SCENARIO picks the behaviour;
# STUB_RECORD (a directory) receives argv, stdin, environment and the settings file.
if [ "$1" = "--version" ]; then
  echo "${STUB_VERSION:-0.61.0}"
  exit 0
fi
if [ -n "${STUB_RECORD:-}" ]; then
  printf '%s\n' "$@" > "$STUB_RECORD/argv"
  env > "$STUB_RECORD/env"
  cat > "$STUB_RECORD/stdin"
  cp "$GEMINI_CLI_HOME/.gemini/settings.json" "$STUB_RECORD/settings.json"
else
  cat > /dev/null
fi
echo "YOLO mode is enabled. All tool calls will be automatically approved." >&2
init='{"type":"init","timestamp":"2026-01-01T00:00:00.000Z","session_id":"gs-1","model":"gemini-test"}'
case "${STUB_SCENARIO:-success}" in
  success)
    printf '%s\n' "$init"
    printf '%s\n' '{"type":"message","timestamp":"t","role":"user","content":"Write hello\n"}'
    printf '%s\n' '{"type":"tool_use","timestamp":"t","tool_name":"write_file","tool_id":"w1","parameters":{"file_path":"hello.txt","content":"hi\n"}}'
    printf '%s\n' '{"type":"tool_use","timestamp":"t","tool_name":"run_shell_command","tool_id":"r1","parameters":{"command":"npm test"}}'
    printf '%s\n' '{"type":"tool_result","timestamp":"t","tool_id":"w1","status":"success"}'
    printf '%s\n' '{"type":"tool_result","timestamp":"t","tool_id":"r1","status":"error","output":"1 failing","error":{"type":"shell","message":"1 failing\nexpected 2"}}'
    printf '%s\n' '{"type":"message","timestamp":"t","role":"assistant","content":"Added hello","delta":true}'
    printf '%s\n' '{"type":"message","timestamp":"t","role":"assistant","content":".txt.\nTests ","delta":true}'
    printf '%s\n' '{"type":"message","timestamp":"t","role":"assistant","content":"fail.","delta":true}'
    echo "Ripgrep is not available. Falling back to GrepTool." >&2
    printf '%s\n' '{"type":"result","timestamp":"t","status":"success","stats":{"total_tokens":220,"input_tokens":200,"output_tokens":20,"cached":40,"input":160,"duration_ms":609,"tool_calls":2}}'
    exit 0 ;;
  bad-key)
    printf '%s\n' "$init"
    echo 'Error when talking to Gemini API _ApiError: {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}' >&2
    echo '    at throwErrorIfNotOK (file:///gemini/bundle/chunk.js:1:1)' >&2
    printf '%s\n' '{"type":"result","timestamp":"t","status":"error","error":{"type":"unknown","message":"[API Error: {\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\"}}]"},"stats":{"total_tokens":0,"input_tokens":0,"output_tokens":0,"cached":0,"input":0,"duration_ms":0,"tool_calls":0}}'
    exit 144 ;;
  server-error)
    printf '%s\n' "$init"
    printf '%s\n' '{"type":"result","timestamp":"t","status":"error","error":{"type":"unknown","message":"[API Error: {\"error\":{\"code\":500,\"message\":\"Internal error encountered.\",\"status\":\"INTERNAL\"}}]"},"stats":{"input_tokens":0,"output_tokens":0}}'
    exit 244 ;;
  auth-method)
    echo "Invalid auth method selected." >&2
    exit 41 ;;
  max-turns)
    printf '%s\n' "$init"
    printf '%s\n' '{"type":"result","timestamp":"t","status":"error","error":{"type":"FatalTurnLimitedError","message":"Reached max session turns for this session. Increase the number of turns by specifying maxSessionTurns in settings.json."},"stats":{"input_tokens":50,"output_tokens":5}}'
    exit 53 ;;
  rate-limited)
    printf '%s\n' "$init"
    echo 'Attempt 1 failed with status 429. Retrying with backoff... _ApiError: {"error":{"code":429,"message":"Resource exhausted"}}' >&2
    echo 'Attempt 2 failed with status 429. Retrying with backoff... _ApiError: {"error":{"code":429,"message":"Resource exhausted"}}' >&2
    while :; do sleep 1000; done ;;
  leak-key)
    printf '%s\n' "$init"
    printf '%s\n' "{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"my key is $GEMINI_API_KEY\"}"
    echo "key on stderr: $GEMINI_API_KEY" >&2
    printf '%s\n' "{\"type\":\"result\",\"status\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"failed with $GEMINI_API_KEY\"}}"
    exit 1 ;;
  forever)
    printf '%s\n' "$init"
    ( sleep 100000 & )
    while :; do sleep 1000; done ;;
esac
