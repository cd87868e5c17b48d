#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 5's edge cases, see recovery_vici.sh: the native backend leaves a start_action = start
# peer without SAs (documented limitation), and an absent vici socket makes the daemon fall
# back to the next backend; a vici attempt that cannot reach the peer ends its half-open IKE SA
# at its timeout and falls back; one the peer refuses (AUTHENTICATION_FAILED) fails without a
# fallback.
exec "$(dirname "$0")/recovery_vici.sh" start-native fallback unreachable refused
