#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 4's scenario over UDP-encapsulated ESP (encap = yes on both sides): the event carries
# A's source port and the native exchange goes there, from B's ephemeral port, with the
# non-ESP marker. See recovery_native.sh.
exec "$(dirname "$0")/recovery_native.sh" natt
