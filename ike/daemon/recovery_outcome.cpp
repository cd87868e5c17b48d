// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/recovery_outcome.h"

#include <algorithm>

#include "ike/daemon/log.h"
#include "tools/lib/spi_text.h"

namespace spirecovery {

void MissLog::record(time_point at, std::optional<uint32_t> spi) {
    const std::lock_guard lock(mutex_);
    const unsigned count = last_ ? last_->count + 1 : 1;
    last_ = Last{at, spi, count};
}

std::optional<MissLog::Last> MissLog::last() const {
    const std::lock_guard lock(mutex_);
    return last_;
}

void RecoveryOutcome::miss(const MissLog::Last& last) {
    if (last.count > misses_before_)
        last_miss_ = last;
}

void RecoveryOutcome::inbound_sa(time_point at, const std::string& description) {
    if (sa_at_)
        return;
    sa_at_ = at;
    sa_description_ = description;
}

void RecoveryOutcome::no_inbound_sa() {
    if (sa_at_)
        sa_gone_ = true;
}

std::optional<RecoveryOutcome::time_point> RecoveryOutcome::last_counted_miss() const {
    if (!last_miss_)
        return std::nullopt;
    time_point from = ended_ + grace;
    if (sa_at_)
        from = std::max(from, *sa_at_);
    if (last_miss_->at <= from)
        return std::nullopt;
    return last_miss_->at;
}

RecoveryOutcome::Verdict RecoveryOutcome::verdict(time_point now) const {
    if (sa_gone_)
        return Verdict::lost_again;
    const auto miss = last_counted_miss();
    const bool over = now >= ended_ + wait_;
    if (!sa_at_) {
        if (miss)
            return Verdict::ignored;
        return over ? Verdict::no_new_sa : Verdict::watching;
    }
    // Quiet since the SA appeared (or since the grace ended, or since the last miss).
    const time_point quiet_from = std::max({*sa_at_, ended_ + grace, miss.value_or(*sa_at_)});
    if (now >= quiet_from + quiet)
        return Verdict::recovered;
    return over ? Verdict::stale_continues : Verdict::watching;
}

std::string RecoveryOutcome::misses_text() const {
    if (!last_miss_)
        return "no miss from the peer since";
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(last_miss_->at - ended_).count();
    const unsigned n = last_miss_->count - misses_before_;
    return cat(n, n == 1 ? " miss" : " misses", " from the peer since, the last on SPI ",
               last_miss_->spi ? spi_text(*last_miss_->spi) : std::string("unknown"), " ",
               std::max<long long>(ms, 0), " ms after it");
}

} // namespace spirecovery
