#!/bin/sh
# Mimics the Claude Code CLI for the hermetic tests: --version, stream-json events and exit codes.
# STUB_SCENARIO picks the behaviour; STUB_RECORD (a directory) receives argv, stdin and environment.
if [ "$1" = "--version" ]; then
  echo "${STUB_VERSION:-2.1.110} (Claude Code)"
  exit 0
fi
if [ -n "${STUB_RECORD:-}" ]; then
  printf '%s\n' "$@" > "$STUB_RECORD/argv"
  env > "$STUB_RECORD/env"
  cat > "$STUB_RECORD/stdin"
else
  cat > /dev/null
fi
init='{"type":"system","subtype":"init","cwd":"/repo","session_id":"sess-1","model":"claude-sonnet-4-6","permissionMode":"acceptEdits","claude_code_version":"2.1.110"}'
case "${STUB_SCENARIO:-success}" in
  success)
    echo "$init"
    printf '%s\n' '{"type":"assistant","message":{"content":[{"type":"text","text":"I will add the file.\nThen run the tests."}]},"session_id":"sess-1"}'
    printf '%s\n' '{"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"/repo/hello.txt","content":"hi"}}]}}'
    printf '%s\n' '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"File created successfully at: /repo/hello.txt"}]}}'
    printf '%s\n' '{"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu_2","name":"Bash","input":{"command":"npm test","description":"Run tests"}}]}}'
    printf '%s\n' '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_2","is_error":true,"content":[{"type":"text","text":"1 failing\nexpected 2"}]}]}}'
    echo 'a line that is not json'
    printf '%s\n' '{"type":"mystery","payload":{"x":1}}'
    echo "progress on stderr" >&2
    printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"duration_ms":12345,"num_turns":3,"result":"Done.","session_id":"sess-1","total_cost_usd":0.0123}'
    exit 0 ;;
  bad-request)
    echo "$init"
    printf '%s\n' '{"type":"result","subtype":"success","is_error":true,"api_error_status":400,"duration_ms":200,"num_turns":1,"result":"API Error: 400 {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long\"}}","session_id":"sess-1","total_cost_usd":0}'
    exit 1 ;;
  auth-retry)
    echo "$init"
    printf '%s\n' '{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":620.8,"error_status":401,"error":"authentication_failed"}'
    while :; do sleep 1000; done ;;
  overloaded-retry)
    echo "$init"
    printf '%s\n' '{"type":"system","subtype":"api_retry","attempt":3,"max_retries":10,"retry_delay_ms":5000,"error_status":529,"error":"overloaded"}'
    while :; do sleep 1000; done ;;
  overloaded-exhausted)
    echo "$init"
    printf '%s\n' '{"type":"result","subtype":"success","is_error":true,"api_error_status":529,"duration_ms":90000,"num_turns":1,"result":"API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}","session_id":"sess-1"}'
    exit 1 ;;
  max-turns)
    echo "$init"
    printf '%s\n' '{"type":"result","subtype":"error_max_turns","is_error":true,"duration_ms":5000,"num_turns":5,"session_id":"sess-1","total_cost_usd":0.5}'
    exit 0 ;;
  max-budget)
    echo "$init"
    printf '%s\n' '{"type":"result","subtype":"error_max_budget_usd","is_error":true,"duration_ms":5000,"num_turns":4,"session_id":"sess-1","total_cost_usd":0.2612,"errors":["Reached maximum budget ($0.25)"]}'
    exit 1 ;;
  denied)
    echo "$init"
    printf '%s\n' '{"type":"system","subtype":"task_started","task_id":"t1","tool_use_id":"toolu_9","description":"Explore the repository","task_type":"local_agent"}'
    printf '%s\n' '{"type":"system","subtype":"task_notification","task_id":"t1","status":"completed","output_file":"","summary":"Found 3 files"}'
    printf '%s\n' '{"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu_3","name":"Bash","input":{"command":"npm install"}}]}}'
    printf '%s\n' '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_3","is_error":true,"content":"Claude requested permissions to use Bash, but you have not granted it yet."}]}}'
    printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"duration_ms":3000,"num_turns":2,"result":"I could not run npm.","session_id":"sess-1","total_cost_usd":0.01,"usage":{"input_tokens":20,"cache_read_input_tokens":100,"output_tokens":7},"permission_denials":[{"tool_name":"Bash","tool_use_id":"toolu_3","tool_input":{"command":"npm install"}}]}'
    exit 0 ;;
  no-result)
    echo "$init"
    echo "the model went away" >&2
    exit 0 ;;
  not-logged-in)
    echo "Invalid API key · Please run /login" >&2
    exit 1 ;;
  not-logged-in-result)
    echo "$init"
    printf '%s\n' '{"type":"result","subtype":"success","is_error":true,"duration_ms":12,"num_turns":1,"result":"Not logged in · Please run /login","session_id":"sess-1","total_cost_usd":0}'
    exit 1 ;;
  huge-event)
    echo "$init"
    printf '{"type":"assistant","message":{"content":[{"type":"text","text":"'
    head -c 3000000 /dev/zero | tr '\000' a
    printf '"}]}}\n'
    printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"duration_ms":1,"num_turns":1,"result":"ok","session_id":"sess-1"}'
    exit 0 ;;
  leak-key)
    echo "$init"
    printf '%s\n' "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"my key is $ANTHROPIC_API_KEY\"}]}}"
    echo "key on stderr: $ANTHROPIC_API_KEY" >&2
    printf '%s\n' "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"result\":\"failed with $ANTHROPIC_API_KEY\",\"session_id\":\"s\"}"
    exit 1 ;;
  text)
    echo "plain text answer"
    echo "second line"
    exit 0 ;;
  forever)
    echo "$init"
    ( sleep 100000 & )
    while :; do sleep 1000; done ;;
esac
