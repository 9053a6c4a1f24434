# The dry-run agent's body, run as: /bin/sh -c <this> fake-agent
# Its behaviour comes from FAKE_* variables that FakeAgent sets after validating them; the
# prompt and the description of the job arrive on standard input, as a real agent's prompt does.
set -u
echo "[fake] dry run of job $FAKE_JOB_ID in environment '$FAKE_ENVIRONMENT' (no AI involved)"
echo "[fake] this is stderr, as agents print progress there too" >&2
# The shell's own commands where they do (a process less each): this agent is the yardstick of the
# runner's own overhead, so it should add little of its own.
if [ "$FAKE_WRITE" = true ]; then
  case "$FAKE_FILE" in
    */*) dir=${FAKE_FILE%/*}; [ -d "$dir" ] || mkdir -p "$dir" || exit 70 ;;
  esac
  cat > "$FAKE_FILE" || exit 70
  echo "[fake] wrote $FAKE_FILE"
else
  cat > /dev/null
fi
if [ "$FAKE_LINES" -gt 100 ]; then
  seq -f "[fake] line %.0f of $FAKE_LINES$FAKE_PAD" 1 "$FAKE_LINES"
elif [ "$FAKE_LINES" -gt 0 ]; then
  i=1
  while [ "$i" -le "$FAKE_LINES" ]; do
    printf '[fake] line %d of %s%s\n' "$i" "$FAKE_LINES" "$FAKE_PAD"
    i=$((i + 1))
  done
fi
if [ "$FAKE_STDERR_LINES" -gt 0 ]; then
  seq -f "[fake] stderr line %.0f of $FAKE_STDERR_LINES" 1 "$FAKE_STDERR_LINES" >&2
fi
if [ "$FAKE_UNTERMINATED_BYTES" -gt 0 ]; then
  head -c "$FAKE_UNTERMINATED_BYTES" /dev/zero | tr '\000' x
  echo
fi
if [ "$FAKE_GARBAGE" = true ]; then
  printf 'invalid utf-8: \377\376 nul: \000 ansi: \033[31mred\033[0m\n'
fi
if [ "$FAKE_SPAWN" = true ]; then
  ( sleep 100000 & )
  echo "[fake] left a background process running"
fi
if [ "$FAKE_SLEEP" != 0 ]; then
  echo "[fake] sleeping ${FAKE_SLEEP}s"
  sleep "$FAKE_SLEEP"
fi
if [ -n "$FAKE_ERROR" ]; then
  echo "[fake] error: $FAKE_ERROR" >&2
fi
echo "[fake] done"
exit "$FAKE_EXIT_CODE"
