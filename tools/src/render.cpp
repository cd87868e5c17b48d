// SPDX-License-Identifier: GPL-2.0
#include "tools/src/render.h"

#include <algorithm>
#include <string>
#include <sys/socket.h>

#include "tools/lib/spec.h"
#include "tools/lib/spi_text.h"
#include "tools/src/format.h"

namespace spirecovery::ctl {

namespace {

std::string_view config_key(int type) {
    return spec::config_attrs[type].name;
}

std::string_view stats_key(int type) {
    return spec::stats_attrs[type].name;
}

std::string_view source_key(int type) {
    return spec::source_attrs[type].name;
}

std::string_view peer_key(int type) {
    return spec::peer_attrs[type].name;
}

std::string_view event_key(int type) {
    return spec::event_attrs[type].name;
}

// A share of all misses: a JSON number, "12.5%" in text; null and "-" when there were none.
Value percent_of_misses(std::uint64_t part, std::uint64_t misses) {
    if (misses == 0)
        return Value::null();
    const std::string percent = percent_text(part, misses);
    return Value::decimal(percent).shown_as(percent + "%");
}

// Column of the values in `stats` text output: after the longest counter name.
constexpr std::size_t stats_value_column = 20;

// `sources` text columns after the first: header and width of each.
constexpr std::string_view tokens_column = "{:>8}";
constexpr std::string_view suppressed_column = "{:>12}";
constexpr std::string_view misses_column = "{:>12}";
constexpr std::string_view last_seen_column = "{:>12}\n";

std::string source_text(const Source& source) {
    return to_string(source.addr) + "/" + std::to_string(source.prefix_len);
}

} // namespace

Totals totals_of(const Stats& s) {
    Totals t;
    t.misses_ipv4 = s[SPIRECOVERY_A_STATS_MISS_IPV4_ESP] + s[SPIRECOVERY_A_STATS_MISS_IPV4_AH] +
                    s[SPIRECOVERY_A_STATS_MISS_IPV4_ESP_UDP];
    t.misses_ipv6 = s[SPIRECOVERY_A_STATS_MISS_IPV6_ESP] + s[SPIRECOVERY_A_STATS_MISS_IPV6_AH] +
                    s[SPIRECOVERY_A_STATS_MISS_IPV6_ESP_UDP];
    t.misses = t.misses_ipv4 + t.misses_ipv6;
    t.suppressed =
        s[SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE] + s[SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL];
    return t;
}

void render_show(Printer& out, const Config& c, const Stats& s, std::size_t sources) {
    const Totals t = totals_of(s);
    out.begin_object();

    out.begin_object("config");
    out.field(config_key(SPIRECOVERY_A_CONFIG_ENABLED), "recovery     {}\n",
              Value::number(c.enabled).shown_as(c.enabled ? "enabled" : "disabled"));
    out.field(config_key(SPIRECOVERY_A_CONFIG_SOURCE_RATE), "per source   {} events/s",
              Value::number(c.source_rate));
    out.field(config_key(SPIRECOVERY_A_CONFIG_SOURCE_BURST), ", burst {}\n",
              Value::number(c.source_burst));
    out.field(config_key(SPIRECOVERY_A_CONFIG_GLOBAL_RATE), "per netns    {} events/s",
              Value::number(c.global_rate));
    out.field(config_key(SPIRECOVERY_A_CONFIG_GLOBAL_BURST), ", burst {}\n",
              Value::number(c.global_burst));
    out.field(config_key(SPIRECOVERY_A_CONFIG_IPV6_PREFIX), "ipv6 prefix  /{}\n",
              Value::number(c.ipv6_prefix));
    out.end_object();

    out.begin_object("summary");
    out.field("misses", "misses       {}", Value::number(t.misses));
    out.field("misses-ipv4", " (ipv4 {}", Value::number(t.misses_ipv4));
    out.field("misses-ipv6", ", ipv6 {})\n", Value::number(t.misses_ipv6));
    out.field(stats_key(SPIRECOVERY_A_STATS_EVENTS_SENT), "events sent  {}\n",
              Value::number(s[SPIRECOVERY_A_STATS_EVENTS_SENT]));
    out.field("suppressed", "suppressed   {}", Value::number(t.suppressed));
    out.field(stats_key(SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE), " (per source {}",
              Value::number(s[SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE]));
    out.field(stats_key(SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL), ", per netns {})\n",
              Value::number(s[SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL]));
    out.field(stats_key(SPIRECOVERY_A_STATS_UNKNOWN_SOURCE), "unknown src  {}\n",
              Value::number(s[SPIRECOVERY_A_STATS_UNKNOWN_SOURCE]));
    out.field("sources", "sources      {}\n", Value::number(sources));
    out.end_object();

    out.end_object();
    out.end_record();
}

void render_stats(Printer& out, const Stats& s, bool derived) {
    out.begin_object();
    for (int type = SPIRECOVERY_A_STATS_PAD + 1; type <= SPIRECOVERY_A_STATS_MAX; ++type) {
        out.text(stats_key(type));
        out.pad_to(stats_value_column);
        out.field(stats_key(type), "{}\n", Value::number(s[type]));
    }
    if (derived) {
        const Totals t = totals_of(s);
        const struct {
            std::string_view key;
            Value value;
        } lines[] = {
            {"misses-ipv4", Value::number(t.misses_ipv4)},
            {"misses-ipv6", Value::number(t.misses_ipv6)},
            {"misses", Value::number(t.misses)},
            {"events-sent-pct", percent_of_misses(s[SPIRECOVERY_A_STATS_EVENTS_SENT], t.misses)},
            {"suppressed-pct", percent_of_misses(t.suppressed, t.misses)},
        };
        out.text("\n");
        out.begin_object("derived");
        for (const auto& line : lines) {
            out.text(line.key);
            out.pad_to(stats_value_column);
            out.field(line.key, "{}\n", line.value);
        }
        out.end_object();
    }
    out.end_object();
    out.end_record();
}

void render_sources(Printer& out, std::span<const Source> sources) {
    std::size_t width = std::string_view("SOURCE").size();
    for (const Source& source : sources)
        width = std::max(width, source_text(source).size());
    const std::size_t first_column_end = width + 2;

    out.text("SOURCE");
    out.pad_to(first_column_end);
    out.text(fill_template(tokens_column, "TOKENS"));
    out.text(fill_template(suppressed_column, "SUPPRESSED"));
    out.text(fill_template(misses_column, "MISSES"));
    out.text(fill_template(last_seen_column, "LAST-SEEN"));

    out.begin_array();
    for (const Source& source : sources) {
        const bool v4 = source.addr.family == AF_INET;
        out.begin_object();
        out.field(source_key(SPIRECOVERY_A_SOURCE_FAMILY), "{}",
                  Value::number(static_cast<unsigned>(source.addr.family)), Only::json);
        out.field(source_key(v4 ? SPIRECOVERY_A_SOURCE_ADDR4 : SPIRECOVERY_A_SOURCE_ADDR6), "{}",
                  Value::string(to_string(source.addr)));
        out.field(source_key(SPIRECOVERY_A_SOURCE_PREFIX_LEN), "/{}",
                  Value::number(source.prefix_len));
        out.pad_to(first_column_end);
        out.field(source_key(SPIRECOVERY_A_SOURCE_TOKENS), tokens_column,
                  Value::number(source.tokens));
        out.field(source_key(SPIRECOVERY_A_SOURCE_SUPPRESSED), suppressed_column,
                  Value::number(source.suppressed));
        out.field(source_key(SPIRECOVERY_A_SOURCE_MISSES), misses_column,
                  Value::number(source.misses));
        out.field(
            source_key(SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS), last_seen_column,
            Value::number(source.last_seen_msecs).shown_as(seconds_text(source.last_seen_msecs)));
        out.end_object();
    }
    out.end_array();
    out.end_record();
}

void render_peers(Printer& out, std::span<const Peer> peers) {
    out.begin_array();
    for (const Peer& peer : peers) {
        const bool v4 = peer.addr.family == AF_INET;
        out.begin_object();
        out.field(peer_key(v4 ? SPIRECOVERY_A_PEER_ADDR4 : SPIRECOVERY_A_PEER_ADDR6), "{}",
                  Value::string(to_string(peer.addr)));
        out.field(peer_key(SPIRECOVERY_A_PEER_PREFIX_LEN), "/{}\n", Value::number(peer.prefix_len));
        out.end_object();
    }
    out.end_array();
    out.end_record();
}

void render_event(Printer& out, const Event& e, bool timestamps) {
    const bool v4 = e.saddr.family == AF_INET;
    const std::string saddr = to_string(e.saddr);
    const std::string daddr = to_string(e.daddr);

    // JSON: YNL's {"name": op, "msg": {attributes in spec order}}.
    out.begin_object();
    out.field("name", "{}", Value::string(spec::operations[SPIRECOVERY_CMD_MISS_NTF]), Only::json);
    out.begin_object("msg");
    const auto json = [&](int type, const Value& value) {
        out.field(event_key(type), "{}", value, Only::json);
    };
    const auto json_if = [&](int type, const auto& optional) {
        if (optional)
            json(type, Value::number(*optional));
    };
    json(SPIRECOVERY_A_EVENT_FAMILY, Value::number(static_cast<unsigned>(e.saddr.family)));
    json(SPIRECOVERY_A_EVENT_PROTO, Value::number(e.proto));
    json(v4 ? SPIRECOVERY_A_EVENT_SADDR4 : SPIRECOVERY_A_EVENT_SADDR6, Value::string(saddr));
    json(v4 ? SPIRECOVERY_A_EVENT_DADDR4 : SPIRECOVERY_A_EVENT_DADDR6, Value::string(daddr));
    json(SPIRECOVERY_A_EVENT_SPI, Value::string(spi_text(e.spi)));
    json_if(SPIRECOVERY_A_EVENT_SEQ, e.seq);
    if (e.encap) {
        const auto name = spec::encap_name(*e.encap);
        json(SPIRECOVERY_A_EVENT_ENCAP, name ? Value::string(*name) : Value::number(*e.encap));
    }
    json_if(SPIRECOVERY_A_EVENT_SPORT, e.sport);
    json_if(SPIRECOVERY_A_EVENT_DPORT, e.dport);
    json_if(SPIRECOVERY_A_EVENT_IFINDEX, e.ifindex);
    json_if(SPIRECOVERY_A_EVENT_MARK, e.mark);
    json_if(SPIRECOVERY_A_EVENT_SUPPRESSED, e.suppressed);
    json_if(SPIRECOVERY_A_EVENT_TIMESTAMP, e.timestamp_ns);
    out.end_object();
    out.end_object();

    // Text: the line IOS logs for the same drop, so existing log filters match it; the SPI in
    // the form of every other output (spi_text.h).
    std::string line;
    if (timestamps && e.timestamp_ns)
        line += utc_timestamp(*e.timestamp_ns) + " ";
    line += "%SPIRECOVERY-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
            "destaddr=" +
            daddr + ", prot=" + std::to_string(e.proto) + ", spi=" + spi_text(e.spi) +
            ", srcaddr=" + saddr;
    if (e.sport && e.dport)
        line += ", sport=" + std::to_string(*e.sport) + ", dport=" + std::to_string(*e.dport);
    line += " (" + std::to_string(e.suppressed.value_or(0)) + " suppressed)\n";
    out.text(line);
    out.end_record();
}

void render_overrun(Printer& out, std::uint64_t lost) {
    out.begin_object();
    out.field("name", "{}", Value::string("overrun"), Only::json);
    out.begin_object("msg");
    out.field("lost", "spirecoveryctl: {} events lost: the receive queue overflowed\n",
              Value::number(lost));
    out.end_object();
    out.end_object();
    out.end_record();
}

} // namespace spirecovery::ctl
