// SPDX-License-Identifier: GPL-2.0
// NAT detection (RFC 7296 2.23).
#pragma once

#include "ike/lib/address.h"
#include "ike/lib/bytes.h"
#include "ike/lib/message.h"

namespace spirecovery::ike {

// Notification Data of NAT_DETECTION_SOURCE_IP / _DESTINATION_IP:
// SHA-1(SPIi | SPIr | IP address | port), SPIr all zero in the IKE_SA_INIT request.
Bytes nat_detection_hash(const Spi& spi_i, const Spi& spi_r, const Endpoint& endpoint);

} // namespace spirecovery::ike
