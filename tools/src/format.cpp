// SPDX-License-Identifier: GPL-2.0
#include "tools/src/format.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace spirecovery::ctl {

std::string seconds_text(std::uint64_t msecs) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%03" PRIu64 "s", msecs / 1000, msecs % 1000);
    return buf;
}

std::string utc_timestamp(std::uint64_t nsecs) {
    const std::time_t secs = static_cast<std::time_t>(nsecs / 1000000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char date[sizeof "YYYY-MM-DDTHH:MM:SS"];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s.%06" PRIu64 "Z", date, nsecs % 1000000000 / 1000);
    return buf;
}

std::string percent_text(std::uint64_t part, std::uint64_t whole) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", 100.0 * static_cast<double>(part) / whole);
    return buf;
}

} // namespace spirecovery::ctl
