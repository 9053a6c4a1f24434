#!/bin/sh
# A stub agent that looks for the job's git token everywhere it can reach. Its stdin (the prompt)
# is the token reversed, so that the token itself is never handed to it.
needle=$(rev)
if [ -z "$needle" ]; then echo "no needle in the prompt"; exit 3; fi
if env | grep -qF "$needle"; then echo "TOKEN VISIBLE in the environment"; fi
if grep -rqF "$needle" .. 2>/dev/null; then echo "TOKEN VISIBLE in the workspace"; fi
if cat /proc/$$/cmdline /proc/$PPID/cmdline 2>/dev/null | tr '\000' ' ' | grep -qF "$needle"; then echo "TOKEN VISIBLE in argv"; fi
echo "hunt finished"
echo "changed by the hunter" > HUNTED.txt
