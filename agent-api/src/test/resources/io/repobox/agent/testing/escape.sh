#!/bin/sh
# Leaves a daemon that both double-forks and clears its environment (so no marker), holding
# stdout open; records its pid in $1 and exits.
( env -i /bin/sleep 1000 & echo "$!" > "$1" )
echo "left a daemon holding stdout"
exit 0
