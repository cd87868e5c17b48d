// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <sstream>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "tools/src/render.h"

namespace spirecovery::ctl {
namespace {

const OutputFormat text{};
const OutputFormat json{.json = true};

IpAddress ip(int family, const char* text) {
    IpAddress addr;
    addr.family = family;
    EXPECT_EQ(inet_pton(family, text, addr.bytes.data()), 1);
    return addr;
}

template <typename Render>
std::string rendered(OutputFormat format, Render render) {
    std::ostringstream out;
    render(*make_printer(out, format));
    return out.str();
}

Stats sample_stats() {
    Stats s;
    s.counters[SPIRECOVERY_A_STATS_MISS_IPV4_ESP] = 10;
    s.counters[SPIRECOVERY_A_STATS_MISS_IPV4_AH] = 1;
    s.counters[SPIRECOVERY_A_STATS_MISS_IPV4_ESP_UDP] = 2;
    s.counters[SPIRECOVERY_A_STATS_MISS_IPV6_ESP] = 4;
    s.counters[SPIRECOVERY_A_STATS_EVENTS_SENT] = 5;
    s.counters[SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE] = 11;
    s.counters[SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL] = 1;
    s.counters[SPIRECOVERY_A_STATS_NO_LISTENER] = 3;
    s.counters[SPIRECOVERY_A_STATS_DISABLED] = 7;
    s.counters[SPIRECOVERY_A_STATS_UNKNOWN_SOURCE] = 8;
    return s;
}

TEST(Totals, SumPerFamilyAndSuppression) {
    EXPECT_EQ(totals_of(sample_stats()), (Totals{13, 4, 17, 12}));
}

TEST(RenderShow, Text) {
    const Config config{1, 1, 5, 100, 200, 64};
    EXPECT_EQ(rendered(text, [&](Printer& p) { render_show(p, config, sample_stats(), 2); }),
              "recovery     enabled\n"
              "per source   1 events/s, burst 5\n"
              "per netns    100 events/s, burst 200\n"
              "ipv6 prefix  /64\n"
              "misses       17 (ipv4 13, ipv6 4)\n"
              "events sent  5\n"
              "suppressed   12 (per source 11, per netns 1)\n"
              "unknown src  8\n"
              "sources      2\n");
}

TEST(RenderShow, Json) {
    const Config config{0, 1, 5, 100, 200, 64};
    EXPECT_EQ(rendered(json, [&](Printer& p) { render_show(p, config, Stats{}, 0); }),
              "{\"config\": {\"enabled\": 0, \"source-rate\": 1, \"source-burst\": 5, "
              "\"global-rate\": 100, \"global-burst\": 200, \"ipv6-prefix\": 64}, "
              "\"summary\": {\"misses\": 0, \"misses-ipv4\": 0, \"misses-ipv6\": 0, "
              "\"events-sent\": 0, \"suppressed\": 0, \"suppressed-source\": 0, "
              "\"suppressed-global\": 0, \"unknown-source\": 0, \"sources\": 0}}\n");
}

const char stats_text[] = "miss-ipv4-esp       10\n"
                          "miss-ipv4-ah        1\n"
                          "miss-ipv4-esp-udp   2\n"
                          "miss-ipv6-esp       4\n"
                          "miss-ipv6-ah        0\n"
                          "miss-ipv6-esp-udp   0\n"
                          "events-sent         5\n"
                          "suppressed-source   11\n"
                          "suppressed-global   1\n"
                          "malformed           0\n"
                          "send-failed         0\n"
                          "no-listener         3\n"
                          "disabled            7\n"
                          "unknown-source      8\n";

const char stats_json[] = "\"miss-ipv4-esp\": 10, \"miss-ipv4-ah\": 1, \"miss-ipv4-esp-udp\": 2, "
                          "\"miss-ipv6-esp\": 4, \"miss-ipv6-ah\": 0, \"miss-ipv6-esp-udp\": 0, "
                          "\"events-sent\": 5, \"suppressed-source\": 11, "
                          "\"suppressed-global\": 1, \"malformed\": 0, \"send-failed\": 0, "
                          "\"no-listener\": 3, \"disabled\": 7, \"unknown-source\": 8";

TEST(RenderStats, TextNamesEveryCounterAsTheSpecDoes) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_stats(p, sample_stats(), false); }),
              stats_text);
}

TEST(RenderStats, JsonIsTheGetStatsReply) {
    EXPECT_EQ(rendered(json, [](Printer& p) { render_stats(p, sample_stats(), false); }),
              std::string("{") + stats_json + "}\n");
}

TEST(RenderStats, DerivedAddsTotalsAndShares) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_stats(p, sample_stats(), true); }),
              std::string(stats_text) + "\n"
                                        "misses-ipv4         13\n"
                                        "misses-ipv6         4\n"
                                        "misses              17\n"
                                        "events-sent-pct     29.4%\n"
                                        "suppressed-pct      70.6%\n");
    EXPECT_EQ(rendered(json, [](Printer& p) { render_stats(p, sample_stats(), true); }),
              std::string("{") + stats_json +
                  ", \"derived\": {\"misses-ipv4\": 13, \"misses-ipv6\": 4, \"misses\": 17, "
                  "\"events-sent-pct\": 29.4, \"suppressed-pct\": 70.6}}\n");
}

TEST(RenderStats, SharesOfNoMissesAreUndefined) {
    const std::string out = rendered(json, [](Printer& p) { render_stats(p, Stats{}, true); });
    EXPECT_NE(out.find("\"events-sent-pct\": null, \"suppressed-pct\": null"), std::string::npos)
        << out;
    const std::string txt = rendered(text, [](Printer& p) { render_stats(p, Stats{}, true); });
    EXPECT_NE(txt.find("events-sent-pct     -\n"), std::string::npos) << txt;
}

std::vector<Source> sample_sources() {
    return {
        {ip(AF_INET, "192.0.2.7"), 32, 4, 6, 11, 1500},
        {ip(AF_INET6, "2001:db8:1::"), 48, 0, 120, 3000, 61005},
    };
}

TEST(RenderSources, TextIsATableSizedToTheLongestSource) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_sources(p, sample_sources()); }),
              "SOURCE             TOKENS  SUPPRESSED      MISSES   LAST-SEEN\n"
              "192.0.2.7/32            4           6          11      1.500s\n"
              "2001:db8:1::/48         0         120        3000     61.005s\n");
}

TEST(RenderSources, JsonIsTheGetSourceDump) {
    EXPECT_EQ(rendered(json, [](Printer& p) { render_sources(p, sample_sources()); }),
              "[{\"family\": 2, \"addr4\": \"192.0.2.7\", \"prefix-len\": 32, \"tokens\": 4, "
              "\"suppressed\": 6, \"misses\": 11, \"last-seen-msecs\": 1500}, "
              "{\"family\": 10, \"addr6\": \"2001:db8:1::\", \"prefix-len\": 48, \"tokens\": 0, "
              "\"suppressed\": 120, \"misses\": 3000, \"last-seen-msecs\": 61005}]\n");
}

TEST(RenderSources, AnEmptyTable) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_sources(p, {}); }),
              "SOURCE    TOKENS  SUPPRESSED      MISSES   LAST-SEEN\n");
    EXPECT_EQ(rendered(json, [](Printer& p) { render_sources(p, {}); }), "[]\n");
}

Event ipv4_event() {
    Event e;
    e.saddr = ip(AF_INET, "10.0.0.1");
    e.daddr = ip(AF_INET, "10.0.0.2");
    e.proto = 50;
    e.spi = 0xc0ffee01;
    e.seq = 9;
    e.encap = SPIRECOVERY_ENCAP_NONE;
    e.ifindex = 4;
    e.mark = 0;
    e.suppressed = 3;
    e.timestamp_ns = 1700000000123456789ULL;
    return e;
}

Event ipv6_udp_event() {
    Event e;
    e.saddr = ip(AF_INET6, "2001:db8::1");
    e.daddr = ip(AF_INET6, "2001:db8::2");
    e.proto = 50;
    e.spi = 1;
    e.encap = SPIRECOVERY_ENCAP_ESPINUDP;
    e.sport = 4500;
    e.dport = 4501;
    return e;
}

TEST(RenderEvent, TextIsTheIosLogLine) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_event(p, ipv4_event(), false); }),
              "%SPIRECOVERY-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
              "destaddr=10.0.0.2, prot=50, spi=0xc0ffee01, srcaddr=10.0.0.1 "
              "(3 suppressed)\n");
    EXPECT_EQ(rendered(text, [](Printer& p) { render_event(p, ipv6_udp_event(), false); }),
              "%SPIRECOVERY-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
              "destaddr=2001:db8::2, prot=50, spi=0x00000001, srcaddr=2001:db8::1, "
              "sport=4500, dport=4501 (0 suppressed)\n");
}

TEST(RenderEvent, TimestampPrefixesTheTextLine) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_event(p, ipv4_event(), true); }).substr(0, 40),
              "2023-11-14T22:13:20.123456Z %SPIRECOVERY");
    // An event without a timestamp gets no prefix, not a made-up one.
    EXPECT_EQ(
        rendered(text, [](Printer& p) { render_event(p, ipv6_udp_event(), true); }).substr(0, 12),
        "%SPIRECOVERY");
}

TEST(RenderEvent, JsonIsWhatYnlCliPrints) {
    EXPECT_EQ(rendered(json, [](Printer& p) { render_event(p, ipv4_event(), false); }),
              "{\"name\": \"miss-ntf\", \"msg\": {\"family\": 2, \"proto\": 50, "
              "\"saddr4\": \"10.0.0.1\", \"daddr4\": \"10.0.0.2\", \"spi\": \"0xc0ffee01\", "
              "\"seq\": 9, \"encap\": \"none\", \"ifindex\": 4, \"mark\": 0, \"suppressed\": 3, "
              "\"timestamp\": 1700000000123456789}}\n");
    EXPECT_EQ(rendered(json, [](Printer& p) { render_event(p, ipv6_udp_event(), true); }),
              "{\"name\": \"miss-ntf\", \"msg\": {\"family\": 10, \"proto\": 50, "
              "\"saddr6\": \"2001:db8::1\", \"daddr6\": \"2001:db8::2\", \"spi\": \"0x00000001\", "
              "\"encap\": \"espinudp\", \"sport\": 4500, \"dport\": 4501}}\n");
}

TEST(RenderEvent, AnEncapValueTheSpecDoesNotNameIsANumber) {
    Event e = ipv4_event();
    e.encap = 7;
    const std::string out = rendered(json, [&](Printer& p) { render_event(p, e, false); });
    EXPECT_NE(out.find("\"encap\": 7,"), std::string::npos) << out;
}

TEST(RenderOverrun, TextAndJson) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_overrun(p, 12); }),
              "spirecoveryctl: 12 events lost: the receive queue overflowed\n");
    EXPECT_EQ(rendered(json, [](Printer& p) { render_overrun(p, 12); }),
              "{\"name\": \"overrun\", \"msg\": {\"lost\": 12}}\n");
}

const std::vector<Peer> sample_peers = {{ip(AF_INET, "192.0.2.0"), 24},
                                        {ip(AF_INET6, "2001:db8::"), 32}};

TEST(RenderPeers, TextIsOnePeerPerLine) {
    EXPECT_EQ(rendered(text, [](Printer& p) { render_peers(p, sample_peers); }),
              "192.0.2.0/24\n2001:db8::/32\n");
    EXPECT_EQ(rendered(text, [](Printer& p) { render_peers(p, {}); }), "");
}

TEST(RenderPeers, JsonIsAnArrayWithTheSpecsKeys) {
    EXPECT_EQ(rendered(json, [](Printer& p) { render_peers(p, sample_peers); }),
              "[{\"addr4\": \"192.0.2.0\", \"prefix-len\": 24}, "
              "{\"addr6\": \"2001:db8::\", \"prefix-len\": 32}]\n");
    EXPECT_EQ(rendered(json, [](Printer& p) { render_peers(p, {}); }), "[]\n");
}

} // namespace
} // namespace spirecovery::ctl
