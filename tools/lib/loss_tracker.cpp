// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/loss_tracker.h"

namespace spirecovery::ctl {

std::uint64_t events_due(const Stats& stats) {
    return stats[SPIRECOVERY_A_STATS_EVENTS_SENT] + stats[SPIRECOVERY_A_STATS_SEND_FAILED] +
           stats[SPIRECOVERY_A_STATS_NO_LISTENER];
}

std::uint64_t LossTracker::newly_lost(std::uint64_t due_now) {
    const std::uint64_t accounted = base_ + received_;
    const std::uint64_t lost = due_now > accounted ? due_now - accounted : 0;
    if (lost <= reported_)
        return 0;
    const std::uint64_t news = lost - reported_;
    reported_ = lost;
    return news;
}

} // namespace spirecovery::ctl
