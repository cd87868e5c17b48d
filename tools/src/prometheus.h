// SPDX-License-Identifier: GPL-2.0
// `stats -P`: the counters in Prometheus' text exposition format (version 0.0.4), the format
// node_exporter's textfile collector reads. Every counter of the stats attribute set, named and
// described by the spec's tables, so a new counter appears without a change here.
#pragma once

#include <string>
#include <string_view>

#include "tools/lib/model.h"

namespace spirecovery::ctl {

// "spirecovery_miss_ipv4_esp_total": the metric of a stats attribute.
std::string prometheus_metric_name(int stats_type);

// One HELP, one TYPE and one sample line per counter, each sample labelled netns="`netns`".
std::string render_prometheus(const Stats& stats, std::string_view netns);

} // namespace spirecovery::ctl
