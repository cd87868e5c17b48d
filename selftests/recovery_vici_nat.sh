#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 13: the vici backend through a NAT (recovery/lib.sh's router namespace), see
# recovery_vici.sh: A behind it, B behind it, and A behind `masquerade random`.
exec "$(dirname "$0")/recovery_vici.sh" nat-a nat-b nat-a-random
