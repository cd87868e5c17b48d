// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <cstring>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "tools/lib/decode.h"
#include "tools/lib/tests/message_builder.h"

namespace spirecovery::ctl {
namespace {

using test::MessageBuilder;

std::uint32_t be32(const char* dotted) {
    in_addr addr;
    EXPECT_EQ(inet_pton(AF_INET, dotted, &addr), 1);
    return addr.s_addr;
}

std::vector<std::uint8_t> v6(const char* text) {
    std::vector<std::uint8_t> bytes(16);
    EXPECT_EQ(inet_pton(AF_INET6, text, bytes.data()), 1);
    return bytes;
}

IpAddress ip(int family, const char* text) {
    IpAddress addr;
    addr.family = family;
    EXPECT_EQ(inet_pton(family, text, addr.bytes.data()), 1);
    return addr;
}

MessageBuilder config_reply() {
    MessageBuilder m(SPIRECOVERY_CMD_GET_CONFIG);
    m.u8(SPIRECOVERY_A_CONFIG_ENABLED, 1)
        .u32(SPIRECOVERY_A_CONFIG_SOURCE_RATE, 2)
        .u32(SPIRECOVERY_A_CONFIG_SOURCE_BURST, 7)
        .u32(SPIRECOVERY_A_CONFIG_GLOBAL_RATE, 300)
        .u32(SPIRECOVERY_A_CONFIG_GLOBAL_BURST, 400)
        .u8(SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 56);
    return m;
}

MessageBuilder ipv4_event() {
    MessageBuilder m(SPIRECOVERY_CMD_MISS_NTF);
    m.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
        .u8(SPIRECOVERY_A_EVENT_PROTO, 50)
        .u32(SPIRECOVERY_A_EVENT_SADDR4, be32("10.0.0.1"))
        .u32(SPIRECOVERY_A_EVENT_DADDR4, be32("10.0.0.2"))
        .u32(SPIRECOVERY_A_EVENT_SPI, 0xc0ffee01)
        .u32(SPIRECOVERY_A_EVENT_SEQ, 9)
        .u8(SPIRECOVERY_A_EVENT_ENCAP, SPIRECOVERY_ENCAP_NONE)
        .u32(SPIRECOVERY_A_EVENT_IFINDEX, 4)
        .u32(SPIRECOVERY_A_EVENT_MARK, 0)
        .u32(SPIRECOVERY_A_EVENT_SUPPRESSED, 3)
        .u64(SPIRECOVERY_A_EVENT_TIMESTAMP, 1700000000123456789ULL);
    return m;
}

TEST(DecodeConfig, ReadsEveryValue) {
    const Config expected{1, 2, 7, 300, 400, 56};
    EXPECT_EQ(decode_config(config_reply().build()), expected);
}

TEST(DecodeConfig, SkipsAttributesNewerThanTheTool) {
    auto m = config_reply();
    m.u32(SPIRECOVERY_A_CONFIG_MAX + 1, 5);
    EXPECT_EQ(decode_config(m.build()).global_burst, 400u);
}

TEST(DecodeConfig, NamesAMissingAttribute) {
    MessageBuilder m(SPIRECOVERY_CMD_GET_CONFIG);
    m.u8(SPIRECOVERY_A_CONFIG_ENABLED, 0);
    try {
        decode_config(m.build());
        FAIL() << "decoded a reply without source-rate";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attribute \"source-rate\" is missing");
    }
}

TEST(DecodeConfig, RejectsAWrongSize) {
    MessageBuilder m(SPIRECOVERY_CMD_GET_CONFIG);
    m.u16(SPIRECOVERY_A_CONFIG_SOURCE_RATE, 1);
    try {
        decode_config(m.build());
        FAIL() << "decoded a 2-byte u32";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attribute \"source-rate\" has 2 bytes, expected 4");
    }
}

TEST(DecodeConfig, RejectsADuplicate) {
    auto m = config_reply();
    m.u8(SPIRECOVERY_A_CONFIG_ENABLED, 0);
    EXPECT_THROW(decode_config(m.build()), DecodeError);
}

TEST(DecodeConfig, RejectsTruncatedAndShortMessages) {
    auto bytes = config_reply().build();
    EXPECT_THROW(decode_config(std::span(bytes).first(bytes.size() - 4)), DecodeError);
    EXPECT_THROW(decode_config(std::span(bytes).first(10)), DecodeError);
    EXPECT_THROW(decode_config({}), DecodeError);
}

TEST(DecodeConfig, RejectsBytesAfterTheLastAttribute) {
    auto bytes = config_reply().build();
    // Grow the message by 2 bytes that cannot be an attribute.
    bytes.insert(bytes.end(), {0, 0});
    nlmsghdr nlh;
    std::memcpy(&nlh, bytes.data(), sizeof nlh);
    nlh.nlmsg_len += 2;
    std::memcpy(bytes.data(), &nlh, sizeof nlh);
    try {
        decode_config(bytes);
        FAIL() << "accepted trailing bytes";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attributes end in 2 bytes that are not an attribute");
    }
}

TEST(DecodeStats, ReadsEveryCounterAndSkipsPadding) {
    MessageBuilder m(SPIRECOVERY_CMD_GET_STATS);
    m.flag(SPIRECOVERY_A_STATS_PAD);
    for (int type = SPIRECOVERY_A_STATS_PAD + 1; type <= SPIRECOVERY_A_STATS_MAX; ++type)
        m.u64(type, 1000 + type);
    const Stats stats = decode_stats(m.build());
    EXPECT_EQ(stats[SPIRECOVERY_A_STATS_MISS_IPV4_ESP], 1000u + SPIRECOVERY_A_STATS_MISS_IPV4_ESP);
    EXPECT_EQ(stats[SPIRECOVERY_A_STATS_DISABLED], 1000u + SPIRECOVERY_A_STATS_DISABLED);
    EXPECT_EQ(stats[SPIRECOVERY_A_STATS_PAD], 0u);
}

TEST(DecodeStats, RequiresEveryCounter) {
    MessageBuilder m(SPIRECOVERY_CMD_GET_STATS);
    for (int type = SPIRECOVERY_A_STATS_PAD + 1; type < SPIRECOVERY_A_STATS_MAX; ++type)
        m.u64(type, 1);
    try {
        decode_stats(m.build());
        FAIL() << "decoded stats without \"unknown-source\"";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attribute \"unknown-source\" is missing");
    }
}

MessageBuilder source_entry(int family) {
    MessageBuilder m(SPIRECOVERY_CMD_GET_SOURCE, NLM_F_MULTI);
    m.u8(SPIRECOVERY_A_SOURCE_FAMILY, family);
    if (family == AF_INET)
        m.u32(SPIRECOVERY_A_SOURCE_ADDR4, be32("192.0.2.7"))
            .u8(SPIRECOVERY_A_SOURCE_PREFIX_LEN, 32);
    else
        m.bytes(SPIRECOVERY_A_SOURCE_ADDR6, v6("2001:db8:1::"))
            .u8(SPIRECOVERY_A_SOURCE_PREFIX_LEN, 48);
    m.u32(SPIRECOVERY_A_SOURCE_TOKENS, 4)
        .u32(SPIRECOVERY_A_SOURCE_SUPPRESSED, 6)
        .u64(SPIRECOVERY_A_SOURCE_MISSES, 11)
        .u64(SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS, 1500);
    return m;
}

TEST(DecodeSource, ReadsAnIpv4Entry) {
    const Source expected{ip(AF_INET, "192.0.2.7"), 32, 4, 6, 11, 1500};
    EXPECT_EQ(decode_source(source_entry(AF_INET).build()), expected);
}

TEST(DecodeSource, ReadsAnIpv6Entry) {
    const Source expected{ip(AF_INET6, "2001:db8:1::"), 48, 4, 6, 11, 1500};
    EXPECT_EQ(decode_source(source_entry(AF_INET6).build()), expected);
}

TEST(DecodeSource, RejectsAnAddressOfTheOtherFamily) {
    auto m = source_entry(AF_INET);
    m.bytes(SPIRECOVERY_A_SOURCE_ADDR6, v6("::1"));
    try {
        decode_source(m.build());
        FAIL() << "accepted an IPv6 address in an IPv4 entry";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attribute \"addr6\" is present in an IPv4 entry");
    }
}

TEST(DecodeSource, RejectsAnUnknownFamilyAndALongPrefix) {
    MessageBuilder unknown(SPIRECOVERY_CMD_GET_SOURCE);
    unknown.u8(SPIRECOVERY_A_SOURCE_FAMILY, 7);
    EXPECT_THROW(decode_source(unknown.build()), DecodeError);

    MessageBuilder long_prefix(SPIRECOVERY_CMD_GET_SOURCE);
    long_prefix.u8(SPIRECOVERY_A_SOURCE_FAMILY, AF_INET)
        .u32(SPIRECOVERY_A_SOURCE_ADDR4, be32("192.0.2.7"))
        .u8(SPIRECOVERY_A_SOURCE_PREFIX_LEN, 33);
    try {
        decode_source(long_prefix.build());
        FAIL() << "accepted a /33";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "prefix length 33 exceeds 32");
    }
}

// One peer-get reply message, with the kernel's nests.
MessageBuilder peer_reply() {
    return MessageBuilder(SPIRECOVERY_CMD_PEER_GET, NLM_F_MULTI);
}

MessageBuilder& put_v4_peer(MessageBuilder& m, const char* addr, std::uint8_t len) {
    return m.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32(addr))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, len)
        .end_nest();
}

MessageBuilder& put_v6_peer(MessageBuilder& m, const char* addr, std::uint8_t len) {
    return m.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .bytes(SPIRECOVERY_A_PEER_ADDR6, v6(addr))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, len)
        .end_nest();
}

// The message of the DecodeError a peer-get reply gets.
std::string peers_error(const MessageBuilder& m) {
    try {
        decode_peers(m.build());
    } catch (const DecodeError& e) {
        return e.what();
    }
    ADD_FAILURE() << "decoded";
    return {};
}

TEST(DecodePeers, ReadsEveryNestInOrder) {
    auto m = peer_reply();
    put_v4_peer(m, "192.0.2.0", 24);
    put_v4_peer(m, "198.51.100.7", 32);
    put_v6_peer(m, "2001:db8::", 32);
    put_v6_peer(m, "::", 0);
    const std::vector<Peer> expected{{ip(AF_INET, "192.0.2.0"), 24},
                                     {ip(AF_INET, "198.51.100.7"), 32},
                                     {ip(AF_INET6, "2001:db8::"), 32},
                                     {ip(AF_INET6, "::"), 0}};
    EXPECT_EQ(decode_peers(m.build()), expected);
    EXPECT_TRUE(decode_peers(peer_reply().build()).empty());
}

TEST(DecodePeers, SkipsAttributesNewerThanTheTool) {
    auto m = peer_reply();
    m.u32(SPIRECOVERY_A_PEERS_MAX + 1, 5);
    m.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32("10.0.0.0"))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 8)
        .u64(SPIRECOVERY_A_PEER_MAX + 1, 1)
        .end_nest();
    EXPECT_EQ(decode_peers(m.build()), (std::vector<Peer>{{ip(AF_INET, "10.0.0.0"), 8}}));
}

TEST(DecodePeers, NeedsExactlyOneAddress) {
    auto none = peer_reply();
    put_v4_peer(none, "10.0.0.0", 8);
    none.begin_nest(SPIRECOVERY_A_PEERS_PEER).u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 8).end_nest();
    EXPECT_EQ(peers_error(none), "peer 2: a peer needs exactly one of addr4 and addr6");

    auto both = peer_reply();
    both.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32("10.0.0.0"))
        .bytes(SPIRECOVERY_A_PEER_ADDR6, v6("::"))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 8)
        .end_nest();
    EXPECT_EQ(peers_error(both), "peer 1: a peer needs exactly one of addr4 and addr6");

    auto twice = peer_reply();
    twice.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32("10.0.0.0"))
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32("10.0.0.1"))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 8)
        .end_nest();
    EXPECT_EQ(peers_error(twice), "peer 1: attribute \"addr4\" appears twice");
}

TEST(DecodePeers, ChecksTheAddressLength) {
    auto m = peer_reply();
    m.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .bytes(SPIRECOVERY_A_PEER_ADDR6, {0x20, 0x01})
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 16)
        .end_nest();
    EXPECT_EQ(peers_error(m), "peer 1: attribute \"addr6\" has 2 bytes, expected 16");
}

TEST(DecodePeers, NeedsAPrefixLengthThatFitsTheFamily) {
    auto missing = peer_reply();
    missing.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32("10.0.0.1"))
        .end_nest();
    EXPECT_EQ(peers_error(missing), "peer 1: attribute \"prefix-len\" is missing");

    auto v4 = peer_reply();
    put_v4_peer(v4, "10.0.0.1", 33);
    EXPECT_EQ(peers_error(v4), "peer 1: prefix length 33 exceeds 32");
    auto v6_long = peer_reply();
    put_v6_peer(v6_long, "2001:db8::", 129);
    EXPECT_EQ(peers_error(v6_long), "peer 1: prefix length 129 exceeds 128");
}

TEST(DecodePeers, RejectsHostBits) {
    auto m = peer_reply();
    put_v6_peer(m, "2001:db8::1", 64);
    EXPECT_EQ(peers_error(m), "peer 1: 2001:db8::1/64 has bits set past its prefix length");
}

TEST(DecodePeers, RejectsATruncatedMessage) {
    auto m = peer_reply();
    put_v4_peer(m, "10.0.0.0", 8);
    std::vector<std::uint8_t> bytes = m.build();
    bytes.push_back(0); // a stray byte inside the message's length
    bytes.push_back(0);
    bytes.push_back(0);
    bytes.push_back(0);
    const std::uint32_t len = static_cast<std::uint32_t>(bytes.size() - 1);
    std::memcpy(bytes.data(), &len, sizeof len);
    EXPECT_THROW(decode_peers(bytes), DecodeError);
}

TEST(DecodeEvent, ReadsAnIpv4Event) {
    Event expected;
    expected.saddr = ip(AF_INET, "10.0.0.1");
    expected.daddr = ip(AF_INET, "10.0.0.2");
    expected.proto = 50;
    expected.spi = 0xc0ffee01;
    expected.seq = 9;
    expected.encap = SPIRECOVERY_ENCAP_NONE;
    expected.ifindex = 4;
    expected.mark = 0;
    expected.suppressed = 3;
    expected.timestamp_ns = 1700000000123456789ULL;
    EXPECT_EQ(decode_event(ipv4_event().build()), expected);
}

TEST(DecodeEvent, ReadsAnEncapsulatedIpv6EventWithOnlyTheRequiredAttributes) {
    MessageBuilder m(SPIRECOVERY_CMD_MISS_NTF);
    m.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET6)
        .u8(SPIRECOVERY_A_EVENT_PROTO, 50)
        .bytes(SPIRECOVERY_A_EVENT_SADDR6, v6("2001:db8::1"))
        .bytes(SPIRECOVERY_A_EVENT_DADDR6, v6("2001:db8::2"))
        .u32(SPIRECOVERY_A_EVENT_SPI, 1)
        .u8(SPIRECOVERY_A_EVENT_ENCAP, SPIRECOVERY_ENCAP_ESPINUDP)
        .u16(SPIRECOVERY_A_EVENT_SPORT, 4500)
        .u16(SPIRECOVERY_A_EVENT_DPORT, 4501);
    const Event event = decode_event(m.build());
    EXPECT_EQ(event.saddr, ip(AF_INET6, "2001:db8::1"));
    EXPECT_EQ(event.daddr, ip(AF_INET6, "2001:db8::2"));
    EXPECT_EQ(event.sport, 4500);
    EXPECT_EQ(event.dport, 4501);
    EXPECT_FALSE(event.seq);
    EXPECT_FALSE(event.timestamp_ns);
}

TEST(DecodeEvent, RejectsAnotherCommand) {
    auto bytes = ipv4_event().build();
    bytes[NLMSG_HDRLEN] = SPIRECOVERY_CMD_GET_CONFIG; // genlmsghdr.cmd
    try {
        decode_event(bytes);
        FAIL() << "decoded a get-config message as an event";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "command 1 is not miss-ntf");
    }
}

TEST(DecodeEvent, RequiresTheAddressesOfItsFamily) {
    MessageBuilder m(SPIRECOVERY_CMD_MISS_NTF);
    m.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET6)
        .u8(SPIRECOVERY_A_EVENT_PROTO, 50)
        .u32(SPIRECOVERY_A_EVENT_SADDR4, be32("10.0.0.1"))
        .u32(SPIRECOVERY_A_EVENT_SPI, 1);
    try {
        decode_event(m.build());
        FAIL() << "decoded an IPv6 event with IPv4 addresses";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attribute \"saddr4\" is present in an IPv6 event");
    }
}

TEST(DecodeEvent, RejectsAShortAddress) {
    MessageBuilder m(SPIRECOVERY_CMD_MISS_NTF);
    m.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET6)
        .bytes(SPIRECOVERY_A_EVENT_SADDR6, std::vector<std::uint8_t>(15));
    try {
        decode_event(m.build());
        FAIL() << "decoded a 15-byte IPv6 address";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attribute \"saddr6\" has 15 bytes, expected 16");
    }
}

MessageBuilder ctrl_notice(std::uint8_t cmd, std::uint16_t family_id) {
    MessageBuilder m(cmd, 0, GENL_ID_CTRL);
    m.u16(CTRL_ATTR_FAMILY_ID, family_id);
    m.bytes(CTRL_ATTR_FAMILY_NAME, {'s', 'r', 0});
    return m;
}

MessageBuilder ctrl_notice(std::uint8_t cmd, std::vector<std::uint8_t> name) {
    MessageBuilder m(cmd, 0, GENL_ID_CTRL);
    m.u16(CTRL_ATTR_FAMILY_ID, 0x1d);
    m.bytes(CTRL_ATTR_FAMILY_NAME, name);
    return m;
}

TEST(FamilyRemoval, RecognisesTheControllersNoticeForTheFamily) {
    EXPECT_TRUE(is_family_removal(ctrl_notice(CTRL_CMD_DELFAMILY, 0x1d).build(), 0x1d));
    EXPECT_FALSE(is_family_removal(ctrl_notice(CTRL_CMD_DELFAMILY, 0x1e).build(), 0x1d));
    EXPECT_FALSE(is_family_removal(ctrl_notice(CTRL_CMD_NEWFAMILY, 0x1d).build(), 0x1d));
    EXPECT_FALSE(is_family_removal(ipv4_event().build(), 0x1d));
}

TEST(FamilyRemoval, RejectsANoticeWithoutTheFamily) {
    MessageBuilder m(CTRL_CMD_DELFAMILY, 0, GENL_ID_CTRL);
    EXPECT_THROW(is_family_removal(m.build(), 0x1d), DecodeError);
}

TEST(FamilyArrival, RecognisesTheControllersNoticeForTheName) {
    EXPECT_TRUE(is_family_arrival(ctrl_notice(CTRL_CMD_NEWFAMILY, {'s', 'r', 0}).build(), "sr"));
    EXPECT_FALSE(is_family_arrival(ctrl_notice(CTRL_CMD_NEWFAMILY, {'s', 0}).build(), "sr"));
    EXPECT_FALSE(
        is_family_arrival(ctrl_notice(CTRL_CMD_NEWFAMILY, {'s', 'r', 's', 0}).build(), "sr"));
    EXPECT_FALSE(is_family_arrival(ctrl_notice(CTRL_CMD_DELFAMILY, {'s', 'r', 0}).build(), "sr"));
    EXPECT_FALSE(is_family_arrival(ipv4_event().build(), "sr"));
}

TEST(FamilyArrival, RejectsANameWithoutItsNul) {
    try {
        is_family_arrival(ctrl_notice(CTRL_CMD_NEWFAMILY, {'s', 'r'}).build(), "sr");
        FAIL() << "decoded an unterminated name";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "attribute \"family-name\" is not a NUL-terminated string");
    }
    MessageBuilder m(CTRL_CMD_NEWFAMILY, 0, GENL_ID_CTRL);
    EXPECT_THROW(is_family_arrival(m.build(), "sr"), DecodeError);
}

} // namespace
} // namespace spirecovery::ctl
