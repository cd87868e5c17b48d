// SPDX-License-Identifier: GPL-2.0
// Byte strings shared by the codec, the crypto facade and the protocol core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/crypto.h>

namespace spirecovery::ike {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Wipes every buffer it releases, so key material never lingers in freed heap memory,
// including the intermediate buffers a growing vector leaves behind.
template <typename T>
struct WipingAllocator {
    using value_type = T;

    WipingAllocator() noexcept = default;
    template <typename U>
    WipingAllocator(const WipingAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        OPENSSL_cleanse(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }

    template <typename U>
    bool operator==(const WipingAllocator<U>&) const noexcept {
        return true;
    }
};

// Secrets: PSK, DH shared secret, SKEYSEED and the keys derived from it.
using SecureBytes = std::vector<std::uint8_t, WipingAllocator<std::uint8_t>>;

inline SecureBytes to_secure(ByteView bytes) {
    return SecureBytes(bytes.begin(), bytes.end());
}

inline Bytes concat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (ByteView part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

// Lower-case hex, for logs.
std::string to_hex(ByteView bytes);
// Even number of hex digits, either case; nothing on anything else.
std::optional<Bytes> parse_hex(std::string_view hex);

} // namespace spirecovery::ike
