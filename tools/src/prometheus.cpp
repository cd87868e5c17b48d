// SPDX-License-Identifier: GPL-2.0
#include "tools/src/prometheus.h"

#include <algorithm>

#include "tools/lib/spec.h"

namespace spirecovery::ctl {

namespace {

// The text format's escapes: backslash and newline in HELP, and the double quote as well in a
// label value.
std::string escaped(std::string_view text, bool label_value) {
    std::string out;
    for (const char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && label_value)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string prometheus_metric_name(int stats_type) {
    std::string name = "spirecovery_" + std::string(spec::stats_attrs[stats_type].name) + "_total";
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

std::string render_prometheus(const Stats& stats, std::string_view netns) {
    const std::string labels = "{netns=\"" + escaped(netns, true) + "\"} ";
    std::string out;
    for (int type = 0; type <= SPIRECOVERY_A_STATS_MAX; ++type) {
        if (spec::stats_attrs[type].type != spec::Type::u64)
            continue;
        const std::string name = prometheus_metric_name(type);
        out += "# HELP " + name + " " + escaped(spec::stats_docs[type], false) + "\n";
        out += "# TYPE " + name + " counter\n";
        out += name + labels + std::to_string(stats[type]) + "\n";
    }
    return out;
}

} // namespace spirecovery::ctl
