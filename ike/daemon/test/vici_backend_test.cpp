// SPDX-License-Identifier: GPL-2.0
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>

#include <gtest/gtest.h>

#include "ike/daemon/stop_fd.h"
#include "ike/daemon/test/test_data.h"
#include "ike/daemon/vici_backend.h"

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
    RecoveryRequest request{peer, {}, {}, {}};
    request.event.source = peer.address;
    const auto outcome = backend.recover(request, log, {});
    EXPECT_EQ(outcome.verdict, BackendOutcome::Verdict::unavailable);
    EXPECT_NE(outcome.detail.find("/nonexistent/charon.vici"), std::string::npos);

    // Nobody listens: charon is not running and so holds no IKE SA, certainly.
    ViciIkeSas sas("/nonexistent/charon.vici");
    const auto presence = sas.find(peer.address);
    ASSERT_TRUE(presence);
    EXPECT_FALSE(presence->found);
    EXPECT_NE(presence->description.find("charon is not running"), std::string::npos);
}

namespace {

// A vici socket whose daemon accepts but never answers: a SIGSTOPped charon.
class HungCharon {
public:
    HungCharon() {
        path_ = "/tmp/spirecoveryd-hung-" + std::to_string(getpid()) + ".vici";
        ::unlink(path_.c_str());
        listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
        if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
            ::listen(listener_.get(), 4) != 0)
            throw std::runtime_error("bind/listen " + path_);
    }
    ~HungCharon() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    UniqueFd listener_;
};

} // namespace

TEST(ViciIkeSas, AHungCharonIsCannotTellAndTheWaitEndsOnStop) {
    HungCharon charon;
    std::stop_source stop;
    const StopFd stop_fd(stop.get_token());
    ViciIkeSas sas(charon.path(), stop_fd.get());
    std::jthread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        stop.request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    const auto presence = sas.find(ip("192.0.2.1"));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(presence);
    EXPECT_NE(presence.error().message.find("interrupted"), std::string::npos)
        << presence.error().message;
    EXPECT_LT(took, std::chrono::seconds(1));
}

TEST(ViciIkeSas, AHungCharonTimesOut) {
    HungCharon charon;
    ViciIkeSas sas(charon.path());
    const auto start = std::chrono::steady_clock::now();
    const auto presence = sas.find(ip("192.0.2.1"));
    ASSERT_FALSE(presence);
    EXPECT_NE(presence.error().message.find("timed out"), std::string::npos)
        << presence.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(7));
}

// What list-sas streams for an IKE SA charon is still negotiating: it counts as one.
TEST(ViciBackend, AHalfOpenIkeSaCounts) {
    vici::Message list_sa;
    list_sa.add_section("tunnel")
        .add_value("uniqueid", "7")
        .add_value("state", "CONNECTING")
        .add_value("remote-host", "192.0.2.1");
    const auto found = matching_ike_sas(list_sa, ip("192.0.2.1"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], "IKE SA tunnel[7] CONNECTING");
}
