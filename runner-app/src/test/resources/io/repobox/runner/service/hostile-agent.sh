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
secrets)  # the agent's own environment: nothing of the runner's but what the runner chose to give
  if env | grep -qE "^(REDIS_[A-Z_]*|ENCRYPTION_KEY|[A-Z_]*TOKEN|[A-Z_]*PASSWORD|[A-Z_]*_FILE)=|$a"; then escaped "agent environment"; else blocked "agent environment"; fi
  if tr '\000' '\n' < /proc/self/environ | grep -qE "^(REDIS_URL|ENCRYPTION_KEY)=|$a"; then escaped "own environ"; else blocked "own environ"; fi
  if tr '\000' '\n' < /proc/1/environ 2>/dev/null | grep -qE "^(REDIS_URL|ENCRYPTION_KEY)=|$a"; then escaped "pid 1 environ"; else blocked "pid 1 environ"; fi
  ;;
mounts)  # the host's files: homes, run-time sockets, the runner's directory and log, the kernel's knobs
  found=""
  # (PATH's bin directories are mounted read-only, also those under a home: they may exist, nothing else there)
  for p in /root/.ssh /root/.gitconfig /root/.git-credentials /root/.m2 /root/.aws /root/.docker /root/.npmrc /root/.config /root/.bash_history \
      /home /var /srv /mnt /media /var/run/docker.sock /run/docker.sock /run/user /etc/shadow /etc/sudoers /etc/ssh "$a/serve.log" "$a/runner-home"; do
    if [ -e "$p" ] && ls -A "$p" 2>/dev/null | grep -q .; then found="$found $p"; fi
    if [ -r "$p" ] && [ -f "$p" ]; then found="$found $p"; fi
  done
  if ls -A /run 2>/dev/null | grep -qv '^repobox$'; then found="$found /run"; fi
  if [ -n "$found" ]; then escaped "host files:$found"; else blocked "host files"; fi
  if ( echo 1 > /proc/sys/kernel/sysrq ) 2>/dev/null || touch /sys/x 2>/dev/null || mount -t tmpfs x /tmp 2>/dev/null; then escaped "kernel knobs"; else blocked "kernel knobs"; fi
  if ls /proc 2>/dev/null | grep -E '^[0-9]+$' | while read -r p; do tr '\000' ' ' < "/proc/$p/cmdline" 2>/dev/null; echo; done | grep -q '[j]ava -cp'; then escaped "host processes"; else blocked "host processes"; fi
  ;;
netns)  # the host's network namespace: an abstract Unix socket the host listens on, the host's unix sockets
  if printf 'hi\n' | timeout 5 socat - "ABSTRACT-CONNECT:$a" 2>/dev/null | grep -q HOST; then escaped "abstract socket"; else blocked "abstract socket"; fi
  if grep -q "@$a" /proc/net/unix 2>/dev/null; then escaped "host unix sockets listed"; else blocked "host unix sockets listed"; fi
  if [ "$(grep -c : /proc/net/dev)" -gt 1 ]; then escaped "host interfaces: $(grep : /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"; else blocked "host interfaces"; fi
  ;;
linger)  # outlive a job that ends normally: double fork, new session, empty environment, then exit 0
  (setsid env -i /bin/sh -c "trap '' HUP TERM; while true; do date > '$PWD/../linger-alive' 2>/dev/null || date > /tmp/alive; date > '$PWD/.alive'; sleep 0.2; done" &)
  while [ ! -e .alive ]; do sleep 0.05; done
  echo "linger started"
  ;;
traps)  # things the runner reads or walks after the agent: links out of the tree, a FIFO, odd names, many inodes
  ln -s /etc/passwd passwd-link
  ln -s / root-link
  ln "$a" hard-link 2>/dev/null && escaped "hard link to $a"
  mkfifo fifo
  printf 'x' > "$(printf 'new\nline source=runner \033[2J')"
  mkdir many && i=0 && while [ $i -lt 3000 ]; do : > "many/f$i"; i=$((i+1)); done
  printf 'source=runner end\n'
  printf '\033]0;title\007 \033[2J cleared\n'
  echo "traps set"
  ;;
longline)  # a line without end, far longer than any line the runner keeps
  head -c 100000000 /dev/zero | tr '\000' 'a'
  echo
  echo "long line done"
  ;;
gitlink)  # the repository's .git replaced by a link to a host directory: does the runner write through it?
  rm -rf .git && ln -s "$a" .git && echo "git dir linked"
  ;;
gitobjects)  # the repository's object store replaced by a link to a host directory, and a change to commit
  rm -rf .git/objects && ln -s "$a" .git/objects && echo change > change.txt && echo "git objects linked"
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
