#!/bin/sh
# Leaves a daemon that double-forks and clears its environment (so no marker) but stays in the
# session; records its pid in $1 and exits.
( env -i /bin/sleep 1000 & echo "$!" > "$1" )
echo "left a daemon without the marker"
exit 0
