// SPDX-License-Identifier: GPL-2.0-only
#include <sstream>

#include <gtest/gtest.h>

#include "ike/daemon/recovery_policy.hpp"

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
    FakeInventory(std::string name, bool required) : name_(std::move(name)), required_(required) {}
    std::string_view name() const override { return name_; }
    bool required() const override { return required_; }
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
    bool required_;
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
    Decision decide(const char* source) { return policy.decide(ip(source), inventories, log); }

    DaemonConfig config = two_peers();
    FakeClock clock;
    RecoveryPolicy policy{config, clock};
    FakeInventory kernel{"kernel SAD", true};
    FakeInventory charon{"strongSwan IKE SAs", false};
    std::vector<SaInventory*> inventories{&kernel, &charon};
    Logger log{{LogLevel::error, false, false}};
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

TEST_F(PolicyTest, AnUnreachableCharonDoesNot) {
    charon.failure = "vici: connect: Connection refused";
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST_F(PolicyTest, HoldDownPerPeer) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    Decision d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("already running"), std::string::npos);

    policy.finished(*config.find_peer(ip("192.0.2.1")));
    clock.advance(29s);
    d = decide("192.0.2.1");
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("hold-down"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("1 s left"), std::string::npos) << d.reason;
    clock.advance(1s);
    EXPECT_TRUE(decide("192.0.2.1").act);
}

TEST_F(PolicyTest, BoundsConcurrentRecoveries) {
    ASSERT_TRUE(decide("192.0.2.1").act);
    Decision d = decide("2001:db8::c"); // another peer, but max-exchanges = 1
    EXPECT_FALSE(d.act);
    EXPECT_NE(d.reason.find("max-exchanges"), std::string::npos);
    policy.finished(*config.find_peer(ip("192.0.2.1")));
    EXPECT_EQ(policy.running(), 0u);
    EXPECT_TRUE(decide("2001:db8::c").act);
    // finished() twice, or for a peer that never ran, frees nothing.
    policy.finished(*config.find_peer(ip("192.0.2.1")));
    EXPECT_EQ(policy.running(), 1u);
}
