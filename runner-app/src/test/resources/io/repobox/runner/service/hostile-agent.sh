#!/bin/sh
# A hostile stub agent: the prompt names one attack and its parameters. Every attack prints
# "ESCAPED: <what>" when it succeeds and "blocked: <what>" when it does not; the suite asserts that
# no line says ESCAPED and checks the host side itself too.
read -r attack a b c
escaped() { echo "ESCAPED: $*"; }
blocked() { echo "blocked: $*"; }
case "$attack" in
environ)  # the runner's secrets: its own environ by pid, and every environ in reach
  if cat "/proc/$a/environ" 2>/dev/null | tr '\000' '\n' | grep -qE '^(ENCRYPTION_KEY|REDIS_URL)='; then escaped "runner environ"; else blocked "runner environ"; fi
  if cat /proc/[0-9]*/environ 2>/dev/null | tr '\000' '\n' | grep -qE "^ENCRYPTION_KEY=|$b"; then escaped "environ scan"; else blocked "environ scan"; fi
  ;;
neighbour)  # a concurrent job: its processes (by its job id in their environment) and its workspace
  if cat /proc/[0-9]*/environ 2>/dev/null | tr '\000' '\n' | grep -qF "$a"; then escaped "neighbour environ"; else blocked "neighbour environ"; fi
  if echo backdoor > "$b/$a/repo/backdoor.txt" 2>/dev/null; then escaped "neighbour workspace"; else blocked "neighbour workspace"; fi
  if ls "$b" 2>/dev/null | grep -qF "$a"; then escaped "TEMP_DIR listing"; else blocked "TEMP_DIR listing"; fi
  ;;
private)  # the runner's files for this job, next to the working tree
  for f in ../private/config ../private/git-askpass.sh ../private/credentials; do echo '[credential] helper = !evil' > "$f" 2>/dev/null; done
  if ls ../private 2>/dev/null | grep -qv -e config -e git-askpass.sh -e credentials; then escaped "private listing"; fi
  echo "private attempted"
  ;;
persist)  # outlive the job: the runner's own git configuration, a git earlier on PATH
  if echo '[credential] helper = !evil' > "$a/.gitconfig" 2>/dev/null; then escaped "runner home"; else blocked "runner home"; fi
  for d in $(echo "$PATH" | tr ':' ' '); do
    if printf '#!/bin/sh\necho evil\n' > "$d/git" 2>/dev/null; then escaped "git on PATH in $d"; fi
  done
  echo '[credential] helper = !evil' > "$HOME/.gitconfig" && echo "own home written"
  ;;
redis)  # the runner's Redis, directly and through the proxy; the metadata address
  if printf 'PING\r\n' | timeout 5 socat - "TCP:127.0.0.1:$a,connect-timeout=2" 2>/dev/null | grep -q PONG; then escaped "redis direct"; else blocked "redis direct"; fi
  if printf 'CONNECT 127.0.0.1:%s HTTP/1.1\r\n\r\nPING\r\n' "$a" | timeout 5 socat - TCP:127.0.0.1:3128 2>/dev/null | grep -q PONG; then escaped "redis via proxy"; else blocked "redis via proxy"; fi
  if printf 'GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\n\r\n' | timeout 5 socat - TCP:127.0.0.1:3128 2>/dev/null | grep -q '200 OK'; then escaped "metadata"; else blocked "metadata"; fi
  ;;
refused)  # a host nobody allowed
  printf 'CONNECT evil.example:443 HTTP/1.1\r\n\r\n' | timeout 5 socat - TCP:127.0.0.1:3128 2>/dev/null | head -1
  ;;
kill)  # the runner, and everything else in reach
  kill -9 "$a" 2>/dev/null && escaped "killed the runner by pid"
  kill -9 -1 2>/dev/null
  echo "kill attempted"
  ;;
escape)  # outlive the stop: double fork, new session, empty environment
  (setsid env -i /bin/sh -c "while true; do date > '$PWD/alive'; sleep 0.2; done" &)
  while [ ! -e alive ]; do sleep 0.05; done
  echo "escape started"
  sleep 600
  ;;
forkbomb)
  bomb() { bomb | bomb & }
  bomb
  sleep 3
  echo "bomb done"
  ;;
hugefile)
  head -c 2000000000 /dev/zero > big.bin
  echo "huge file written"
  ;;
sleep)
  echo "sleeping"
  sleep 600
  ;;
*)
  echo "unknown attack '$attack'" >&2
  exit 2
  ;;
esac
