// SPDX-License-Identifier: GPL-2.0
// IKEv2 payloads (RFC 7296 3.2-3.16) as value types, and the generic payload chain.
//
// Decoding is split in two steps: split_payloads() walks the chain of generic payload headers
// and checks every length before any body is looked at; decode_payload() then checks and
// interprets one body. Neither throws on bad input and neither reads outside its span.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "ike/lib/bytes.h"
#include "ike/lib/constants.h"
#include "ike/lib/identity.h"
#include "ike/lib/result.h"

namespace spirecovery::ike {

namespace wire {
class Writer;
}

// RFC 7296 3.3.5. TV attributes (the only kind defined, Key Length) carry a 2-byte value.
struct TransformAttribute {
    std::uint16_t type = attribute_key_length;
    bool tv_format = true;
    Bytes value;

    bool operator==(const TransformAttribute&) const = default;
};

struct Transform {
    TransformType type = TransformType::encryption;
    std::uint16_t id = 0;
    std::vector<TransformAttribute> attributes;

    static Transform make(TransformType type, std::uint16_t id);
    static Transform with_key_length(TransformType type, std::uint16_t id, std::uint16_t bits);
    std::optional<std::uint16_t> key_length() const;
    bool operator==(const Transform&) const = default;
};

struct Proposal {
    std::uint8_t number = 1;
    ProtocolId protocol = ProtocolId::ike;
    Bytes spi; // empty in IKE_SA_INIT
    std::vector<Transform> transforms;

    bool operator==(const Proposal&) const = default;
};

struct SaPayload {
    std::vector<Proposal> proposals;
    bool operator==(const SaPayload&) const = default;
};

struct KePayload {
    DhGroup group = DhGroup::curve25519;
    Bytes data;
    bool operator==(const KePayload&) const = default;
};

struct NoncePayload {
    Bytes data;
    bool operator==(const NoncePayload&) const = default;
};

struct NotifyPayload {
    ProtocolId protocol = ProtocolId::none;
    Bytes spi;
    NotifyType type = NotifyType::initial_contact;
    Bytes data;
    bool operator==(const NotifyPayload&) const = default;
};

// IDi or IDr.
struct IdPayload {
    bool responder = false;
    Identity identity;
    bool operator==(const IdPayload&) const = default;
};

struct AuthPayload {
    AuthMethod method = AuthMethod::shared_key_mic;
    Bytes data;
    bool operator==(const AuthPayload&) const = default;
};

struct DeletePayload {
    ProtocolId protocol = ProtocolId::ike;
    std::uint8_t spi_size = 0;
    std::vector<Bytes> spis;
    bool operator==(const DeletePayload&) const = default;
};

struct VendorIdPayload {
    Bytes data;
    bool operator==(const VendorIdPayload&) const = default;
};

// SK as it sits in the message: IV | ciphertext | ICV, opened by MessageProtection.
struct EncryptedPayload {
    PayloadType first_inner = PayloadType::none;
    Bytes body;
    bool operator==(const EncryptedPayload&) const = default;
};

// A payload this library does not interpret (CERTREQ, TS, CP, ...). Kept verbatim so it can
// be skipped or re-encoded; `critical` is the sender's critical bit.
struct UnknownPayload {
    PayloadType type = PayloadType::none;
    bool critical = false;
    Bytes body;
    bool operator==(const UnknownPayload&) const = default;
};

using Payload =
    std::variant<SaPayload, KePayload, NoncePayload, NotifyPayload, IdPayload, AuthPayload,
                 DeletePayload, VendorIdPayload, EncryptedPayload, UnknownPayload>;

PayloadType payload_type(const Payload& payload);

// One generic payload as found in a chain; `body` points into the decoded buffer.
struct RawPayload {
    PayloadType type = PayloadType::none;
    PayloadType next = PayloadType::none;
    bool critical = false;
    ByteView body;
};

constexpr std::size_t generic_header_size = 4;

// Walks the chain starting with payload type `first`. Every payload must fit, the last one
// must end exactly at the end of `chain`, and SK, when present, must be the last (RFC 7296
// 3.14). An unrecognized payload type with the critical bit set is an error (RFC 7296 3.2).
Result<std::vector<RawPayload>> split_payloads(PayloadType first, ByteView chain);
Result<Payload> decode_payload(const RawPayload& raw);
Result<std::vector<Payload>> decode_payloads(PayloadType first, ByteView chain);

// Body only, without the generic header. Throws std::logic_error if a value cannot be
// encoded (a field outgrows its length field, SK not last): we build these values ourselves,
// so that is a bug, not bad input.
Bytes encode_payload_body(const Payload& payload);
// The chain with generic headers; returns the type of the first payload (NONE if empty).
PayloadType encode_payloads(const std::vector<Payload>& payloads, wire::Writer& out);

// The ID payload body from the ID Type on, as the AUTH computation hashes it (RFC 7296 2.15).
Bytes encode_id_body(const Identity& identity);

template <typename P>
const P* find_payload(const std::vector<Payload>& payloads) {
    for (const Payload& payload : payloads) {
        if (const P* match = std::get_if<P>(&payload))
            return match;
    }
    return nullptr;
}

const IdPayload* find_id(const std::vector<Payload>& payloads, bool responder);
const NotifyPayload* find_notify(const std::vector<Payload>& payloads, NotifyType type);

} // namespace spirecovery::ike
