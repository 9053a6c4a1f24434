#!/bin/sh
# Leaves a daemon that double-forks, leaves the session and clears its environment (so no marker and
# no session of ours), holding stdout open; records its pid in $1 and exits.
( setsid env -i /bin/sleep 1000 & echo "$!" > "$1" )
echo "left a daemon holding stdout"
exit 0
