// Helpers shared by the GoogleTest suites.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ike/lib/bytes.h"
#include "ike/lib/crypto.h"

namespace spirecovery::ike::test {

inline Bytes from_hex(std::string_view hex) {
    auto nibble = [](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9')
            return static_cast<std::uint8_t>(c - '0');
        if (c >= 'a' && c <= 'f')
            return static_cast<std::uint8_t>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F')
            return static_cast<std::uint8_t>(c - 'A' + 10);
        throw std::invalid_argument("bad hex digit");
    };
    if (hex.size() % 2)
        throw std::invalid_argument("odd hex length");
    Bytes out;
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    return out;
}

inline std::string to_hex(ByteView bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t byte : bytes) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0f];
    }
    return out;
}

inline Bytes text(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

// Deterministic bytes (a running counter) so runs are reproducible; never all zero.
class CountingRandom final : public crypto::RandomSource {
public:
    explicit CountingRandom(std::uint8_t start = 1) : next_(start) {}
    void fill(std::span<std::uint8_t> out) override {
        for (std::uint8_t& byte : out) {
            byte = next_;
            next_ = static_cast<std::uint8_t>(next_ * 13 + 7);
        }
    }

private:
    std::uint8_t next_;
};

} // namespace spirecovery::ike::test
