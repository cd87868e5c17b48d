// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/module_settings.h"

#include "ike/daemon/log.h"
#include "tools/lib/number.h"
#include "tools/lib/spec.h"

namespace spirecovery {

ctl::ConfigChange parse_module_settings(const std::map<std::string, std::string>& keys,
                                        std::vector<std::string>& errors) {
    ctl::ConfigChange settings;
    for (const auto& [key, value] : keys) {
        const auto type = ctl::spec::config_attr_named(key);
        if (!type) {
            std::string known;
            for (int t = 1; t <= SPIRECOVERY_A_CONFIG_MAX; ++t)
                known += cat(known.empty() ? "" : ", ", ctl::spec::config_attrs[t].name);
            errors.push_back(cat("[module]: unknown key '", key, "' (keys: ", known, ", ",
                                 peer_filter_key, ")"));
            continue;
        }
        if (*type == SPIRECOVERY_A_CONFIG_ENABLED) {
            // The same words as a peer's `enabled`.
            if (value == "yes" || value == "no")
                settings[*type] = value == "yes";
            else
                errors.push_back(cat("[module]: enabled must be yes or no, not '", value, "'"));
            continue;
        }
        // The daemon checks the spec's range here, not the kernel later: a typo then stops
        // --check-config and the start instead of every module appearance.
        const ctl::spec::Range& range = ctl::spec::config_attrs[*type].range;
        const auto number = ctl::parse_decimal(value, range.max);
        if (!number || *number < range.min)
            errors.push_back(cat("[module]: ", key, " must be ", ctl::spec::range_text(range),
                                 ", not '", value, "'"));
        else
            settings[*type] = static_cast<uint32_t>(*number);
    }
    return settings;
}

std::string describe_module_settings(const ctl::ConfigChange& settings) {
    std::string text;
    for (const auto& [type, value] : settings) {
        const std::string shown =
            type == SPIRECOVERY_A_CONFIG_ENABLED ? (value ? "yes" : "no") : std::to_string(value);
        text += cat(text.empty() ? "" : ", ", ctl::spec::config_attrs[type].name, " ", shown);
    }
    return text;
}

} // namespace spirecovery
