#!/bin/sh
echo "working" 
echo "warning: something odd" >&2
echo "Not logged in" >&2
echo "Please run /login" >&2
exit "${1:-1}"
