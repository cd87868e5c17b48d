// SPDX-License-Identifier: GPL-2.0
// What each command prints, in text and JSON from one description (printer.h). JSON keys are the
// spec's attribute names and values are rendered as YNL's cli.py renders them, but for the SPI:
// 0x%08x (spi_text.h) as in every other output. spirecoveryctl.8 documents every line, column
// and key.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "tools/lib/model.h"
#include "tools/src/printer.h"

namespace spirecovery::ctl {

// Sums the text and JSON summaries are made of.
struct Totals {
    std::uint64_t misses_ipv4 = 0;
    std::uint64_t misses_ipv6 = 0;
    std::uint64_t misses = 0;
    std::uint64_t suppressed = 0; // per source and per namespace

    bool operator==(const Totals&) const = default;
};

Totals totals_of(const Stats& stats);

// `show`: the configuration and a one-screen summary.
void render_show(Printer& out, const Config& config, const Stats& stats, std::size_t sources);

// `stats`: every counter; with `derived`, the totals and shares too.
void render_stats(Printer& out, const Stats& stats, bool derived);

// `sources`: the source table.
void render_sources(Printer& out, std::span<const Source> sources);

// `peers show`: the peer set.
void render_peers(Printer& out, std::span<const Peer> peers);

// `monitor`: one event. In text, `timestamps` prefixes the event's time.
void render_event(Printer& out, const Event& event, bool timestamps);

// `monitor`: events the kernel could not queue for us.
void render_overrun(Printer& out, std::uint64_t lost);

} // namespace spirecovery::ctl
