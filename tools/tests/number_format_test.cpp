// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "tools/lib/spi_text.h"
#include "tools/src/format.h"

namespace spirecovery::ctl {
namespace {

TEST(ValueText, SpiLikeIpXfrm) {
    EXPECT_EQ(spi_text(0x1f6e4c3c), "0x1f6e4c3c");
    EXPECT_EQ(spi_text(0x1000), "0x00001000");
    EXPECT_EQ(spi_text(0), "0x00000000");
    EXPECT_EQ(spi_text(0xffffffff), "0xffffffff");
}

TEST(ValueText, SecondsTimestampsPercentages) {
    EXPECT_EQ(seconds_text(0), "0.000s");
    EXPECT_EQ(seconds_text(61005), "61.005s");
    EXPECT_EQ(utc_timestamp(1700000000123456789ULL), "2023-11-14T22:13:20.123456Z");
    EXPECT_EQ(utc_timestamp(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(percent_text(1, 8), "12.5");
    EXPECT_EQ(percent_text(2, 3), "66.7");
    EXPECT_EQ(percent_text(5, 5), "100.0");
}

} // namespace
} // namespace spirecovery::ctl
