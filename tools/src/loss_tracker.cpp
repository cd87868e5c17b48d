#include "tools/src/loss_tracker.h"

namespace spirecovery::ctl {

std::uint64_t LossTracker::newly_lost(std::uint64_t events_sent_now) {
    const std::uint64_t accounted = base_ + received_;
    const std::uint64_t lost = events_sent_now > accounted ? events_sent_now - accounted : 0;
    if (lost <= reported_)
        return 0;
    const std::uint64_t news = lost - reported_;
    reported_ = lost;
    return news;
}

} // namespace spirecovery::ctl
