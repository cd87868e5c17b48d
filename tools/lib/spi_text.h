// SPDX-License-Identifier: GPL-2.0
// The one text form of an SPI in every output of spirecovery: "0x" and eight lower-case hex
// digits, as `ip xfrm state` prints it ("spi 0x00001000"), so that one grep finds an SPI in
// ip's, the module's (its printk writes "0x%08x" too), spirecoveryctl's and spirecoveryd's
// output. Header-only: the IKE library, which does not link the module's client, uses it too.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace spirecovery {

inline std::string spi_text(std::uint32_t spi) {
    char text[sizeof "0x12345678"];
    std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(spi));
    return text;
}

} // namespace spirecovery
