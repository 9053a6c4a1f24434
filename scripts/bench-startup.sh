#!/usr/bin/env bash
# Start-up figures of the command line: `--help`, `status` and `run --agent fake` on a small
# repository, each run N times in turn (help, status, run, help, ...) so that a drifting machine
# affects all three alike, through the launcher (scripts/runner-app: class-data sharing) and with
# plain `java -jar`. Prints the median wall time of each and the ratios to --help: the ratio of the
# medians, and in brackets the median of each round's own ratio (a round's three commands run within
# a second or two, so a host whose speed drifts moves that one less).
#
#   scripts/bench-startup.sh [N]      (default 10; needs redis-server on PATH for `status`)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
jar=runner-app/target/runner-app.jar
[ -f "$jar" ] || ./mvnw -B -ntp -q -DskipTests package
work=$(mktemp -d)
trap 'kill "${redis_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
git init -q -b main "$work/repo"
echo hello > "$work/repo/README.md"
git -C "$work/repo" add -A && git -C "$work/repo" -c user.name=b -c user.email=b@b commit -q -m seed
port=$((20000 + RANDOM % 20000))
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 &
redis_pid=$!
export REDIS_URL_FOR_STATUS="redis://127.0.0.1:$port"
for _ in $(seq 50); do grep -q "Ready to accept" "$work/redis.log" && break; sleep 0.1; done
export XDG_CACHE_HOME="$work/cache"
id=$(REDIS_URL=$REDIS_URL_FOR_STATUS java -jar "$jar" submit --repo /nowhere "benchmark")

ms() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# The median of line-by-line ratios of two files of figures.
paired() { paste "$1" "$2" | awk '{printf "%.4f\n", $1 / $2}' | median; }

for launcher in "scripts/runner-app" "java -jar $jar"; do
  # shellcheck disable=SC2086
  $launcher run --agent fake --repo "$work/repo" --temp-dir "$work/ws" warm-up > /dev/null 2>&1 || true
  : > "$work/help" ; : > "$work/status"; : > "$work/run"
  for _ in $(seq "$n"); do
    # shellcheck disable=SC2086
    ms $launcher --help >> "$work/help"
    # shellcheck disable=SC2086
    ms env REDIS_URL="$REDIS_URL_FOR_STATUS" $launcher status "$id" >> "$work/status"
    # shellcheck disable=SC2086
    ms $launcher run --agent fake --repo "$work/repo" --temp-dir "$work/ws" "benchmark" >> "$work/run"
  done
  h=$(median < "$work/help"); s=$(median < "$work/status"); r=$(median < "$work/run")
  printf '%-28s --help %5.0f ms   status %5.0f ms (%.2fx [%.2fx])   run --agent fake %5.0f ms (%.2fx [%.2fx])\n' "$launcher" "$h" "$s" \
    "$(echo "$s / $h" | bc -l)" "$(paired "$work/status" "$work/help")" "$r" "$(echo "$r / $h" | bc -l)" "$(paired "$work/run" "$work/help")"
done
