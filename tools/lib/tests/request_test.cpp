// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <cstring>
#include <linux/genetlink.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <netlink/genl/genl.h>

#include "tools/lib/decode.h"
#include "tools/lib/netlink.h"
#include "tools/lib/request.h"
#include "tools/lib/tests/message_builder.h"

namespace spirecovery::ctl {
namespace {

using test::MessageBuilder;

Peer peer(int family, const char* text, std::uint8_t prefix_len) {
    Peer p;
    p.addr.family = family;
    EXPECT_EQ(inet_pton(family, text, p.addr.bytes.data()), 1);
    p.prefix_len = prefix_len;
    return p;
}

// A peer request as Client sends it, in a message of exactly the computed size.
std::vector<std::uint8_t> peer_request(std::uint8_t cmd, std::span<const Peer> peers) {
    const MessagePtr msg(nlmsg_alloc_size(peers_request_size(peers)));
    EXPECT_TRUE(msg);
    EXPECT_TRUE(genlmsg_put(msg.get(), 1, 1, test::test_family, 0, 0, cmd, 1));
    EXPECT_EQ(put_peers(msg.get(), peers), 0);
    const nlmsghdr* nlh = nlmsg_hdr(msg.get());
    const auto* data = reinterpret_cast<const std::uint8_t*>(nlh);
    return {data, data + nlh->nlmsg_len};
}

const std::vector<Peer> sample = {peer(AF_INET, "192.0.2.0", 24), peer(AF_INET6, "2001:db8::", 32),
                                  peer(AF_INET, "198.51.100.7", 32)};

TEST(PeerRequest, IsOneNestPerPeerAsTheKernelParsesIt) {
    std::uint32_t addr4;
    ASSERT_EQ(inet_pton(AF_INET, "192.0.2.0", &addr4), 1);
    std::vector<std::uint8_t> addr6(16);
    ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::", addr6.data()), 1);
    MessageBuilder expected(SPIRECOVERY_CMD_PEER_ADD);
    expected.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, addr4)
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 24)
        .end_nest()
        .begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .bytes(SPIRECOVERY_A_PEER_ADDR6, addr6)
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 32)
        .end_nest();
    EXPECT_EQ(peer_request(SPIRECOVERY_CMD_PEER_ADD, std::span(sample).first(2)), expected.build());
}

// Under strict validation the kernel refuses a nest without the flag.
TEST(PeerRequest, NestsCarryNlaFNested) {
    const auto bytes = peer_request(SPIRECOVERY_CMD_PEER_SET, sample);
    nlattr first;
    std::memcpy(&first, bytes.data() + NLMSG_HDRLEN + GENL_HDRLEN, sizeof first);
    EXPECT_EQ(first.nla_type, NLA_F_NESTED | SPIRECOVERY_A_PEERS_PEER);
}

TEST(PeerRequest, DecodesBackToThePeers) {
    EXPECT_EQ(decode_peers(peer_request(SPIRECOVERY_CMD_PEER_SET, sample)), sample);
}

TEST(PeerRequest, SizeIsExact) {
    EXPECT_EQ(peers_request_size({}), NLMSG_HDRLEN + GENL_HDRLEN);
    EXPECT_EQ(peer_request(SPIRECOVERY_CMD_PEER_SET, sample).size(), peers_request_size(sample));
    // 65536 IPv4 peers: 20 bytes each, about 1.3 MB in one message.
    const std::vector<Peer> many(65536, sample[0]);
    EXPECT_EQ(peers_request_size(many), NLMSG_HDRLEN + GENL_HDRLEN + 65536u * 20);
    EXPECT_EQ(peer_request(SPIRECOVERY_CMD_PEER_SET, many).size(), peers_request_size(many));
}

TEST(PeerRequest, ATooSmallMessageFails) {
    const MessagePtr msg(nlmsg_alloc_size(peers_request_size(sample) - 1));
    ASSERT_TRUE(genlmsg_put(msg.get(), 1, 1, test::test_family, 0, 0, SPIRECOVERY_CMD_PEER_SET, 1));
    EXPECT_LT(put_peers(msg.get(), sample), 0);
}

} // namespace
} // namespace spirecovery::ctl
