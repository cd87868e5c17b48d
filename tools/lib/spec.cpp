// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/spec.h"

namespace spirecovery::ctl::spec {

std::optional<std::string_view> encap_name(std::uint8_t value) {
    // The spec lists espinudp-non-ike only because the kernel's generator needs contiguous values.
    if (value >= std::size(encap_names) || value == SPIRECOVERY_ENCAP_ESPINUDP_NON_IKE)
        return std::nullopt;
    return encap_names[value];
}

std::optional<std::uint16_t> config_attr_named(std::string_view name) {
    for (std::uint16_t type = 1; type <= SPIRECOVERY_A_CONFIG_MAX; ++type)
        if (config_attrs[type].name == name)
            return type;
    return std::nullopt;
}

std::string range_text(const Range& range) {
    return std::to_string(range.min) + ".." + std::to_string(range.max);
}

} // namespace spirecovery::ctl::spec
