// SPDX-License-Identifier: GPL-2.0
#include <sstream>

#include <boost/program_options/variables_map.hpp>
#include <gtest/gtest.h>

#include "ike/daemon/peer_set.h"
#include "tools/lib/address.h"

namespace spirecovery {
namespace {

DaemonConfig parse(const std::string& text) {
    std::istringstream in(text);
    ConfigResult result = parse_config(in, "test.conf", std::nullopt, {});
    EXPECT_TRUE(result.errors.empty()) << (result.errors.empty() ? "" : result.errors.front());
    return result.config.value_or(DaemonConfig{});
}

std::vector<std::string> texts(const std::vector<ctl::Peer>& peers) {
    std::vector<std::string> out;
    for (const auto& peer : peers)
        out.push_back(ctl::to_string(peer));
    return out;
}

constexpr const char* three_peers = R"(
[peer.b]
address = 2001:db8::2
backends = exec
exec-command = /bin/true
[peer.a]
address = 192.0.2.9
backends = exec
exec-command = /bin/true
[peer.off]
address = 192.0.2.1
backends = exec
exec-command = /bin/true
enabled = no
)";

TEST(PeerSet, EnabledPeersAsHostPrefixesSorted) {
    const DaemonConfig config = parse(three_peers);
    EXPECT_TRUE(config.peer_filter);
    EXPECT_EQ((std::vector<std::string>{"192.0.2.9/32", "2001:db8::2/128"}),
              texts(peer_set_of(config)));
}

TEST(PeerSet, AHubsPrefixIsCarried) {
    const DaemonConfig config = parse(std::string(three_peers) + R"(
[peer.hub]
address = 198.51.100.0/24
backends = exec
exec-command = /bin/true
[peer.hub6]
address = 2001:db8:5::/48
backends = exec
exec-command = /bin/true
)");
    EXPECT_EQ((std::vector<std::string>{"192.0.2.9/32", "198.51.100.0/24", "2001:db8::2/128",
                                        "2001:db8:5::/48"}),
              texts(peer_set_of(config)));
}

TEST(PeerSet, PeerFilterNoIsParsed) {
    const DaemonConfig config = parse(std::string("[module]\npeer-filter = no\n") + three_peers);
    EXPECT_FALSE(config.peer_filter);
    EXPECT_TRUE(config.module.empty()) << "peer-filter is not a SET_CONFIG value";
}

TEST(PeerSet, PeerFilterRejectsOtherWords) {
    std::istringstream in(std::string("[module]\npeer-filter = maybe\n") + three_peers);
    const ConfigResult result = parse_config(in, "test.conf", std::nullopt, {});
    ASSERT_EQ(1u, result.errors.size());
    EXPECT_EQ("[module]: peer-filter must be yes or no, not 'maybe'", result.errors.front());
}

TEST(PeerSet, DescriptionNamesTheFirstFew) {
    std::vector<ctl::Peer> peers;
    for (int i = 1; i <= 6; ++i)
        peers.push_back(ctl::parse_peer("192.0.2." + std::to_string(i)));
    EXPECT_EQ("6 peers (192.0.2.1/32, 192.0.2.2/32, 192.0.2.3/32, 192.0.2.4/32, and 2 more)",
              describe_peer_set(peers));
    EXPECT_EQ("1 peer (192.0.2.1/32)", describe_peer_set({peers.front()}));
    EXPECT_EQ("0 peers", describe_peer_set({}));
}

} // namespace
} // namespace spirecovery
