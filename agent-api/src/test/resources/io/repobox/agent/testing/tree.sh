#!/bin/sh
# Starts the four kinds of descendants a coding agent leaves behind, records their pids in $1,
# says "ready", then either waits forever (default) or exits at once ("exit" as $2).
pids="$1"
: > "$pids"
sleep 1000 &                                   # a plain child
echo "$!" >> "$pids"
sh -c "trap '' TERM; exec sleep 1000" &        # a child that ignores SIGTERM
echo "$!" >> "$pids"
setsid sleep 1000 &                            # a child in a new session
echo "$!" >> "$pids"
( sleep 1000 & echo "$!" >> "$pids" )          # a daemon: double fork, its parent already gone
echo ready
if [ "$2" = exit ]; then exit 0; fi
while :; do sleep 1000; done
