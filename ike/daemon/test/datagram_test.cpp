// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "ike/daemon/datagram.h"

namespace spirecovery {
namespace {

using ike::Bytes;
using ike::Endpoint;
using ike::IpAddress;

const Endpoint b_v4{*IpAddress::parse("203.0.113.2"), 4500};
const Endpoint nat_v4{*IpAddress::parse("203.0.113.1"), 61234};
const Endpoint b_v6{*IpAddress::parse("2001:db8::b"), 4500};
const Endpoint a_v6{*IpAddress::parse("2001:db8::a"), 4500};

Bytes ike_payload() {
    Bytes payload = {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}; // marker, SPIi
    payload.resize(40, 0x5a);
    return payload;
}

// An IPv4 header (no options) in front of `udp`, as the raw socket reads it.
Bytes ipv4_packet(const Endpoint& from, const Endpoint& to, const Bytes& udp,
                  std::uint16_t fragment = 0) {
    const std::size_t total = 20 + udp.size();
    Bytes packet = {0x45,
                    0,
                    std::uint8_t(total >> 8),
                    std::uint8_t(total),
                    0,
                    1,
                    std::uint8_t(fragment >> 8),
                    std::uint8_t(fragment),
                    64,
                    17,
                    0,
                    0};
    packet.insert(packet.end(), from.address.bytes().begin(), from.address.bytes().end());
    packet.insert(packet.end(), to.address.bytes().begin(), to.address.bytes().end());
    packet.insert(packet.end(), udp.begin(), udp.end());
    return packet;
}

TEST(Datagram, BuildsAChecksummedUdpHeader) {
    const Bytes payload = ike_payload();
    auto udp = build_udp(b_v4, nat_v4, payload);
    ASSERT_TRUE(udp) << udp.error().message;
    ASSERT_EQ(udp->size(), 8 + payload.size());
    EXPECT_EQ(udp.value()[0] << 8 | udp.value()[1], 4500);
    EXPECT_EQ(udp.value()[2] << 8 | udp.value()[3], 61234);
    EXPECT_EQ(udp.value()[4] << 8 | udp.value()[5], int(udp->size()));
    // The receiver's sum over pseudo-header and datagram comes out right.
    EXPECT_EQ(udp_checksum(b_v4.address, nat_v4.address, udp.value()), 0xffff);
    auto parsed = parse_udp(b_v4.address, nat_v4.address, udp.value());
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->source, b_v4);
    EXPECT_EQ(parsed->destination, nat_v4);
    EXPECT_EQ(Bytes(parsed->payload.begin(), parsed->payload.end()), payload);
}

TEST(Datagram, ChecksumMatchesAKnownDatagram) {
    // 192.0.2.1:1 -> 192.0.2.2:2, payload "ab": computed by hand from RFC 768's definition.
    // Pseudo-header 0xc000+0x0201+0xc000+0x0202+0x0011+0x000a, header 0x0001+0x0002+0x000a,
    // data 0x6162: sum 0x1e58d, folded 0xe58e, complement 0x1a71.
    const Bytes udp = {0, 1, 0, 2, 0, 10, 0, 0, 'a', 'b'};
    EXPECT_EQ(udp_checksum(*IpAddress::parse("192.0.2.1"), *IpAddress::parse("192.0.2.2"), udp),
              0x1a71);
}

TEST(Datagram, BuildsIpv6WithTheChecksumOfItsPseudoHeader) {
    auto udp = build_udp(a_v6, b_v6, ike_payload());
    ASSERT_TRUE(udp);
    // The receiver's sum over the pseudo-header and the datagram, checksum included: 0xffff,
    // so computing it again over the whole comes to 0 (sent as 0xffff).
    EXPECT_EQ(udp_checksum(a_v6.address, b_v6.address, udp.value()), 0xffff);
    // Another source address changes it.
    EXPECT_NE(udp_checksum(*IpAddress::parse("2001:db8::c"), b_v6.address, udp.value()), 0xffff);
    EXPECT_FALSE(build_udp(a_v6, nat_v4, ike_payload()));
}

TEST(Datagram, ParsesWhatAnIpv4RawSocketReads) {
    auto udp = build_udp(nat_v4, b_v4, ike_payload());
    ASSERT_TRUE(udp);
    const Bytes packet = ipv4_packet(nat_v4, b_v4, udp.value());
    auto parsed = parse_ipv4_udp(packet);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->source, nat_v4);
    EXPECT_EQ(parsed->destination, b_v4);
    EXPECT_EQ(parsed->payload.size(), ike_payload().size());
}

TEST(Datagram, RefusesMalformedIpv4) {
    auto udp = build_udp(nat_v4, b_v4, ike_payload());
    ASSERT_TRUE(udp);
    const Bytes good = ipv4_packet(nat_v4, b_v4, udp.value());
    for (std::size_t size = 0; size < good.size(); ++size)
        EXPECT_FALSE(parse_ipv4_udp(ike::ByteView(good).first(size))) << "truncated to " << size;

    Bytes bad = good;
    bad[0] = 0x65; // version 6
    EXPECT_FALSE(parse_ipv4_udp(bad));
    bad = good;
    bad[0] = 0x44; // header shorter than 20
    EXPECT_FALSE(parse_ipv4_udp(bad));
    bad = good;
    bad[9] = 6; // TCP
    EXPECT_FALSE(parse_ipv4_udp(bad));
    EXPECT_FALSE(parse_ipv4_udp(ipv4_packet(nat_v4, b_v4, udp.value(), 0x2000))); // more fragments
    bad = good;
    bad[20 + 5] += 1; // UDP length past the packet
    EXPECT_FALSE(parse_ipv4_udp(bad));
    bad = good;
    bad[20 + 5] = 7; // UDP length shorter than its header
    EXPECT_FALSE(parse_ipv4_udp(bad));
    bad = good;
    bad[3] -= 1; // total length cuts the UDP datagram short
    EXPECT_FALSE(parse_ipv4_udp(bad));
}

TEST(Datagram, DescribesIcmpErrors) {
    IcmpReport unreachable{false, 3, 3, *IpAddress::parse("203.0.113.1"), 0};
    EXPECT_EQ(describe(unreachable), "port unreachable from 203.0.113.1");
    EXPECT_TRUE(is_hard(unreachable));
    IcmpReport frag{false, 3, 4, *IpAddress::parse("198.51.100.1"), 1400};
    EXPECT_EQ(describe(frag), "fragmentation needed (MTU 1400) from 198.51.100.1");
    EXPECT_FALSE(is_hard(frag));
    IcmpReport ttl{false, 11, 0, std::nullopt, 0};
    EXPECT_EQ(describe(ttl), "time exceeded from an unknown sender");
    EXPECT_FALSE(is_hard(ttl));
    IcmpReport v6{true, 1, 4, *IpAddress::parse("2001:db8::1"), 0};
    EXPECT_EQ(describe(v6), "port unreachable from 2001:db8::1");
    EXPECT_TRUE(is_hard(v6));
    IcmpReport odd{false, 42, 7, std::nullopt, 0};
    EXPECT_EQ(describe(odd), "ICMP type 42 code 7 from an unknown sender");
}

TEST(Datagram, MatchesQuotesOfOurDatagramOnly) {
    const SentIke sent{4500, 61234, true, {1, 2, 3, 4, 5, 6, 7, 8}};
    auto udp = build_udp(b_v4, nat_v4, ike_payload());
    ASSERT_TRUE(udp);
    // A raw socket's quote: our UDP header, then the marker and the IKE header.
    EXPECT_EQ(match_quote(udp.value(), true, sent), QuoteMatch::ours);
    EXPECT_EQ(match_quote(ike::ByteView(udp.value()).first(8), true, sent), QuoteMatch::too_short);
    SentIke other_port = sent;
    other_port.source_port = 500; // charon's datagram, not ours
    EXPECT_EQ(match_quote(udp.value(), true, other_port), QuoteMatch::other);
    SentIke other_spi = sent;
    other_spi.spi_i[7] = 9;
    EXPECT_EQ(match_quote(udp.value(), true, other_spi), QuoteMatch::other);
    // A UDP socket's quote: the payload only.
    const Bytes payload = ike_payload();
    EXPECT_EQ(match_quote(payload, false, sent), QuoteMatch::ours);
    SentIke no_marker = sent;
    no_marker.non_esp_marker = false; // then the SPI comes first: here it is the marker
    EXPECT_EQ(match_quote(payload, false, no_marker), QuoteMatch::other);
    EXPECT_EQ(match_quote({}, false, sent), QuoteMatch::too_short);
}

} // namespace
} // namespace spirecovery
