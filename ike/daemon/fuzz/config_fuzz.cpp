// SPDX-License-Identifier: GPL-2.0
// The configuration parser on arbitrary text: errors, never crashes.
#include <sstream>
#include <string>

#include "ike/daemon/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    auto result = spirecovery::parse_config(in, "fuzz", std::nullopt, {});
    // A configuration comes back exactly when nothing was wrong.
    if (result.config.has_value() == !result.errors.empty())
        __builtin_trap();
    return 0;
}
