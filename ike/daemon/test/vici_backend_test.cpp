// SPDX-License-Identifier: GPL-2.0-only
#include <gtest/gtest.h>

#include "ike/daemon/test/test_data.hpp"
#include "ike/daemon/vici_backend.hpp"

using namespace spirecovery;

namespace {

ike::IpAddress ip(const char* text) {
    return *ike::IpAddress::parse(text);
}

vici::Message recorded_event(const char* file) {
    const auto packets = test::server_packets(file);
    auto packet = vici::decode_packet(packets.at(1)); // after the event confirmation
    if (!packet || packet->type != vici::PacketType::event)
        throw std::runtime_error(std::string(file) + ": no event where expected");
    return packet->message;
}

} // namespace

TEST(ViciBackend, RemoteAddrsEntries) {
    EXPECT_TRUE(remote_addr_covers("192.0.2.1", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.1", ip("192.0.2.2")));
    EXPECT_TRUE(remote_addr_covers("192.0.2.0/24", ip("192.0.2.77")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.0/25", ip("192.0.2.200")));
    EXPECT_TRUE(remote_addr_covers("192.0.2.10-192.0.2.20", ip("192.0.2.15")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.10-192.0.2.20", ip("192.0.2.21")));
    EXPECT_TRUE(remote_addr_covers("2001:db8::/32", ip("2001:db8::a")));
    EXPECT_FALSE(remote_addr_covers("2001:db8::/32", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("%any", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("peer.example.org", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.0/99", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.0/x", ip("192.0.2.1")));
}

TEST(ViciBackend, FindsTheRecordedConnectionByRemoteAddress) {
    const auto list_conn = recorded_event("list_conns.vici");
    const auto found = matching_connections(list_conn, ip("192.0.2.1"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].name, "tunnel");
    EXPECT_EQ(found[0].children, std::vector<std::string>{"net"});
    EXPECT_TRUE(matching_connections(list_conn, ip("192.0.2.9")).empty());
}

TEST(ViciBackend, FindsTheRecordedIkeSaByRemoteHost) {
    const auto list_sa = recorded_event("list_sas.vici");
    const auto found = matching_ike_sas(list_sa, ip("192.0.2.1"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].find("tunnel"), std::string::npos);
    EXPECT_NE(found[0].find("ESTABLISHED"), std::string::npos);
    EXPECT_TRUE(matching_ike_sas(list_sa, ip("192.0.2.3")).empty());
}

TEST(ViciBackend, AbsentSocketIsUnavailable) {
    ViciBackend backend("/nonexistent/charon.vici", std::chrono::seconds(1));
    PeerConfig peer;
    peer.name = "a";
    peer.address = ip("192.0.2.1");
    Logger logger({LogLevel::error, false, false});
    PeerLog log(logger, "test: ");
    RecoveryRequest request{peer, {}};
    request.event.source = peer.address;
    const auto outcome = backend.recover(request, log, {});
    EXPECT_EQ(outcome.verdict, BackendOutcome::Verdict::unavailable);
    EXPECT_NE(outcome.detail.find("/nonexistent/charon.vici"), std::string::npos);

    ViciIkeSas sas("/nonexistent/charon.vici");
    EXPECT_FALSE(sas.find(peer.address));
    EXPECT_FALSE(sas.required());
}
