// SPDX-License-Identifier: GPL-2.0
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

class PolicyTest : public ::testing::Test {
protected:
    Decision decide(const char* source) { return policy.decide(ip(source), inventories); }
    const PeerConfig& peer_a() { return *config.find_peer(ip("192.0.2.1")); }

    DaemonConfig config = two_peers();
    FakeClock clock;
    RecoveryPolicy policy{config, clock};
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

    const std::string next = policy.finished(peer_a(), RecoveryResult::succeeded);
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
    policy.finished(peer_a(), RecoveryResult::succeeded);
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
        const std::string next = policy.finished(peer_a(), RecoveryResult::failed);
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
    const std::string next = policy.finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_NE(next.find("hold-down until"), std::string::npos) << next;
    clock.advance(30s);
    ASSERT_TRUE(decide("192.0.2.1").act);
    policy.finished(peer_a(), RecoveryResult::failed);
    EXPECT_FALSE(decide("192.0.2.1").act);
    clock.advance(60s); // the first failure after a success: 2 x hold-down again
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST_F(PolicyTest, ARecoveryThatSentNothingStartsNoHoldDown) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    EXPECT_EQ(policy.finished(peer_a(), RecoveryResult::not_attempted), "");
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST(PolicySchedule, TheCapNeverShortensALongHoldDown) {
    std::istringstream in(
        "hold-down = 900\n[peer.a]\naddress = 192.0.2.1\nexec-command = /bin/true\n");
    auto r = parse_config(in, "test", std::nullopt, {});
    ASSERT_TRUE(r.config) << r.errors.front();
    FakeClock clock;
    RecoveryPolicy policy(*r.config, clock);
    EXPECT_EQ(policy.wait_after(0), 900s);
    EXPECT_EQ(policy.wait_after(1), 900s);
    EXPECT_EQ(policy.wait_after(40), 900s);
}

TEST_F(PolicyTest, BoundsConcurrentRecoveries) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    Decision d = decide("2001:db8::c"); // another peer, but max-exchanges = 1
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("max-exchanges"), std::string::npos);
    policy.finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_EQ(policy.running(), 0u);
    EXPECT_TRUE(decide("2001:db8::c").act);
    // finished() twice, or for a peer that never ran, frees nothing.
    policy.finished(peer_a(), RecoveryResult::succeeded);
    EXPECT_EQ(policy.running(), 1u);
}
