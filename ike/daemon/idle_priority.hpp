// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <pthread.h>
#include <sched.h>

namespace spirecovery {

// For threads doing background work (refilling the key pool, writing the state file): under
// SCHED_IDLE they run only when no other thread wants the CPU, so on a busy host they never
// delay a recovery's first packet. Lowering needs no privilege; a failure leaves the thread
// as it was, which is only slower for others.
inline void lower_to_idle_priority() {
    const sched_param param{};
    (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
}

} // namespace spirecovery
