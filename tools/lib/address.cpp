// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/address.h"

#include <arpa/inet.h>
#include <cstdio>
#include <sys/socket.h>

#include "tools/lib/number.h"

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

std::string to_string(const Peer& peer) {
    return to_string(peer.addr) + "/" + std::to_string(peer.prefix_len);
}

unsigned max_prefix_len(int family) {
    return family == AF_INET ? 32 : 128;
}

IpAddress masked(const IpAddress& addr, unsigned prefix_len) {
    IpAddress out = addr;
    for (unsigned byte = 0; byte < out.bytes.size(); ++byte) {
        const unsigned kept = prefix_len > 8 * byte ? prefix_len - 8 * byte : 0;
        if (kept < 8)
            out.bytes[byte] &= static_cast<std::uint8_t>(0xff00 >> kept);
    }
    return out;
}

Peer parse_peer(std::string_view text) {
    if (text.empty())
        throw PeerSyntaxError("empty peer: give an address, optionally with /LEN "
                              "(such as 192.0.2.1 or 2001:db8::/32)");
    const auto slash = text.find('/');
    const std::string addr_text(text.substr(0, slash));

    Peer peer;
    peer.addr.family = addr_text.find(':') == std::string::npos ? AF_INET : AF_INET6;
    // inet_pton() would stop at a NUL inside the text and accept what comes before it.
    if (addr_text.find('\0') != std::string::npos ||
        inet_pton(peer.addr.family, addr_text.c_str(), peer.addr.bytes.data()) != 1)
        throw PeerSyntaxError("\"" + addr_text +
                              "\" is not an IPv4 or IPv6 address (such as 192.0.2.1 or "
                              "2001:db8::1)");

    const unsigned max = max_prefix_len(peer.addr.family);
    const std::string allowed =
        "0.." + std::to_string(max) + (peer.addr.family == AF_INET ? " for IPv4" : " for IPv6");
    peer.prefix_len = static_cast<std::uint8_t>(max);
    if (slash != std::string_view::npos) {
        const std::string len_text(text.substr(slash + 1));
        if (len_text.empty() || len_text.find_first_not_of("0123456789") != std::string::npos)
            throw PeerSyntaxError("\"" + std::string(text) + "\": the prefix length \"" + len_text +
                                  "\" is not a decimal number (allowed " + allowed + ")");
        const auto len = parse_decimal(len_text, max);
        if (!len)
            throw PeerSyntaxError(std::string(text) + ": prefix length " + len_text +
                                  " is out of range " + allowed);
        peer.prefix_len = static_cast<std::uint8_t>(*len);
    }

    const Peer network{masked(peer.addr, peer.prefix_len), peer.prefix_len};
    if (network != peer)
        throw PeerSyntaxError(std::string(text) + " has bits set past /" +
                              std::to_string(peer.prefix_len) + "; did you mean " +
                              to_string(network) + "?");
    return peer;
}

} // namespace spirecovery::ctl
