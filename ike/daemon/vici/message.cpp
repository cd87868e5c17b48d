// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/vici/message.h"

#include <limits>
#include <optional>

namespace spirecovery::vici {

namespace {

template <typename Kind>
const Section::Entry* find(const Section& s, std::string_view name, Kind kind) {
    for (const auto& e : s.entries)
        if (e.kind == kind && e.name == name)
            return &e;
    return nullptr;
}

// Reads the buffer front to back; every read checks the remaining length first.
class Reader {
public:
    explicit Reader(ike::ByteView bytes) : bytes_(bytes) {}

    bool done() const { return pos_ == bytes_.size(); }
    std::optional<uint8_t> byte() {
        if (pos_ >= bytes_.size())
            return std::nullopt;
        return bytes_[pos_++];
    }
    std::optional<std::string> take(size_t n) {
        if (bytes_.size() - pos_ < n)
            return std::nullopt;
        std::string out(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
        pos_ += n;
        return out;
    }
    std::optional<std::string> name() {
        auto len = byte();
        return len ? take(*len) : std::nullopt;
    }
    std::optional<std::string> value() {
        auto hi = byte();
        auto lo = byte();
        if (!hi || !lo)
            return std::nullopt;
        return take(static_cast<size_t>(*hi) << 8 | *lo);
    }
    ike::ByteView rest() const { return bytes_.subspan(pos_); }

private:
    ike::ByteView bytes_;
    size_t pos_ = 0;
};

class Writer {
public:
    ike::Status byte(uint8_t b) {
        out_.push_back(b);
        return ike::success();
    }
    ike::Status name(std::string_view s) {
        if (s.size() > std::numeric_limits<uint8_t>::max())
            return ike::Error{"vici name longer than 255 bytes: " + std::string(s.substr(0, 32))};
        out_.push_back(static_cast<uint8_t>(s.size()));
        out_.insert(out_.end(), s.begin(), s.end());
        return ike::success();
    }
    ike::Status value(std::string_view s) {
        if (s.size() > std::numeric_limits<uint16_t>::max())
            return ike::Error{"vici value longer than 65535 bytes"};
        out_.push_back(static_cast<uint8_t>(s.size() >> 8));
        out_.push_back(static_cast<uint8_t>(s.size()));
        out_.insert(out_.end(), s.begin(), s.end());
        return ike::success();
    }
    ike::Status section(const Section& s) {
        for (const auto& e : s.entries) {
            ike::Status st = ike::success();
            switch (e.kind) {
            case Section::Entry::Kind::value:
                if (!(st = element(ElementType::key_value)) || !(st = name(e.name)) ||
                    !(st = value(e.value)))
                    return st;
                break;
            case Section::Entry::Kind::list:
                if (!(st = element(ElementType::list_start)) || !(st = name(e.name)))
                    return st;
                for (const auto& item : e.items)
                    if (!(st = element(ElementType::list_item)) || !(st = value(item)))
                        return st;
                if (!(st = element(ElementType::list_end)))
                    return st;
                break;
            case Section::Entry::Kind::section:
                if (!(st = element(ElementType::section_start)) || !(st = name(e.name)) ||
                    !(st = section(e.section)) || !(st = element(ElementType::section_end)))
                    return st;
                break;
            }
        }
        return ike::success();
    }
    ike::Bytes take() { return std::move(out_); }

private:
    ike::Status element(ElementType t) { return byte(static_cast<uint8_t>(t)); }
    ike::Bytes out_;
};

ike::Error truncated(const char* what) {
    return ike::Error{std::string("vici: truncated ") + what};
}

} // namespace

const std::string* Section::value(std::string_view name) const {
    const Entry* e = find(*this, name, Entry::Kind::value);
    return e ? &e->value : nullptr;
}

const std::vector<std::string>* Section::list(std::string_view name) const {
    const Entry* e = find(*this, name, Entry::Kind::list);
    return e ? &e->items : nullptr;
}

const Section* Section::section(std::string_view name) const {
    const Entry* e = find(*this, name, Entry::Kind::section);
    return e ? &e->section : nullptr;
}

Section& Section::add_value(std::string name, std::string value) {
    Entry e;
    e.kind = Entry::Kind::value;
    e.name = std::move(name);
    e.value = std::move(value);
    entries.push_back(std::move(e));
    return *this;
}

Section& Section::add_list(std::string name, std::vector<std::string> items) {
    Entry e;
    e.kind = Entry::Kind::list;
    e.name = std::move(name);
    e.items = std::move(items);
    entries.push_back(std::move(e));
    return *this;
}

Section& Section::add_section(std::string name) {
    Entry e;
    e.kind = Entry::Kind::section;
    e.name = std::move(name);
    entries.push_back(std::move(e));
    return entries.back().section;
}

bool Section::operator==(const Section& other) const {
    return entries == other.entries;
}

bool is_named(PacketType type) {
    return type == PacketType::cmd_request || type == PacketType::event_register ||
           type == PacketType::event_unregister || type == PacketType::event;
}

bool has_message(PacketType type) {
    return type == PacketType::cmd_request || type == PacketType::cmd_response ||
           type == PacketType::event;
}

ike::Result<Message> decode_message(ike::ByteView bytes) {
    Reader in(bytes);
    Message root;
    // Open sections, innermost last; pointers stay valid because only the innermost
    // section's entries grow.
    std::vector<Section*> open{&root};
    Section::Entry* list = nullptr;

    while (!in.done()) {
        const auto type = static_cast<ElementType>(*in.byte());
        if (list && type != ElementType::list_item && type != ElementType::list_end)
            return ike::Error{"vici: element inside a list"};
        switch (type) {
        case ElementType::section_start: {
            auto name = in.name();
            if (!name)
                return truncated("section name");
            if (open.size() > max_section_depth)
                return ike::Error{"vici: sections nested too deep"};
            open.push_back(&open.back()->add_section(std::move(*name)));
            break;
        }
        case ElementType::section_end:
            if (open.size() == 1)
                return ike::Error{"vici: section end without section"};
            open.pop_back();
            break;
        case ElementType::key_value: {
            auto name = in.name();
            if (!name)
                return truncated("key name");
            auto value = in.value();
            if (!value)
                return truncated("value");
            open.back()->add_value(std::move(*name), std::move(*value));
            break;
        }
        case ElementType::list_start: {
            if (list)
                return ike::Error{"vici: nested list"};
            auto name = in.name();
            if (!name)
                return truncated("list name");
            open.back()->add_list(std::move(*name), {});
            list = &open.back()->entries.back();
            break;
        }
        case ElementType::list_item: {
            if (!list)
                return ike::Error{"vici: list item outside a list"};
            auto value = in.value();
            if (!value)
                return truncated("list item");
            list->items.push_back(std::move(*value));
            break;
        }
        case ElementType::list_end:
            if (!list)
                return ike::Error{"vici: list end without list"};
            list = nullptr;
            break;
        default:
            return ike::Error{"vici: unknown element type " + std::to_string(int(type))};
        }
    }
    if (list)
        return ike::Error{"vici: unterminated list"};
    if (open.size() != 1)
        return ike::Error{"vici: unterminated section"};
    return root;
}

ike::Result<ike::Bytes> encode_message(const Message& message) {
    Writer out;
    if (auto st = out.section(message); !st)
        return st.error();
    return out.take();
}

ike::Result<Packet> decode_packet(ike::ByteView segment) {
    if (segment.size() > max_segment_size)
        return ike::Error{"vici: segment larger than 512 KiB"};
    Reader in(segment);
    auto type_byte = in.byte();
    if (!type_byte)
        return truncated("packet");
    if (*type_byte > static_cast<uint8_t>(PacketType::event))
        return ike::Error{"vici: unknown packet type " + std::to_string(*type_byte)};
    Packet packet;
    packet.type = static_cast<PacketType>(*type_byte);
    if (is_named(packet.type)) {
        auto name = in.name();
        if (!name)
            return truncated("packet name");
        packet.name = std::move(*name);
    }
    if (has_message(packet.type)) {
        auto message = decode_message(in.rest());
        if (!message)
            return message.error();
        packet.message = std::move(message.value());
    } else if (!in.done()) {
        return ike::Error{"vici: trailing bytes after a packet without message"};
    }
    return packet;
}

ike::Result<ike::Bytes> encode_packet(const Packet& packet) {
    Writer out;
    (void)out.byte(static_cast<uint8_t>(packet.type));
    if (is_named(packet.type))
        if (auto st = out.name(packet.name); !st)
            return st.error();
    if (has_message(packet.type))
        if (auto st = out.section(packet.message); !st)
            return st.error();
    ike::Bytes bytes = out.take();
    if (bytes.size() > max_segment_size)
        return ike::Error{"vici: packet larger than 512 KiB"};
    return bytes;
}

} // namespace spirecovery::vici
