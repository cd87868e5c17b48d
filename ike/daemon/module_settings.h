// SPDX-License-Identifier: GPL-2.0
// The [module] section of spirecoveryd.conf: the module's settings the daemon owns in its
// network namespace, with the keys and ranges of `spirecoveryctl set` (tools/lib/spec.h).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tools/lib/model.h"

namespace spirecovery {

// How Boost.Program_options names the section's keys: "module.source-rate".
inline constexpr std::string_view module_section_prefix = "module.";
// The section's one key that is not a SET_CONFIG value (DaemonConfig::peer_filter).
inline constexpr std::string_view peer_filter_key = "peer-filter";

// The section's keys as written (key -> value) as a SET_CONFIG request; only the keys present.
// Each error names the key and what it accepts.
ctl::ConfigChange parse_module_settings(const std::map<std::string, std::string>& keys,
                                        std::vector<std::string>& errors);

// "enabled yes, source-rate 100", for the log and --check-config.
std::string describe_module_settings(const ctl::ConfigChange& settings);

} // namespace spirecovery
