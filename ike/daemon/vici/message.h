// SPDX-License-Identifier: GPL-2.0
// strongSwan's vici protocol: message tree and packet layer (no I/O here).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ike/lib/bytes.h"
#include "ike/lib/result.h"

namespace spirecovery::vici {

// A section of a vici message; the message itself is the implicit root section. Entries keep
// their wire order, which some commands (load-conn) rely on.
struct Section {
    struct Entry;
    std::vector<Entry> entries;

    const std::string* value(std::string_view name) const;
    const std::vector<std::string>* list(std::string_view name) const;
    const Section* section(std::string_view name) const;

    Section& add_value(std::string name, std::string value);
    Section& add_list(std::string name, std::vector<std::string> items);
    Section& add_section(std::string name); // returns the new, empty section

    bool operator==(const Section&) const;
};

struct Section::Entry {
    enum class Kind : uint8_t { value, list, section };
    Kind kind = Kind::value;
    std::string name;
    std::string value;              // Kind::value
    std::vector<std::string> items; // Kind::list
    Section section;                // Kind::section

    bool operator==(const Entry&) const = default;
};

using Message = Section;

// Element types of the message encoding.
enum class ElementType : uint8_t {
    section_start = 1,
    section_end = 2,
    key_value = 3,
    list_start = 4,
    list_item = 5,
    list_end = 6,
};

enum class PacketType : uint8_t {
    cmd_request = 0,
    cmd_response = 1,
    cmd_unknown = 2,
    event_register = 3,
    event_unregister = 4,
    event_confirm = 5,
    event_unknown = 6,
    event = 7,
};

struct Packet {
    PacketType type = PacketType::cmd_request;
    std::string name; // only for the named types: cmd_request, event_(un)register, event
    Message message;  // only for cmd_request, cmd_response and event

    bool operator==(const Packet&) const = default;
};

// The transport limit on one segment (the packet without its 4-byte length header).
constexpr size_t max_segment_size = 512 * 1024;
// Sections nest; a bound keeps hostile input from costing unbounded memory per level.
constexpr size_t max_section_depth = 64;

bool is_named(PacketType type);
bool has_message(PacketType type);

// Validates the whole message (balanced sections, lists not nested, items only in lists,
// every length inside the buffer) before returning it.
ike::Result<Message> decode_message(ike::ByteView bytes);
// Fails when a name exceeds 255 bytes or a value 65535 bytes.
ike::Result<ike::Bytes> encode_message(const Message& message);

// A packet as carried in one transport segment (without the length header).
ike::Result<Packet> decode_packet(ike::ByteView segment);
ike::Result<ike::Bytes> encode_packet(const Packet& packet);

} // namespace spirecovery::vici
