// SPDX-License-Identifier: GPL-2.0
// Big-endian field access for the codec. Readers take explicit offsets into a span whose
// size the caller has already checked (validate, then process); span indexing keeps every
// access inside the buffer, and _GLIBCXX_ASSERTIONS builds (tests, fuzzers) trap on misuse.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ike/lib/bytes.h"

namespace spirecovery::ike::wire {

inline std::uint16_t load16(ByteView data, std::size_t offset) {
    return static_cast<std::uint16_t>(data[offset] << 8 | data[offset + 1]);
}

inline std::uint32_t load32(ByteView data, std::size_t offset) {
    return std::uint32_t(data[offset]) << 24 | std::uint32_t(data[offset + 1]) << 16 |
           std::uint32_t(data[offset + 2]) << 8 | std::uint32_t(data[offset + 3]);
}

class Writer {
public:
    void u8(std::uint8_t value) { out_.push_back(value); }
    void u16(std::uint16_t value) {
        u8(static_cast<std::uint8_t>(value >> 8));
        u8(static_cast<std::uint8_t>(value));
    }
    void u32(std::uint32_t value) {
        u16(static_cast<std::uint16_t>(value >> 16));
        u16(static_cast<std::uint16_t>(value));
    }
    void bytes(ByteView data) { out_.insert(out_.end(), data.begin(), data.end()); }
    void zeros(std::size_t count) { out_.insert(out_.end(), count, 0); }

    std::size_t size() const { return out_.size(); }
    // Fills in a length field once the data it covers has been written.
    void patch16(std::size_t offset, std::uint16_t value) {
        out_.at(offset) = static_cast<std::uint8_t>(value >> 8);
        out_.at(offset + 1) = static_cast<std::uint8_t>(value);
    }

    const Bytes& data() const& { return out_; }
    Bytes take() { return std::move(out_); }

private:
    Bytes out_;
};

} // namespace spirecovery::ike::wire
