// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/payloads.h"

#include <limits>
#include <stdexcept>
#include <string>

#include "ike/lib/wire.h"

namespace spirecovery::ike {

namespace {

using wire::load16;
using wire::load32;

constexpr std::uint8_t critical_flag = 0x80;
constexpr std::uint8_t more_proposals = 2; // RFC 7296 3.3.1 "Last Substruc"
constexpr std::uint8_t more_transforms = 3;
constexpr std::uint16_t attribute_tv_flag = 0x8000;
constexpr std::size_t proposal_header_size = 8;
constexpr std::size_t transform_header_size = 8;
constexpr std::size_t attribute_header_size = 4;

bool is_recognized(PayloadType type) {
    switch (type) {
    case PayloadType::sa:
    case PayloadType::ke:
    case PayloadType::id_initiator:
    case PayloadType::id_responder:
    case PayloadType::certificate:
    case PayloadType::certificate_request:
    case PayloadType::auth:
    case PayloadType::nonce:
    case PayloadType::notify:
    case PayloadType::delete_:
    case PayloadType::vendor_id:
    case PayloadType::ts_initiator:
    case PayloadType::ts_responder:
    case PayloadType::encrypted:
    case PayloadType::configuration:
    case PayloadType::eap:
    case PayloadType::encrypted_fragment:
        return true;
    case PayloadType::none:
        break;
    }
    return false;
}

Error malformed(PayloadType type, const std::string& what) {
    return Error{"malformed " + to_string(type) + " payload: " + what};
}

std::string size_text(std::size_t have, std::size_t need) {
    return std::to_string(have) + " < " + std::to_string(need) + " bytes";
}

Bytes copy(ByteView data) {
    return Bytes(data.begin(), data.end());
}

Result<std::vector<TransformAttribute>> decode_attributes(ByteView data) {
    std::vector<TransformAttribute> attributes;
    std::size_t offset = 0;
    while (offset < data.size()) {
        if (data.size() - offset < attribute_header_size)
            return malformed(PayloadType::sa, "truncated transform attribute");
        const std::uint16_t type_field = load16(data, offset);
        TransformAttribute attribute;
        attribute.type = type_field & ~attribute_tv_flag;
        attribute.tv_format = (type_field & attribute_tv_flag) != 0;
        if (attribute.tv_format) {
            attribute.value = copy(data.subspan(offset + 2, 2));
            offset += attribute_header_size;
        } else {
            const std::size_t length = load16(data, offset + 2);
            if (data.size() - offset - attribute_header_size < length)
                return malformed(PayloadType::sa, "transform attribute overruns its transform");
            attribute.value = copy(data.subspan(offset + attribute_header_size, length));
            offset += attribute_header_size + length;
        }
        attributes.push_back(std::move(attribute));
    }
    return attributes;
}

Result<Proposal> decode_proposal(ByteView data) {
    // data: one whole proposal substructure, length already checked against its header
    Proposal proposal;
    proposal.number = data[4];
    proposal.protocol = ProtocolId(data[5]);
    const std::size_t spi_size = data[6];
    const std::size_t transform_count = data[7];
    if (data.size() - proposal_header_size < spi_size)
        return malformed(PayloadType::sa, "proposal SPI overruns its proposal");
    proposal.spi = copy(data.subspan(proposal_header_size, spi_size));

    ByteView rest = data.subspan(proposal_header_size + spi_size);
    bool last_seen = false;
    while (!rest.empty()) {
        if (last_seen)
            return malformed(PayloadType::sa, "data after the last transform");
        if (rest.size() < transform_header_size)
            return malformed(PayloadType::sa, "truncated transform header");
        const std::size_t length = load16(rest, 2);
        if (length < transform_header_size || length > rest.size())
            return malformed(PayloadType::sa, "transform length " + std::to_string(length) +
                                                  " outside its proposal");
        if (rest[0] != 0 && rest[0] != more_transforms)
            return malformed(PayloadType::sa, "bad transform substructure type");
        last_seen = rest[0] == 0;
        Transform transform;
        transform.type = TransformType(rest[4]);
        transform.id = load16(rest, 6);
        auto attributes =
            decode_attributes(rest.subspan(transform_header_size, length - transform_header_size));
        if (!attributes)
            return attributes.error();
        transform.attributes = std::move(attributes).value();
        proposal.transforms.push_back(std::move(transform));
        rest = rest.subspan(length);
    }
    if (!last_seen || proposal.transforms.size() != transform_count)
        return malformed(PayloadType::sa, "proposal announces " + std::to_string(transform_count) +
                                              " transforms, carries " +
                                              std::to_string(proposal.transforms.size()));
    return proposal;
}

Result<Payload> decode_sa(ByteView body) {
    SaPayload sa;
    bool last_seen = false;
    while (!body.empty()) {
        if (last_seen)
            return malformed(PayloadType::sa, "data after the last proposal");
        if (body.size() < proposal_header_size)
            return malformed(PayloadType::sa, "truncated proposal header");
        const std::size_t length = load16(body, 2);
        if (length < proposal_header_size || length > body.size())
            return malformed(PayloadType::sa,
                             "proposal length " + std::to_string(length) + " outside the payload");
        if (body[0] != 0 && body[0] != more_proposals)
            return malformed(PayloadType::sa, "bad proposal substructure type");
        last_seen = body[0] == 0;
        auto proposal = decode_proposal(body.first(length));
        if (!proposal)
            return proposal.error();
        sa.proposals.push_back(std::move(proposal).value());
        body = body.subspan(length);
    }
    if (!last_seen)
        return malformed(PayloadType::sa, "no proposals, or the last one is not marked last");
    return Payload{std::move(sa)};
}

Result<Payload> decode_ke(ByteView body) {
    if (body.size() < 4)
        return malformed(PayloadType::ke, size_text(body.size(), 4));
    return Payload{KePayload{DhGroup(load16(body, 0)), copy(body.subspan(4))}};
}

Result<Payload> decode_notify(ByteView body) {
    if (body.size() < 4)
        return malformed(PayloadType::notify, size_text(body.size(), 4));
    const std::size_t spi_size = body[1];
    if (body.size() - 4 < spi_size)
        return malformed(PayloadType::notify, "SPI overruns the payload");
    NotifyPayload notify;
    notify.protocol = ProtocolId(body[0]);
    notify.type = NotifyType(load16(body, 2));
    notify.spi = copy(body.subspan(4, spi_size));
    notify.data = copy(body.subspan(4 + spi_size));
    return Payload{std::move(notify)};
}

Result<Payload> decode_id(PayloadType type, ByteView body) {
    if (body.size() < 4)
        return malformed(type, size_text(body.size(), 4));
    return Payload{IdPayload{type == PayloadType::id_responder,
                             Identity{IdType(body[0]), copy(body.subspan(4))}}};
}

Result<Payload> decode_auth(ByteView body) {
    if (body.size() < 4)
        return malformed(PayloadType::auth, size_text(body.size(), 4));
    return Payload{AuthPayload{AuthMethod(body[0]), copy(body.subspan(4))}};
}

Result<Payload> decode_delete(ByteView body) {
    if (body.size() < 4)
        return malformed(PayloadType::delete_, size_text(body.size(), 4));
    DeletePayload deletion;
    deletion.protocol = ProtocolId(body[0]);
    deletion.spi_size = body[1];
    const std::size_t count = load16(body, 2);
    if (body.size() - 4 != count * deletion.spi_size)
        return malformed(PayloadType::delete_,
                         std::to_string(count) + " SPIs of " + std::to_string(deletion.spi_size) +
                             " bytes do not fill " + std::to_string(body.size() - 4) + " bytes");
    // A zero SPI size with a count would describe SPIs without bytes (RFC 7296 3.11).
    if (deletion.spi_size == 0 && count != 0)
        return malformed(PayloadType::delete_, "SPI count without SPI size");
    for (std::size_t i = 0; i < count; ++i)
        deletion.spis.push_back(copy(body.subspan(4 + i * deletion.spi_size, deletion.spi_size)));
    return Payload{std::move(deletion)};
}

void check_field(std::size_t size, std::size_t limit, const char* what) {
    if (size > limit)
        throw std::length_error(std::string(what) + " too long to encode");
}

void encode_transform(const Transform& transform, bool last, wire::Writer& out) {
    const std::size_t start = out.size();
    out.u8(last ? 0 : more_transforms);
    out.u8(0);
    out.u16(0); // length, patched below
    out.u8(static_cast<std::uint8_t>(transform.type));
    out.u8(0);
    out.u16(transform.id);
    for (const TransformAttribute& attribute : transform.attributes) {
        check_field(attribute.type, 0x7fff, "attribute type");
        if (attribute.tv_format) {
            if (attribute.value.size() != 2)
                throw std::length_error("TV attribute value must be 2 bytes");
            out.u16(attribute.type | attribute_tv_flag);
        } else {
            check_field(attribute.value.size(), 0xffff, "attribute value");
            out.u16(attribute.type);
            out.u16(static_cast<std::uint16_t>(attribute.value.size()));
        }
        out.bytes(attribute.value);
    }
    check_field(out.size() - start, 0xffff, "transform");
    out.patch16(start + 2, static_cast<std::uint16_t>(out.size() - start));
}

void encode_sa(const SaPayload& sa, wire::Writer& out) {
    for (std::size_t p = 0; p < sa.proposals.size(); ++p) {
        const Proposal& proposal = sa.proposals[p];
        check_field(proposal.spi.size(), 0xff, "proposal SPI");
        check_field(proposal.transforms.size(), 0xff, "transform list");
        const std::size_t start = out.size();
        out.u8(p + 1 == sa.proposals.size() ? 0 : more_proposals);
        out.u8(0);
        out.u16(0); // length, patched below
        out.u8(proposal.number);
        out.u8(static_cast<std::uint8_t>(proposal.protocol));
        out.u8(static_cast<std::uint8_t>(proposal.spi.size()));
        out.u8(static_cast<std::uint8_t>(proposal.transforms.size()));
        out.bytes(proposal.spi);
        for (std::size_t t = 0; t < proposal.transforms.size(); ++t)
            encode_transform(proposal.transforms[t], t + 1 == proposal.transforms.size(), out);
        check_field(out.size() - start, 0xffff, "proposal");
        out.patch16(start + 2, static_cast<std::uint16_t>(out.size() - start));
    }
}

} // namespace

Transform Transform::make(TransformType type, std::uint16_t id) {
    return Transform{type, id, {}};
}

Transform Transform::with_key_length(TransformType type, std::uint16_t id, std::uint16_t bits) {
    return Transform{type,
                     id,
                     {TransformAttribute{attribute_key_length, true,
                                         Bytes{std::uint8_t(bits >> 8), std::uint8_t(bits)}}}};
}

std::optional<std::uint16_t> Transform::key_length() const {
    for (const TransformAttribute& attribute : attributes) {
        if (attribute.type == attribute_key_length && attribute.tv_format &&
            attribute.value.size() == 2)
            return load16(attribute.value, 0);
    }
    return std::nullopt;
}

PayloadType payload_type(const Payload& payload) {
    struct Visitor {
        PayloadType operator()(const SaPayload&) const { return PayloadType::sa; }
        PayloadType operator()(const KePayload&) const { return PayloadType::ke; }
        PayloadType operator()(const NoncePayload&) const { return PayloadType::nonce; }
        PayloadType operator()(const NotifyPayload&) const { return PayloadType::notify; }
        PayloadType operator()(const IdPayload& id) const {
            return id.responder ? PayloadType::id_responder : PayloadType::id_initiator;
        }
        PayloadType operator()(const AuthPayload&) const { return PayloadType::auth; }
        PayloadType operator()(const DeletePayload&) const { return PayloadType::delete_; }
        PayloadType operator()(const VendorIdPayload&) const { return PayloadType::vendor_id; }
        PayloadType operator()(const EncryptedPayload&) const { return PayloadType::encrypted; }
        PayloadType operator()(const UnknownPayload& unknown) const { return unknown.type; }
    };
    return std::visit(Visitor{}, payload);
}

Result<std::vector<RawPayload>> split_payloads(PayloadType first, ByteView chain) {
    std::vector<RawPayload> raws;
    PayloadType type = first;
    std::size_t offset = 0;
    while (type != PayloadType::none) {
        if (!raws.empty() && raws.back().type == PayloadType::encrypted)
            return Error{"payload after SK: the encrypted payload must be the last one"};
        const std::size_t remaining = chain.size() - offset;
        if (remaining < generic_header_size)
            return malformed(type, "missing generic header (" +
                                       size_text(remaining, generic_header_size) + ")");
        const std::size_t length = load16(chain, offset + 2);
        if (length < generic_header_size || length > remaining)
            return malformed(type, "length " + std::to_string(length) + " with " +
                                       std::to_string(remaining) + " bytes left");
        RawPayload raw;
        raw.type = type;
        raw.next = PayloadType(chain[offset]);
        raw.critical = (chain[offset + 1] & critical_flag) != 0;
        raw.body = chain.subspan(offset + generic_header_size, length - generic_header_size);
        if (!is_recognized(type) && raw.critical)
            return Error{"unsupported critical payload type " +
                         std::to_string(static_cast<unsigned>(type))};
        raws.push_back(raw);
        offset += length;
        // For SK the Next Payload field names the first payload inside it.
        type = raw.type == PayloadType::encrypted ? PayloadType::none : raw.next;
    }
    if (offset != chain.size())
        return Error{std::to_string(chain.size() - offset) + " bytes after the last payload"};
    return raws;
}

Result<Payload> decode_payload(const RawPayload& raw) {
    switch (raw.type) {
    case PayloadType::sa:
        return decode_sa(raw.body);
    case PayloadType::ke:
        return decode_ke(raw.body);
    case PayloadType::nonce:
        return Payload{NoncePayload{copy(raw.body)}};
    case PayloadType::notify:
        return decode_notify(raw.body);
    case PayloadType::id_initiator:
    case PayloadType::id_responder:
        return decode_id(raw.type, raw.body);
    case PayloadType::auth:
        return decode_auth(raw.body);
    case PayloadType::delete_:
        return decode_delete(raw.body);
    case PayloadType::vendor_id:
        return Payload{VendorIdPayload{copy(raw.body)}};
    case PayloadType::encrypted:
        return Payload{EncryptedPayload{raw.next, copy(raw.body)}};
    default:
        break;
    }
    return Payload{UnknownPayload{raw.type, raw.critical, copy(raw.body)}};
}

Result<std::vector<Payload>> decode_payloads(PayloadType first, ByteView chain) {
    auto raws = split_payloads(first, chain);
    if (!raws)
        return raws.error();
    std::vector<Payload> payloads;
    for (const RawPayload& raw : raws.value()) {
        auto payload = decode_payload(raw);
        if (!payload)
            return payload.error();
        payloads.push_back(std::move(payload).value());
    }
    return payloads;
}

Bytes encode_id_body(const Identity& identity) {
    wire::Writer out;
    out.u8(static_cast<std::uint8_t>(identity.type));
    out.zeros(3);
    out.bytes(identity.data);
    return out.take();
}

Bytes encode_payload_body(const Payload& payload) {
    wire::Writer out;
    struct Visitor {
        wire::Writer& out;
        void operator()(const SaPayload& sa) const { encode_sa(sa, out); }
        void operator()(const KePayload& ke) const {
            out.u16(static_cast<std::uint16_t>(ke.group));
            out.u16(0);
            out.bytes(ke.data);
        }
        void operator()(const NoncePayload& nonce) const { out.bytes(nonce.data); }
        void operator()(const NotifyPayload& notify) const {
            check_field(notify.spi.size(), 0xff, "notify SPI");
            out.u8(static_cast<std::uint8_t>(notify.protocol));
            out.u8(static_cast<std::uint8_t>(notify.spi.size()));
            out.u16(static_cast<std::uint16_t>(notify.type));
            out.bytes(notify.spi);
            out.bytes(notify.data);
        }
        void operator()(const IdPayload& id) const { out.bytes(encode_id_body(id.identity)); }
        void operator()(const AuthPayload& auth) const {
            out.u8(static_cast<std::uint8_t>(auth.method));
            out.zeros(3);
            out.bytes(auth.data);
        }
        void operator()(const DeletePayload& deletion) const {
            check_field(deletion.spis.size(), 0xffff, "delete SPI list");
            out.u8(static_cast<std::uint8_t>(deletion.protocol));
            out.u8(deletion.spi_size);
            out.u16(static_cast<std::uint16_t>(deletion.spis.size()));
            for (const Bytes& spi : deletion.spis) {
                if (spi.size() != deletion.spi_size)
                    throw std::invalid_argument("delete SPI does not match SPI size");
                out.bytes(spi);
            }
        }
        void operator()(const VendorIdPayload& vendor) const { out.bytes(vendor.data); }
        void operator()(const EncryptedPayload& encrypted) const { out.bytes(encrypted.body); }
        void operator()(const UnknownPayload& unknown) const { out.bytes(unknown.body); }
    };
    std::visit(Visitor{out}, payload);
    return out.take();
}

PayloadType encode_payloads(const std::vector<Payload>& payloads, wire::Writer& out) {
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        const Payload& payload = payloads[i];
        const Bytes body = encode_payload_body(payload);
        check_field(body.size(), 0xffff - generic_header_size, "payload");
        PayloadType next =
            i + 1 < payloads.size() ? payload_type(payloads[i + 1]) : PayloadType::none;
        bool critical = false;
        if (const auto* encrypted = std::get_if<EncryptedPayload>(&payload)) {
            if (i + 1 != payloads.size())
                throw std::invalid_argument("SK must be the last payload");
            next = encrypted->first_inner;
        } else if (const auto* unknown = std::get_if<UnknownPayload>(&payload)) {
            critical = unknown->critical;
        }
        out.u8(static_cast<std::uint8_t>(next));
        out.u8(critical ? critical_flag : 0);
        out.u16(static_cast<std::uint16_t>(body.size() + generic_header_size));
        out.bytes(body);
    }
    return payloads.empty() ? PayloadType::none : payload_type(payloads.front());
}

const IdPayload* find_id(const std::vector<Payload>& payloads, bool responder) {
    for (const Payload& payload : payloads) {
        const auto* id = std::get_if<IdPayload>(&payload);
        if (id && id->responder == responder)
            return id;
    }
    return nullptr;
}

const NotifyPayload* find_notify(const std::vector<Payload>& payloads, NotifyType type) {
    for (const Payload& payload : payloads) {
        const auto* notify = std::get_if<NotifyPayload>(&payload);
        if (notify && notify->type == type)
            return notify;
    }
    return nullptr;
}

} // namespace spirecovery::ike
