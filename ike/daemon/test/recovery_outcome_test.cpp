// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "ike/daemon/recovery_outcome.h"

using namespace spirecovery;
using namespace std::chrono_literals;
using Verdict = RecoveryOutcome::Verdict;

namespace {

// A fake clock: every time is an offset from the backend's end.
const RecoveryOutcome::time_point ended{std::chrono::seconds(1000)};

MissLog::Last miss_at(std::chrono::milliseconds after, unsigned count, uint32_t spi = 0x1000) {
    return {ended + after, spi, count};
}

TEST(RecoveryOutcome, NewSaAndSilentStaleSpiIsRecoveredOnlyAfterTheQuietTime) {
    RecoveryOutcome outcome(ended, 120s, 0);
    EXPECT_EQ(outcome.verdict(ended + 500ms), Verdict::watching);
    outcome.inbound_sa(ended + 800ms, "ESP SA SPI 0x00002000");
    // The quiet time counts from the end of the grace, the SA being earlier.
    EXPECT_EQ(outcome.verdict(ended + 4900ms), Verdict::watching);
    EXPECT_EQ(outcome.verdict(ended + 5s), Verdict::recovered);
    EXPECT_EQ(outcome.sa_description(), "ESP SA SPI 0x00002000");
}

TEST(RecoveryOutcome, TheNewSaGoneBeforeTheVerdictIsANewLoss) {
    RecoveryOutcome outcome(ended, 120s, 0);
    outcome.no_inbound_sa(); // not there yet: still watching
    EXPECT_EQ(outcome.verdict(ended + 1s), Verdict::watching);
    outcome.inbound_sa(ended + 1s, "ESP SA SPI 0x00002000");
    EXPECT_EQ(outcome.verdict(ended + 2s), Verdict::watching);
    // B's charon restarted: the SA is gone and the peer's packets on it miss.
    outcome.no_inbound_sa();
    outcome.miss(miss_at(2500ms, 1, 0x2000));
    EXPECT_EQ(outcome.verdict(ended + 2500ms), Verdict::lost_again);
    EXPECT_EQ(outcome.verdict(ended + 200s), Verdict::lost_again) << "not stale_continues";
}

TEST(RecoveryOutcome, MissesAfterTheGraceWithoutSaMeanIgnored) {
    RecoveryOutcome outcome(ended, 120s, 4);
    outcome.miss(miss_at(1s, 5)); // in the grace: under way before the peer's answer
    EXPECT_EQ(outcome.verdict(ended + 1900ms), Verdict::watching);
    outcome.miss(miss_at(2500ms, 6));
    EXPECT_EQ(outcome.verdict(ended + 2500ms), Verdict::ignored);
    EXPECT_EQ(outcome.misses_text(),
              "2 misses from the peer since, the last on SPI 0x00001000 2500 ms after it");
}

TEST(RecoveryOutcome, MissesRecordedBeforeTheBackendEndedDoNotCount) {
    RecoveryOutcome outcome(ended, 10s, 3);
    outcome.miss(miss_at(3s, 3)); // the count says: no new miss since the end
    EXPECT_EQ(outcome.verdict(ended + 3s), Verdict::watching);
    EXPECT_EQ(outcome.misses_text(), "no miss from the peer since");
}

TEST(RecoveryOutcome, MissesAfterTheNewSaRestartTheQuietTime) {
    RecoveryOutcome outcome(ended, 30s, 0);
    outcome.inbound_sa(ended + 3s, "ESP SA SPI 0x00002000");
    outcome.miss(miss_at(4s, 1));
    EXPECT_EQ(outcome.verdict(ended + 6500ms), Verdict::watching);
    EXPECT_EQ(outcome.verdict(ended + 7s), Verdict::recovered);
}

TEST(RecoveryOutcome, MissesGoingOnDespiteTheNewSaUntilTheWaitEnds) {
    RecoveryOutcome outcome(ended, 10s, 0);
    outcome.inbound_sa(ended + 1s, "ESP SA SPI 0x00002000");
    for (unsigned n = 1; n < 10; n++) {
        outcome.miss(miss_at(std::chrono::seconds(n), n));
        EXPECT_EQ(outcome.verdict(ended + std::chrono::seconds(n)), Verdict::watching) << n;
    }
    outcome.miss(miss_at(10s, 10));
    EXPECT_EQ(outcome.verdict(ended + 10s), Verdict::stale_continues);
}

TEST(RecoveryOutcome, NoSaWithinTheWait) {
    RecoveryOutcome outcome(ended, 120s, 0);
    EXPECT_EQ(outcome.verdict(ended + 119s), Verdict::watching);
    EXPECT_EQ(outcome.verdict(ended + 120s), Verdict::no_new_sa);
}

// Libreswan A after the native exchange: it stops using the stale SPI at once, and its new SA
// comes only after its liveness timeout (about 108 s measured).
TEST(RecoveryOutcome, ALateSaWithinTheWaitIsRecovered) {
    RecoveryOutcome outcome(ended, 120s, 2);
    outcome.miss(miss_at(500ms, 3));
    EXPECT_EQ(outcome.verdict(ended + 60s), Verdict::watching);
    outcome.inbound_sa(ended + 108s, "ESP SA SPI 0x00002000");
    EXPECT_EQ(outcome.verdict(ended + 110s), Verdict::watching);
    EXPECT_EQ(outcome.verdict(ended + 111s), Verdict::recovered);
}

TEST(RecoveryOutcome, OnlyTheFirstSaCounts) {
    RecoveryOutcome outcome(ended, 30s, 0);
    outcome.inbound_sa(ended + 1s, "first");
    outcome.inbound_sa(ended + 4s, "second");
    EXPECT_EQ(outcome.sa_description(), "first");
    EXPECT_EQ(outcome.verdict(ended + 5s), Verdict::recovered);
}

TEST(MissLog, KeepsTheLatestAndCounts) {
    MissLog log;
    EXPECT_FALSE(log.last());
    log.record(ended, 0x1000);
    log.record(ended + 1s, std::nullopt);
    const auto last = log.last();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->count, 2u);
    EXPECT_EQ(last->at, ended + 1s);
    EXPECT_FALSE(last->spi);
}

} // namespace
