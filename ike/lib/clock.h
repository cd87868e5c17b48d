// SPDX-License-Identifier: GPL-2.0
// The time source of the protocol core, injected like its RandomSource so that tests run on
// simulated time and the core never reads a clock of its own.
#pragma once

#include <chrono>

namespace spirecovery::ike {

using TimePoint = std::chrono::steady_clock::time_point;
using Milliseconds = std::chrono::milliseconds;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

// std::chrono::steady_clock, what a daemon uses.
class SteadyClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

} // namespace spirecovery::ike
