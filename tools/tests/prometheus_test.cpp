// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "tools/lib/spec.h"
#include "tools/src/prometheus.h"

namespace spirecovery::ctl {
namespace {

// Every counter a different value, so that a counter printed under another's name shows.
Stats numbered_stats() {
    Stats s;
    for (int type = 0; type <= SPIRECOVERY_A_STATS_MAX; ++type)
        s.counters[type] = 1000 + type;
    return s;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t end = text.find('\n', pos);
        EXPECT_NE(end, std::string::npos) << "the last line has no newline";
        lines.push_back(text.substr(pos, end - pos));
        pos = end == std::string::npos ? text.size() : end + 1;
    }
    return lines;
}

TEST(Prometheus, MetricNamesComeFromTheSpec) {
    EXPECT_EQ(prometheus_metric_name(SPIRECOVERY_A_STATS_MISS_IPV4_ESP_UDP),
              "spirecovery_miss_ipv4_esp_udp_total");
    EXPECT_EQ(prometheus_metric_name(SPIRECOVERY_A_STATS_UNKNOWN_SOURCE),
              "spirecovery_unknown_source_total");
}

TEST(Prometheus, OneCounterPerStatsAttribute) {
    const std::vector<std::string> lines = lines_of(render_prometheus(numbered_stats(), "blue"));
    std::size_t line = 0;
    for (int type = SPIRECOVERY_A_STATS_PAD + 1; type <= SPIRECOVERY_A_STATS_MAX; ++type) {
        const std::string name = prometheus_metric_name(type);
        ASSERT_LT(line + 2, lines.size()) << name;
        EXPECT_FALSE(spec::stats_docs[type].empty()) << name << " has no doc in the spec";
        EXPECT_EQ(lines[line++], "# HELP " + name + " " + std::string(spec::stats_docs[type]));
        EXPECT_EQ(lines[line++], "# TYPE " + name + " counter");
        EXPECT_EQ(lines[line++], name + "{netns=\"blue\"} " + std::to_string(1000 + type));
    }
    EXPECT_EQ(line, lines.size());
}

TEST(Prometheus, WholeRangeOfAU64) {
    Stats s;
    s.counters[SPIRECOVERY_A_STATS_MALFORMED] = UINT64_MAX;
    EXPECT_NE(render_prometheus(s, "x").find("\nspirecovery_malformed_total{netns=\"x\"} "
                                             "18446744073709551615\n"),
              std::string::npos);
}

TEST(Prometheus, LabelValuesAreEscaped) {
    const std::string text = render_prometheus(Stats{}, "a\"b\\c\nd");
    EXPECT_NE(text.find("spirecovery_events_sent_total{netns=\"a\\\"b\\\\c\\nd\"} 0\n"),
              std::string::npos)
        << text;
}

} // namespace
} // namespace spirecovery::ctl
