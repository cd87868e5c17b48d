// SPDX-License-Identifier: GPL-2.0
#include <cerrno>
#include <linux/netlink.h>
#include <linux/spirecovery.h>

#include <gtest/gtest.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "tools/lib/extack.h"
#include "tools/lib/tests/message_builder.h"

namespace spirecovery::ctl {
namespace {

using test::AckBuilder;
using test::MessageBuilder;

std::vector<std::uint8_t> set_request() {
    MessageBuilder m(SPIRECOVERY_CMD_SET_CONFIG);
    m.u32(SPIRECOVERY_A_CONFIG_SOURCE_RATE, 5).u32(SPIRECOVERY_A_CONFIG_GLOBAL_RATE, 0);
    return m.build();
}

// Where the second attribute (global-rate) of set_request() starts.
constexpr std::uint32_t global_rate_offset = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + 4;

TEST(DecodeAck, ReadsAPlainAck) {
    const KernelAck ack = decode_ack(AckBuilder(0, set_request(), true, false).build());
    EXPECT_EQ(ack, KernelAck{});
}

TEST(DecodeAck, ReadsAnErrorWithoutExtendedAck) {
    const KernelAck ack = decode_ack(AckBuilder(-EPERM, set_request(), false, false).build());
    EXPECT_EQ(ack.error, EPERM);
    EXPECT_TRUE(ack.message.empty());
    EXPECT_FALSE(ack.offset);
}

TEST(DecodeAck, ReadsMessageOffsetAndPolicyAfterACappedRequest) {
    const auto bytes = AckBuilder(-ERANGE, set_request(), true, true)
                           .message("integer out of range")
                           .offset(global_rate_offset)
                           .policy(1, 1000000)
                           .build();
    const KernelAck ack = decode_ack(bytes);
    EXPECT_EQ(ack.error, ERANGE);
    EXPECT_EQ(ack.message, "integer out of range");
    EXPECT_EQ(ack.offset, global_rate_offset);
    EXPECT_EQ(ack.min, 1);
    EXPECT_EQ(ack.max, 1000000);
}

TEST(DecodeAck, FindsTheAttributesAfterAnEchoedRequest) {
    const auto bytes =
        AckBuilder(-EINVAL, set_request(), false, true).message("bad ipv6-prefix").build();
    const KernelAck ack = decode_ack(bytes);
    EXPECT_EQ(ack.error, EINVAL);
    EXPECT_EQ(ack.message, "bad ipv6-prefix");
}

TEST(DecodeAck, RejectsOtherMessagesAndBrokenOnes) {
    EXPECT_THROW(decode_ack(set_request()), DecodeError);
    auto bytes = AckBuilder(-EINVAL, set_request(), true, true).message("x").build();
    EXPECT_THROW(decode_ack(std::span(bytes).first(NLMSG_HDRLEN + 8)), DecodeError);
    // An echoed request longer than the acknowledgement.
    auto echo = AckBuilder(-EINVAL, set_request(), false, true).build();
    nlmsgerr err;
    std::memcpy(&err, echo.data() + NLMSG_HDRLEN, sizeof err);
    err.msg.nlmsg_len = 4096;
    std::memcpy(echo.data() + NLMSG_HDRLEN, &err, sizeof err);
    EXPECT_THROW(decode_ack(echo), DecodeError);
}

TEST(DecodeAck, RejectsAPolicyBoundOfTheWrongSize) {
    const auto bytes = AckBuilder(-ERANGE, set_request(), true, true).short_policy_bound().build();
    try {
        decode_ack(bytes);
        FAIL() << "accepted a 4-byte policy bound";
    } catch (const DecodeError& e) {
        EXPECT_STREQ(e.what(), "policy minimum has 4 bytes, expected 8");
    }
}

TEST(AttributeAt, FindsTheAttributeStartingAtTheOffset) {
    const auto request = set_request();
    EXPECT_EQ(attribute_at(request, NLMSG_HDRLEN + GENL_HDRLEN), SPIRECOVERY_A_CONFIG_SOURCE_RATE);
    EXPECT_EQ(attribute_at(request, global_rate_offset), SPIRECOVERY_A_CONFIG_GLOBAL_RATE);
    EXPECT_FALSE(attribute_at(request, global_rate_offset + 4));
    EXPECT_FALSE(attribute_at(request, 0));
    EXPECT_FALSE(attribute_at(request, 4096));
}

// Two peer nests of 20 bytes each, as put_peers() builds them.
std::vector<std::uint8_t> peers_request() {
    MessageBuilder m(SPIRECOVERY_CMD_PEER_ADD);
    for (std::uint32_t addr : {0x0a000001u, 0x0a000002u})
        m.begin_nest(SPIRECOVERY_A_PEERS_PEER)
            .u32(SPIRECOVERY_A_PEER_ADDR4, addr)
            .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 32)
            .end_nest();
    return m.build();
}

TEST(TopLevelIndexAt, FindsTheNestHoldingTheOffset) {
    const auto request = peers_request();
    constexpr std::uint32_t first = NLMSG_HDRLEN + GENL_HDRLEN;
    EXPECT_EQ(top_level_index_at(request, first), 0u);      // the nest
    EXPECT_EQ(top_level_index_at(request, first + 4), 0u);  // its addr4
    EXPECT_EQ(top_level_index_at(request, first + 12), 0u); // its prefix-len
    EXPECT_EQ(top_level_index_at(request, first + 20), 1u);
    EXPECT_EQ(top_level_index_at(request, first + 32), 1u);
    EXPECT_FALSE(top_level_index_at(request, first + 40));
    EXPECT_FALSE(top_level_index_at(request, 0));
    EXPECT_EQ(top_level_index_at(set_request(), global_rate_offset), 1u);
}

} // namespace
} // namespace spirecovery::ctl
