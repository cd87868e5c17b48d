// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/address.h"

#include <cstdio>
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

} // namespace spirecovery::ctl
