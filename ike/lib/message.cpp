// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/message.h"

#include <stdexcept>
#include <string>

#include "ike/lib/wire.h"

namespace spirecovery::ike {

namespace {

constexpr std::uint8_t flag_initiator = 0x08; // RFC 7296 3.1
constexpr std::uint8_t flag_response = 0x20;

} // namespace

Result<DecodedHeader> decode_header(ByteView datagram) {
    if (datagram.size() < header_size)
        return Error{"message shorter than the IKE header (" + std::to_string(datagram.size()) +
                     " bytes)"};
    const std::uint8_t major = datagram[17] >> 4;
    if (major != ike_major_version)
        return Error{"IKE major version " + std::to_string(major)};
    const std::uint32_t length = wire::load32(datagram, 24);
    if (length != datagram.size())
        return Error{"header length " + std::to_string(length) + " but datagram has " +
                     std::to_string(datagram.size()) + " bytes"};

    DecodedHeader decoded;
    Header& header = decoded.header;
    std::copy(datagram.begin(), datagram.begin() + 8, header.spi_initiator.begin());
    std::copy(datagram.begin() + 8, datagram.begin() + 16, header.spi_responder.begin());
    decoded.first_payload = PayloadType(datagram[16]);
    header.exchange = ExchangeType(datagram[18]);
    header.initiator = (datagram[19] & flag_initiator) != 0;
    header.response = (datagram[19] & flag_response) != 0;
    header.message_id = wire::load32(datagram, 20);
    return decoded;
}

void encode_header(const Header& header, PayloadType first_payload, std::uint32_t length,
                   wire::Writer& out) {
    out.bytes(header.spi_initiator);
    out.bytes(header.spi_responder);
    out.u8(static_cast<std::uint8_t>(first_payload));
    out.u8(ike_major_version << 4);
    out.u8(static_cast<std::uint8_t>(header.exchange));
    out.u8((header.initiator ? flag_initiator : 0) | (header.response ? flag_response : 0));
    out.u32(header.message_id);
    out.u32(length);
}

Bytes encode_message(const Message& message) {
    wire::Writer chain;
    const PayloadType first = encode_payloads(message.payloads, chain);
    const std::size_t length = header_size + chain.size();
    if (length > UINT32_MAX)
        throw std::length_error("IKE message too long");
    wire::Writer out;
    encode_header(message.header, first, static_cast<std::uint32_t>(length), out);
    out.bytes(chain.data());
    return out.take();
}

Result<Message> decode_message(ByteView datagram) {
    auto decoded = decode_header(datagram);
    if (!decoded)
        return decoded.error();
    auto payloads = decode_payloads(decoded->first_payload, datagram.subspan(header_size));
    if (!payloads)
        return payloads.error();
    return Message{decoded->header, std::move(payloads).value()};
}

} // namespace spirecovery::ike
