// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "tools/src/format.h"

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

TEST(ValueText, HexLikePython) {
    EXPECT_EQ(python_hex(0), "0x0");
    EXPECT_EQ(python_hex(0xc0ffee01), "0xc0ffee01");
    EXPECT_EQ(python_hex(0x100), "0x100");
}

TEST(ValueText, SpiLikeTheSyslogMessage) {
    EXPECT_EQ(spi_text(0x1f6e4c3c), "0x1F6E4C3C(527322172)");
    EXPECT_EQ(spi_text(0x100), "0x100(256)");
}

TEST(ValueText, SecondsTimestampsPercentages) {
    EXPECT_EQ(seconds_text(0), "0.000s");
    EXPECT_EQ(seconds_text(61005), "61.005s");
    EXPECT_EQ(utc_timestamp(1700000000123456789ULL), "2023-11-14T22:13:20.123456Z");
    EXPECT_EQ(utc_timestamp(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(percent_text(1, 8), "12.5");
    EXPECT_EQ(percent_text(2, 3), "66.7");
    EXPECT_EQ(percent_text(5, 5), "100.0");
}

} // namespace
} // namespace spirecovery::ctl
