#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 13: the vici backend through a NAT, see recovery_nat.sh: A behind it, B behind it, and A
# behind `masquerade random` with nat-traversal.
exec "$(dirname "$0")/recovery_nat.sh" vici-a vici-b vici-a-random
