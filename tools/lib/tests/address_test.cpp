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

Peer peer(int family, const char* text, std::uint8_t prefix_len) {
    return {ip(family, text), prefix_len};
}

// The message of the PeerSyntaxError `text` gets.
std::string parse_error(const char* text) {
    try {
        parse_peer(text);
    } catch (const PeerSyntaxError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted " << text;
    return {};
}

TEST(PeerText, IsAddressSlashLength) {
    EXPECT_EQ(to_string(peer(AF_INET, "192.0.2.0", 24)), "192.0.2.0/24");
    EXPECT_EQ(to_string(peer(AF_INET6, "2001:db8::", 32)), "2001:db8::/32");
}

TEST(Masked, ClearsTheBitsPastThePrefix) {
    EXPECT_EQ(masked(ip(AF_INET, "192.0.2.255"), 25), ip(AF_INET, "192.0.2.128"));
    EXPECT_EQ(masked(ip(AF_INET, "10.1.2.3"), 0), ip(AF_INET, "0.0.0.0"));
    EXPECT_EQ(masked(ip(AF_INET, "10.1.2.3"), 32), ip(AF_INET, "10.1.2.3"));
    EXPECT_EQ(masked(ip(AF_INET6, "2001:db8:ffff::1"), 33), ip(AF_INET6, "2001:db8:8000::"));
    EXPECT_EQ(masked(ip(AF_INET6, "2001:db8::1"), 128), ip(AF_INET6, "2001:db8::1"));
}

TEST(ParsePeer, TakesAnAddressWithOrWithoutALength) {
    EXPECT_EQ(parse_peer("192.0.2.1"), peer(AF_INET, "192.0.2.1", 32));
    EXPECT_EQ(parse_peer("192.0.2.0/24"), peer(AF_INET, "192.0.2.0", 24));
    EXPECT_EQ(parse_peer("0.0.0.0/0"), peer(AF_INET, "0.0.0.0", 0));
    EXPECT_EQ(parse_peer("2001:db8::1"), peer(AF_INET6, "2001:db8::1", 128));
    EXPECT_EQ(parse_peer("2001:DB8::/32"), peer(AF_INET6, "2001:db8::", 32));
    EXPECT_EQ(parse_peer("::/0"), peer(AF_INET6, "::", 0));
    EXPECT_EQ(parse_peer("::ffff:192.0.2.1"), peer(AF_INET6, "::ffff:192.0.2.1", 128));
}

TEST(ParsePeer, HostBitsSuggestTheNetwork) {
    EXPECT_EQ(parse_error("192.0.2.1/24"),
              "192.0.2.1/24 has bits set past /24; did you mean 192.0.2.0/24?");
    EXPECT_EQ(parse_error("2001:db8::1/64"),
              "2001:db8::1/64 has bits set past /64; did you mean 2001:db8::/64?");
}

TEST(ParsePeer, LengthsOutsideTheFamilyAreNamed) {
    EXPECT_EQ(parse_error("192.0.2.0/33"),
              "192.0.2.0/33: prefix length 33 is out of range 0..32 for IPv4");
    EXPECT_EQ(parse_error("2001:db8::/129"),
              "2001:db8::/129: prefix length 129 is out of range 0..128 for IPv6");
    EXPECT_EQ(parse_error("10.0.0.0/99999999999999999999999"),
              "10.0.0.0/99999999999999999999999: prefix length 99999999999999999999999 is out "
              "of range 0..32 for IPv4");
}

TEST(ParsePeer, LengthsMustBeDecimal) {
    for (const char* text : {"192.0.2.0/", "192.0.2.0/x", "192.0.2.0/-1", "192.0.2.0/+8",
                             "192.0.2.0/24/", "192.0.2.0/ 24"}) {
        const std::string len = std::string(text).substr(10);
        EXPECT_EQ(parse_error(text), "\"" + std::string(text) + "\": the prefix length \"" + len +
                                         "\" is not a decimal number (allowed 0..32 for IPv4)");
    }
}

TEST(ParsePeer, OnlyAddressesAreAddresses) {
    for (const char* text : {"vpn.example.com", "192.0.2", "192.0.2.256", "192.0.02.1",
                             " 192.0.2.1", "192.0.2.1 ", "fe80::1%eth0", "2001:db8:::1", ":"})
        EXPECT_EQ(parse_error(text), "\"" + std::string(text) +
                                         "\" is not an IPv4 or IPv6 address (such as 192.0.2.1 or "
                                         "2001:db8::1)");
    EXPECT_EQ(parse_error(""), "empty peer: give an address, optionally with /LEN (such as "
                               "192.0.2.1 or 2001:db8::/32)");
    // inet_pton() stops at a NUL: what follows it must not be ignored.
    EXPECT_THROW(parse_peer(std::string_view("10.0.0.1\0junk", 13)), PeerSyntaxError);
}

} // namespace
} // namespace spirecovery::ctl
