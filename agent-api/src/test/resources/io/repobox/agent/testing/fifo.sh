#!/bin/sh
# Prints a line, then blocks until the test writes to the FIFO $1; proves lines arrive before exit.
echo first
read reply < "$1"
echo "second $reply"
