// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "tools/lib/address.h"

namespace spirecovery::ctl {
namespace {

IpAddress ip(int family, const char* text) {
    IpAddress addr;
    addr.family = family;
    EXPECT_EQ(inet_pton(family, text, addr.bytes.data()), 1);
    return addr;
}

TEST(AddressText, Ipv4IsDottedQuad) {
    EXPECT_EQ(to_string(ip(AF_INET, "10.0.0.1")), "10.0.0.1");
    EXPECT_EQ(to_string(ip(AF_INET, "255.255.255.255")), "255.255.255.255");
}

// Expected strings are what Python 3.11's str(ipaddress.ip_address(...)) prints, which is what
// YNL's cli.py shows for display-hint ipv6.
TEST(AddressText, Ipv6MatchesPythonIpaddress) {
    const std::pair<const char*, const char*> cases[] = {
        {"::", "::"},
        {"::1", "::1"},
        {"2001:db8::1", "2001:db8::1"},
        {"2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"},
        {"1:0:0:1:0:0:0:1", "1:0:0:1::1"},
        {"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},
        {"2001:0:0:1::", "2001:0:0:1::"},
        {"fe80::", "fe80::"},
        {"1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"},
        {"0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"},
        {"::ffff:1.2.3.4", "::ffff:102:304"},
        {"2001:DB8:ABCD:12::", "2001:db8:abcd:12::"},
    };
    for (const auto& [in, out] : cases)
        EXPECT_EQ(to_string(ip(AF_INET6, in)), out) << in;
}

} // namespace
} // namespace spirecovery::ctl
