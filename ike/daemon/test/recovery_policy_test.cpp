// SPDX-License-Identifier: GPL-2.0
#include <algorithm>
#include <netinet/in.h>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "ike/daemon/recovery_policy.h"
#include "ike/test/test_util.h"

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
    ike::test::CountingRandom random;
    RecoveryPolicy policy{config, clock, random, fake_route};
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
    ike::test::CountingRandom random;
    RecoveryPolicy policy(*r.config, clock, random, fake_route);
    EXPECT_EQ(policy.wait_after(0), 900s);
    EXPECT_EQ(policy.wait_after(1), 900s);
    EXPECT_EQ(policy.wait_after(40), 900s);
}

TEST_F(PolicyTest, BoundsConcurrentRecoveriesAndQueuesTheRest) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    EXPECT_FALSE(policy.next_start()) << "the queue is empty";
    Decision d = decide("2001:db8::c"); // another peer, but max-exchanges = 1
    EXPECT_FALSE(d.act);
    EXPECT_TRUE(d.queued);
    EXPECT_EQ(d.reason, "queued: no SA with the peer on this host; 1 recoveries running "
                        "(max-exchanges), position 1 of 1");
    EXPECT_EQ(policy.queued(), 1u);
    EXPECT_FALSE(policy.next_start()) << "no slot is free";
    d = decide("2001:db8::c");
    EXPECT_FALSE(d.act || d.queued);
    EXPECT_EQ(d.reason, "skipped: a recovery with this peer is already queued (position 1 of 1)");
    finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_EQ(policy.running(), 0u);
    auto next = policy.next_start();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->peer->name, "c");
    EXPECT_EQ(next->path.remote, ip("2001:db8::c"));
    EXPECT_LE(next->jitter, RecoveryPolicy::max_jitter);
    EXPECT_EQ(policy.running(), 1u);
    EXPECT_EQ(policy.queued(), 0u);
    EXPECT_FALSE(decide("2001:db8::c").act) << "now running";
    // finished() twice, or for a peer that never ran, frees nothing.
    finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_EQ(policy.running(), 1u);
}

TEST_F(PolicyTest, TheWaitForTheVerdictHoldsTheLaneButNoSlot) {
    const auto path_of = [&](const char* source) {
        return *choose_path(*config.find_peer(ip(source)), miss(source), fake_route).path;
    };
    ASSERT_TRUE(decide("192.0.2.1").act);
    ASSERT_TRUE(decide("2001:db8::c").queued) << "max-exchanges = 1";
    policy.exchange_ended(peer_a(), path_of("192.0.2.1"));
    EXPECT_EQ(policy.running(), 0u);
    EXPECT_EQ(policy.watching(), 1u);
    EXPECT_EQ(decide("192.0.2.1").reason, "skipped: a recovery with this peer is already running")
        << "the lane stays running: the peer is not recovered twice";
    auto next = policy.next_start();
    ASSERT_TRUE(next) << "the freed slot starts the queued recovery";
    EXPECT_EQ(next->peer->name, "c");
    EXPECT_EQ(policy.running(), 1u);
    // A's next backend waits for the slot, and takes it ahead of the queue once it is free.
    EXPECT_FALSE(policy.resume_exchange(peer_a(), path_of("192.0.2.1")));
    policy.exchange_ended(*next->peer, next->path);
    EXPECT_TRUE(policy.resume_exchange(peer_a(), path_of("192.0.2.1")));
    EXPECT_EQ(policy.running(), 1u);
    EXPECT_EQ(policy.watching(), 1u);
    EXPECT_TRUE(policy.resume_exchange(peer_a(), path_of("192.0.2.1"))) << "held already";
    EXPECT_EQ(policy.running(), 1u);
    // Ending frees what each holds, once.
    EXPECT_NE(finished(peer_a(), RecoveryResult::succeeded), "");
    EXPECT_NE(policy.finished(*next->peer, next->path, RecoveryResult::succeeded), "");
    EXPECT_EQ(policy.running(), 0u);
    EXPECT_EQ(policy.watching(), 0u);
    policy.exchange_ended(peer_a(), path_of("192.0.2.1"));
    EXPECT_FALSE(policy.resume_exchange(peer_a(), path_of("192.0.2.1"))) << "not running";
    EXPECT_EQ(policy.running(), 0u);
    EXPECT_EQ(policy.watching(), 0u);
}

TEST_F(PolicyTest, APeerWithSasIsNotQueued) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    kernel.presence = {true, true, "ESP SA"};
    const Decision d = decide("2001:db8::c");
    EXPECT_FALSE(d.act || d.queued);
    EXPECT_EQ(policy.queued(), 0u);
}

namespace {

// Hands out the bytes it was given, then zeros.
class ScriptedRandom final : public ike::crypto::RandomSource {
public:
    explicit ScriptedRandom(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
    void fill(std::span<uint8_t> out) override {
        for (uint8_t& byte : out)
            byte = next_ < bytes_.size() ? bytes_[next_++] : 0;
    }

private:
    std::vector<uint8_t> bytes_;
    size_t next_ = 0;
};

DaemonConfig parsed(const std::string& text) {
    std::istringstream in(text);
    auto r = parse_config(in, "test", std::nullopt, {});
    if (!r.config)
        throw std::runtime_error(r.errors.front());
    return *r.config;
}

// A hub of exec spokes under `globals`: its policy on a fake clock, with an empty SAD and
// `random` (a counter when null).
struct HubPolicy {
    explicit HubPolicy(const std::string& globals, const std::string& prefix = "198.51.100.0/24",
                       ike::crypto::RandomSource* random = nullptr)
        : config(parsed(
              cat(globals, "\n[peer.hub]\naddress = ", prefix, "\nexec-command = /bin/true\n"))),
          policy(config, clock, random ? *random : counting, fake_route) {}
    Decision decide(const std::string& source) {
        return policy.decide(miss(source.c_str()), inventories);
    }

    DaemonConfig config;
    FakeClock clock;
    ike::test::CountingRandom counting;
    RecoveryPolicy policy;
    FakeInventory kernel{"kernel SAD"};
    std::vector<SaInventory*> inventories{&kernel};
};

} // namespace

TEST(PolicyQueue, MaxQueuedBoundsTheQueueAndZeroQueuesNothing) {
    for (const unsigned max_queued : {0u, 2u}) {
        HubPolicy hub(cat("max-exchanges = 1\nmax-queued = ", max_queued));
        ASSERT_TRUE(hub.decide("198.51.100.1").act);
        for (unsigned i = 0; i < max_queued; i++)
            EXPECT_TRUE(hub.decide(cat("198.51.100.", 2 + i)).queued);
        const Decision full = hub.decide("198.51.100.9");
        EXPECT_FALSE(full.act || full.queued);
        EXPECT_EQ(full.reason, cat("skipped: 1 recoveries already running (max-exchanges) and ",
                                   max_queued, " queued (max-queued ", max_queued, ")"));
        EXPECT_EQ(hub.policy.queued(), max_queued);
    }
}

TEST(PolicyQueue, TheJitterSpansZeroToItsMaximum) {
    // 200 (the maximum), 201 (wraps to 0), 0xffff (65535 % 201 = 9)
    ScriptedRandom random({0x00, 0xc8, 0x00, 0xc9, 0xff, 0xff});
    HubPolicy hub("", "198.51.100.0/24", &random);
    EXPECT_EQ(hub.decide("198.51.100.1").jitter, 200ms);
    EXPECT_EQ(hub.decide("198.51.100.2").jitter, 0ms);
    EXPECT_EQ(hub.decide("198.51.100.3").jitter, 9ms);
}

TEST(PolicyQueue, QueuedRecoveriesStartInTheOrderOfTheirFirstMiss) {
    HubPolicy hub("max-exchanges = 1");
    RecoveryPolicy& policy = hub.policy;
    const auto at = [&](const char* source, std::chrono::milliseconds ago) {
        MissEvent e = miss(source);
        e.received = hub.clock.now() - ago;
        return policy.decide(e, hub.inventories);
    };
    const Decision first = at("198.51.100.1", 0ms);
    ASSERT_TRUE(first.act);
    // Decided in this order, but missed first: .4 (a resynchronisation's older miss), .3, .2.
    ASSERT_TRUE(at("198.51.100.2", 10ms).queued);
    ASSERT_TRUE(at("198.51.100.3", 20ms).queued);
    const Decision old = at("198.51.100.4", 30ms);
    ASSERT_TRUE(old.queued);
    EXPECT_NE(old.reason.find("position 1 of 3"), std::string::npos) << old.reason;
    std::vector<std::string> order;
    RecoveryPath path = *first.path;
    for (int i = 0; i < 3; i++) {
        policy.finished(*first.peer, path, RecoveryResult::not_attempted);
        auto next = policy.next_start();
        ASSERT_TRUE(next);
        EXPECT_FALSE(policy.next_start()) << "one slot";
        order.push_back(next->path.remote.to_string());
        path = next->path;
    }
    EXPECT_EQ(order, (std::vector<std::string>{"198.51.100.4", "198.51.100.3", "198.51.100.2"}));
}

// A hub reboots and its 100 spokes are stale at once; each spoke's traffic brings a miss a
// second. Recoveries take 1-2 s, every tenth spoke fails twice before it succeeds.
TEST(PolicyQueue, AStormOfAHundredSpokes) {
    constexpr unsigned spokes = 100;
    constexpr unsigned limit = 8;
    HubPolicy hub(cat("hold-down = 30\nmax-exchanges = ", limit), "10.0.0.0/16");
    RecoveryPolicy& policy = hub.policy;
    FakeClock& clock = hub.clock;
    std::vector<SaInventory*>& inventories = hub.inventories;

    // The first misses come in a scrambled order of spokes, 10 ms apart.
    std::vector<unsigned> arrival;
    for (unsigned i = 0; i < spokes; i++)
        arrival.push_back(i * 37 % spokes);
    const auto address = [](unsigned spoke) {
        return cat("10.0.", spoke / 200, ".", 1 + spoke % 200);
    };
    struct Spoke {
        unsigned attempts = 0;
        bool recovered = false;
        std::vector<MonotonicClock::time_point> failed_at, started_at;
    };
    std::map<std::string, Spoke> state;
    struct Flight {
        const PeerConfig* peer;
        RecoveryPath path;
        MonotonicClock::time_point ends;
    };
    std::vector<Flight> in_flight;
    std::vector<std::string> first_starts;
    std::set<std::chrono::milliseconds> jitters;
    unsigned most_in_flight = 0;
    const auto begin = [&](const PeerConfig* peer, const RecoveryPath& path,
                           std::chrono::milliseconds jitter) {
        EXPECT_LE(jitter, RecoveryPolicy::max_jitter);
        jitters.insert(jitter);
        Spoke& spoke = state[path.remote.to_string()];
        if (spoke.attempts++ == 0)
            first_starts.push_back(path.remote.to_string());
        spoke.started_at.push_back(clock.now());
        const auto took = 1000ms + std::chrono::milliseconds(in_flight.size() * 97 % 1000);
        in_flight.push_back({peer, path, clock.now() + jitter + took});
        most_in_flight =
            std::max<unsigned>(most_in_flight, static_cast<unsigned>(in_flight.size()));
        EXPECT_LE(policy.running(), limit);
    };
    const auto miss_from = [&](const std::string& source) {
        MissEvent e = miss(source.c_str());
        e.received = clock.now();
        const Decision d = policy.decide(e, inventories);
        if (d.act)
            begin(d.peer, *d.path, d.jitter);
    };

    for (unsigned spoke : arrival) {
        miss_from(address(spoke));
        clock.advance(10ms);
    }
    EXPECT_EQ(policy.running(), limit);
    EXPECT_EQ(policy.queued(), spokes - limit);

    auto next_traffic = clock.now() + 1s;
    unsigned done = 0;
    for (int step = 0; step < 100000 && done < spokes; step++) {
        clock.advance(10ms);
        for (auto it = in_flight.begin(); it != in_flight.end();) {
            if (clock.now() < it->ends) {
                ++it;
                continue;
            }
            Spoke& spoke = state[it->path.remote.to_string()];
            const unsigned index = static_cast<unsigned>(
                std::find_if(
                    arrival.begin(), arrival.end(),
                    [&](unsigned s) { return address(s) == it->path.remote.to_string(); }) -
                arrival.begin());
            const bool fails = index % 10 == 0 && spoke.attempts <= 2;
            policy.finished(*it->peer, it->path,
                            fails ? RecoveryResult::failed : RecoveryResult::succeeded);
            if (fails)
                spoke.failed_at.push_back(clock.now());
            else
                spoke.recovered = true, done++;
            it = in_flight.erase(it);
            while (auto next = policy.next_start())
                begin(next->peer, next->path, next->jitter);
        }
        if (clock.now() >= next_traffic) {
            for (unsigned spoke : arrival)
                if (!state[address(spoke)].recovered)
                    miss_from(address(spoke));
            next_traffic = clock.now() + 1s;
        }
    }
    EXPECT_EQ(done, spokes) << "every spoke recovered";
    EXPECT_EQ(most_in_flight, limit) << "the bound was reached, never exceeded";
    std::vector<std::string> by_first_miss;
    for (unsigned spoke : arrival)
        by_first_miss.push_back(address(spoke));
    EXPECT_EQ(first_starts, by_first_miss) << "first attempts in the order of first misses";
    EXPECT_GT(jitters.size(), 10u) << "the jitter varies";
    // The failing spokes back off 60 s, then 120 s, measured from the end of each failure.
    unsigned flaky = 0;
    for (const auto& [name, spoke] : state) {
        if (spoke.failed_at.empty())
            continue;
        flaky++;
        ASSERT_EQ(spoke.failed_at.size(), 2u) << name;
        ASSERT_EQ(spoke.started_at.size(), 3u) << name;
        const auto first_wait = spoke.started_at[1] - spoke.failed_at[0];
        const auto second_wait = spoke.started_at[2] - spoke.failed_at[1];
        EXPECT_GE(first_wait, 60s) << name;
        EXPECT_GE(second_wait, 120s) << name;
        EXPECT_LT(second_wait, 120s + 2s) << name << ": the next miss a second later";
    }
    EXPECT_EQ(flaky, spokes / 10);
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
    ike::test::CountingRandom random;
    RecoveryPolicy policy{config, clock, random, fake_route};
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
    ike::test::CountingRandom random;
    RecoveryPolicy policy{config, clock, random, fake_route};
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
    ike::test::CountingRandom random;
    RecoveryPolicy policy{config, clock, random, fake_route};
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

// The queue starts full recoveries only: a lost child met with every slot taken is skipped,
// and the peer's next packet asks again.
TEST(ChildLost, NotQueuedWhenEverySlotIsTaken) {
    std::istringstream in(R"(
vici-socket = /run/charon.vici
max-exchanges = 1
[peer.a]
address = 192.0.2.1
backends = vici
[peer.c]
address = 192.0.2.3
backends = vici
)");
    auto r = parse_config(in, "test", std::nullopt, {});
    ASSERT_TRUE(r.config) << r.errors.front();
    FakeClock clock;
    ike::test::CountingRandom random;
    RecoveryPolicy policy{*r.config, clock, random, fake_route};
    FakeInventory kernel{"kernel SAD"};
    std::vector<SaInventory*> inventories{&kernel};
    ASSERT_TRUE(policy.decide(miss("192.0.2.3"), inventories).act) << "c takes the one slot";
    kernel.presence = {true, false, "ESP SA SPI 0x0000a000 192.0.2.2 -> 192.0.2.1 (outbound)"};
    const Decision d = policy.decide(miss("192.0.2.1"), inventories);
    EXPECT_FALSE(d.act);
    EXPECT_FALSE(d.queued);
    EXPECT_NE(d.reason.find("a lost child is not queued"), std::string::npos) << d.reason;
    EXPECT_EQ(policy.next_start(), std::nullopt);
}
