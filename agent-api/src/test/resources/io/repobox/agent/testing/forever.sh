#!/bin/sh
echo started
while :; do sleep 1000; done
