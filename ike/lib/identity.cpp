// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/identity.h"

#include <algorithm>
#include <array>
#include <optional>

#include "ike/lib/address.h"

namespace spirecovery::ike {

namespace {

Bytes text_bytes(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

Result<Identity> text_identity(IdType type, std::string_view text, std::string_view original) {
    if (text.empty())
        return Error{"empty identity \"" + std::string(original) + "\""};
    return Identity{type, text_bytes(text)};
}

Result<Identity> key_id_identity(std::string_view hex, std::string_view original) {
    auto bytes = parse_hex(hex);
    if (!bytes || bytes->empty())
        return Error{"key id \"" + std::string(original) +
                     "\" is not an even number of hex digits"};
    return Identity{IdType::key_id, std::move(*bytes)};
}

Result<Identity> address_identity(IpAddress::Family family, std::string_view text,
                                  std::string_view original) {
    auto address = IpAddress::parse(text);
    if (!address || address->family() != family)
        return Error{"\"" + std::string(original) + "\" is not an IP address of that family"};
    const ByteView bytes = address->bytes();
    return Identity{family == IpAddress::Family::ipv4 ? IdType::ipv4_addr : IdType::ipv6_addr,
                    Bytes(bytes.begin(), bytes.end())};
}

} // namespace

Result<Identity> Identity::parse(std::string_view text) {
    struct Prefix {
        std::string_view name;
        IdType type;
    };
    static constexpr std::array prefixes{
        Prefix{"ipv4:", IdType::ipv4_addr},     Prefix{"ipv6:", IdType::ipv6_addr},
        Prefix{"fqdn:", IdType::fqdn},          Prefix{"email:", IdType::rfc822_addr},
        Prefix{"rfc822:", IdType::rfc822_addr}, Prefix{"keyid:", IdType::key_id},
    };
    for (const Prefix& prefix : prefixes) {
        if (!text.starts_with(prefix.name))
            continue;
        const std::string_view rest = text.substr(prefix.name.size());
        switch (prefix.type) {
        case IdType::ipv4_addr:
            return address_identity(IpAddress::Family::ipv4, rest, text);
        case IdType::ipv6_addr:
            return address_identity(IpAddress::Family::ipv6, rest, text);
        case IdType::key_id:
            if (rest.starts_with('#'))
                return key_id_identity(rest.substr(1), text);
            return text_identity(IdType::key_id, rest, text);
        default:
            return text_identity(prefix.type, rest, text);
        }
    }

    if (text == "%any")
        return Error{"%any is not an identity; leave the remote identity unset to accept any"};
    if (text.find('=') != std::string_view::npos)
        return Error{"distinguished-name identities are not supported: \"" + std::string(text) +
                     "\""};
    if (text.find('@') == std::string_view::npos) {
        if (auto address = IpAddress::parse(text)) {
            return address_identity(address->family(), text, text);
        }
        return text_identity(IdType::fqdn, text, text);
    }
    if (text.starts_with("@#"))
        return key_id_identity(text.substr(2), text);
    if (text.starts_with("@@"))
        return text_identity(IdType::rfc822_addr, text.substr(2), text);
    if (text.starts_with('@'))
        return text_identity(IdType::fqdn, text.substr(1), text);
    return text_identity(IdType::rfc822_addr, text, text);
}

std::string Identity::to_string() const {
    switch (type) {
    case IdType::ipv4_addr:
        if (data.size() == 4)
            return IpAddress::v4({data[0], data[1], data[2], data[3]}).to_string();
        break;
    case IdType::ipv6_addr:
        if (data.size() == 16) {
            std::array<std::uint8_t, 16> octets{};
            std::copy(data.begin(), data.end(), octets.begin());
            return IpAddress::v6(octets).to_string();
        }
        break;
    case IdType::fqdn:
    case IdType::rfc822_addr:
        // Peer-supplied text goes into logs: only printable ASCII is shown as text.
        if (std::all_of(data.begin(), data.end(),
                        [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; }))
            return std::string(data.begin(), data.end());
        break;
    default:
        break;
    }
    return (type == IdType::key_id ? "@#" : "id" + std::to_string(int(type)) + ":#") + to_hex(data);
}

} // namespace spirecovery::ike
