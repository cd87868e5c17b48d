// SPDX-License-Identifier: GPL-2.0
// Error reporting for everything fed by the network: decoders and checks return a Result
// instead of throwing, so a bad datagram is an ordinary value the caller must look at.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace spirecovery::ike {

struct Error {
    std::string message;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    // Preconditions: ok() for value(), !ok() for error().
    T& value() & { return std::get<T>(state_); }
    const T& value() const& { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    const Error& error() const { return std::get<Error>(state_); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    std::variant<T, Error> state_;
};

// Result of a check that produces nothing on success.
using Status = Result<std::monostate>;

inline Status success() {
    return std::monostate{};
}

} // namespace spirecovery::ike
