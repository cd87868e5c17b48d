// SPDX-License-Identifier: GPL-2.0
// IKEv2 messages: the fixed header (RFC 7296 3.1) followed by a payload chain.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ike/lib/bytes.h"
#include "ike/lib/constants.h"
#include "ike/lib/payloads.h"
#include "ike/lib/result.h"

namespace spirecovery::ike {

using Spi = std::array<std::uint8_t, 8>;

constexpr std::size_t header_size = 28;
constexpr std::uint8_t ike_major_version = 2;

struct Header {
    Spi spi_initiator{};
    Spi spi_responder{};
    ExchangeType exchange = ExchangeType::ike_sa_init;
    bool initiator = true; // sent by the original initiator of the IKE SA
    bool response = false;
    std::uint32_t message_id = 0;

    bool operator==(const Header&) const = default;
};

struct Message {
    Header header;
    std::vector<Payload> payloads;

    bool operator==(const Message&) const = default;
};

// Checks what the fixed header alone can tell: size, major version 2, and that the Length
// field equals the datagram size. Returns the header and the first payload type.
struct DecodedHeader {
    Header header;
    PayloadType first_payload = PayloadType::none;
};
Result<DecodedHeader> decode_header(ByteView datagram);

void encode_header(const Header& header, PayloadType first_payload, std::uint32_t length,
                   wire::Writer& out);

Bytes encode_message(const Message& message);
Result<Message> decode_message(ByteView datagram);

} // namespace spirecovery::ike
