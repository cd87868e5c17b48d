// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/nat_detection.h"

#include "ike/lib/crypto.h"

namespace spirecovery::ike {

Bytes nat_detection_hash(const Spi& spi_i, const Spi& spi_r, const Endpoint& endpoint) {
    const std::uint8_t port[2] = {static_cast<std::uint8_t>(endpoint.port >> 8),
                                  static_cast<std::uint8_t>(endpoint.port)};
    return crypto::digest(crypto::Hash::sha1,
                          concat({spi_i, spi_r, endpoint.address.bytes(), port}));
}

} // namespace spirecovery::ike
