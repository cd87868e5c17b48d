// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <sstream>

#include <gtest/gtest.h>

#include "ike/daemon/recovery_policy.h"

using namespace spirecovery;
using namespace std::chrono_literals;

namespace {

class FakeClock final : public MonotonicClock {
public:
    time_point now() const override { return now_; }
    void advance(std::chrono::milliseconds d) { now_ += d; }

private:
    time_point now_{std::chrono::seconds(1000)};
};

class FakeInventory final : public SaInventory {
public:
    explicit FakeInventory(std::string name) : name_(std::move(name)) {}
    std::string_view name() const override { return name_; }
    ike::Result<SaPresence> find(const ike::IpAddress&) override {
        asked++;
        if (failure)
            return ike::Error{*failure};
        return presence;
    }

    SaPresence presence;
    std::optional<std::string> failure;
    int asked = 0;

private:
    std::string name_;
};

ike::IpAddress ip(const char* text) {
    return *ike::IpAddress::parse(text);
}

DaemonConfig two_peers() {
    std::istringstream in(R"(
hold-down = 30
max-exchanges = 1
[peer.a]
address = 192.0.2.1
local-id = b
remote-id = a
psk = k
[peer.off]
address = 192.0.2.9
enabled = no
local-id = b
remote-id = off
psk = k
[peer.c]
address = 2001:db8::c
local-id = b
remote-id = c
psk = k
)");
    auto r = parse_config(in, "test", std::nullopt, {});
    if (!r.config)
        throw std::runtime_error(r.errors.front());
    return *r.config;
}

// B's routes: 192.0.2.2 toward IPv4 peers, 2001:db8::2 toward IPv6 ones.
std::optional<ike::IpAddress> fake_route(const ike::IpAddress& peer) {
    return ip(peer.family() == ike::IpAddress::Family::ipv4 ? "192.0.2.2" : "2001:db8::2");
}

// A miss from `source` sent to B's routed address, ESP in UDP from `port` when it is set.
MissEvent miss(const char* source, std::optional<uint16_t> port = std::nullopt) {
    MissEvent e;
    e.proto = IPPROTO_ESP;
    e.spi = 0x1000;
    e.source = ip(source);
    e.destination = *fake_route(e.source);
    if (port) {
        e.udp_encapsulated = true;
        e.source_port = *port;
        e.destination_port = 4500;
    }
    return e;
}

class PolicyTest : public ::testing::Test {
protected:
    Decision decide(const char* source) { return policy.decide(miss(source), inventories); }
    const PeerConfig& peer_a() { return *config.find_peer(ip("192.0.2.1")); }
    std::string finished(const PeerConfig& peer, RecoveryResult result) {
        return policy.finished(
            peer, *choose_path(peer, miss(peer.address.to_string().c_str()), fake_route).path,
            result);
    }

    DaemonConfig config = two_peers();
    FakeClock clock;
    RecoveryPolicy policy{config, clock, fake_route};
    FakeInventory kernel{"kernel SAD"};
    FakeInventory charon{"strongSwan IKE SAs"};
    std::vector<SaInventory*> inventories{&kernel, &charon};
};

} // namespace

TEST_F(PolicyTest, ActsForAConfiguredPeerWithoutSas) {
    const Decision d = decide("192.0.2.1");
    EXPECT_TRUE(d.act) << d.reason;
    ASSERT_NE(d.peer, nullptr);
    EXPECT_EQ(d.peer->name, "a");
    EXPECT_EQ(kernel.asked, 1);
    EXPECT_EQ(charon.asked, 1);
    EXPECT_EQ(policy.running(), 1u);
}

TEST_F(PolicyTest, IgnoresUnknownAndDisabledPeersWithoutAskingTheSad) {
    Decision d = decide("198.51.100.7");
    EXPECT_FALSE(d.act);
    EXPECT_EQ(d.peer, nullptr);
    EXPECT_NE(d.reason.find("not a configured peer"), std::string::npos);
    d = decide("192.0.2.9");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("disabled"), std::string::npos);
    EXPECT_EQ(kernel.asked, 0);
}

TEST_F(PolicyTest, SkipsWhileBStillHasSas) {
    kernel.presence = {true, true, "ESP SA SPI 0x12345678 192.0.2.1 -> 192.0.2.2 (inbound)"};
    Decision d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("skipped: B still has SAs with 192.0.2.1 (rekey race or spoofed "
                            "packet)"),
              std::string::npos)
        << d.reason;
    EXPECT_NE(d.reason.find("0x12345678"), std::string::npos);
    EXPECT_EQ(charon.asked, 0); // the cheaper answer sufficed

    kernel.presence = {};
    charon.presence = {true, false, "IKE SA tunnel[1] CONNECTING"};
    d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("strongSwan IKE SAs has IKE SA tunnel[1] CONNECTING"),
              std::string::npos)
        << d.reason;
    // A skip is no action: no hold-down follows from it.
    charon.presence = {};
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST_F(PolicyTest, AnUnreadableKernelSadStopsTheRecovery) {
    kernel.failure = "XFRM_MSG_GETSA dump: Operation not permitted";
    const Decision d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("cannot read the kernel SAD"), std::string::npos);
}

TEST_F(PolicyTest, ACharonThatCannotAnswerMeansCannotTell) {
    charon.failure = "vici: timed out";
    const Decision d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("skipped: cannot tell whether B has SAs with 192.0.2.1: cannot read "
                            "the strongSwan IKE SAs: vici: timed out"),
              std::string::npos)
        << d.reason;
    EXPECT_EQ(policy.running(), 0u);
    // No charon on the socket at all: it holds no IKE SA, and the note says so.
    charon.failure.reset();
    charon.presence = {false, false, "charon is not running (vici: connect: No such file)"};
    const Decision again = decide("192.0.2.1");
    EXPECT_TRUE(again.act) << again.reason;
    EXPECT_NE(again.reason.find("charon is not running"), std::string::npos) << again.reason;
}

TEST_F(PolicyTest, CheckInventoriesAsksInOrderAndStopsAtTheFirstAnswer) {
    EXPECT_EQ(check_inventories(ip("192.0.2.1"), inventories).verdict, SaCheck::Verdict::none);
    kernel.failure = "EPERM";
    const SaCheck check = check_inventories(ip("192.0.2.1"), inventories);
    EXPECT_EQ(check.verdict, SaCheck::Verdict::cannot_tell);
    EXPECT_EQ(charon.asked, 1); // only the first round
    kernel.failure.reset();
    charon.presence = {true, false, "IKE SA tunnel[3] CONNECTING"};
    EXPECT_EQ(check_inventories(ip("192.0.2.1"), inventories).verdict, SaCheck::Verdict::present);
}

TEST_F(PolicyTest, HoldDownPerPeer) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    Decision d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("already running"), std::string::npos);

    const std::string next = finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_NE(next.find("hold-down until "), std::string::npos) << next;
    clock.advance(29s);
    d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("skipped: hold-down until "), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("30 s after the last recovery ended, 1 s left"), std::string::npos)
        << d.reason;
    clock.advance(1s);
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST_F(PolicyTest, HoldDownCountsFromTheEndOfTheRecovery) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    clock.advance(50s); // a long recovery: longer than the hold-down
    finished(peer_a(), RecoveryResult::succeeded);
    clock.advance(29s);
    EXPECT_FALSE(decide("192.0.2.1").act);
    clock.advance(1s);
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST_F(PolicyTest, FailuresBackOffExponentiallyUpToTheCapAndASuccessResets) {
    // hold-down 30 s: 60, 120, 240, 480, then 600 s (the cap) after each further failure.
    const std::chrono::seconds expected[] = {60s, 120s, 240s, 480s, 600s, 600s, 600s};
    for (unsigned n = 1; n <= std::size(expected); n++) {
        ASSERT_TRUE(decide("192.0.2.1").act) << n;
        const std::string next = finished(peer_a(), RecoveryResult::failed);
        EXPECT_NE(next.find(cat("backing off after ", n,
                                n == 1 ? " failure until " : " failures until ")),
                  std::string::npos)
            << next;
        EXPECT_EQ(policy.wait_after(n), expected[n - 1]);
        clock.advance(expected[n - 1] - 1s);
        const Decision d = decide("192.0.2.1");
        EXPECT_FALSE(d.act);
        EXPECT_NE(d.reason.find(cat("skipped: backing off after ", n)), std::string::npos)
            << d.reason;
        EXPECT_NE(d.reason.find("1 s left"), std::string::npos) << d.reason;
        clock.advance(1s);
    }
    ASSERT_TRUE(decide("192.0.2.1").act);
    const std::string next = finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_NE(next.find("hold-down until"), std::string::npos) << next;
    clock.advance(30s);
    ASSERT_TRUE(decide("192.0.2.1").act);
    finished(peer_a(), RecoveryResult::failed);
    EXPECT_FALSE(decide("192.0.2.1").act);
    clock.advance(60s); // the first failure after a success: 2 x hold-down again
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST_F(PolicyTest, ARecoveryThatSentNothingStartsNoHoldDown) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    EXPECT_EQ(finished(peer_a(), RecoveryResult::not_attempted), "");
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST(PolicySchedule, TheCapNeverShortensALongHoldDown) {
    std::istringstream in(
        "hold-down = 900\n[peer.a]\naddress = 192.0.2.1\nexec-command = /bin/true\n");
    auto r = parse_config(in, "test", std::nullopt, {});
    ASSERT_TRUE(r.config) << r.errors.front();
    FakeClock clock;
    RecoveryPolicy policy(*r.config, clock, fake_route);
    EXPECT_EQ(policy.wait_after(0), 900s);
    EXPECT_EQ(policy.wait_after(1), 900s);
    EXPECT_EQ(policy.wait_after(40), 900s);
}

TEST_F(PolicyTest, BoundsConcurrentRecoveries) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    Decision d = decide("2001:db8::c"); // another peer, but max-exchanges = 1
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("max-exchanges"), std::string::npos);
    finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_EQ(policy.running(), 0u);
    EXPECT_TRUE(decide("2001:db8::c").act);
    // finished() twice, or for a peer that never ran, frees nothing.
    finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_EQ(policy.running(), 1u);
}

namespace {

DaemonConfig nat_peers(const std::string& extra = "") {
    std::istringstream in(R"(
hold-down = 30
max-exchanges = 1
packet-ports-per-minute = 2
[peer.nat]
address = 192.0.2.1
nat-traversal = yes
local-id = b
remote-id = a
psk = k
[peer.plain]
address = 192.0.2.7
local-id = b
remote-id = p
psk = k
[peer.pinned]
address = 192.0.2.8
local-address = 192.0.2.3
local-id = b
remote-id = p
psk = k
)" + extra);
    auto r = parse_config(in, "test", std::nullopt, {});
    if (!r.config)
        throw std::runtime_error(r.errors.front());
    return *r.config;
}

std::optional<ike::IpAddress> no_route(const ike::IpAddress&) {
    return std::nullopt;
}

class PathTest : public ::testing::Test {
protected:
    const PeerConfig& peer(const char* address) { return *config.find_peer(ip(address)); }
    PathChoice path(const char* source, std::optional<uint16_t> port = std::nullopt) {
        return choose_path(peer(source), miss(source, port), fake_route);
    }

    DaemonConfig config = nat_peers();
};

} // namespace

TEST_F(PathTest, PlainEspGoesToTheConfiguredPortFromTheRoutedAddress) {
    const PathChoice c = path("192.0.2.7");
    ASSERT_TRUE(c.path) << c.refusal;
    EXPECT_EQ(c.path->local.to_string(), "192.0.2.2");
    EXPECT_EQ(c.path->port, 500);
    EXPECT_FALSE(c.path->nat_t);
    EXPECT_FALSE(c.path->from_packet);
    EXPECT_EQ(c.refusal, "");
}

TEST_F(PathTest, EspInUdpGoesTo4500WithTheMarker) {
    const PathChoice c = path("192.0.2.7", 4500);
    ASSERT_TRUE(c.path) << c.refusal;
    EXPECT_EQ(c.path->port, 4500);
    EXPECT_TRUE(c.path->nat_t);
    EXPECT_FALSE(c.path->from_packet);
    EXPECT_EQ(c.refusal, "");
    EXPECT_EQ(c.path->to_string(ip("192.0.2.7")),
              "from 192.0.2.2 to 192.0.2.7:4500 (non-ESP marker)");
}

TEST_F(PathTest, APacketPortDoesNotSteerAPeerWithoutNatTraversal) {
    const PathChoice c = path("192.0.2.7", 7);
    ASSERT_TRUE(c.path) << c.refusal;
    EXPECT_EQ(c.path->port, 4500);
    EXPECT_TRUE(c.path->nat_t);
    EXPECT_FALSE(c.path->from_packet);
    EXPECT_EQ(c.refusal, "refused the packet's UDP source port 7: the peer is not configured for "
                         "nat-traversal; IKE goes to port 4500");
}

TEST_F(PathTest, ANatTraversalPeerIsReachedThroughItsMapping) {
    PathChoice c = path("192.0.2.1", 33012);
    ASSERT_TRUE(c.path) << c.refusal;
    EXPECT_EQ(c.path->port, 33012);
    EXPECT_TRUE(c.path->nat_t);
    EXPECT_TRUE(c.path->from_packet);
    EXPECT_EQ(c.refusal, "");
    // From 4500 it is the configured path; plain ESP has no port to take.
    c = path("192.0.2.1", 4500);
    ASSERT_TRUE(c.path);
    EXPECT_FALSE(c.path->from_packet);
    c = path("192.0.2.1");
    ASSERT_TRUE(c.path);
    EXPECT_EQ(c.path->port, 500);
    EXPECT_FALSE(c.path->from_packet);
}

TEST_F(PathTest, APacketToAnotherOfBsAddressesIsRefused) {
    MissEvent e = miss("192.0.2.7", 4500);
    e.destination = ip("198.51.100.2");
    const PathChoice c = choose_path(peer("192.0.2.7"), e, fake_route);
    EXPECT_FALSE(c.path);
    EXPECT_EQ(c.refusal, "refused: the packet was sent to 198.51.100.2, which is not B's address "
                         "toward the peer, 192.0.2.2 (the source of B's route to it)");
}

TEST_F(PathTest, LocalAddressWinsOverTheRoute) {
    MissEvent e = miss("192.0.2.8");
    PathChoice c = choose_path(peer("192.0.2.8"), e, no_route);
    EXPECT_FALSE(c.path); // the routed address is not the configured one
    EXPECT_NE(c.refusal.find("192.0.2.3 (local-address)"), std::string::npos) << c.refusal;
    e.destination = ip("192.0.2.3");
    c = choose_path(peer("192.0.2.8"), e, no_route);
    ASSERT_TRUE(c.path) << c.refusal;
    EXPECT_EQ(c.path->local.to_string(), "192.0.2.3");
    EXPECT_EQ(local_address(peer("192.0.2.8"), ip("192.0.2.8"), no_route), ip("192.0.2.3"));
}

TEST_F(PathTest, NoRouteNoLocalAddressIsRefused) {
    const PathChoice c = choose_path(peer("192.0.2.7"), miss("192.0.2.7"), no_route);
    EXPECT_FALSE(c.path);
    EXPECT_EQ(c.refusal, "refused: B has no route to 192.0.2.7 to take its local address from "
                         "(set local-address)");
    EXPECT_FALSE(local_address(peer("192.0.2.7"), ip("192.0.2.7"), no_route));
}

namespace {

class LaneTest : public PathTest {
protected:
    Decision decide(const char* source, std::optional<uint16_t> port = std::nullopt) {
        return policy.decide(miss(source, port), inventories);
    }
    std::string finished(const char* source, std::optional<uint16_t> port, RecoveryResult result) {
        return policy.finished(peer(source), *path(source, port).path, result);
    }

    FakeClock clock;
    RecoveryPolicy policy{config, clock, fake_route};
    FakeInventory kernel{"kernel SAD"};
    std::vector<SaInventory*> inventories{&kernel};
};

} // namespace

TEST_F(LaneTest, ARefusedPacketTakesNoSlotAndAsksNoSad) {
    MissEvent e = miss("192.0.2.7");
    e.destination = ip("198.51.100.2");
    const Decision d = policy.decide(e, inventories);
    EXPECT_FALSE(d.act);
    EXPECT_TRUE(d.refused);
    EXPECT_NE(d.reason.find("refused: the packet was sent to 198.51.100.2"), std::string::npos);
    EXPECT_EQ(kernel.asked, 0);
    EXPECT_EQ(policy.running(), 0u);
    EXPECT_TRUE(decide("192.0.2.7").act);
}

TEST_F(LaneTest, AForgedPortOfAPlainPeerIsLoggedAndTheConfiguredPathTaken) {
    const Decision d = decide("192.0.2.7", 7);
    ASSERT_TRUE(d.act) << d.reason;
    EXPECT_FALSE(d.refused);
    EXPECT_NE(d.ignored.find("refused the packet's UDP source port 7"), std::string::npos);
    ASSERT_TRUE(d.path);
    EXPECT_EQ(d.path->port, 4500);
    EXPECT_EQ(policy.packet_port_running(), 0u);
}

TEST_F(LaneTest, AFailedPacketPortNeverHoldsTheConfiguredPath) {
    ASSERT_TRUE(decide("192.0.2.1", 7).act);
    EXPECT_EQ(policy.packet_port_running(), 1u);
    Decision d = decide("192.0.2.1", 7);
    EXPECT_FALSE(d.act);
    EXPECT_EQ(d.reason, "skipped: port 7 from the packet: a recovery with this peer is already "
                        "running");
    // The genuine packet: its own lane, and max-exchanges = 1 is not spent by port 7.
    d = decide("192.0.2.1", 4500);
    ASSERT_TRUE(d.act) << d.reason;
    EXPECT_EQ(policy.running(), 1u);

    const std::string next = finished("192.0.2.1", 7, RecoveryResult::failed);
    EXPECT_NE(next.find("backing off after 1 failure"), std::string::npos) << next;
    d = decide("192.0.2.1", 7);
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("skipped: port 7 from the packet: backing off"), std::string::npos)
        << d.reason;

    EXPECT_NE(finished("192.0.2.1", 4500, RecoveryResult::failed), "");
    // And the other way round: the configured path's back-off leaves other ports alone.
    EXPECT_TRUE(decide("192.0.2.1", 8).act);
}

TEST_F(LaneTest, ConfiguredPathsKeepMaxExchangesWhilePortsFromPacketsHaveTheirOwn) {
    ASSERT_TRUE(decide("192.0.2.1", 7).act);
    Decision d = decide("192.0.2.1", 8);
    EXPECT_FALSE(d.act);
    EXPECT_EQ(d.reason, "skipped: 1 recoveries already running on ports from packets "
                        "(max-exchanges)");
    EXPECT_TRUE(decide("192.0.2.7").act); // another peer's configured path
    EXPECT_FALSE(decide("192.0.2.8").act);
}

TEST_F(LaneTest, DistinctPortsFromPacketsAreBoundedPerMinute) {
    ASSERT_TRUE(decide("192.0.2.1", 7).act);
    finished("192.0.2.1", 7, RecoveryResult::not_attempted);
    clock.advance(10s);
    ASSERT_TRUE(decide("192.0.2.1", 8).act);
    finished("192.0.2.1", 8, RecoveryResult::not_attempted);
    Decision d = decide("192.0.2.1", 9);
    EXPECT_FALSE(d.act);
    EXPECT_TRUE(d.refused);
    EXPECT_EQ(d.reason, "refused: port 9 from the packet: 2 ports from packets already tried "
                        "with this peer in the last 60 s (packet-ports-per-minute 2); the "
                        "configured path stays open");
    EXPECT_EQ(kernel.asked, 2); // refused before the SAD
    // A port tried lately is no new one; the configured path is no port from a packet.
    ASSERT_TRUE(decide("192.0.2.1", 7).act);
    finished("192.0.2.1", 7, RecoveryResult::not_attempted);
    ASSERT_TRUE(decide("192.0.2.1", 4500).act);
    // 60 s after port 7 was first tried, one more may come.
    clock.advance(50s);
    ASSERT_TRUE(decide("192.0.2.1", 9).act);
    finished("192.0.2.1", 9, RecoveryResult::not_attempted);
    EXPECT_FALSE(decide("192.0.2.1", 10).act);
}

namespace {

// A hub: one peer section for every spoke in 198.51.100.0/24.
class HubTest : public ::testing::Test {
protected:
    static DaemonConfig hub() {
        std::istringstream in(R"(
hold-down = 30
[peer.hub]
address = 198.51.100.0/24
backends = exec
exec-command = /bin/true
)");
        auto r = parse_config(in, "test", std::nullopt, {});
        if (!r.config)
            throw std::runtime_error(r.errors.front());
        return *r.config;
    }

    DaemonConfig config = hub();
    FakeClock clock;
    RecoveryPolicy policy{config, clock, fake_route};
    FakeInventory kernel{"kernel SAD"};
    std::vector<SaInventory*> inventories{&kernel};
};

} // namespace

TEST_F(HubTest, EachSpokeIsRecoveredOnItsOwnPath) {
    const Decision a = policy.decide(miss("198.51.100.1"), inventories);
    ASSERT_TRUE(a.act) << a.reason;
    EXPECT_EQ(a.path->remote, ip("198.51.100.1"));
    EXPECT_EQ(a.path->to_string(), "from 192.0.2.2 to 198.51.100.1:500");
    // Spoke C is not held by A's running recovery, nor later by A's hold-down.
    const Decision c = policy.decide(miss("198.51.100.3"), inventories);
    ASSERT_TRUE(c.act) << c.reason;
    EXPECT_EQ(c.path->remote, ip("198.51.100.3"));
    const Decision again = policy.decide(miss("198.51.100.1"), inventories);
    EXPECT_FALSE(again.act);
    EXPECT_EQ(again.reason, "skipped: a recovery with this peer is already running");
    EXPECT_NE(policy.finished(*a.peer, *a.path, RecoveryResult::succeeded), "");
    EXPECT_NE(policy.finished(*c.peer, *c.path, RecoveryResult::failed), "");
    EXPECT_FALSE(policy.decide(miss("198.51.100.1"), inventories).act) << "A's hold-down";
    clock.advance(31s);
    EXPECT_TRUE(policy.decide(miss("198.51.100.1"), inventories).act);
    EXPECT_FALSE(policy.decide(miss("198.51.100.3"), inventories).act) << "C backs off 60 s";
}

TEST_F(HubTest, TheSadIsAskedAboutTheSpokeNotThePrefix) {
    class Recording final : public SaInventory {
    public:
        std::string_view name() const override { return "kernel SAD"; }
        ike::Result<SaPresence> find(const ike::IpAddress& peer) override {
            asked.push_back(peer.to_string());
            return SaPresence{peer == ip("198.51.100.3"), false, "ESP SA with C"};
        }
        std::vector<std::string> asked;
    } sad;
    std::vector<SaInventory*> recording{&sad};
    EXPECT_TRUE(policy.decide(miss("198.51.100.1"), recording).act);
    const Decision c = policy.decide(miss("198.51.100.3"), recording);
    EXPECT_FALSE(c.act);
    EXPECT_EQ(c.reason, "skipped: B still has SAs with 198.51.100.3 (rekey race or spoofed "
                        "packet): kernel SAD has ESP SA with C");
    EXPECT_EQ(sad.asked, (std::vector<std::string>{"198.51.100.1", "198.51.100.3"}));
}

namespace {

DaemonConfig vici_peer(const char* backends) {
    std::istringstream in(std::string(R"(
vici-socket = /run/charon.vici
[peer.a]
address = 192.0.2.1
local-id = b
remote-id = a
psk = k
backends = )") + backends +
                          "\n");
    auto r = parse_config(in, "test", std::nullopt, {});
    if (!r.config)
        throw std::runtime_error(r.errors.front());
    return *r.config;
}

} // namespace

class ChildLostTest : public ::testing::Test {
protected:
    Decision decide(SaPresence presence) {
        kernel.presence = std::move(presence);
        return policy.decide(miss("192.0.2.1"), inventories);
    }

    const DaemonConfig config = vici_peer("vici native");
    FakeClock clock;
    RecoveryPolicy policy{config, clock, fake_route};
    FakeInventory kernel{"kernel SAD"};
    std::vector<SaInventory*> inventories{&kernel};
};

// B sends to A but holds nothing from it: a child of a live IKE SA lost its inbound SA.
TEST_F(ChildLostTest, OnlyOutboundSasWithAViciPeerAreACandidate) {
    const Decision d =
        decide({true, false, "ESP SA SPI 0x0000a000 192.0.2.2 -> 192.0.2.1 (outbound)"});
    EXPECT_TRUE(d.act) << d.reason;
    EXPECT_TRUE(d.child_lost);
    EXPECT_NE(d.reason.find("no inbound SA from the peer"), std::string::npos) << d.reason;
}

// A spoofed SPI while the tunnel is healthy: decided on the event loop, nothing started.
TEST_F(ChildLostTest, AnInboundSaFromThePeerStillMeansSkip) {
    const Decision d =
        decide({true, true, "ESP SA SPI 0x0000b000 192.0.2.1 -> 192.0.2.2 (inbound)"});
    EXPECT_FALSE(d.act);
    EXPECT_FALSE(d.child_lost);
}

TEST(ChildLost, NeitherNativeNorExecNorAnUnknownSpiAreCandidates) {
    SaCheck outbound_only{SaCheck::Verdict::present, "outbound", false};
    const DaemonConfig native = vici_peer("native");
    const DaemonConfig vici = vici_peer("vici");
    MissEvent event = miss("192.0.2.1");
    EXPECT_FALSE(child_lost_candidate(native.peers.front(), event, outbound_only));
    EXPECT_TRUE(child_lost_candidate(vici.peers.front(), event, outbound_only));
    event.spi.reset(); // after lost events: no SPI to match a child by
    EXPECT_FALSE(child_lost_candidate(vici.peers.front(), event, outbound_only));
    SaCheck none;
    EXPECT_FALSE(child_lost_candidate(vici.peers.front(), miss("192.0.2.1"), none));
}
