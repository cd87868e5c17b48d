#include <arpa/inet.h>
#include <limits>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "tools/src/format.h"
#include "tools/src/loss_tracker.h"
#include "tools/src/number.h"

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

IpAddress ip(int family, const char* text) {
    IpAddress addr;
    addr.family = family;
    EXPECT_EQ(inet_pton(family, text, addr.bytes.data()), 1);
    return addr;
}

TEST(AddressText, Ipv4IsDottedQuad) {
    EXPECT_EQ(to_string(ip(AF_INET, "10.0.0.1")), "10.0.0.1");
    EXPECT_EQ(to_string(ip(AF_INET, "255.255.255.255")), "255.255.255.255");
}

// Expected strings are what Python 3.11's str(ipaddress.ip_address(...)) prints, which is what
// YNL's cli.py shows for display-hint ipv6.
TEST(AddressText, Ipv6MatchesPythonIpaddress) {
    const std::pair<const char*, const char*> cases[] = {
        {"::", "::"},
        {"::1", "::1"},
        {"2001:db8::1", "2001:db8::1"},
        {"2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"},
        {"1:0:0:1:0:0:0:1", "1:0:0:1::1"},
        {"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},
        {"2001:0:0:1::", "2001:0:0:1::"},
        {"fe80::", "fe80::"},
        {"1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"},
        {"0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"},
        {"::ffff:1.2.3.4", "::ffff:102:304"},
        {"2001:DB8:ABCD:12::", "2001:db8:abcd:12::"},
    };
    for (const auto& [in, out] : cases)
        EXPECT_EQ(to_string(ip(AF_INET6, in)), out) << in;
}

TEST(ValueText, HexLikePython) {
    EXPECT_EQ(python_hex(0), "0x0");
    EXPECT_EQ(python_hex(0xc0ffee01), "0xc0ffee01");
    EXPECT_EQ(python_hex(0x100), "0x100");
}

TEST(ValueText, SpiLikeTheSyslogMessage) {
    EXPECT_EQ(spi_text(0x1f6e4c3c), "0x1F6E4C3C(527322172)");
    EXPECT_EQ(spi_text(0x100), "0x100(256)");
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
