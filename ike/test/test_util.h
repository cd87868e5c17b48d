// SPDX-License-Identifier: GPL-2.0
// Helpers shared by the GoogleTest suites.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ike/lib/bytes.h"
#include "ike/lib/clock.h"
#include "ike/lib/crypto.h"

namespace spirecovery::ike::test {

// Test vectors are written in hex; a typo in one is a test bug, so throw.
inline Bytes from_hex(std::string_view hex) {
    return parse_hex(hex).value();
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

// Simulated time: stands still until the test moves it.
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint start = TimePoint{}) : now_(start) {}
    TimePoint now() const override { return now_; }
    void set(TimePoint now) { now_ = now; }
    void advance(Milliseconds by) { now_ += by; }

private:
    TimePoint now_;
};

} // namespace spirecovery::ike::test
