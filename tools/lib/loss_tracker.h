// SPDX-License-Identifier: GPL-2.0
// How many events a full receive queue cost us.
#pragma once

#include <cstdint>

#include "tools/lib/model.h"

namespace spirecovery::ctl {

// Events the module tried to deliver. While we listen, each lands in events-sent, send-failed
// (a listener with NETLINK_BROADCAST_ERROR, such as ours, could not take it) or no-listener (no
// listener could take it).
std::uint64_t events_due(const Stats& stats);

// The kernel only says "some were dropped" (ENOBUFS); how many follows from events_due()
// against the events we received. Events the kernel sends between our drain of the queue and
// the counter read look lost for a moment; they are subtracted again when they arrive, so the
// reported total stays right and no loss is reported twice.
class LossTracker {
public:
    explicit LossTracker(std::uint64_t due_at_start) : base_(due_at_start) {}

    void received() { ++received_; }
    // After an overrun, with the queue drained: the events lost since the last report.
    std::uint64_t newly_lost(std::uint64_t due_now);

private:
    std::uint64_t base_;
    std::uint64_t received_ = 0;
    std::uint64_t reported_ = 0;
};

} // namespace spirecovery::ctl
