// SPDX-License-Identifier: GPL-2.0
#include "tools/src/format.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <sys/socket.h>

namespace spirecovery::ctl {

namespace {

std::string ipv4_text(const IpAddress& addr) {
    const auto& b = addr.bytes;
    char buf[sizeof "255.255.255.255"];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

std::string ipv6_text(const IpAddress& addr) {
    unsigned groups[8];
    for (int i = 0; i < 8; ++i)
        groups[i] = addr.bytes[2 * i] << 8 | addr.bytes[2 * i + 1];

    // Longest run of zero groups; a lone zero group is not shortened.
    int best_start = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }

    std::string text;
    char buf[8];
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            text += "::";
            i += best_len - 1;
            continue;
        }
        if (!text.empty() && text.back() != ':')
            text += ':';
        std::snprintf(buf, sizeof buf, "%x", groups[i]);
        text += buf;
    }
    return text;
}

} // namespace

std::string to_string(const IpAddress& addr) {
    switch (addr.family) {
    case AF_INET:
        return ipv4_text(addr);
    case AF_INET6:
        return ipv6_text(addr);
    default:
        return "?";
    }
}

std::string python_hex(std::uint64_t value) {
    char buf[sizeof "0x" + 16];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
    return buf;
}

std::string spi_text(std::uint32_t spi) {
    char buf[sizeof "0x12345678(4294967295)"];
    std::snprintf(buf, sizeof buf, "0x%" PRIX32 "(%" PRIu32 ")", spi, spi);
    return buf;
}

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
