#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# exec-command of recovery_exec.sh: DIR PEER SPI PROTO. Records its arguments, then has B's
# charon initiate the tunnel, as `ipsec whack --initiate` would for Libreswan.
dir=$1
shift
echo "$@" >"$dir/exec.args"
exec /usr/sbin/swanctl --initiate --child net --timeout 20 --uri "unix://$dir/B/run/charon.vici"
