// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "ike/daemon/miss_event.h"
#include "tools/lib/decode.h"
#include "tools/lib/netlink.h"
#include "uapi/linux/spirecovery.h"

using namespace spirecovery;

namespace {

// What the daemon does with a notification: the shared decoder, then its own checks.
ike::Result<MissEvent> decode_miss_event(std::span<const uint8_t> message) {
    try {
        return to_miss_event(ctl::decode_event(message));
    } catch (const ctl::DecodeError& e) {
        return ike::Error{e.what()};
    }
}

// Builds a notification the way the module does.
class Attributes {
public:
    Attributes() : msg_(nlmsg_alloc()) {
        genlmsg_put(msg_.get(), 0, 0, 0x1d, 0, 0, SPIRECOVERY_CMD_MISS_NTF,
                    SPIRECOVERY_FAMILY_VERSION);
    }
    Attributes& u8(int type, uint8_t v) {
        nla_put_u8(msg_.get(), type, v);
        return *this;
    }
    Attributes& u16(int type, uint16_t v) {
        nla_put_u16(msg_.get(), type, v);
        return *this;
    }
    Attributes& u32(int type, uint32_t v) {
        nla_put_u32(msg_.get(), type, v);
        return *this;
    }
    Attributes& u64(int type, uint64_t v) {
        nla_put_u64(msg_.get(), type, v);
        return *this;
    }
    Attributes& addr4(int type, const char* text) {
        in_addr a{};
        inet_pton(AF_INET, text, &a);
        nla_put(msg_.get(), type, 4, &a);
        return *this;
    }
    Attributes& addr6(int type, const char* text) {
        in6_addr a{};
        inet_pton(AF_INET6, text, &a);
        nla_put(msg_.get(), type, 16, &a);
        return *this;
    }
    Attributes& raw(int type, size_t len) {
        std::vector<uint8_t> zeros(len);
        nla_put(msg_.get(), type, static_cast<int>(len), zeros.data());
        return *this;
    }
    // The whole message, headers included.
    std::vector<uint8_t> bytes() const {
        const nlmsghdr* hdr = nlmsg_hdr(msg_.get());
        const auto* data = reinterpret_cast<const uint8_t*>(hdr);
        return {data, data + hdr->nlmsg_len};
    }
    ike::Result<MissEvent> decode() const { return decode_miss_event(bytes()); }

private:
    ctl::MessagePtr msg_;
};

Attributes ipv4_esp() {
    Attributes a;
    a.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
        .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
        .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
        .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
        .u32(SPIRECOVERY_A_EVENT_SPI, 0xc1c2c3c4)
        .u32(SPIRECOVERY_A_EVENT_SEQ, 17)
        .u32(SPIRECOVERY_A_EVENT_IFINDEX, 3)
        .u32(SPIRECOVERY_A_EVENT_SUPPRESSED, 2)
        .u64(SPIRECOVERY_A_EVENT_TIMESTAMP, 1234567890123456789ull);
    return a;
}

} // namespace

TEST(MissEvent, DecodesAnIpv4Event) {
    auto ev = ipv4_esp().decode();
    ASSERT_TRUE(ev) << ev.error().message;
    EXPECT_EQ(ev->proto, IPPROTO_ESP);
    EXPECT_EQ(ev->source.to_string(), "192.0.2.1");
    EXPECT_EQ(ev->destination.to_string(), "192.0.2.2");
    EXPECT_EQ(ev->spi, 0xc1c2c3c4u);
    EXPECT_EQ(ev->seq, 17u);
    EXPECT_FALSE(ev->udp_encapsulated);
    EXPECT_EQ(ev->ifindex, 3u);
    EXPECT_EQ(ev->suppressed, 2u);
    EXPECT_EQ(ev->timestamp_ns, 1234567890123456789ull);
    EXPECT_EQ(ev->to_string(),
              "ESP SPI 0xc1c2c3c4 seq 17 from 192.0.2.1 to 192.0.2.2, 2 suppressed");
}

TEST(MissEvent, DecodesAnEncapsulatedIpv6Event) {
    Attributes a;
    a.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET6)
        .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
        .addr6(SPIRECOVERY_A_EVENT_SADDR6, "2001:db8::a")
        .addr6(SPIRECOVERY_A_EVENT_DADDR6, "2001:db8::b")
        .u32(SPIRECOVERY_A_EVENT_SPI, 1)
        .u8(SPIRECOVERY_A_EVENT_ENCAP, SPIRECOVERY_ENCAP_ESPINUDP)
        .u16(SPIRECOVERY_A_EVENT_SPORT, 61000)
        .u16(SPIRECOVERY_A_EVENT_DPORT, 4500)
        .u32(99, 7); // an attribute from a newer module is ignored
    auto ev = a.decode();
    ASSERT_TRUE(ev) << ev.error().message;
    EXPECT_EQ(ev->source.to_string(), "2001:db8::a");
    EXPECT_TRUE(ev->udp_encapsulated);
    EXPECT_EQ(ev->source_port, 61000);
    EXPECT_EQ(ev->destination_port, 4500);
    EXPECT_EQ(ev->to_string(),
              "ESP SPI 0x00000001 seq 0 from 2001:db8::a to 2001:db8::b (UDP 61000->4500)");
}

// A vti device's key (or a firewall's mark) took part in the lookup: the text names it, as
// `ip xfrm state` prints an SA's mark.
TEST(MissEvent, NamesTheLookupsMark) {
    auto a = ipv4_esp();
    a.u32(SPIRECOVERY_A_EVENT_MARK, 42);
    auto ev = a.decode();
    ASSERT_TRUE(ev) << ev.error().message;
    EXPECT_EQ(ev->mark, 42u);
    EXPECT_EQ(ev->to_string(),
              "ESP SPI 0xc1c2c3c4 seq 17 from 192.0.2.1 to 192.0.2.2 mark 0x2a, 2 suppressed");
}

TEST(MissEvent, RejectsIncompleteOrContradictoryEvents) {
    struct Case {
        const char* what;
        std::vector<uint8_t> attrs;
    };
    std::vector<Case> cases;
    cases.push_back({"no attributes", Attributes().bytes()});
    cases.push_back({"no SPI", Attributes()
                                   .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
                                   .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
                                   .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
                                   .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                   .bytes()});
    cases.push_back({"IPv4 without source", Attributes()
                                                .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
                                                .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
                                                .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                                .u32(SPIRECOVERY_A_EVENT_SPI, 1)
                                                .bytes()});
    cases.push_back(
        {"IPv6 family with IPv4 addresses", Attributes()
                                                .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET6)
                                                .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
                                                .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
                                                .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                                .u32(SPIRECOVERY_A_EVENT_SPI, 1)
                                                .bytes()});
    cases.push_back({"short IPv6 address", Attributes()
                                               .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET6)
                                               .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
                                               .raw(SPIRECOVERY_A_EVENT_SADDR6, 8)
                                               .raw(SPIRECOVERY_A_EVENT_DADDR6, 16)
                                               .u32(SPIRECOVERY_A_EVENT_SPI, 1)
                                               .bytes()});
    cases.push_back({"protocol UDP", Attributes()
                                         .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
                                         .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_UDP)
                                         .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
                                         .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                         .u32(SPIRECOVERY_A_EVENT_SPI, 1)
                                         .bytes()});
    cases.push_back({"encapsulated AH", Attributes()
                                            .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
                                            .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_AH)
                                            .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
                                            .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                            .u32(SPIRECOVERY_A_EVENT_SPI, 1)
                                            .u8(SPIRECOVERY_A_EVENT_ENCAP, 2)
                                            .u16(SPIRECOVERY_A_EVENT_SPORT, 4500)
                                            .u16(SPIRECOVERY_A_EVENT_DPORT, 4500)
                                            .bytes()});
    cases.push_back(
        {"encapsulation without ports", Attributes()
                                            .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
                                            .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
                                            .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
                                            .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                            .u32(SPIRECOVERY_A_EVENT_SPI, 1)
                                            .u8(SPIRECOVERY_A_EVENT_ENCAP, 2)
                                            .bytes()});
    cases.push_back({"unknown encapsulation", Attributes()
                                                  .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
                                                  .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
                                                  .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
                                                  .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                                  .u32(SPIRECOVERY_A_EVENT_SPI, 1)
                                                  .u8(SPIRECOVERY_A_EVENT_ENCAP, 1)
                                                  .bytes()});
    cases.push_back({"SPI of one byte", Attributes()
                                            .u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
                                            .u8(SPIRECOVERY_A_EVENT_PROTO, IPPROTO_ESP)
                                            .addr4(SPIRECOVERY_A_EVENT_SADDR4, "192.0.2.1")
                                            .addr4(SPIRECOVERY_A_EVENT_DADDR4, "192.0.2.2")
                                            .raw(SPIRECOVERY_A_EVENT_SPI, 1)
                                            .bytes()});
    for (const auto& c : cases)
        EXPECT_FALSE(decode_miss_event(c.attrs)) << c.what;
}

TEST(MissEvent, EveryTruncationIsSafe) {
    const auto bytes = ipv4_esp().bytes();
    ASSERT_TRUE(decode_miss_event(bytes));
    // Under ASan this also proves no read past the end. Family, protocol, addresses and SPI
    // come first: every prefix shorter than those is incomplete and must fail. The netlink
    // length is cut too, so that the attributes themselves are truncated.
    const size_t essentials = NLMSG_HDRLEN + GENL_HDRLEN + 4 * 8 + 8; // five 8-byte attributes
    for (size_t len = 0; len < bytes.size(); len++) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
        if (len >= sizeof(uint32_t)) {
            const auto nlmsg_len = static_cast<uint32_t>(len);
            std::memcpy(cut.data(), &nlmsg_len, sizeof nlmsg_len);
        }
        auto ev = decode_miss_event(cut);
        if (len < essentials) {
            EXPECT_FALSE(ev) << len;
        }
    }
}
