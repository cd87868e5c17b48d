// SPDX-License-Identifier: GPL-2.0
#include <limits>

#include <gtest/gtest.h>

#include "tools/lib/loss_tracker.h"
#include "tools/lib/number.h"

namespace spirecovery::ctl {
namespace {

TEST(ParseDecimal, AcceptsPlainDecimalsUpToTheMaximum) {
    EXPECT_EQ(parse_decimal("0", 10), 0u);
    EXPECT_EQ(parse_decimal("10", 10), 10u);
    EXPECT_EQ(parse_decimal("007", 10), 7u);
    EXPECT_EQ(parse_decimal("4294967295", std::numeric_limits<std::uint32_t>::max()), 4294967295u);
    EXPECT_EQ(parse_decimal("18446744073709551615", std::numeric_limits<std::uint64_t>::max()),
              std::numeric_limits<std::uint64_t>::max());
}

TEST(ParseDecimal, RejectsEverythingElse) {
    for (const char* text : {"", "11", "-1", "+1", " 1", "1 ", "0x1", "1e3", "1.0", "١"})
        EXPECT_FALSE(parse_decimal(text, 10)) << text;
    EXPECT_FALSE(parse_decimal("4294967296", std::numeric_limits<std::uint32_t>::max()));
    EXPECT_FALSE(parse_decimal("18446744073709551616", std::numeric_limits<std::uint64_t>::max()));
    EXPECT_FALSE(parse_decimal("9", 5));
    EXPECT_FALSE(parse_decimal("1", 0));
}

TEST(LossTracker, EventsDueAreTheSentTheFailedAndTheUndelivered) {
    Stats stats;
    stats.counters[SPIRECOVERY_A_STATS_EVENTS_SENT] = 7;
    stats.counters[SPIRECOVERY_A_STATS_SEND_FAILED] = 3;
    stats.counters[SPIRECOVERY_A_STATS_NO_LISTENER] = 20;
    stats.counters[SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE] = 100;
    stats.counters[SPIRECOVERY_A_STATS_DISABLED] = 100;
    EXPECT_EQ(events_due(stats), 30u);
}

TEST(LossTracker, CountsEventsDueThatNeverArrived) {
    LossTracker losses(100);
    for (int i = 0; i < 7; ++i)
        losses.received();
    EXPECT_EQ(losses.newly_lost(110), 3u); // 10 due since the start, 7 arrived
    losses.received();
    EXPECT_EQ(losses.newly_lost(111), 0u); // already reported
    EXPECT_EQ(losses.newly_lost(116), 5u);
}

TEST(LossTracker, LateArrivalsAreNotReportedTwice) {
    LossTracker losses(0);
    EXPECT_EQ(losses.newly_lost(4), 4u); // two of them were still on their way
    losses.received();
    losses.received();
    EXPECT_EQ(losses.newly_lost(6), 0u); // 6 due, 2 arrived: 4 lost, all reported
    EXPECT_EQ(losses.newly_lost(9), 3u);
    EXPECT_EQ(losses.newly_lost(3), 0u); // a counter below ours (module reloaded)
}

} // namespace
} // namespace spirecovery::ctl
